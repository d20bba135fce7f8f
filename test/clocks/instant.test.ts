// The clocks count time without luxon (fixed +08:00); these properties check that against luxon's Asia/Shanghai.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addMonths, dayOf, endOfDay, formatDay, formatDue, formatInstant, isoWeekOf, localParts, parseDateTime, parseDay, startOfDay } from '../../src/time.ts';
import { ZONE, formatTime, parseTime } from '../../src/time.ts';

// 1992-2099: China has had no daylight saving time since 1991.
const instant = fc.integer({ min: Date.UTC(1992, 0, 1), max: Date.UTC(2099, 11, 31) }).map((ms) => Math.floor(ms / 1000) * 1000);
const offsets = fc.constantFrom('', 'Z', '+08:00', '+00:00', '-05:30', '+09:00');

describe('instant arithmetic matches luxon in Asia/Shanghai', () => {
  it('parses record times like parseTime, with or without an offset', () => {
    fc.assert(
      fc.property(instant, offsets, (ms, offset) => {
        const zone = offset === '' ? ZONE : offset === 'Z' ? 'UTC' : `UTC${offset}`;
        const local = DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
        const text = `${local}${offset}`;
        expect(parseDateTime(text)).toBe(parseTime(text)!.toMillis());
      }),
    );
  });

  it('formats like formatTime', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        expect(formatInstant(ms)).toBe(formatTime(DateTime.fromMillis(ms)));
      }),
    );
  });

  it("gives an instant's local date, hour and minute like luxon in Asia/Shanghai (the documents' dates and times)", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1992, 0, 1), max: Date.UTC(2099, 11, 31) }), (ms) => {
        const time = DateTime.fromMillis(ms, { zone: ZONE });
        expect(localParts(ms)).toEqual({ date: time.toISODate(), hour: time.toFormat('HH'), minute: time.toFormat('mm') });
      }),
    );
  });

  it('adds months like plus({ months }), month ends clamped', () => {
    fc.assert(
      // From 1995 on, so that 30 months back stays after 1991.
      fc.property(instant.filter((ms) => ms >= Date.UTC(1995, 0, 1)), fc.integer({ min: -30, max: 30 }), (ms, months) => {
        expect(addMonths(ms, months)).toBe(DateTime.fromMillis(ms, { zone: ZONE }).plus({ months }).toMillis());
      }),
    );
    const ms = parseDateTime('2026-10-31T10:00:00+08:00');
    expect(formatInstant(addMonths(ms, 1))).toBe('2026-11-30T10:00:00+08:00');
    expect(formatInstant(addMonths(parseDateTime('2028-01-31T08:00:00+08:00'), 1))).toBe('2028-02-29T08:00:00+08:00');
  });

  it('finds the civil day, its start and end, and the ISO week', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        const local = DateTime.fromMillis(ms, { zone: ZONE });
        const day = dayOf(ms);
        expect(formatDay(day)).toBe(local.toISODate());
        expect(startOfDay(day)).toBe(local.startOf('day').toMillis());
        // The end of a day is its last millisecond: anything before the next day's 00:00 is in time.
        expect(endOfDay(day)).toBe(local.endOf('day').toMillis());
        expect(endOfDay(day) + 1).toBe(startOfDay(day + 1));
        expect(isoWeekOf(day)).toBe(`${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`);
        expect(parseDay(local.toISODate()!)).toBe(day);
      }),
    );
  });

  it('rejects what is not a date or a time', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '2026-1-05', '20261001', '']) expect(parseDay(bad)).toBeNaN();
    for (const bad of ['2026-10-01', '2026-10-01T24:00', '2026-10-01T10:60', '2026-10-01T10:00:00+8', '2026-10-01T10:00:00.', '2026-10-01 10:00', '2026-10-01T10:00:00X']) {
      expect(parseDateTime(bad), bad).toBeNaN();
    }
    expect(formatInstant(parseDateTime('2026-10-01T10:00:00.250'))).toBe('2026-10-01T10:00:00.250+08:00');
  });

  it('writes the end of a day as 23:59:59 when it is a due, and keeps the milliseconds of any other time', () => {
    const day = parseDay('2026-10-09');
    expect(formatInstant(endOfDay(day))).toBe('2026-10-09T23:59:59.999+08:00');
    expect(formatDue(endOfDay(day))).toBe('2026-10-09T23:59:59+08:00');
    expect(formatDue(parseDateTime('2026-10-09T23:59:59.600+08:00'))).toBe('2026-10-09T23:59:59.600+08:00');
    expect(formatDue(parseDateTime('2026-10-09T23:59:59+08:00'))).toBe('2026-10-09T23:59:59+08:00');
    expect(formatDue(parseDateTime('2026-10-09T10:30:00+08:00'))).toBe('2026-10-09T10:30:00+08:00');
    // A time read without milliseconds is at .000: before the end of its day.
    expect(parseDateTime('2026-10-09T23:59:59.999+08:00')).toBe(endOfDay(day));
  });
});
