/** Vitest wiring: one fresh fake per test, failing the test on any violation it saw. */
import { afterEach, beforeEach } from 'vitest';
import { FakeGitHub, type FakeGitHubOptions } from './server.js';

/**
 * Starts a fresh fake before each test and, after it, fails the test on any violation and stops
 * the server. Call the returned function inside a test to get the current fake.
 */
export function useFakeGitHub(options: FakeGitHubOptions = {}): () => FakeGitHub {
  let current: FakeGitHub | undefined;
  beforeEach(async () => {
    current = await FakeGitHub.start(options);
  });
  afterEach(async () => {
    const fake = current;
    current = undefined;
    if (!fake) return;
    try {
      fake.assertNoViolations();
    } finally {
      await fake.close();
    }
  });
  return () => {
    if (!current) throw new Error('useFakeGitHub(): the fake only exists while a test runs');
    return current;
  };
}
