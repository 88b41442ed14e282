import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createService } from '../src/server.js';

let server;
let base;

before(async () => {
  server = createService({ version: '9.9.9' });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

test('answers the health check with its version', async () => {
  const response = await fetch(`${base}/healthz`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: 'ok', version: '9.9.9' });
});

test('greets through the query string', async () => {
  const response = await fetch(`${base}/greet?name=Grace`);
  assert.deepEqual(await response.json(), { greeting: 'Hello, Grace!' });
});

test('says what was wrong with a bad name', async () => {
  const response = await fetch(`${base}/greet?name=${'x'.repeat(50)}`);
  assert.equal(response.status, 400);
  assert.match((await response.json()).error, /longer than/);
});

test('answers 404 and 405 as JSON', async () => {
  assert.equal((await fetch(`${base}/nowhere`)).status, 404);
  assert.equal((await fetch(`${base}/healthz`, { method: 'POST' })).status, 405);
});
