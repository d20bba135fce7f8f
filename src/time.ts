// Times and civil dates, the one parser of both: every stage reads record times, --as-of and
// ISO weeks through this module. The epoch-millisecond arithmetic runs without luxon (the clocks'
// hot path): China has used a fixed UTC+08:00 with no daylight saving time since 1991, and the
// working-day calendar starts long after that, so "Asia/Shanghai" is exactly +08:00 for every time
// we count. Luxon DateTimes are made only where a command or a template wants one.
// test/clocks/instant.test.ts checks the arithmetic against luxon.
import { DateTime, Settings } from 'luxon';
import { DocpackError } from './errors.ts';

// Times are written with numeric tokens only: a fixed locale keeps Latin digits whatever the machine's
// locale, and spares Luxon asking ICU for the system locale at the first parse (~70 ms of every start).
Settings.defaultLocale = 'en-US';

/**
 * The first year a date may have: Excel cannot hold an earlier date (its serials start at 1900), and
 * no project record needs one; year 0000 is a typo, not a date.
 */
export const MIN_YEAR = 1900;

/** Real UTC offsets run from -12:00 to +14:00; +99:99 is not one. */
export const MAX_OFFSET_MINUTES = 14 * 60;

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

/** Day number of a real date written YYYY-MM-DD at `start` of `text`, or NaN. */
function dayAt(text: string, start: number): number {
  if (text.charCodeAt(start + 4) !== 45 || text.charCodeAt(start + 7) !== 45) return NaN;
  const year = digits(text, start, 4);
  const month = digits(text, start + 5, 2);
  const day = digits(text, start + 8, 2);
  if (year < MIN_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  return dayNumber(year, month, day);
}

/**
 * Parses YYYY-MM-DD to its day number, or returns undefined when `text` is not a real date
 * ("2026-02-30", "2026-13-01", "20261001", "2026-1-5").
 */
export function tryParseIsoDate(text: unknown): number | undefined {
  if (typeof text !== 'string' || text.length !== 10) return undefined;
  const day = dayAt(text, 0);
  return Number.isNaN(day) ? undefined : day;
}

export const OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;



/** Day number (days since 1970-01-01) of a real YYYY-MM-DD date, or NaN. */
export function parseDay(text: string): number {
  return text.length === 10 ? dayAt(text, 0) : NaN;
}

/**
 * Epoch ms of a record time: YYYY-MM-DDTHH:mm[:ss[.fff]][Z|±HH:MM], read at +08:00 without an
 * offset (as src/time.ts parseTime does). NaN when the text is not such a time.
 */
export function parseDateTime(text: string): number {
  const length = text.length;
  if (length < 16 || text.charCodeAt(10) !== 84 /* T */ || text.charCodeAt(13) !== 58) return NaN;
  const day = dayAt(text, 0);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (Number.isNaN(day) || hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  let i = 16;
  let second = 0;
  let millis = 0;
  if (i < length && text.charCodeAt(i) === 58) {
    second = digits(text, i + 1, 2);
    if (second < 0 || second > 59 || i + 3 > length) return NaN;
    i += 3;
    if (i < length && text.charCodeAt(i) === 46 /* . */) {
      let scale = 100;
      i += 1;
      const fractionStart = i;
      while (i < length) {
        const code = text.charCodeAt(i) - 48;
        if (code < 0 || code > 9) break;
        millis += code * scale;
        scale /= 10;
        i += 1;
      }
      if (i === fractionStart) return NaN;
      millis = Math.floor(millis);
    }
  }
  let offset = OFFSET_MS;
  if (i < length) {
    const sign = text.charCodeAt(i);
    if (sign === 90 /* Z */ && i + 1 === length) offset = 0;
    else if ((sign === 43 || sign === 45) && i + 6 === length && text.charCodeAt(i + 3) === 58) {
      const oh = digits(text, i + 1, 2);
      const om = digits(text, i + 4, 2);
      if (oh < 0 || om < 0 || om > 59 || oh * 60 + om > MAX_OFFSET_MINUTES) return NaN;
      offset = (sign === 45 ? -1 : 1) * (oh * HOUR_MS + om * MINUTE_MS);
    } else return NaN;
  }
  return day * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * 1000 + millis - offset;
}

/** Day number of the Asia/Shanghai civil date of an instant. */
export function dayOf(ms: number): number {
  return Math.floor((ms + OFFSET_MS) / DAY_MS);
}

/** 00:00:00 of a day in Asia/Shanghai. */
export function startOfDay(day: number): number {
  return day * DAY_MS - OFFSET_MS;
}

/** Epoch milliseconds of the start of `week`: its Monday 00:00 in Asia/Shanghai. */
export function weekStartMs(week: IsoWeek): number {
  return timeToEpochMs(`${week.start}T00:00:00+08:00`);
}

/**
 * The last millisecond of a day in Asia/Shanghai (23:59:59.999): "by the end of day D" is met by
 * anything before D+1 00:00, so 23:59:59.600 on the due day is on time (times are read to the
 * millisecond). Written as 23:59:59 by formatDue.
 */
export function endOfDay(day: number): number {
  return (day + 1) * DAY_MS - OFFSET_MS - 1;
}

const DAY_TEXT = new Map<number, string>();

/** YYYY-MM-DD of a day number (remembered: the same few hundred days are written again and again). */
export function formatDay(day: number): string {
  let date = DAY_TEXT.get(day);
  if (date === undefined) {
    if (DAY_TEXT.size > 100_000) DAY_TEXT.clear();
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    DAY_TEXT.set(day, date);
  }
  return date;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => (n < 10 ? `0${n}` : String(n)));

/** 2026-10-09T23:59:59+08:00 (milliseconds only when not zero). Hot: one per clock time, so no Date. */
export function formatInstant(ms: number): string {
  const local = ms + OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  const date = formatDay(day);
  const inDay = local - day * DAY_MS;
  const seconds = Math.floor(inDay / 1000);
  const hh = TWO_DIGITS[Math.floor(seconds / 3600)]!;
  const mm = TWO_DIGITS[Math.floor(seconds / 60) % 60]!;
  const ss = TWO_DIGITS[seconds % 60]!;
  const millis = inDay - seconds * 1000;
  const fraction = millis === 0 ? '' : `.${String(millis).padStart(3, '0')}`;
  return `${date}T${hh}:${mm}:${ss}${fraction}+08:00`;
}

/** The Asia/Shanghai civil date, hour and minute of an instant: { date: '2026-11-24', hour: '09', minute: '30' }. */
export function localParts(ms: number): { date: string; hour: string; minute: string } {
  const local = ms + OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  const minutes = Math.floor((local - day * DAY_MS) / MINUTE_MS);
  return { date: formatDay(day), hour: TWO_DIGITS[Math.floor(minutes / 60)]!, minute: TWO_DIGITS[minutes % 60]! };
}

/**
 * A computed deadline as text: formatInstant, except that the end of a day (23:59:59.999, see
 * endOfDay) is written 23:59:59 as people write it. Only for dues: an event keeps its milliseconds.
 */
export function formatDue(ms: number): string {
  return (ms + OFFSET_MS + 1) % DAY_MS === 0 ? formatInstant(ms - 999) : formatInstant(ms);
}

/** ISO weekday of a day number: 1 = Monday ... 7 = Sunday. */
export const weekdayOf = isoWeekday;

/** ISO week of a day number, e.g. "2026-W41". */
export function isoWeekOf(day: number): string {
  const thursday = day - weekdayOf(day) + 4; // the week belongs to the year of its Thursday
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1) / DAY_MS) / 7) + 1;
  return `${year}-W${week < 10 ? '0' : ''}${week}`;
}

