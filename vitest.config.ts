import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // dist/ fresh for the tests that run the CLI as a process; the office round trip started in the background.
    globalSetup: ['test/setup/dist.ts', 'test/office/setup.ts'],
    setupFiles: ['test/setup/fast-check.ts'],
    reporters: ['default', './test/setup/skips-reporter.ts'],
    // Vitest's default is one file at a time on 2 cores; much of the suite waits on child processes
    // (the CLI, npm, soffice), so two files at a time use both cores.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Budgets for a loaded 2-core machine; the slow end-to-end tests give their own.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
