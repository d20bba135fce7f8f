// The CLI as a user runs it: `node bin/docpack.js` as a new process, which runs the compiled dist/ (kept
// fresh by test/setup/dist.ts). A run that falls back to the sources through tsx means dist/ is stale: that
// fails here, loudly, instead of making the suite slow without saying why.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

const REPO = path.resolve(import.meta.dirname, '../..');

/** Runs `node <repo>/bin/docpack.js ...args` (cwd and env as given; bin defaults to this checkout's). */
export function runCli(args: readonly string[], options: SpawnSyncOptions & { bin?: string } = {}): CliRun {
  const { bin = path.join(REPO, 'bin/docpack.js'), ...spawnOptions } = options;
  const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...spawnOptions });
  if (run.error) throw run.error;
  const stderr = String(run.stderr);
  if (stderr.includes('running the sources through tsx') || stderr.includes('compiling it at start')) {
    throw new Error(`${bin} ran the sources through tsx or compiled a schema at start: dist/ is older than src/ or a schema (test/setup/dist.ts builds it before the tests; was src/ changed during the run?)\n${stderr}`);
  }
  return { status: run.status, stdout: String(run.stdout), stderr };
}

/**
 * Copies this checkout's dist/ into a copy of the repository, after its sources were copied: the copy's
 * bin/docpack.js (and its test run's global setup) then find a build at least as new as its src/.
 */
export function copyBuild(copy: string): void {
  cpSync(path.join(REPO, 'dist'), path.join(copy, 'dist'), { recursive: true });
}
