// The worker-thread entries. Compiled, docpack runs dist/pack/worker.js and dist/cli/check-worker.js; from
// its TypeScript sources (a checkout whose dist/ is stale), src/pack/worker.mjs and src/cli/check-worker.mjs,
// which load the sources through tsx. The suite's in-process builds and checks run the compiled entries of
// the same sources (vitest.config.ts sets DOCPACK_WORKERS_DIST: a tsx worker takes about 3.5 CPU s to start);
// this file checks the tsx entries themselves and the choice between them.
import { once } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { workerEntry } from '../src/worker-entry.ts';

const saved = process.env.DOCPACK_WORKERS_DIST;
afterEach(() => {
  if (saved === undefined) delete process.env.DOCPACK_WORKERS_DIST;
  else process.env.DOCPACK_WORKERS_DIST = saved;
});

describe('workerEntry', () => {
  const caller = pathToFileURL(path.resolve('src/pack/build.ts')).href;

  it('runs the compiled entry next to compiled code, whatever the environment says', () => {
    process.env.DOCPACK_WORKERS_DIST = '/elsewhere/dist';
    expect(workerEntry(pathToFileURL(path.resolve('dist/pack/build.js')).href, './worker.mjs', './worker.js', 'pack/worker.js')).toBe(pathToFileURL(path.resolve('dist/pack/worker.js')).href);
  });

  it('runs the tsx entry from the sources, or the named build of them', () => {
    delete process.env.DOCPACK_WORKERS_DIST;
    expect(workerEntry(caller, './worker.mjs', './worker.js', 'pack/worker.js')).toBe(pathToFileURL(path.resolve('src/pack/worker.mjs')).href);
    process.env.DOCPACK_WORKERS_DIST = path.resolve('dist');
    expect(workerEntry(caller, './worker.mjs', './worker.js', 'pack/worker.js')).toBe(pathToFileURL(path.resolve('dist/pack/worker.js')).href);
  });
});

describe('the tsx worker entries', () => {
  it('load the TypeScript sources in a worker thread and export the task functions', async () => {
    const entries = ['src/pack/worker.mjs', 'src/cli/check-worker.mjs'].map((file) => pathToFileURL(path.resolve(file)).href);
    const code = `const { parentPort } = require('node:worker_threads');
Promise.all(${JSON.stringify(entries)}.map((entry) => import(entry))).then(
  (modules) => parentPort.postMessage(modules.map((module) => module.default?.name ?? typeof module.default)),
  (error) => parentPort.postMessage(String(error && error.stack || error)),
);`;
    const worker = new Worker(code, { eval: true });
    try {
      const [message] = (await once(worker, 'message')) as [unknown];
      expect(message).toEqual(['renderProject', 'checkBatch']);
    } finally {
      await worker.terminate();
    }
  }, 60_000);
});
