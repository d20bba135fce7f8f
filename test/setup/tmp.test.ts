import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

// test/setup/tmp.ts: what the tests and the processes they start write to the temporary folder is removed
// with the run's own folder, instead of piling up in the system's.
it('puts the temporary files of this run, its child processes included, under one folder of its own', () => {
  expect(path.basename(tmpdir())).toMatch(/^docpack-test-run-/);
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("node:os").tmpdir())'], { encoding: 'utf8' });
  expect(child.stdout).toBe(tmpdir());
});
