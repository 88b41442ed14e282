import { describe, expect, it } from 'vitest';
import { commentKey, isStepName, keySlug, titleWithName } from '../../src/core/step-name.js';

describe('commentKey', () => {
  it.each([
    [undefined, 'coverage'],
    ['backend', 'coverage-backend'],
    ['py-3.12', 'coverage-py-3.12'],
  ])('%s → %s', (name, key) => expect(commentKey('coverage', name)).toBe(key));

  it('keeps names that are not key-safe apart with a hash', () => {
    const a = commentKey('coverage', 'web app');
    const b = commentKey('coverage', 'web/app');
    expect(a).toMatch(/^coverage-web-app-[0-9a-f]{8}$/);
    expect(b).toMatch(/^coverage-web-app-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(commentKey('coverage', '🚀')).toMatch(/^coverage-[0-9a-f]{8}$/);
  });
});

describe('keySlug', () => {
  it('keeps a safe name as it is and hashes the others', () => {
    expect(keySlug('py-3.12')).toBe('py-3.12');
    expect(keySlug('web app')).toMatch(/^web-app-[0-9a-f]{8}$/);
    expect(keySlug('../etc')).toMatch(/^etc-[0-9a-f]{8}$/);
    expect(keySlug('🚀')).toMatch(/^[0-9a-f]{8}$/);
    // The comment key is the action and this slug, so both stay the same for a name.
    expect(commentKey('coverage', 'web app')).toBe(`coverage-${keySlug('web app')}`);
  });
});

describe('isStepName', () => {
  it('takes one line of at most 100 characters', () => {
    expect(isStepName('py-3.12 / ubuntu')).toBe(true);
    expect(isStepName('a\nb')).toBe(false);
    expect(isStepName('x'.repeat(101))).toBe(false);
  });
});

describe('titleWithName', () => {
  it('adds the name in brackets', () => {
    expect(titleWithName('quality-gate', 'linux')).toBe('quality-gate (linux)');
    expect(titleWithName('quality-gate', undefined)).toBe('quality-gate');
  });
});
