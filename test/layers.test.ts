// The pipeline's shape, checked on every import of src/: load/validate → facts (calendar, clocks,
// alerts, the facts product) → render → pack/write → cli. A module may import its own layer and the
// layers below it, never one above; render reads the facts stage's product (types only) and never
// calls a clock, a rule or the calendar's loader; nothing but the facts stage (and the commands
// that show one stage alone) runs the clocks or the rules.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Lowest first. A top-level file of src/ (errors.ts, time.ts, labels.ts...) is the base every layer may use. */
const LAYERS: readonly (readonly string[])[] = [['base'], ['records'], ['calendar'], ['clocks'], ['alerts'], ['facts'], ['render'], ['pack', 'write'], ['cli']];

/** The modules that run a stage: clocks, rules, clocks → alerts for one record. */
const STAGE_MODULES = ['clocks/compute.ts', 'alerts/evaluate.ts', 'alerts/pipeline.ts'];
/** Who may call them: the stages themselves, the facts stage, and the commands that show one stage alone (clocks, check, explain, rules). */
const STAGE_CALLERS = ['clocks', 'alerts', 'facts', 'cli'];

interface Import {
  file: string;
  line: number;
  target: string;
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.(ts|mjs)$/.test(entry.name) ? [full] : [];
  });
}

/** Every relative import and re-export of a file (static and dynamic), with whether it brings only types. */
export function importsOf(file: string, text: string): Import[] {
  const found: Import[] = [];
  const lineAt = (index: number): number => text.slice(0, index).split('\n').length;
  const resolve = (specifier: string): string => path.relative('src', path.join(path.dirname(file), specifier)).split(path.sep).join('/');
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+['"](\.[^'"]+)['"]/gms)) {
    const clause = match[3] ?? '';
    // `import { type A, type B }` brings only types too.
    const names = /^\{([^}]*)\}$/s.exec(clause.trim())?.[1]?.split(',').map((name) => name.trim()).filter((name) => name !== '');
    const typeOnly = match[2] !== undefined || (names !== undefined && names.length > 0 && names.every((name) => name.startsWith('type ')));
    found.push({ file, line: lineAt(match.index ?? 0), target: resolve(match[4] as string), typeOnly });
  }
  for (const match of text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    found.push({ file, line: lineAt(match.index ?? 0), target: resolve(match[1] as string), typeOnly: false });
  }
  return found;
}

/** The folder a module of src/ belongs to: its first folder (render/word → render), or base for a top-level file. */
export function folderOf(relative: string): string {
  const parts = relative.split('/');
  return parts.length === 1 ? 'base' : (parts[0] as string);
}

function layerOf(folder: string): number {
  const index = LAYERS.findIndex((layer) => layer.includes(folder));
  if (index < 0) throw new Error(`src/${folder}/ is in no layer of test/layers.test.ts: add it where it belongs`);
  return index;
}

const files = sources('src');
const imports = files.flatMap((file) => importsOf(file, readFileSync(file, 'utf8')));
const where = (found: Import): string => `${found.file}:${found.line} imports ${found.target}`;

describe('layers', () => {
  it('reads the imports it checks (a sanity check of the parser itself)', () => {
    expect(files.length).toBeGreaterThan(80);
    expect(imports.length).toBeGreaterThan(300);
    expect(importsOf('src/render/excel/x.ts', "import type { A } from '../../facts/facts.ts';\nimport { b, type C } from '../values.ts';\nexport { d } from './d.ts';\nconst e = await import('../../pack/e.ts');")).toEqual([
      { file: 'src/render/excel/x.ts', line: 1, target: 'facts/facts.ts', typeOnly: true },
      { file: 'src/render/excel/x.ts', line: 2, target: 'render/values.ts', typeOnly: false },
      { file: 'src/render/excel/x.ts', line: 3, target: 'render/excel/d.ts', typeOnly: false },
      { file: 'src/render/excel/x.ts', line: 4, target: 'pack/e.ts', typeOnly: false },
    ]);
    expect(importsOf('src/a/b.ts', "import {\n  type A,\n  type B,\n} from '../c/d.ts';")[0]?.typeOnly).toBe(true);
  });

  it('has every folder of src/ in a layer', () => {
    for (const file of files) expect(() => layerOf(folderOf(path.relative('src', file).split(path.sep).join('/'))), file).not.toThrow();
  });

  it('never imports from a higher layer (load → validate → facts → render → pack/write → cli)', () => {
    const upward = imports.filter((found) => {
      const from = layerOf(folderOf(path.relative('src', found.file).split(path.sep).join('/')));
      return layerOf(folderOf(found.target)) > from;
    });
    expect(upward.map(where)).toEqual([]);
  });

  it('lets render read the facts stage\'s product, never call a stage before it', () => {
    const callsBack = imports.filter((found) => {
      const from = folderOf(path.relative('src', found.file).split(path.sep).join('/'));
      return from === 'render' && !found.typeOnly && ['calendar', 'clocks', 'alerts', 'facts'].includes(folderOf(found.target));
    });
    expect(callsBack.map(where)).toEqual([]);
  });

  it('runs the clocks and the rules only in the facts stage (and the commands that show one stage alone)', () => {
    const callers = imports.filter((found) => {
      const from = folderOf(path.relative('src', found.file).split(path.sep).join('/'));
      return !found.typeOnly && STAGE_MODULES.includes(found.target) && !STAGE_CALLERS.includes(from);
    });
    expect(callers.map(where)).toEqual([]);
  });
});
