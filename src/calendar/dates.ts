// Civil-date arithmetic by hand: the working-day calendar sits on the clocks engine's hot path,
// so no luxon, no Date, no regular expression here.
import { DocpackError } from '../errors.ts';
import type { IsoDate } from './types.ts';
import { civilFromDayNumber, digits, tryParseIsoDate } from '../time.ts';

// The civil-date primitives live in src/time.ts (the one parser of dates and times); re-exported for the calendar's users.
export { MAX_OFFSET_MINUTES, MIN_YEAR, civilFromDayNumber, dayNumber, daysInMonth, digits, isLeapYear, isoWeekday, tryParseIsoDate } from '../time.ts';

/** Parses YYYY-MM-DD to its day number; throws DocpackError code "bad-date" when it is not a real date. */
export function parseIsoDate(text: unknown): number {
  const parsed = tryParseIsoDate(text);
  if (parsed === undefined) {
    throw new DocpackError({
      code: 'bad-date',
      message: `${JSON.stringify(text)} is not a date (YYYY-MM-DD)`,
      hint: 'write a real calendar date as YYYY-MM-DD, e.g. 2026-10-08',
    });
  }
  return parsed;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Formats a day number as YYYY-MM-DD (years 1000-9999). */
export function formatDayNumber(dayNum: number): IsoDate {
  const { year, month, day } = civilFromDayNumber(dayNum);
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** The year of a YYYY-MM-DD string already known to be valid. */
export function yearOf(date: IsoDate): number {
  return digits(date, 0, 4);
}

/** 星期一 ... 星期日 for an ISO weekday. */
export const WEEKDAY_ZH = ['', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六', '星期日'] as const;
