import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWorkbook } from '../../../src/render/excel/render.ts';
import { SortedRows, compareSortValues, sortLimits, type SortValue } from '../../../src/render/excel/sorted-rows.ts';
import type { CellValue } from '../../../src/render/excel/values.ts';
import { FINDINGS } from './findings.ts';
import { fixtures, inputFor, specs } from './helpers.ts';
import { runs } from '../../support/runs.ts';

const cell: fc.Arbitrary<CellValue> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.double(),
  fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.date({ noInvalidDate: true }),
  fc.constant(null),
);
const key: fc.Arbitrary<SortValue> = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b', '电路', ''), fc.constant(null));

function scratchDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('docpack-sort-'));
}

describe('sorted rows', () => {
  const limit = sortLimits.inMemoryRows;
  afterEach(() => {
    sortLimits.inMemoryRows = limit;
  });

  it('gives a stable sort of the cells as they were, in memory and through the scratch file alike', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(cell, { maxLength: 4 }), fc.array(key, { minLength: 2, maxLength: 2 })), { maxLength: 40 }),
        fc.tuple(fc.boolean(), fc.boolean()),
        fc.integer({ min: 0, max: 10 }),
        (rows, [first, second], spillAfter) => {
          const directions = [{ descending: first }, { descending: second }];
          const expected = rows
            .map((row, index) => ({ row, index }))
            .sort((a, b) => compareSortValues(a.row[1][0]!, b.row[1][0]!, first) || compareSortValues(a.row[1][1]!, b.row[1][1]!, second) || a.index - b.index)
            .map(({ row }) => row[0]);
          const before = scratchDirs().length;
          const sorted = new SortedRows(directions, spillAfter);
          for (const [cells, keys] of rows) sorted.add(cells, keys);
          sorted.sort();
          // Read twice: a sheet is read once to measure and once to write.
          for (let pass = 0; pass < 2; pass++) {
            const got = [...sorted.rows()];
            expect(got).toHaveLength(expected.length);
            got.forEach((cells, index) => {
              const want = expected[index]!;
              expect(cells).toHaveLength(want.length);
              cells.forEach((value, column) => {
                const wanted = want[column]!;
                if (wanted instanceof Date) expect(value).toEqual(wanted);
                else expect(Object.is(value, wanted), `${String(value)} vs ${String(wanted)}`).toBe(true);
              });
            });
          }
          sorted.close();
          expect(scratchDirs().length).toBe(before);
        },
      ),
      { numRuns: runs(200, 50) },
    );
  });

  it('sorts number keys (dates as their time, -0, NaN, blanks, missing keys) as compareSortValues does, past the first few hundred rows too', () => {
    const numberKey: fc.Arbitrary<SortValue> = fc.oneof(fc.integer({ min: -2, max: 2 }), fc.double(), fc.constantFrom(-0, 0, Number.NaN, 1.7e12, 1.7e12 + 1), fc.constant(null));
    fc.assert(
      fc.property(
        // Some rows with text in the second key: that key moves from numbers to plain values midway.
        fc.array(fc.tuple(fc.array(numberKey, { maxLength: 3 }), fc.option(fc.constantFrom('a', 'b'), { freq: 20 })), { minLength: 0, maxLength: 700 }),
        fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
        (rows, [first, second, third]) => {
          const directions = [first, second, third].map((descending) => ({ descending }));
          const keyed = rows.map(([keys, text]) => (text === null ? keys : [keys[0] ?? null, text, ...keys.slice(2)]));
          const at = (keys: readonly SortValue[], k: number): SortValue => keys[k] ?? null;
          const expected = keyed
            .map((keys, index) => ({ keys, index }))
            .sort((a, b) => {
              for (let k = 0; k < 3; k++) {
                const compared = compareSortValues(at(a.keys, k), at(b.keys, k), directions[k]!.descending);
                if (compared !== 0) return compared;
              }
              return a.index - b.index;
            })
            .map(({ index }) => index);
          const sorted = new SortedRows(directions);
          keyed.forEach((keys, index) => sorted.add([index], keys));
          sorted.sort();
          expect([...sorted.rows()].map((cells) => cells[0])).toEqual(expected);
          sorted.close();
        },
      ),
      { numRuns: runs(100, 25) },
    );
  });

  it('spills past the in-memory limit and removes its scratch file when closed', () => {
    const sorted = new SortedRows([{ descending: false }], 2);
    sorted.add(['row 0', new Date(Date.UTC(2026, 10, 25))], [0]);
    sorted.add(['row 1', new Date(Date.UTC(2026, 10, 24))], [-1]);
    expect(sorted.scratchFile).toBeUndefined();
    for (let index = 2; index < 5; index++) sorted.add([`row ${index}`, new Date(Date.UTC(2026, 10, 25 - index))], [-index]);
    const file = sorted.scratchFile;
    expect(file !== undefined && existsSync(file)).toBe(true);
    sorted.sort();
    expect([...sorted.rows()].map((cells) => cells[0])).toEqual(['row 4', 'row 3', 'row 2', 'row 1', 'row 0']);
    sorted.close();
    expect(existsSync(file as string)).toBe(false);
    expect(existsSync(path.dirname(file as string))).toBe(false);
  });

  it('renders every shipped workbook to the same bytes whether its sorted sheets stay in memory or spill', async () => {
    const records = await fixtures();
    for (const spec of specs) {
      for (const mode of ['memory', 'stream'] as const) {
        const held = await renderWorkbook(inputFor(spec, records, { mode, findings: FINDINGS }));
        expect(Object.values(held.report.rows).some((rows) => rows > 1), spec.name).toBe(true);
        sortLimits.inMemoryRows = 0;
        const spilled = await renderWorkbook(inputFor(spec, records, { mode, findings: FINDINGS }));
        sortLimits.inMemoryRows = limit;
        expect(Buffer.compare(spilled.data, held.data), `${spec.name} (${mode})`).toBe(0);
        expect(spilled.report).toEqual(held.report);
      }
    }
  });
});
