import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Benchmarks are not tests: they run only on request (`npm run bench`), one file at a time so that
// they do not disturb each other's figures. Each file writes its figures as a part; the global
// teardown merges the parts into bench/results/latest.json and latest.md.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['bench/**/*.bench.ts'],
    globalSetup: ['bench/support/global-setup.ts'],
    setupFiles: ['bench/support/environment.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
