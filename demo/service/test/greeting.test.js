import assert from 'node:assert/strict';
import { test } from 'node:test';
import { greet, MAX_NAME_LENGTH } from '../src/greeting.js';

test('greets the world when no name is given', () => {
  assert.deepEqual(greet(undefined), { ok: true, greeting: 'Hello, world!' });
  assert.deepEqual(greet('   '), { ok: true, greeting: 'Hello, world!' });
});

test('greets a name, trimmed', () => {
  assert.deepEqual(greet('  Ada Lovelace '), { ok: true, greeting: 'Hello, Ada Lovelace!' });
  assert.deepEqual(greet('Zoë'), { ok: true, greeting: 'Hello, Zoë!' });
});

test('refuses names that are too long or hold markup', () => {
  assert.equal(greet('a'.repeat(MAX_NAME_LENGTH + 1)).ok, false);
  assert.equal(greet('<script>').ok, false);
});
