import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readJsonArrayItems } from '../../src/pack/json-array.ts';
import { formatJsonArrayItems, PackOutput } from '../../src/pack/output.ts';
import { runs } from '../support/runs.ts';

const item = fc.dictionary(
  fc.string({ maxLength: 6 }),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown),
  { maxKeys: 5 },
);

describe('reading back the arrays writeJsonArray writes', () => {
  it('gives every item as written, whatever the text (newlines, quotes, braces, non-BMP)', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 8 }), fc.constantFrom('findings', 'x y'), (items, key) => {
        const out = new PackOutput(path.join(mkdtempSync(path.join(tmpdir(), 'docpack-json-')), 'pack'));
        out.writeJsonArray('a.json', { asOf: '2026-11-25T09:00:00+08:00', n: 3, ok: true }, key, items, 't', []);
        const file = path.join(out.staging, 'a.json');
        expect([...readJsonArrayItems(file, key)]).toEqual(items);
        // The same file as one line: read whole, same items.
        writeFileSync(file, JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))));
        expect([...readJsonArrayItems(file, key)]).toEqual(items);
        out.abandon();
      }),
      { numRuns: runs(150, 50) },
    );
  });

  it('lays the file out as JSON.stringify(value, null, 2), whole or added a chunk at a time (openJsonArray)', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 8 }), fc.array(fc.nat(3), { maxLength: 8 }), (items, cuts) => {
        const out = new PackOutput(path.join(mkdtempSync(path.join(tmpdir(), 'docpack-json-')), 'pack'));
        const head = { asOf: '2026-11-25T09:00:00+08:00', n: 3 };
        const expected = `${JSON.stringify({ ...head, findings: items }, null, 2)}\n`;
        expect(out.writeJsonArray('a.json', head, 'findings', items, 't', [])).toBe(items.length);
        expect(readFileSync(path.join(out.staging, 'a.json'), 'utf8')).toBe(expected);
        // The same items in runs of 0 to 3, formatted apart (as worker threads format each project's findings).
        const writer = out.openJsonArray('b.json', head, 'findings');
        let at = 0;
        for (const cut of [...cuts, items.length]) {
          const run = items.slice(at, at + cut);
          writer.add({ text: formatJsonArrayItems(run), count: run.length });
          at += run.length;
        }
        expect(writer.finish('t', [])).toBe(items.length);
        expect(readFileSync(path.join(out.staging, 'b.json'), 'utf8')).toBe(expected);
        const [a, b] = out.manifest();
        expect(b?.sha256).toBe(a?.sha256);
        out.abandon();
      }),
      { numRuns: runs(150, 50) },
    );
  });

  it('refuses a file cut short and one without the array', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docpack-json-'));
    const out = new PackOutput(path.join(dir, 'pack'));
    out.writeJsonArray('a.json', { asOf: 'x' }, 'findings', [{ a: 1 }, { b: [1, 2] }, { c: 'd' }], 't', []);
    const text = readFileSync(path.join(out.staging, 'a.json'), 'utf8');
    const cut = path.join(dir, 'cut.json');
    writeFileSync(cut, text.slice(0, text.indexOf('"c"')));
    expect(() => [...readJsonArrayItems(cut, 'findings')]).toThrow();
    const other = path.join(dir, 'other.json');
    writeFileSync(other, '{"items": []}');
    expect(() => [...readJsonArrayItems(other, 'findings')]).toThrow(/no "findings" array/);
  });
});
