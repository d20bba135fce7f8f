// Every package that src/, test/, scripts/, bench/ and bin/ import is declared in package.json, so a test
// never passes only because a dependency of a dependency happens to be installed (hoisted). src/ and bin/
// (what the installed package runs) may use only `dependencies`; node: built-ins are always fine.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { parseSync, Visitor } from 'oxc-parser';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; overrides?: Record<string, unknown> };
const runtime = new Set(Object.keys(manifest.dependencies));
const declared = new Set([...runtime, ...Object.keys(manifest.devDependencies)]);
// A transitive package whose version package.json pins with `overrides` (jsonpath-plus) is declared there:
// a test may read it to check that the pin holds.
const overridden = new Set(Object.keys(manifest.overrides ?? {}));
const builtins = new Set(builtinModules);
// Files that run only in a checkout, where devDependencies are installed: the sources through tsx when
// dist/ is stale (the installed package never takes that branch), and what the build leaves out of dist/.
const buildExcluded = new Set((JSON.parse(readFileSync('tsconfig.build.json', 'utf8')) as { exclude?: string[] }).exclude ?? []);
const CHECKOUT_ONLY: Record<string, string[]> = { 'bin/docpack.js': ['tsx'], 'src/pack/worker.mjs': ['tsx'], 'src/cli/check-worker.mjs': ['tsx'] };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|js|mjs|cjs)$/.test(entry.name) && !entry.parentPath.includes('node_modules'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Every module specifier of a file: static imports and exports, import(), require() and import.meta.resolve(). */
export function specifiers(file: string, text: string): { specifier: string; line: number; typeOnly: boolean }[] {
  const parsed = parseSync(file, text, { lang: /\.[mc]?ts$/.test(file) ? 'ts' : 'js', sourceType: 'module' });
  if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors.map((error) => error.message).join('; ')}`);
  const lineStarts = [0];
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) lineStarts.push(index + 1);
  const lineOf = (offset: number): number => lineStarts.filter((start) => start <= offset).length;
  const found: { specifier: string; line: number; typeOnly: boolean }[] = [];
  const add = (node: { type: string; value?: unknown; start: number } | null | undefined, typeOnly = false): void => {
    if (node?.type === 'Literal' && typeof node.value === 'string') found.push({ specifier: node.value, line: lineOf(node.start), typeOnly });
  };
  const calleeText = (node: { start: number; end: number }): string => text.slice(node.start, node.end);
  new Visitor({
    ImportDeclaration: (node) => add(node.source, node.importKind === 'type'),
    ExportNamedDeclaration: (node) => add(node.source, node.exportKind === 'type'),
    ExportAllDeclaration: (node) => add(node.source, node.exportKind === 'type'),
    ImportExpression: (node) => add(node.source),
    CallExpression: (node) => {
      const callee = node.callee;
      const required = callee.type === 'Identifier' && callee.name === 'require';
      const resolve = callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && callee.property.name === 'resolve';
      const resolved = resolve && (calleeText(callee.object) === 'import.meta' || /require$/.test(calleeText(callee.object)));
      if (required || resolved) add(node.arguments[0]);
    },
    TSImportType: (node) => add(node.source, true),
  }).visit(parsed.program);
  return found.sort((a, b) => a.line - b.line);
}

/** The package a bare specifier names ("@scope/name/sub" → "@scope/name"), or undefined for relative paths and built-ins. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#')) return undefined;
  if (specifier.startsWith('node:') || builtins.has(specifier.split('/')[0] ?? '')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe('declared dependencies', () => {
  it('reads every kind of import (the parser itself)', () => {
    const text = "import a from 'exceljs';\nimport type { B } from '@scope/pkg/sub';\nexport * from './local.ts';\nconst c = await import('luxon');\nconst d = require('node:fs');\nconst e = import.meta.resolve('tsx/esm/api');\ntype F = import('ajv').default;\n";
    expect(specifiers('x.ts', text).map((item) => `${item.line}:${packageOf(item.specifier) ?? '-'}${item.typeOnly ? ' (type)' : ''}`)).toEqual(['1:exceljs', '2:@scope/pkg (type)', '3:-', '4:luxon', '5:-', '6:tsx', '7:ajv (type)']);
  });

  const groups: { dirs: string[]; allowed: Set<string>; what: string }[] = [
    { dirs: ['src', 'bin'], allowed: runtime, what: 'dependencies (the installed package has no devDependencies)' },
    { dirs: ['test', 'scripts', 'bench', '.'], allowed: declared, what: 'dependencies or devDependencies' },
  ];
  for (const { dirs, allowed, what } of groups) {
    it(`${dirs.join(', ')} import only ${what}`, () => {
      const files = dirs.flatMap((dir) => (dir === '.' ? readdirSync('.').filter((name) => /\.(ts|mjs|js)$/.test(name)) : sourceFiles(dir)));
      expect(files.length).toBeGreaterThan(dirs.includes('src') ? 30 : 5);
      const undeclared: string[] = [];
      for (const file of files) {
        const devOnly = buildExcluded.has(file);
        for (const { specifier, line, typeOnly } of specifiers(file, readFileSync(file, 'utf8'))) {
          const name = packageOf(specifier);
          if (!name) continue;
          // A type-only import is erased by the compiler: its types may come from @types/<name>, a devDependency.
          const names = typeOnly ? [name, `@types/${name.replace(/^@([^/]+)\//, '$1__')}`] : [name];
          const ok = names.some((candidate) => allowed.has(candidate) || ((typeOnly || devOnly || CHECKOUT_ONLY[file]?.includes(candidate)) && declared.has(candidate)) || overridden.has(candidate));
          if (!ok) undeclared.push(`${file}:${line} imports "${specifier}": ${names.join(' or ')} is not in package.json ${what}`);
        }
      }
      expect(undeclared).toEqual([]);
    });
  }
});

describe('overrides of transitive packages', () => {
  it("raise ExcelJS's unzipper to 0.12 (0.10: CVE-2023-50551 and a hundred polyfill packages), and its streaming reader still reads", async () => {
    expect(manifest.overrides?.unzipper).toBe('^0.12.3');
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string }> };
    const [major, minor, patch] = (lock.packages['node_modules/unzipper']?.version ?? '0.0.0').split('.').map(Number) as [number, number, number];
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(12_003);
    for (const gone of ['binary', 'chainsaw', 'traverse', 'fstream', 'es-abstract']) expect(lock.packages[`node_modules/${gone}`], gone).toBeUndefined();
    // docpack never reads a workbook with it, but ExcelJS's reader is what unzipper is there for.
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    book.addWorksheet('表').addRow(['电路', 42]);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'docpack-unzipper-')), 'book.xlsx');
    await book.xlsx.writeFile(file);
    const rows: unknown[][] = [];
    for await (const sheet of new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache' })) {
      for await (const row of sheet) rows.push((row.values as unknown[]).slice(1));
    }
    expect(rows).toEqual([['电路', 42]]);
  });
});
