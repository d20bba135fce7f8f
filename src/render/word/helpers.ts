import type { HelperDelegate, HelperOptions } from 'handlebars';
import type { WorkingCalendar } from '../../calendar/types.ts';
import { DocpackError } from '../../errors.ts';
import { isIsoDate, localParts, parseDateTime } from '../../time.ts';
import { dateFormat, formatDate, label as labelOf, type Labels } from '../../labels.ts';
import { escapeMarkdown } from './escape.ts';

/** What an empty value prints as, by default, in every formatting helper. */
export const PLACEHOLDER = '—';

export interface HelperContext {
  labels: Labels;
  calendar: WorkingCalendar;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * Results of a pure function of a string, kept: the same dates and times recur in every row and
 * document, and parsing them (luxon) is most of the helpers' time. Only results are kept, never
 * errors; the cache is emptied when it grows large.
 */
function remembered<T>(compute: (text: string) => T | undefined): (text: string) => T | undefined {
  const cache = new Map<string, T>();
  return (text) => {
    const cached = cache.get(text);
    if (cached !== undefined) return cached;
    const result = compute(text);
    if (result === undefined) return undefined;
    if (cache.size >= 4096) cache.clear();
    cache.set(text, result);
    return result;
  };
}

/** A time's Asia/Shanghai date, hour and minute, or undefined when the text is not a time. */
function timeParts(text: string): ReturnType<typeof localParts> | undefined {
  const ms = parseDateTime(text);
  return Number.isNaN(ms) ? undefined : localParts(ms);
}

const isoDateOf = remembered((text) => {
  if (isIsoDate(text)) return text;
  return timeParts(text)?.date;
});

/** 2026-11-24T09:30:00+08:00 -> 2026年11月24日 09:30; a bare date -> 2026年11月24日. */
const chineseTimeOf = remembered((text) => {
  if (isIsoDate(text)) return chineseDate(text);
  const time = timeParts(text);
  return time ? `${chineseDate(time.date)} ${time.hour}:${time.minute}` : undefined;
});

/** A record date or time as a calendar date in Asia/Shanghai (YYYY-MM-DD). */
export function toIsoDate(value: unknown, helper: string): string {
  if (typeof value === 'string') {
    const date = isoDateOf(value);
    if (date !== undefined) return date;
  }
  throw new DocpackError({
    code: 'template-bad-value',
    message: `${helper}: ${JSON.stringify(value)} is not a date (YYYY-MM-DD) or a time (ISO 8601)`,
    hint: 'pass a date or time field of the record, e.g. plan.doneAt',
  });
}

function toNumber(value: unknown, helper: string): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(number)) {
    throw new DocpackError({ code: 'template-bad-value', message: `${helper}: ${JSON.stringify(value)} is not a number` });
  }
  return number;
}

/** 2026-11-24 -> 2026年11月24日 */
export function chineseDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

