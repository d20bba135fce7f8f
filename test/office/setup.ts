// Global setup: starts the office round trip's documents and conversions in the background (test/office/
// prepare.ts) as the run begins, so that soffice works while the other tests run, and stops it at the end.
// The nested runs of a few test files (the editor walk-throughs) set DOCPACK_OFFICE_PREPARE=0: they run no
// office test, and a test that asks for the output then fails or is skipped loudly (test/office/office.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

/** The test files that read the office output (a run of other files only does not start soffice). */
const OFFICE_TESTS = ['test/pack/documents-office.test.ts', 'test/render/word/libreoffice.test.ts', 'test/render/excel/libreoffice.test.ts'];

/** Whether the command line names test files (vitest's filters match paths by substring) and none of the office ones. */
export function officeFilteredOut(argv: readonly string[]): boolean {
  // The value of an option (--config vitest.other.ts, --exclude x) is not a filter.
  const valued = new Set(['--config', '-c', '--root', '-r', '--dir', '--exclude', '--reporter', '--outputFile', '--project', '--testNamePattern', '-t', '--maxWorkers', '--pool', '--shard']);
  const filters = argv.filter((arg, index) => !arg.startsWith('-') && !valued.has(argv[index - 1] ?? '') && /\.ts$|\/|test/.test(arg) && !arg.endsWith('vitest.mjs') && !arg.includes('node_modules'));
  return filters.length > 0 && !filters.some((filter) => OFFICE_TESTS.some((file) => file.includes(filter.replace(/^\.\//, ''))));
}

export default function setup(project: TestProject): () => void {
  if (process.env.DOCPACK_OFFICE_PREPARE === '0' || officeFilteredOut(process.argv.slice(2))) {
    project.provide('officeDir', '');
    return () => {};
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'docpack-office-'));
  const log = openSync(path.join(dir, 'prepare.log'), 'w');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'prepare.ts'), dir], { cwd: process.cwd(), stdio: ['ignore', log, log], detached: true });
  // A preparation that dies before writing its status (an import error, a crash) fails the office tests at
  // once with its log, instead of leaving them to wait out their budget.
  child.on('exit', (code, signal) => {
    const statusFile = path.join(dir, 'status.json');
    if (!existsSync(dir) || existsSync(statusFile)) return;
    const error = `test/office/prepare.ts exited (${signal ?? `code ${code}`}) before writing its status; its log: ${path.join(dir, 'prepare.log')}`;
    writeFileSync(statusFile, JSON.stringify({ ok: false, error, missing: [], seconds: 0, converted: {}, pack: {}, word: [] }));
  });
  project.provide('officeDir', dir);
  return () => {
    // The process group: soffice too, if the run ends (or is interrupted) before the conversion.
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
