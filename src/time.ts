import { DateTime, Settings } from 'luxon';
import { MAX_OFFSET_MINUTES, MIN_YEAR, daysInMonth } from './calendar/dates.ts';
import { parseDateTime } from './clocks/instant.ts';

export { daysInMonth };

/** Every time without an explicit offset is read in this zone (the handbook's working zone). */
export const ZONE = 'Asia/Shanghai';

// Times are written with numeric tokens only: a fixed locale keeps Latin digits whatever the machine's
// locale, and spares Luxon asking ICU for the system locale at the first parse (~70 ms of every start).
Settings.defaultLocale = 'en-US';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `text` is a real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= MIN_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}


/** True when `text` is an ISO 8601 time with a real date and time, with or without an offset. */
export function isLocalDateTime(text: string): boolean {
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const [hour, minute, second] = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)];
  const offset = /^[+-](\d{2}):(\d{2})$/.exec(match[8] ?? '');
  if (offset && (Number(offset[2]) > 59 || Number(offset[1]) * 60 + Number(offset[2]) > MAX_OFFSET_MINUTES)) return false;
  return isIsoDate(text.slice(0, 10)) && hour <= 23 && minute <= 59 && second <= 59;
}

/**
 * Milliseconds since the epoch of a record time, without Luxon: for hot loops.
 * A time without an offset is read at +08:00 — Asia/Shanghai has had no daylight saving time since 1991.
 * Returns NaN when the text is not a valid time. (The clocks' own parser, shared.)
 */
export const timeToEpochMs = parseDateTime;

/**
 * Parses a record time: with an offset it is taken as written; without one it is read in Asia/Shanghai.
 * Returns a Luxon DateTime in Asia/Shanghai, or null when the text is not a valid time.
 */
export function parseTime(text: string): DateTime | null {
  if (!isLocalDateTime(text)) return null;
  const parsed = DateTime.fromISO(text, { zone: ZONE, setZone: false });
  return parsed.isValid ? parsed.setZone(ZONE) : null;
}

/**
 * Parses `--as-of`: a full time (offset optional, Asia/Shanghai by default) or a bare date,
 * which means the start of that day in Asia/Shanghai.
 */
export function parseAsOf(text: string): DateTime | null {
  if (isIsoDate(text)) return DateTime.fromISO(text, { zone: ZONE }).startOf('day');
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
