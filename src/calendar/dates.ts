// Civil-date arithmetic by hand: the working-day calendar sits on the clocks engine's hot path,
// so no luxon, no Date, no regular expression here.
import { DocpackError } from '../errors.ts';
import type { IsoDate } from './types.ts';

/** Days since 1970-01-01 of a civil date (proleptic Gregorian; Hinnant's days_from_civil). */
export function dayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The civil date of a day number (Hinnant's civil_from_days). */
export function civilFromDayNumber(dayNum: number): { year: number; month: number; day: number } {
  const z = dayNum + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** ISO weekday of a day number: 1 = Monday ... 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(dayNum: number): number {
  return ((((dayNum + 3) % 7) + 7) % 7) + 1;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Reads `length` ASCII digits of `text` from `start`; -1 when one is not a digit. */
export function digits(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}

/**
 * Parses YYYY-MM-DD to its day number, or returns undefined when `text` is not a real date
 * ("2026-02-30", "2026-13-01", "20261001", "2026-1-5").
 */
/**
 * The first year a date may have: Excel cannot hold an earlier date (its serials start at 1900), and
 * no project record needs one; year 0000 is a typo, not a date.
 */
export const MIN_YEAR = 1900;

/** Real UTC offsets run from -12:00 to +14:00; +99:99 is not one. */
export const MAX_OFFSET_MINUTES = 14 * 60;

export function tryParseIsoDate(text: unknown): number | undefined {
  if (typeof text !== 'string' || text.length !== 10) return undefined;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined; // '-'
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < MIN_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return dayNumber(year, month, day);
}

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
