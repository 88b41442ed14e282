/** Vitest wiring: one fresh fake per test, failing the test on any violation it saw. */
import { useFake } from '../use-fake.js';
import { FakeGitHub, type FakeGitHubOptions } from './server.js';

/** A fresh fake GitHub per test; call the returned function inside a test to get it. */
export function useFakeGitHub(options: FakeGitHubOptions = {}): () => FakeGitHub {
  return useFake('useFakeGitHub', () => FakeGitHub.start(options));
}
