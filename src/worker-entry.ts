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

/**
 * The Node options a pool's worker threads start with: the process's own, less tsx's loader when the
 * workers run a compiled entry. Worker threads take the parent's options by default, so a compiled pool
 * started from a process running under tsx (the benchmark, a script, the test suite) would load tsx in
 * every worker and run about 10% slower for nothing (measured on `docpack build` of 2,000 projects).
 */
export function workerExecArgv(entry: string, execArgv: readonly string[] = process.execArgv): string[] {
  if (!entry.endsWith('.js')) return [...execArgv];
  const out: string[] = [];
  for (let index = 0; index < execArgv.length; index += 1) {
    const option = execArgv[index] as string;
    const joined = /^--(import|loader|experimental-loader|require)=(.*)$/.exec(option);
    if (joined) {
      if (!isTsx(joined[2] as string)) out.push(option);
      continue;
    }
    if (/^(--import|--loader|--experimental-loader|--require|-r)$/.test(option) && index + 1 < execArgv.length) {
      const value = execArgv[index + 1] as string;
      if (!isTsx(value)) out.push(option, value);
      index += 1;
      continue;
    }
    out.push(option);
  }
  return out;
}

/** tsx's entry points (tsx, tsx/esm, tsx/cjs), by name or by path into node_modules/tsx. */
function isTsx(specifier: string): boolean {
  return /^tsx(\/|$)/.test(specifier) || /[\\/]node_modules[\\/]tsx[\\/]/.test(specifier);
}
