import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Bundled actions run as child processes; two cores are all a runner has.
    maxWorkers: 2,
    // Tests marked concurrent (the fault matrix) mostly wait; three at a time per file.
    maxConcurrency: 3,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'lcov'],
    },
  },
});
