import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Benchmarks are not tests: they run only on request (`npm run bench`), one at a time so that they
// do not disturb each other's figures, and write those figures to bench/results/.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['bench/**/*.bench.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
