import { clearParts, mergeParts } from './figures.js';

/** Starts every run from no parts, and merges what the bench files wrote once all have run. */
export async function setup(): Promise<() => Promise<void>> {
  await clearParts();
  return mergeParts;
}
