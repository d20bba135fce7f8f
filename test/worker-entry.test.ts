import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../src/worker-entry.ts';

describe('the Node options of a pool of worker threads', () => {
  const compiled = 'file:///opt/docpack/dist/pack/worker.js';

  it("leaves tsx's loader out when the workers run a compiled entry (it made them ~10% slower), passing on what a worker accepts", () => {
    expect(workerExecArgv(compiled, ['--import', 'tsx', '--enable-source-maps'])).toEqual(['--enable-source-maps']);
    expect(workerExecArgv(compiled, ['--import=tsx/esm', '--require', 'tsx/cjs', '--conditions=dev'])).toEqual(['--conditions=dev']);
    expect(workerExecArgv(compiled, ['--loader', '/work/node_modules/tsx/dist/loader.mjs', '--import', './other-hook.mjs'])).toEqual(['--import', './other-hook.mjs']);
    // V8 and process-wide options make Node refuse a worker given them explicitly; they apply to the whole process anyway.
    expect(workerExecArgv(compiled, ['--import', 'tsx', '--max-old-space-size=512', '--stack-size=2000', '--title=x'])).toEqual([]);
  });

  it("takes the process's own options (the default) when tsx is not loaded, or for the entry that runs the TypeScript sources", () => {
    expect(workerExecArgv(compiled, ['--max-old-space-size=512'])).toBeUndefined();
    expect(workerExecArgv(compiled, ['--import', 'tsxlike'])).toBeUndefined();
    expect(workerExecArgv('file:///work/src/pack/worker.mjs', ['--import', 'tsx'])).toBeUndefined();
  });

  it('builds on worker threads when node is given a V8 option (Node refuses a worker given one explicitly)', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'docpack-worker-options-'));
    const run = spawnSync(process.execPath, ['--max-old-space-size=1024', path.resolve('bin/docpack.js'), 'build', 'fixtures/projects', '--out', out, '--as-of', '2026-11-25T09:00:00+08:00', '--concurrency', '2', '--no-progress'], { encoding: 'utf8' });
    expect(run.stderr).not.toMatch(/internal error|ERR_WORKER/);
    expect(run.status).toBe(0);
  });
});
