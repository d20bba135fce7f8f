// Where docpack finds its shipped data: rules, templates and schemas live in the package (the checkout,
// or node_modules/netservice-docpack when installed); a records repository may bring its own rules and
// templates, which then replace the package's folder of the same name.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root folder: this module is src/package-files.ts or dist/package-files.js, one level below it. */
export const packageRoot = fileURLToPath(new URL('../', import.meta.url));

/** The folders and files of docpack's layout that a repository may bring its own of, by their name in that layout. */
export const DATA_PATHS = ['rules/alerts', 'rules/deadlines', 'rules/calendars', 'templates/word', 'templates/excel', 'templates/pack.json', 'templates/labels.json'] as const;
export type DataPath = (typeof DATA_PATHS)[number];

/** A file shipped with docpack (a schema, package.json), never taken from the working directory. */
export function packageFile(relative: string): string {
  return path.join(packageRoot, relative);
}

/**
 * DOCPACK_DATA: a folder laid out like docpack's (rules/alerts, rules/deadlines, templates/word...) whose
 * data paths, those it has, replace the working directory's and the package's. docpack's own tests set it
 * to test/pinned, a frozen copy of the rules, so that a team's edits to rules/ never turn them red.
 */
function dataOverrideRoot(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const root = env.DOCPACK_DATA;
  return root === undefined || root === '' ? undefined : path.resolve(root);
}

/** A data folder or file: DOCPACK_DATA's, else the working directory's own (a records repository's rules/alerts), else the package's. */
export function dataPath(relative: DataPath, cwd: string = process.cwd()): string {
  const root = dataOverrideRoot();
  if (root !== undefined && existsSync(path.join(root, relative))) return path.join(root, relative);
  const own = path.resolve(cwd, relative);
  return existsSync(own) ? own : packageFile(relative);
}

/** The data paths the working directory brings its own of, when it is not docpack's own folder (a records repository). */
export function ownDataPaths(cwd: string = process.cwd()): DataPath[] {
  const root = dataOverrideRoot();
  return DATA_PATHS.filter((relative) => {
    if (root !== undefined && existsSync(path.join(root, relative))) return false;
    const own = path.resolve(cwd, relative);
    return existsSync(own) && own !== path.resolve(packageFile(relative));
  });
}

/** The data paths DOCPACK_DATA replaces (it must be a folder: a wrong one is an error, never ignored). */
export function overriddenDataPaths(): DataPath[] {
  const root = dataOverrideRoot();
  if (root === undefined) return [];
  if (!existsSync(root)) throw new Error(`DOCPACK_DATA=${root} does not exist`);
  const found = DATA_PATHS.filter((relative) => existsSync(path.join(root, relative)));
  if (found.length === 0) throw new Error(`DOCPACK_DATA=${root} has none of ${DATA_PATHS.join(', ')}`);
  return found;
}

/** docpack's version, from its package.json (one place to change it). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
}
