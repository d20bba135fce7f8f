import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DocpackError } from '../../../src/errors.ts';
import type { ColumnSpec, ValueSpec } from '../../../src/render/excel/spec.ts';
import { secondCheckState } from '../../../src/facts/facts.ts';
import { cellWidth, compileCondition, compileValue, displayWidth, excelDate, toCell } from '../../../src/render/excel/values.ts';
import type { ResourceCheck } from '../../../src/records/types.gen.ts';
import { AS_OF, calendar, labels } from './helpers.ts';
import { runs } from '../../support/runs.ts';

const env = { asOf: AS_OF, calendar, labels };
const value = (spec: ValueSpec, row: Record<string, unknown>): unknown => compileValue(spec, env)(row);
const column = (type: ColumnSpec['type'], extra: Partial<ColumnSpec> = {}): ColumnSpec => ({ key: 'c', header: '列', value: 'x', type, ...extra });

describe('paths and expressions', () => {
  const row = { problem: { plannedResolution: '2026-11-20', history: [{ note: 'a' }, { note: 'b' }] }, project: { customer: { name: '客户' } } };

  it('reads dotted paths, array indexes, and gives undefined for absent parts', () => {
    expect(value('project.customer.name', row)).toBe('客户');
    expect(value('problem.history.1.note', row)).toBe('b');
    expect(value('problem.owner.name', row)).toBeUndefined();
    expect(value('problem.__proto__.constructor', row)).toBeUndefined();
  });

  it('daysOverdue counts calendar days after the due date, blank until then', () => {
    expect(value({ daysOverdue: 'problem.plannedResolution' }, row)).toBe(5);
    expect(value({ daysOverdue: 'd' }, { d: '2026-11-25' })).toBeUndefined();
    expect(value({ daysOverdue: 'd' }, { d: '2026-11-24' })).toBe(1);
    expect(value({ daysOverdue: 'd' }, { d: '2026-12-31' })).toBeUndefined();
    // A time counts by its Shanghai civil date: 2026-11-23T20:00Z is 2026-11-24 in Shanghai.
    expect(value({ daysOverdue: 'd' }, { d: '2026-11-23T20:00:00Z' })).toBe(1);
    expect(value({ daysOverdue: 'd' }, {})).toBeUndefined();
  });

  it('daysUntil and workingDaysUntil count from the as-of date on the official calendar', () => {
    expect(value({ daysUntil: 'd' }, { d: '2026-12-01' })).toBe(6);
    // 2026-11-25 (Wed) → 2026-12-01 (Tue): Thu, Fri, Mon, Tue.
    expect(value({ workingDaysUntil: 'd' }, { d: '2026-12-01' })).toBe(4);
    // Over National Day 2026: 10-01..10-07 off; 10-08, 10-09, 10-10 (a make-up Saturday) and 10-12 count.
    const octoberEnv = { ...env, asOf: AS_OF.set({ month: 9, day: 30 }) };
    expect(compileValue({ workingDaysUntil: 'd' }, octoberEnv)({ d: '2026-10-12' })).toBe(4);
    expect(value({ workingDaysUntil: 'd' }, { d: '2026-11-20' })).toBe(-3);
    expect(() => value({ workingDaysUntil: 'd' }, { d: '2031-01-02' })).toThrow(/2031/);
  });

  it('addMonths keeps the kind of value and clamps to the month end', () => {
    expect(value({ addMonths: ['d', 1] }, { d: '2026-01-31' })).toBe('2026-02-28');
    expect(value({ addMonths: ['t', 1] }, { t: '2026-10-31T16:00:00+08:00' })).toBe('2026-11-30T16:00:00+08:00');
    expect(value({ addMonths: ['t', 1] }, { t: '2026-10-31T08:00:00Z' })).toBe('2026-11-30T16:00:00+08:00');
    expect(value({ addMonths: ['t', 1] }, {})).toBeUndefined();
    expect(() => value({ addMonths: ['t', 1] }, { t: 'soon' })).toThrow(DocpackError);
  });

  it('first, join, count and lessThan', () => {
    expect(value({ first: ['a', 'b', 'c'] }, { b: '', c: 'C' })).toBe('C');
    expect(value({ join: ['a', 'b', 'c'], with: ' / ' }, { a: 'A', c: 'C' })).toBe('A / C');
    expect(value({ count: 'list' }, { list: [1, 2, 3] })).toBe(3);
    expect(value({ count: 'list' }, {})).toBe(0);
    expect(value({ lessThan: ['a', 'b'] }, { a: 2, b: 4 })).toBe(true);
    expect(value({ lessThan: ['a', 'b'] }, { a: 8, b: 8 })).toBe(false);
    expect(value({ lessThan: ['a', 'b'] }, { a: 8 })).toBeUndefined();
  });

  it('conditions: all, any, not, equals, in, exists', () => {
    const holds = compileCondition({ all: [{ path: 's', in: ['open', 'in-progress'] }, { not: { path: 'r', exists: true } }, { any: [{ path: 'u', equals: true }, { path: 'n', equals: null }] }] });
    expect(holds({ s: 'open', u: false })).toBe(true);
    expect(holds({ s: 'open', u: false, n: 1 })).toBe(false);
    expect(holds({ s: 'closed', u: true })).toBe(false);
    expect(holds({ s: 'open', r: '2026-01-01', u: true })).toBe(false);
  });
});

