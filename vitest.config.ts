import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // dist/ fresh for the tests that run the CLI as a process; the office round trip started in the background.
    globalSetup: ['test/setup/dist.ts', 'test/office/setup.ts'],
    setupFiles: ['test/setup/fast-check.ts'],
    reporters: ['default', './test/setup/skips-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
