import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The file a pool of worker threads runs. Compiled (the caller is a .js file), the compiled entry next to
 * the caller; from the TypeScript sources, the entry that runs them through tsx, unless DOCPACK_WORKERS_DIST
 * names a build of the same sources: the test suite sets it to dist/, which its set-up keeps as new as src/
 * (test/setup/dist.ts). A worker thread that loads the sources through tsx takes about 3.5 s of CPU to start,
 * a compiled one about 0.5 s.
 *
 * @param caller import.meta.url of the module that starts the pool
 * @param sources the tsx entry, relative to the caller (e.g. './worker.mjs')
 * @param compiled the compiled entry, relative to the caller in dist/ (e.g. './worker.js')
 * @param inDist the compiled entry's path inside dist/ (e.g. 'pack/worker.js')
 */
export function workerEntry(caller: string, sources: string, compiled: string, inDist: string): string {
  if (!caller.endsWith('.ts')) return new URL(compiled, caller).href;
  const dist = process.env.DOCPACK_WORKERS_DIST;
  return dist ? pathToFileURL(path.join(dist, inDist)).href : new URL(sources, caller).href;
}