describe('cell values', () => {
  it('dates are Excel dates of the Shanghai civil date, whatever the input offset', () => {
    expect(excelDate('2026-11-25', false)!.toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(excelDate('2026-11-24T20:30:00Z', false)!.toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(excelDate('2026-11-24T20:30:00Z', true)!.toISOString()).toBe('2026-11-25T04:30:00.000Z');
    expect(excelDate('2026-11-25T09:15', true)!.toISOString()).toBe('2026-11-25T09:15:00.000Z');
    expect(excelDate(AS_OF, true)!.toISOString()).toBe('2026-11-25T09:00:00.000Z');
    expect(excelDate('2026-02-30', false)).toBeUndefined();
  });

  it('converts by column type and refuses what does not fit', () => {
    expect(toCell(column('number'), 3, labels)).toBe(3);
    expect(toCell(column('money'), { amount: 1200.5, period: 'monthly' }, labels)).toBe(1200.5);
    expect(toCell(column('enum', { labels: 'problemStatus' }), 'in-progress', labels)).toBe('处理中');
    expect(toCell(column('boolean'), false, labels)).toBe('否');
    expect(toCell(column('text'), ['甲', '乙'], labels)).toBe('甲、乙');
    expect(toCell(column('text'), undefined, labels)).toBeNull();
    expect(() => toCell(column('number'), '3', labels)).toThrow(/is not a number/);
    expect(() => toCell(column('text'), { name: 'x' }, labels)).toThrow(/an object, not text/);
    expect(() => toCell(column('enum', { labels: 'problemStatus' }), 'lost', labels)).toThrow(/no label for "lost"/);
    expect(() => toCell(column('date'), 'yesterday', labels)).toThrow(/not a date/);
  });

  it('keeps text that looks like a formula as a plain string, never a formula object', () => {
    for (const text of ['=1+1', '+SUM(A1:A9)', '-2+3', '@cmd', '\t=1', '\n=1', '=HYPERLINK("http://x","y")']) {
      const cell = toCell(column('text'), text, labels);
      expect(cell).toBe(text);
      expect(typeof cell).toBe('string');
    }
    expect(() => toCell(column('text'), { formula: '1+1' }, labels)).toThrow(DocpackError);
    expect(toCell(column('text'), '\r=1\r\nx', labels)).toBe('\n=1\nx');
    expect(toCell(column('text'), 'a\u0000b\u001Fc\uFFFF', labels)).toBe('a\uFFFDb\uFFFDc\uFFFD');
    expect(toCell(column('text'), '𠮷 ok', labels)).toBe('𠮷 ok');
  });

  it('measures CJK characters as two columns wide', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('问题治理表')).toBe(10);
    expect(displayWidth('10GE 端口（主用）')).toBe(5 + 4 + 8);
    expect(displayWidth('第一行\nab')).toBe(6);
    expect(cellWidth(column('date'), new Date(0))).toBe(10);
    expect(cellWidth(column('datetime'), new Date(0))).toBe(16);
  });

  it('measures as the code-point-by-code-point definition does, on any text (the fast path included)', () => {
    // The definition: per line, each code point counts 2 when East Asian wide, else 1; the widest line.
    const wide = (code: number): boolean => displayWidth(String.fromCodePoint(code)) === 2;
    const reference = (text: string): number => Math.max(...text.split('\n').map((line) => [...line].reduce((sum, char) => sum + (wide(char.codePointAt(0)!) ? 2 : 1), 0)));
    expect(displayWidth('𠮷')).toBe(2);
    expect(displayWidth('\uD842')).toBe(1);
    expect(displayWidth('ｱ')).toBe(1);
    expect(displayWidth('Ａ')).toBe(2);
    const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom('\n', '中文', '한국어', '𠀀', '\uD800', '\uDC00', 'ｱ', '\r\n')), { maxLength: 8 }).map((parts) => parts.join(''));
    fc.assert(fc.property(text, (value) => displayWidth(value) === reference(value)), { numRuns: runs(3000, 1000) });
  });

  it('cleans text only where it has something to clean', () => {
    const plain = 'no CR or control characters 中文 𠀀';
    expect(toCell(column('text'), plain, labels)).toBe(plain);
    const reference = (value: string): string => value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (value) => toCell(column('text'), value, labels) === reference(value)), { numRuns: runs(3000, 1000) });
  });

  it('derives the second-check state of a resource check (§2.1.2 item 5)', () => {
    const base: ResourceCheck = { id: 'RC', demandOrder: { id: 'D', type: 'query' }, segment: 's', requestedAt: '2026-11-01T09:00:00+08:00' };
    const organizer = { name: '甲', org: '网运部', level: 'local' as const };
    expect(secondCheckState(base)).toBe('awaiting-feedback');
    // Whether one is needed is the rule's (resource-second-check): the record says only what happened.
    expect(secondCheckState({ ...base, result: 'available', scheduleMet: true })).toBe('none');
    expect(secondCheckState({ ...base, result: 'available', scheduleMet: false })).toBe('none');
    expect(secondCheckState({ ...base, result: 'unavailable' })).toBe('none');
    expect(secondCheckState({ ...base, result: 'unavailable', secondCheck: { organizer, requestedAt: '2026-11-02T09:00:00+08:00' } })).toBe('in-progress');
    expect(secondCheckState({ ...base, result: 'unavailable', secondCheck: { organizer, requestedAt: '2026-11-02T09:00:00+08:00', completedAt: '2026-11-04T09:00:00+08:00' } })).toBe('done');
  });
});
