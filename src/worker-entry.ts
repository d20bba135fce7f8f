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
 * The Node options a pool's worker threads start with, or undefined to take the process's own (the
 * default). A compiled entry started from a process running under tsx (the benchmark, a script, a
 * library user's tool) would load tsx in every worker and run about 10% slower for nothing (measured on
 * `docpack build` of 2,000 projects), so then the workers get the process's options less tsx's loader.
 * Options given explicitly must be ones a worker accepts: V8 and process-wide options (such as
 * --max-old-space-size) make Node refuse the worker, and apply to the whole process anyway, so only
 * module loading, conditions, source maps, warnings and experimental features are passed on.
 */
export function workerExecArgv(entry: string, execArgv: readonly string[] = process.execArgv): string[] | undefined {
  if (!entry.endsWith('.js')) return undefined;
  const out: string[] = [];
  let tsx = false;
  for (let index = 0; index < execArgv.length; index += 1) {
    const option = execArgv[index] as string;
    const joined = /^(--import|--loader|--experimental-loader|--require|--conditions)=(.*)$/.exec(option);
    const separate = /^(--import|--loader|--experimental-loader|--require|-r|--conditions|-C)$/.test(option) && index + 1 < execArgv.length;
    if (joined || separate) {
      const value = joined ? (joined[2] as string) : (execArgv[index + 1] as string);
      if (separate) index += 1;
      if (isTsx(value)) tsx = true;
      else out.push(...(joined ? [option] : [option, value]));
      continue;
    }
    if (/^--(enable-source-maps|no-warnings|trace-warnings|(no-)?experimental-[a-z-]+)(=.*)?$/.test(option)) out.push(option);
  }
  return tsx ? out : undefined;
}

/** tsx's entry points (tsx, tsx/esm, tsx/cjs), by name or by path into node_modules/tsx. */
function isTsx(specifier: string): boolean {
  return /^tsx(\/|$)/.test(specifier) || /[\\/]node_modules[\\/]tsx[\\/]/.test(specifier);
}

/** `{ execArgv }` for a pool's constructor when workerExecArgv gives options, else nothing (the process's own). */
export function workerOptions(entry: string): { execArgv?: string[] } {
  const execArgv = workerExecArgv(entry);
  return execArgv ? { execArgv } : {};
}
