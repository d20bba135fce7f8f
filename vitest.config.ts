import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The tests run against a frozen copy of the rules (test/pinned/rules): a team that edits rules/ must
// never need to edit test/ to keep npm test green. The shipped rules are tested by their own cases
// (rules/alerts/*.test.json), rules lint and the sample's expected findings, which opt out of the copy.
const pinned = fileURLToPath(new URL('./test/pinned', import.meta.url));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/fast-check.ts'],
    env: { DOCPACK_DATA: pinned },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
