import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCalendar } from '../../src/calendar/calendar.ts';
import type { WorkingCalendar } from '../../src/calendar/types.ts';
import { type Plan, planStartDate, schedulePlan } from '../../src/clocks/plan-schedule.ts';
import { parseTime } from '../../src/time.ts';
import { runs } from '../support/runs.ts';
import { DocpackError } from '../../src/errors.ts';
import { checkSemantics } from '../../src/records/semantics.ts';
import { makeOrder, makeRecord } from './records.ts';

let calendar: WorkingCalendar;

beforeAll(() => {
  calendar = loadCalendar();
});

const spans = (plan: Plan, start?: string): string[] =>
  schedulePlan(plan, calendar, start).segments.map(({ name, start: from, end }) => `${name} ${from}..${end}`);

describe('schedulePlan', () => {
  it('chains segments without after from the working day after plan.doneAt (National Day 2026)', () => {
    const plan: Plan = {
      doneAt: '2026-09-29T17:00:00+08:00',
      segments: [
        { name: 'a', workingDays: 2 },
        { name: 'milestone', workingDays: 0 },
        { name: 'b', workingDays: 3 },
      ],
    };
    // 9-30 is a working day; National Day runs 10-01..10-07, 10-10 (Saturday) is a make-up working day.
    expect(spans(plan)).toEqual(['a 2026-09-30..2026-10-08', 'milestone 2026-10-09..2026-10-09', 'b 2026-10-09..2026-10-12']);
    const schedule = schedulePlan(plan, calendar);
    expect(schedule).toMatchObject({ start: '2026-09-29', firstDay: '2026-09-30', end: '2026-10-12', totalWorkingDays: 5, spanWorkingDays: 5 });
    expect(schedule.segments.map((segment) => segment.follows)).toEqual([[], [0], [1]]);
  });

  it('runs segments in parallel when after says so, and ends with the last-ending one', () => {
    const plan: Plan = {
      doneAt: '2026-11-16T18:00:00+08:00',
      segments: [
        { name: 'PE 配置', workingDays: 3 },
        { name: '光缆敷设', workingDays: 8, after: [] },
        { name: '设备安装', workingDays: 3, after: [] },
        { name: '联调', workingDays: 3, after: ['PE 配置', '光缆敷设', '设备安装'] },
      ],
    };
    expect(spans(plan)).toEqual([
      'PE 配置 2026-11-17..2026-11-19',
      '光缆敷设 2026-11-17..2026-11-26',
      '设备安装 2026-11-17..2026-11-19',
      '联调 2026-11-27..2026-12-01',
    ]);
    const schedule = schedulePlan(plan, calendar);
    expect(schedule.end).toBe('2026-12-01');
    expect(schedule.totalWorkingDays).toBe(17);
    expect(schedule.spanWorkingDays).toBe(11);
    // The same plan chained ends 6 working days later.
    const chained = schedulePlan({ ...plan, segments: plan.segments.map(({ after: _after, ...segment }) => segment) }, calendar);
    expect(chained.end).toBe(calendar.addWorkingDays('2026-11-16', 17));
  });

  it('takes an explicit start and may follow a later-listed segment', () => {
    const plan: Plan = {
      doneAt: '2026-11-16T18:00:00+08:00',
      segments: [
        { name: 'b', workingDays: 1, after: ['a'] },
        { name: 'a', workingDays: 2, after: [] },
      ],
    };
    expect(spans(plan, '2026-11-20')).toEqual(['b 2026-11-25..2026-11-25', 'a 2026-11-23..2026-11-24']);
  });

  it('a milestone passes on what it waited for and takes no day', () => {
    const plan: Plan = {
      doneAt: '2026-11-16T09:00:00+08:00',
      segments: [
        { name: 'a', workingDays: 2 },
        { name: 'm', workingDays: 0, after: ['a'] },
        { name: 'b', workingDays: 1, after: ['m'] },
      ],
    };
    expect(spans(plan)).toEqual(['a 2026-11-17..2026-11-18', 'm 2026-11-19..2026-11-19', 'b 2026-11-19..2026-11-19']);
  });

  it('refuses unknown, ambiguous and circular references (plan-dependency) and a day past the calendar', () => {
    const codeOf = (plan: Plan): string => {
      try {
        schedulePlan(plan, calendar);
      } catch (error) {
        if (error instanceof DocpackError) return `${error.code}: ${error.message}`;
        throw error;
      }
      return 'no error';
    };
    const doneAt = '2026-11-16T09:00:00+08:00';
    expect(codeOf({ doneAt, segments: [{ name: 'a', workingDays: 1, after: ['x'] }] })).toBe('plan-dependency: plan.segments[0].after: segment "x" is not a segment of this plan');
    expect(codeOf({ doneAt, segments: [{ name: 'a', workingDays: 1 }, { name: 'a', workingDays: 1 }, { name: 'b', workingDays: 1, after: ['a'] }] })).toMatch(/two segments are named "a"/);
    expect(codeOf({ doneAt, segments: [{ name: 'a', workingDays: 1, after: ['b'] }, { name: 'b', workingDays: 1 }] })).toMatch(/in a circle: a → b → a|in a circle: b → a → b/);
    expect(codeOf({ doneAt, segments: [{ name: 'a', workingDays: 1, after: ['a'] }] })).toMatch(/cannot follow itself/);
    expect(codeOf({ doneAt, segments: [{ name: 'a', workingDays: 1000 }] })).toMatch(/^calendar-coverage/);
  });

  it('the record check reports a bad reference at its field', () => {
    const record = makeRecord({
      orders: [makeOrder({ plan: { doneAt: '2026-11-16T09:00:00+08:00', segments: [{ name: 'a', workingDays: 1 }, { name: 'b', workingDays: 1, after: ['c'] }] } })],
    });
    expect(checkSemantics(record)).toEqual([
      expect.objectContaining({ code: 'unknown-reference', field: 'orders[0].plan.segments[1].after[0]', message: 'segment "c" is not a segment of this plan', hint: 'use one of: a, b' }),
    ]);
  });

  it('property: every segment starts after all it follows end, and the plan ends with its last segment', () => {
    const arbitraryPlan = fc
      .array(fc.record({ workingDays: fc.integer({ min: 0, max: 15 }), mode: fc.constantFrom('chain', 'none', 'some') }), { minLength: 1, maxLength: 12 })
      .chain((rows) =>
        fc.tuple(
          fc.constant(rows),
          fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: rows.length, maxLength: rows.length }),
          fc.integer({ min: 0, max: 300 }),
        ),
      );
    fc.assert(
      fc.property(arbitraryPlan, ([rows, picks, offset]) => {
        const segments: Plan['segments'] = rows.map((row, index) => {
          const segment = { name: `s${index}`, workingDays: row.workingDays };
          if (row.mode === 'chain' || index === 0) return segment;
          // Only earlier segments, so there is never a cycle.
          const after = [...new Set((picks[index] ?? []).map((pick) => `s${pick % index}`))];
          return { ...segment, after: row.mode === 'none' ? [] : after };
        });
        const doneAt = `${calendar.addWorkingDays('2025-01-06', offset)}T10:00:00+08:00`;
        const schedule = schedulePlan({ doneAt, segments }, calendar);
        for (const segment of schedule.segments) {
          expect(calendar.isWorkingDay(segment.start)).toBe(true);
          expect(segment.start > schedule.start).toBe(true);
          const days = segment.workingDays === 0 ? 0 : calendar.workingDaysBetween(segment.start, segment.end) + 1;
          expect(days).toBe(segment.workingDays);
          for (const previous of segment.follows) {
            const before = schedule.segments[previous]!;
            if (before.workingDays > 0) expect(segment.start > before.end).toBe(true);
            else expect(segment.start >= before.start).toBe(true);
          }
        }
        expect(schedule.end).toBe(schedule.segments.map((segment) => segment.end).sort().at(-1));
        // Dependencies only delay: no plan ends later than the same plan chained.
        const chained = schedulePlan({ doneAt, segments: segments.map(({ name, workingDays }) => ({ name, workingDays })) }, calendar);
        expect(schedule.end! <= chained.end!).toBe(true);
      }),
    );
  });
});

