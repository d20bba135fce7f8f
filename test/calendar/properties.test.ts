import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCalendar } from '../../src/calendar/calendar.ts';
import { dayNumber, formatDayNumber, parseIsoDate } from '../../src/calendar/dates.ts';

const calendar = loadCalendar();

// Dates in 2025-07-01..2026-06-30 and |n| <= 100 keep every result inside 2025-2026 (about 248 working days a year).
const date = fc.integer({ min: dayNumber(2025, 7, 1), max: dayNumber(2026, 6, 30) }).map(formatDayNumber);
const workingDate = date.map((day) => calendar.addWorkingDays(day, 0));
const count = fc.integer({ min: -100, max: 100 });
const nonZero = count.filter((n) => n !== 0);

/** The definition, one day at a time: the n-th working day after (n > 0) or before (n < 0) the date. */
function stepByStep(start: string, n: number): string {
  let day = parseIsoDate(start);
  let left = Math.abs(n);
  while (left > 0) {
    day += Math.sign(n);
    if (calendar.isWorkingDay(formatDayNumber(day))) left--;
  }
  return formatDayNumber(day);
}

describe('working-day arithmetic, properties', () => {
  it('agrees with counting one day at a time', () => {
    fc.assert(fc.property(date, nonZero, (day, n) => calendar.addWorkingDays(day, n) === stepByStep(day, n)));
  });

  it('lands on a working day', () => {
    fc.assert(fc.property(date, count, (day, n) => calendar.isWorkingDay(calendar.addWorkingDays(day, n))));
  });

  it('is monotonic in n, strictly for n >= 1', () => {
    fc.assert(
      fc.property(date, count, count, (day, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const lowDay = calendar.addWorkingDays(day, low);
        const highDay = calendar.addWorkingDays(day, high);
        expect(lowDay <= highDay).toBe(true);
        if (low >= 1 && low < high) expect(lowDay < highDay).toBe(true);
      }),
    );
  });

  it('round-trips with -n from a working day', () => {
    fc.assert(fc.property(workingDate, count, (day, n) => calendar.addWorkingDays(calendar.addWorkingDays(day, n), -n) === day));
  });

  it('workingDaysBetween(d, add(d, n)) is n from a working day, and from any day when n > 0', () => {
    fc.assert(fc.property(workingDate, count, (day, n) => calendar.workingDaysBetween(day, calendar.addWorkingDays(day, n)) === n));
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: 100 }), (day, n) => calendar.workingDaysBetween(day, calendar.addWorkingDays(day, n)) === n),
    );
  });

  it('workingDaysBetween is antisymmetric and additive', () => {
    fc.assert(
      fc.property(date, date, date, (a, b, c) => {
        expect(calendar.workingDaysBetween(a, b) + calendar.workingDaysBetween(b, a)).toBe(0);
        expect(calendar.workingDaysBetween(a, b) + calendar.workingDaysBetween(b, c)).toBe(calendar.workingDaysBetween(a, c));
      }),
    );
  });
});
