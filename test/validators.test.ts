// The validators `npm run build` generates (Ajv standalone code, dist/validators/<name>.cjs) against the
// schema compiled at run time, as the sources use it: the same verdict and the same errors, word for word,
// on every JSON file of the repository and on thousands of broken variants of the valid ones.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { createAjv, FORMATS, SCHEMA_FILES, SCHEMA_NAMES, schemaDigest, schemaText, validatorModuleSource, type GeneratedValidator } from '../src/validators.ts';

const require = createRequire(import.meta.url);

/** Evaluates a generated module's text as Node would load the .cjs file. */
function evaluate(source: string): GeneratedValidator {
  const module = { exports: {} as GeneratedValidator };
  new Function('exports', 'require', 'module', source)(module.exports, require, module);
  return module.exports;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Every JSON document of the repository's data: records, rules and their cases, calendars, templates, schemas. */
const documents = ['fixtures', 'rules', 'templates', 'src/schemas']
  .flatMap(jsonFiles)
  .flatMap((file) => {
    try {
      return [{ file, value: JSON.parse(readFileSync(file, 'utf8')) as unknown }];
    } catch {
      return []; // the invalid fixtures that are not JSON at all
    }
  })
  .concat({
    // The repository has no docpack.config.json of its own: one with every field.
    file: 'docpack.config.json (every field)',
    value: { $schema: './node_modules/netservice-docpack/src/schemas/config.schema.json', inputs: ['records'], out: 'out', pack: 'templates/pack.json', failOn: 'escalation', concurrency: 4, referenceDoc: 'reference.docx', rules: 'rules/alerts', deadlines: 'rules/deadlines', calendar: 'rules/calendars', calendarProvisional: true },
  });

const WRONG_VALUES: readonly unknown[] = [null, 0, -1, 1.5, '', 'x', '2026-02-30', '2026-11-25T25:00', true, [], {}, [{}]];

/** Broken variants of a value: each member (to depth 3) removed, or replaced by values of every other type. */
function variants(value: unknown, depth = 0): unknown[] {
  if (depth > 3 || value === null || typeof value !== 'object') return [];
  const out: unknown[] = [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.slice(0, 2).map((item, index) => [index, item]) : Object.entries(value);
  for (const [key, child] of entries) {
    const copy = (replacement: unknown, remove = false): unknown => {
      if (Array.isArray(value)) return remove ? value.filter((_, index) => index !== key) : value.map((item, index) => (index === key ? replacement : item));
      const object: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      if (remove) delete object[key as string];
      else object[key as string] = replacement;
      return object;
    };
    out.push(copy(undefined, true));
    if (depth < 2) for (const wrong of WRONG_VALUES) out.push(copy(wrong));
    for (const inner of variants(child, depth + 1)) out.push(copy(inner));
  }
  if (!Array.isArray(value)) out.push({ ...(value as Record<string, unknown>), unknownField: 1 });
  return out;
}

describe.each(SCHEMA_NAMES)('the generated validator of %s', (name) => {
  const generated = evaluate(validatorModuleSource(name));
  const precompiled = generated.create(FORMATS);
  const runtime: ValidateFunction = createAjv().compile(JSON.parse(schemaText(name)) as object);

  it('records the digest of the schema it was made from, and is the same text every time', () => {
    expect(generated.digest).toBe(schemaDigest(schemaText(name)));
    expect(schemaDigest(`${schemaText(name)} `)).not.toBe(generated.digest);
    expect(validatorModuleSource(name)).toBe(validatorModuleSource(name));
  });

  it(`gives the verdict and errors of ${SCHEMA_FILES[name]} compiled by Ajv, on every JSON file and broken variants of the valid ones`, () => {
    let valid = 0;
    let checked = 0;
    for (const { file, value } of documents) {
      const inputs = runtime(value) ? [value, ...variants(value)] : [value];
      for (const input of inputs) {
        const expected = runtime(input);
        const expectedErrors = runtime.errors;
        const actual = precompiled(input);
        // vitest's deep equality is slow on thousands of verbose errors: it is asked (for its diff) only on a difference.
        if (actual !== expected || !isDeepStrictEqual(precompiled.errors, expectedErrors)) {
          expect(actual, file).toBe(expected);
          expect(precompiled.errors, file).toEqual(expectedErrors);
        }
        checked += 1;
        if (expected) valid += 1;
      }
    }
    // Both verdicts were exercised: the shipped files of this format are valid, their variants mostly not.
    expect(valid).toBeGreaterThan(0);
    expect(checked - valid).toBeGreaterThan(10);
  });
});