describe('planStartDate', () => {
  // Epoch arithmetic from 1992 on, luxon's Asia/Shanghai rules before (1986-1991 daylight saving time, local mean time).
  const byLuxon = (doneAt: string): string => parseTime(doneAt)?.toISODate() ?? '';

  it('gives the Asia/Shanghai date of plan.doneAt as luxon does, around midnight, offsets and the DST years', () => {
    const times = ['2026-09-29T23:59:59+08:00', '2026-09-29T16:30:00Z', '2026-09-29T15:59:59.999Z', '2026-09-29T23:30:00-05:00', '2026-09-30T00:00:00', '1991-07-01T23:30:00+08:00', '1991-07-01T23:30:00', '1950-01-01T23:58:00+08:00', '1992-01-01T00:00:00+08:00', '1991-12-31T23:59:59'];
    for (const doneAt of times) expect(planStartDate({ doneAt, segments: [] }), doneAt).toBe(byLuxon(doneAt));
  });

  it('agrees with luxon on any time from 1900 to 2100', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 2), max: Date.UTC(2100, 0, 1) }), fc.constantFrom('Z', '+08:00', '-03:30', ''), (ms, offset) => {
        const shift = offset === '' || offset === '+08:00' ? 8 * 3_600_000 : offset === 'Z' ? 0 : -(3 * 3_600_000 + 30 * 60_000);
        const doneAt = `${new Date(ms + shift).toISOString().slice(0, 19)}${offset}`;
        expect(planStartDate({ doneAt, segments: [] })).toBe(byLuxon(doneAt));
      }),
      { numRuns: runs(5000, 1000) },
    );
  });
});