/**
 * Adds calendar months the way luxon's plus({ months }) does in a fixed zone: same day of month
 * and time of day, clamped to the last day of a shorter month (2026-10-31 + 1 month = 2026-11-30).
 */
export function addMonths(ms: number, months: number): number {
  const local = new Date(ms + OFFSET_MS);
  const total = local.getUTCFullYear() * 12 + local.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12; // 0-based
  const day = Math.min(local.getUTCDate(), daysInMonth(year, month + 1));
  const timeOfDay = (ms + OFFSET_MS) - Math.floor((ms + OFFSET_MS) / DAY_MS) * DAY_MS;
  return Date.UTC(year, month, day) + timeOfDay - OFFSET_MS;
}


/** Every time without an explicit offset is read in this zone (the handbook's working zone). */
export const ZONE = 'Asia/Shanghai';

/** True when `text` is a real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDate(text: string): boolean {
  return tryParseIsoDate(text) !== undefined;
}

/** True when `text` is an ISO 8601 time with a real date and time, with or without an offset. */
export function isLocalDateTime(text: string): boolean {
  return !Number.isNaN(parseDateTime(text));
}

/**
 * Milliseconds since the epoch of a record time, without Luxon: for hot loops.
 * A time without an offset is read at +08:00 — Asia/Shanghai has had no daylight saving time since 1991.
 * Returns NaN when the text is not a valid time. (parseDateTime, under the name most stages know.)
 */
