/** Vitest wiring shared by the fake services: one fresh fake per test, failing it on violations. */
import { afterEach, beforeEach } from 'vitest';

export interface CheckedFake {
  /** Throws when the code under test sent a request the real service would have rejected. */
  assertNoViolations(): void;
  close(): Promise<void>;
}

/**
 * Starts a fresh fake before each test and, after it, fails the test on any violation and stops
 * the server. Call the returned function inside a test to get the current fake.
 */
export function useFake<T extends CheckedFake>(name: string, start: () => Promise<T>): () => T {
  let current: T | undefined;
  beforeEach(async () => {
    current = await start();
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
    if (!current) throw new Error(`${name}(): the fake only exists while a test runs`);
    return current;
  };
}
