// What a light command loads. `docpack --version`, `calendar add` and `check` of one record must start at
// once (npm run bench measures how fast), so they may load only the packages listed here: an eager import of
// docx, exceljs, handlebars, json-rules-engine, fast-glob or Ajv's compiler fails this test, not a timing.
// `--help` loads every command module: each must leave its libraries to its action.
// Run on the compiled JavaScript (dist/, with the validators the build generates), in a copy of the checkout:
// the checkout's own dist/ when it is up to date, else a fresh build of the copy.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = process.cwd();
const trace = path.join(repoRoot, 'test/cli/module-trace/register.mjs');
const RECORD = 'fixtures/projects/P2026-AS-005.json';
const AS_OF = '2026-11-25T09:00:00+08:00';
const STALE = /running the sources through tsx/;

/** The npm packages each light command may load ("ajv/runtime": the few helpers generated validators call, not Ajv). */
const ALLOWED: Record<string, { args: string[]; packages: string[] }> = {
  '--version': { args: ['--version'], packages: ['commander'] },
  'calendar add': { args: ['calendar', 'add', '2026-11-25', '3'], packages: ['commander', 'luxon', 'fastest-levenshtein', '@humanwhocodes/momoa', 'ajv/runtime', 'fast-deep-equal'] },
  check: { args: ['check', RECORD, '--as-of', AS_OF], packages: ['commander', 'luxon', 'fastest-levenshtein', '@humanwhocodes/momoa', 'ajv/runtime', 'fast-deep-equal'] },
  // Help registers every command: none may load its libraries before it runs (fflate: the workbook writer's zip, small).
  '--help': { args: ['--help'], packages: ['commander', 'luxon', 'fastest-levenshtein', '@humanwhocodes/momoa', 'fflate'] },
};

let root: string;
let built: 'copied' | 'built';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  modules: string[];
}

function run(args: string[]): Run {
  const result = spawnSync(process.execPath, ['--import', trace, path.join(root, 'bin/docpack.js'), ...args], { cwd: root, encoding: 'utf8' });
  const lines = result.stderr.split('\n');
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: lines.filter((line) => !line.startsWith('module-trace: ')).join('\n').trim(),
    modules: lines.filter((line) => line.startsWith('module-trace: ')).map((line) => line.slice('module-trace: '.length)),
  };
}

/** The package of a module URL (`ajv/runtime` for Ajv's runtime helpers), or undefined for Node's and docpack's own. */
function packageOf(url: string): string | undefined {
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (!match) return undefined;
  return match[1] === 'ajv' && match[2]?.startsWith('dist/runtime/') ? 'ajv/runtime' : match[1];
}

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'docpack-startup-'));
  for (const entry of ['bin', 'src', 'rules', 'templates', 'scripts/build.mjs', 'package.json', 'tsconfig.json', 'tsconfig.build.json', RECORD]) {
    mkdirSync(path.dirname(path.join(root, entry)), { recursive: true });
    cpSync(path.join(repoRoot, entry), path.join(root, entry), { recursive: true });
  }
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'));
  // The checkout's build, when the bin runs it (its stamp is newer than the sources), else a build of the copy.
  const fresh = !STALE.test(spawnSync(process.execPath, [path.join(repoRoot, 'bin/docpack.js'), '--version'], { encoding: 'utf8' }).stderr);
  if (fresh) {
    cpSync(path.join(repoRoot, 'dist'), path.join(root, 'dist'), { recursive: true });
    built = 'copied';
  } else {
    const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed in the copy:\n${build.stdout}\n${build.stderr}`);
    built = 'built';
  }
}, 300_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe.each(Object.entries(ALLOWED))('docpack %s', (name, { args, packages }) => {
  it(`runs the compiled JavaScript and loads no package but ${packages.join(', ')}`, () => {
    const result = run(args);
    expect(result.stderr, `the dist/ of the copy was ${built}`).not.toMatch(STALE);
    expect(result.stderr).not.toMatch(/compiling it at start/);
    expect(result.status, result.stderr).toBe(0);
    const ours = result.modules.filter((url) => url.startsWith('file:') && !url.includes('/node_modules/'));
    expect(ours.length).toBeGreaterThan(0);
    // docpack's own modules come from dist/ (compiled validators included), never the TypeScript sources.
    expect(ours.filter((url) => !/\/(dist|bin)\//.test(url))).toEqual([]);
    const loaded = [...new Set(result.modules.map(packageOf).filter((item): item is string => item !== undefined))].sort();
    const unexpected = loaded.filter((item) => !packages.includes(item));
    expect(unexpected, `docpack ${name} loads ${unexpected.join(', ')}: import it where it is used (await import()), or list it here if the command needs it`).toEqual([]);
  });
});

describe('a schema edited after the build', () => {
  it('is compiled at start instead of using the stale generated validator, and says so', () => {
    const before = run(ALLOWED['calendar add']?.args ?? []);
    appendFileSync(path.join(root, 'rules/calendars/calendar.schema.json'), '\n');
    const after = run(ALLOWED['calendar add']?.args ?? []);
    expect(after.stderr).toContain('docpack: rules/calendars/calendar.schema.json: it changed after the last build; compiling it at start (npm run build makes it fast again)');
    expect(after.status).toBe(0);
    expect(after.stdout).toBe(before.stdout);
    expect(after.stdout.trim()).toBe('2026-11-30');
    expect(after.modules.some((url) => url.includes('/node_modules/ajv/dist/compile/'))).toBe(true);
  });
});
