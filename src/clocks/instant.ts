// Epoch-millisecond arithmetic in Asia/Shanghai without luxon, for the clocks' hot path.
// China has used a fixed UTC+08:00 with no daylight saving time since 1991, and the working-day
// calendar starts long after that, so "Asia/Shanghai" is exactly +08:00 for every time we count.
// test/clocks/instant.test.ts checks these functions against luxon.
import { MAX_OFFSET_MINUTES, MIN_YEAR, daysInMonth, digits } from '../calendar/dates.ts';

export const OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;



/** Days since 1970-01-01 of a civil date (Hinnant's days_from_civil; no Date object). */
function dayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  return era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719468;
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

/**
 * The last millisecond of a day in Asia/Shanghai (23:59:59.999): "by the end of day D" is met by
 * anything before D+1 00:00, so 23:59:59.600 on the due day is on time (times are read to the
 * millisecond). Written as 23:59:59 by formatDue.
 */
export function endOfDay(day: number): number {
  return (day + 1) * DAY_MS - OFFSET_MS - 1;
}

/** YYYY-MM-DD of a day number. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => (n < 10 ? `0${n}` : String(n)));
const DAY_TEXT = new Map<number, string>();

/** 2026-10-09T23:59:59+08:00 (milliseconds only when not zero). Hot: one per clock time, so no Date. */
export function formatInstant(ms: number): string {
  const local = ms + OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  let date = DAY_TEXT.get(day);
  if (date === undefined) {
    if (DAY_TEXT.size > 100_000) DAY_TEXT.clear();
    date = formatDay(day);
    DAY_TEXT.set(day, date);
  }
  const inDay = local - day * DAY_MS;
  const seconds = Math.floor(inDay / 1000);
  const hh = TWO_DIGITS[Math.floor(seconds / 3600)]!;
  const mm = TWO_DIGITS[Math.floor(seconds / 60) % 60]!;
  const ss = TWO_DIGITS[seconds % 60]!;
  const millis = inDay - seconds * 1000;
  const fraction = millis === 0 ? '' : `.${String(millis).padStart(3, '0')}`;
  return `${date}T${hh}:${mm}:${ss}${fraction}+08:00`;
}

/**
 * A computed deadline as text: formatInstant, except that the end of a day (23:59:59.999, see
 * endOfDay) is written 23:59:59 as people write it. Only for dues: an event keeps its milliseconds.
 */
export function formatDue(ms: number): string {
  return (ms + OFFSET_MS + 1) % DAY_MS === 0 ? formatInstant(ms - 999) : formatInstant(ms);
}

/** ISO weekday of a day number: 1 = Monday ... 7 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

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
