import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../src/worker-entry.ts';

describe('the Node options of a pool of worker threads', () => {
  const compiled = 'file:///opt/docpack/dist/pack/worker.js';

  it("leaves tsx's loader out when the workers run a compiled entry (it made them ~10% slower), keeping every other option", () => {
    expect(workerExecArgv(compiled, ['--import', 'tsx', '--max-old-space-size=512'])).toEqual(['--max-old-space-size=512']);
    expect(workerExecArgv(compiled, ['--import=tsx/esm', '--require', 'tsx/cjs', '--enable-source-maps'])).toEqual(['--enable-source-maps']);
    expect(workerExecArgv(compiled, ['--loader', '/work/node_modules/tsx/dist/loader.mjs', '--import', './other-hook.mjs'])).toEqual(['--import', './other-hook.mjs']);
    expect(workerExecArgv(compiled, ['--import', 'tsxlike'])).toEqual(['--import', 'tsxlike']);
  });

  it('keeps tsx for the entry that runs the TypeScript sources', () => {
    expect(workerExecArgv('file:///work/src/pack/worker.mjs', ['--import', 'tsx'])).toEqual(['--import', 'tsx']);
  });
});
