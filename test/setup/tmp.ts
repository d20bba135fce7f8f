// Global setup: the run's temporary files live in one folder, removed when the run ends. The tests make
// hundreds of mkdtemp folders (about 200 a run were left behind in the system's temporary folder, 8.8 GB
// after a day of runs); TMPDIR points the test workers, the CLI processes they start, soffice and the
// nested runs of the walk-throughs at this folder instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(path.join(tmpdir(), 'docpack-test-run-'));
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
