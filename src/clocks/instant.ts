// Epoch-millisecond arithmetic in Asia/Shanghai without luxon, for the clocks' hot path.
// China has used a fixed UTC+08:00 with no daylight saving time since 1991, and the working-day
// calendar starts long after that, so "Asia/Shanghai" is exactly +08:00 for every time we count.
// test/clocks/instant.test.ts checks these functions against luxon.

export const OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** Reads `length` ASCII digits from `start`; -1 when one is not a digit. */
function digits(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Day number (days since 1970-01-01) of a real YYYY-MM-DD date, or NaN. */
export function parseDay(text: string): number {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/**
 * Epoch ms of a record time: YYYY-MM-DDTHH:mm[:ss[.fff]][Z|±HH:MM], read at +08:00 without an
 * offset (as src/time.ts parseTime does). NaN when the text is not such a time.
 */
export function parseDateTime(text: string): number {
  const length = text.length;
  if (length < 16 || text.charCodeAt(10) !== 84 /* T */ || text.charCodeAt(13) !== 58) return NaN;
  const day = parseDay(text.slice(0, 10));
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
      if (oh < 0 || om < 0 || oh > 23 || om > 59) return NaN;
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

/** 23:59:59 of a day in Asia/Shanghai: "a date-only deadline means the end of that day". */
export function endOfDay(day: number): number {
  return (day + 1) * DAY_MS - OFFSET_MS - 1000;
}

/** YYYY-MM-DD of a day number. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 2026-10-09T23:59:59+08:00 (milliseconds only when not zero). */
export function formatInstant(ms: number): string {
  const iso = new Date(ms + OFFSET_MS).toISOString();
  return `${ms % 1000 === 0 ? iso.slice(0, 19) : iso.slice(0, 23)}+08:00`;
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
