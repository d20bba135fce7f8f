import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/setup/sequencer.ts';

// The tests run against a frozen copy of the rules (test/pinned/rules): a team that edits rules/ must
// never need to edit test/ to keep npm test green. The shipped rules are tested by their own cases
// (rules/alerts/*.test.json), rules lint and the sample's expected findings, which opt out of the copy
// (test/shipped.ts). Set here too, so that the global set-up (the office pack) reads the same copy.
const pinned = fileURLToPath(new URL('./test/pinned', import.meta.url));
process.env.DOCPACK_DATA = pinned;
// The sources validate with the build's generated validators (dist/validators/, kept as new as src/ and the
// schemas by test/setup/dist.ts) instead of compiling every schema with Ajv in every test file, about a CPU
// second a file; test/validators.test.ts checks that both give the same verdicts and errors.
const validators = fileURLToPath(new URL('./dist/validators', import.meta.url));
process.env.DOCPACK_VALIDATORS_DIR = validators;
// Worker threads started by the sources (docpack build and check, run in-process by the tests) run the
// same build's compiled entries instead of the sources through tsx: about 0.5 s of CPU to start a thread
// instead of 3.5 s (src/worker-entry.ts). test/workers.test.ts loads the tsx entries themselves.
const dist = fileURLToPath(new URL('./dist', import.meta.url));
process.env.DOCPACK_WORKERS_DIST = dist;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // dist/ fresh for the tests that run the CLI as a process; the office round trip started in the background.
    // One temporary folder for the whole run, removed at its end (test/setup/tmp.ts), first: the office
    // set-up's folder is made in it too.
    globalSetup: ['test/setup/tmp.ts', 'test/setup/dist.ts', 'test/office/setup.ts'],
    setupFiles: ['test/setup/fast-check.ts'],
    env: { DOCPACK_DATA: pinned, DOCPACK_VALIDATORS_DIR: validators, DOCPACK_WORKERS_DIST: dist },
    reporters: ['default', './test/setup/skips-reporter.ts'],
    // Vitest's default is one file at a time on 2 cores; much of the suite waits on child processes
    // (the CLI, npm, soffice), so two files at a time use both cores.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The slowest files start first, in a fresh clone too (test/setup/sequencer.ts).
    sequence: { sequencer: SlowFirstSequencer },
    // A worker keeps its modules from one test file to the next instead of starting a fresh process and
    // importing src/, ExcelJS, docx... again for each of the ~70 files (a third of the suite's CPU time).
    // Test files restore what they change (environment, cwd, limits); one that must import the code under
    // test afresh (test/pack/output.test.ts wraps node:fs) calls vi.resetModules() first.
    isolate: false,
    // Budgets for a loaded 2-core machine; the slow end-to-end tests give their own.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