export const timeToEpochMs = parseDateTime;

/**
 * Parses a record time: with an offset it is taken as written; without one it is read in Asia/Shanghai.
 * Returns a Luxon DateTime in Asia/Shanghai, or null when the text is not a valid time.
 */
export function parseTime(text: string): DateTime | null {
  const ms = parseDateTime(text);
  return Number.isNaN(ms) ? null : DateTime.fromMillis(ms, { zone: ZONE });
}

/**
 * Parses `--as-of`: a full time (offset optional, Asia/Shanghai by default) or a bare date,
 * which means the start of that day in Asia/Shanghai.
 */
export function parseAsOf(text: string): DateTime | null {
  const day = tryParseIsoDate(text);
  if (day !== undefined) return DateTime.fromMillis(startOfDay(day), { zone: ZONE });
  return parseTime(text);
}

/** "Now" for commands whose user gave no --as-of; stages never read the clock themselves. */
export function nowInShanghai(): DateTime {
  return DateTime.now().setZone(ZONE);
}

/** Formats a time the way every output writes it: 2026-11-25T09:00:00+08:00. */
export function formatTime(time: DateTime): string {
  return time.setZone(ZONE).toISO({ suppressMilliseconds: true }) ?? '';
}

/** The ISO week `2026-W48` as its Monday..Sunday dates. */
export interface IsoWeek {
  id: string;
  year: number;
  number: number;
  start: string;
  end: string;
}

/** Reads an ISO week written 2026-W48; a DocpackError (code bad-week) when it is not one. */
export function parseIsoWeek(text: string): IsoWeek {
  const match = /^(\d{4})-W(\d{2})$/.exec(text);
  const monday = match ? DateTime.fromObject({ weekYear: Number(match[1]), weekNumber: Number(match[2]), weekday: 1 }, { zone: ZONE }) : null;
  if (!match || !monday?.isValid || monday.weekNumber !== Number(match[2])) {
    throw new DocpackError({ code: 'bad-week', message: `${JSON.stringify(text)} is not an ISO week`, hint: 'write e.g. 2026-W48' });
  }
  return { id: text, year: Number(match[1]), number: Number(match[2]), start: monday.toISODate() ?? '', end: monday.plus({ days: 6 }).toISODate() ?? '' };
}

/** The ISO week a time falls in, in Asia/Shanghai. */
export function weekOf(time: DateTime): IsoWeek {
  const local = time.setZone(ZONE);
  return parseIsoWeek(`${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`);
}