const CHINESE_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 -> 一, 10 -> 十, 12 -> 十二, 25 -> 二十五 (1..99; larger numbers stay Arabic). */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99) return String(n);
  if (n < 10) return CHINESE_DIGITS[n] as string;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : CHINESE_DIGITS[tens]}十${ones === 0 ? '' : CHINESE_DIGITS[ones]}`;
}

/** 1234567 -> ¥1,234,567.00 */
export function formatMoney(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  const [whole, cents] = Math.abs(amount).toFixed(2).split('.') as [string, string];
  return `${sign}¥${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

type Helper = (...args: unknown[]) => unknown;

/** Splits Handlebars' trailing options argument from the helper's own arguments. */
function split(args: unknown[]): { values: unknown[]; options: HelperOptions } {
  return { values: args.slice(0, -1), options: args[args.length - 1] as HelperOptions };
}

function emptyText(options: HelperOptions): string {
  const empty: unknown = options.hash?.empty;
  return typeof empty === 'string' ? empty : PLACEHOLDER;
}

/**
 * The helpers every Word template may call. None of them evaluates strings or reaches outside the
 * value it is given. Formatting helpers print "—" (or `empty="..."`) for an absent value.
 */
export function createHelpers(context: HelperContext): Record<string, Helper> {
  const { labels, calendar } = context;
  const helpers: Record<string, Helper> = {
    /** Markdown-escapes a value; the renderer wraps every `{{...}}` in it. */
    md(...args) {
      const { values } = split(args);
      const value = values[0];
      if (value === null || value === undefined) return '';
      if (typeof value === 'object' && !Array.isArray(value)) {
        throw new DocpackError({
          code: 'template-bad-value',
          message: 'an object was printed; print one of its fields instead',
          hint: 'e.g. {{customer.name}} rather than {{customer}}',
        });
      }
      return escapeMarkdown(Array.isArray(value) ? value.join('、') : String(value));
    },
    cnDate(...args) {
      const { values, options } = split(args);
      return isEmpty(values[0]) ? emptyText(options) : chineseDate(toIsoDate(values[0], 'cnDate'));
    },
    cnTime(...args) {
      const { values, options } = split(args);
      if (isEmpty(values[0])) return emptyText(options);
      const value = values[0];
      const text = typeof value === 'string' ? chineseTimeOf(value) : undefined;
      if (text === undefined) throw new DocpackError({ code: 'template-bad-value', message: `cnTime: ${JSON.stringify(value)} is not a time (ISO 8601)` });
      return text;
    },
    /** A date as templates/labels.json's dateFormat.date says (2026年11月24日): the one date style of the documents. */
    date(...args) {
      const { values, options } = split(args);
      return isEmpty(values[0]) ? emptyText(options) : formatDate(toIsoDate(values[0], 'date'), dateFormat(labels, 'date'));
    },
    /** A time as dateFormat.dateTime says (2026年11月24日 09:30); a bare date as dateFormat.date. */
    dateTime(...args) {
      const { values, options } = split(args);
      if (isEmpty(values[0])) return emptyText(options);
      const value = values[0];
      if (typeof value === 'string' && isIsoDate(value)) return formatDate(value, dateFormat(labels, 'date'));
      const time = typeof value === 'string' ? timeParts(value) : undefined;
      if (!time) throw new DocpackError({ code: 'template-bad-value', message: `dateTime: ${JSON.stringify(value)} is not a time (ISO 8601)` });
      return formatDate(time.date, dateFormat(labels, 'dateTime'), time.hour, time.minute);
    },
    isoDate(...args) {
      const { values, options } = split(args);
      return isEmpty(values[0]) ? emptyText(options) : toIsoDate(values[0], 'isoDate');
    },
    addWorkingDays(...args) {
      const { values } = split(args);
      return calendar.addWorkingDays(toIsoDate(values[0], 'addWorkingDays'), toNumber(values[1], 'addWorkingDays'));
    },
    workingDaysBetween(...args) {
      const { values } = split(args);
      return calendar.workingDaysBetween(toIsoDate(values[0], 'workingDaysBetween'), toIsoDate(values[1], 'workingDaysBetween'));
    },
    label(...args) {
      const { values, options } = split(args);
      if (isEmpty(values[1])) return emptyText(options);
      return labelOf(labels, String(values[0]), values[1]);
    },
    money(...args) {
      const { values, options } = split(args);
      return isEmpty(values[0]) ? emptyText(options) : formatMoney(toNumber(values[0], 'money'));
    },
    /** The first value that is not empty (null, "" or []), else the last one: {{or x "—"}}. */
    or(...args) {
      const { values } = split(args);
      return values.find((value) => !isEmpty(value)) ?? values[values.length - 1];
    },
    placeholder(...args) {
      const { values, options } = split(args);
      return isEmpty(values[0]) ? emptyText(options) : values[0];
    },
    and(...args) {
      const { values } = split(args);
      return values.every((value) => !isEmpty(value) && value !== false && value !== 0);
    },
    not(...args) {
      const { values } = split(args);
      return isEmpty(values[0]) || values[0] === false || values[0] === 0;
    },
    eq(...args) {
      const { values } = split(args);
      return values[0] === values[1];
    },
    ne(...args) {
      const { values } = split(args);
      return values[0] !== values[1];
    },
    /** Numbering: {{seq @index}} -> 1, 2, 3 ...; {{seq @index 2}} starts at 2. */
    seq(...args) {
      const { values } = split(args);
      return toNumber(values[0], 'seq') + (values[1] === undefined ? 1 : toNumber(values[1], 'seq'));
    },
    /** Chinese numerals for headings: {{cnNum 3}} -> 三, {{cnNum (seq @index)}}. */
    cnNum(...args) {
      const { values } = split(args);
      return chineseNumber(toNumber(values[0], 'cnNum'));
    },
    len(...args) {
      const { values } = split(args);
      const value = values[0];
      return Array.isArray(value) ? value.length : typeof value === 'string' ? value.length : 0;
    },
    join(...args) {
      const { values } = split(args);
      const [list, separator] = values;
      return Array.isArray(list) ? list.filter((item) => !isEmpty(item)).join(typeof separator === 'string' ? separator : '、') : '';
    },
    /** A person as 姓名(单位): {{person team.customerManager}}. */
    person(...args) {
      const { values, options } = split(args);
      const value = values[0] as { name?: unknown; org?: unknown } | null | undefined;
      if (!value || typeof value !== 'object') return emptyText(options);
      return value.org ? `${String(value.name)}(${String(value.org)})` : String(value.name);
    },
  };
  return helpers;
}

/** Wraps a helper so that its errors name the template line and column that called it. */
export function locateErrors(name: string, helper: Helper): HelperDelegate {
  return function located(this: unknown, ...args: unknown[]): unknown {
    try {
      return helper.apply(this, args);
    } catch (error) {
      const options = args[args.length - 1] as (HelperOptions & { loc?: { start?: { line: number; column: number } } }) | undefined;
      const start = options?.loc?.start;
      if (error instanceof DocpackError && start && error.problem.line === undefined) {
        throw new DocpackError({ ...error.problem, line: start.line, column: start.column + 1 });
      }
      if (!(error instanceof DocpackError)) {
        throw new DocpackError({
          code: 'template-helper-failed',
          line: start?.line,
          column: start ? start.column + 1 : undefined,
          message: `helper ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
      throw error;
    }
  };
}
