// From a row context to cell values: dotted paths, the fixed set of expressions, conditions,
// and the conversion of each value to a real Excel value of the column's type. Nothing here
// evaluates text as code, and no cell value is ever a formula object: record text is text.
import { DateTime } from 'luxon';
import type { WorkingCalendar } from '../../calendar/types.ts';
import { DocpackError } from '../../errors.ts';
import { timeToEpochMs, tryParseIsoDate, ZONE } from '../../time.ts';
import { label, type Labels } from '../../labels.ts';
import { xmlSafe } from '../xml-safe.ts';
import type { ColumnSpec, ColumnType, Condition, ValueSpec } from './spec.ts';

/** One row's data: named parts such as { project, circuit, order, clocks, facts }. */
export type RowContext = Readonly<Record<string, unknown>>;

/** A cell as written: text, a number, an Excel date (UTC fields = Shanghai wall clock) or blank. */
export type CellValue = string | number | Date | null;

export interface ValueEnv {
  /** The as-of instant. */
  asOf: DateTime;
  calendar: WorkingCalendar;
  labels: Labels;
}

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

function step(value: unknown, segment: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) return /^(0|[1-9]\d*)$/.test(segment) ? value[Number(segment)] : undefined;
  if (value instanceof Map) return value.get(segment);
  return Object.hasOwn(value, segment) ? (value as Record<string, unknown>)[segment] : undefined;
}

/** Compiles "circuit.aEnd.site" into a getter over a row context; absent parts give undefined. */
export function compilePath(path: string): (row: RowContext) => unknown {
  const segments = path.split('.');
  return (row) => {
    let value: unknown = row;
    for (const segment of segments) value = step(value, segment);
    return value;
  };
}

export function compileCondition(condition: Condition): (row: RowContext) => boolean {
  if ('all' in condition) {
    const parts = condition.all.map(compileCondition);
    return (row) => parts.every((part) => part(row));
  }
  if ('any' in condition) {
    const parts = condition.any.map(compileCondition);
    return (row) => parts.some((part) => part(row));
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not);
    return (row) => !inner(row);
  }
  const get = compilePath(condition.path);
  if ('equals' in condition) {
    const expected = condition.equals;
    return (row) => (get(row) ?? null) === expected;
  }
  if ('in' in condition) {
    const expected = condition.in;
    return (row) => expected.includes((get(row) ?? null) as never);
  }
  const wanted = condition.exists;
  return (row) => (get(row) !== undefined && get(row) !== null) === wanted;
}

/** Shanghai civil date (YYYY-MM-DD) of a record date or time; undefined when it is neither. */
export function civilDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length === 10) return tryParseIsoDate(value) === undefined ? undefined : value;
  const ms = timeToEpochMs(value);
  return Number.isNaN(ms) ? undefined : new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 of a date known to be valid YYYY-MM-DD. */
function dayNumber(date: string): number {
  return tryParseIsoDate(date)!;
}

function expressionError(message: string, hint?: string): DocpackError {
  return new DocpackError({ code: 'sheet-value', message, hint });
}

/**
 * Compiles a column value: a path or one expression. Expressions that need a date read the
 * Shanghai civil date of the value; an absent value gives undefined (a blank cell).
 */
export function compileValue(value: ValueSpec, env: ValueEnv): (row: RowContext) => unknown {
  if (typeof value === 'string') return compilePath(value);
  const asOfDate = env.asOf.setZone(ZONE).toISODate()!;
  const asOfDay = dayNumber(asOfDate);
  const dateAt = (path: string): ((row: RowContext) => string | undefined) => {
    const get = compilePath(path);
    return (row) => {
      const raw = get(row);
      if (raw === undefined || raw === null) return undefined;
      const date = civilDate(raw);
      if (date === undefined) throw expressionError(`"${path}" is ${JSON.stringify(raw)}, not a date or time`);
      return date;
    };
  };
  if ('daysOverdue' in value) {
    // Due at the end of that day: overdue from the next day on, counted in whole calendar days.
    const get = dateAt(value.daysOverdue);
    return (row) => {
      const date = get(row);
      // Not yet overdue: blank, not 0 (a 0 reads as "due today and late").
      if (date === undefined) return undefined;
      const days = asOfDay - dayNumber(date);
      return days > 0 ? days : undefined;
    };
  }
  if ('daysUntil' in value) {
    const get = dateAt(value.daysUntil);
    return (row) => {
      const date = get(row);
      return date === undefined ? undefined : dayNumber(date) - asOfDay;
    };
  }
  if ('workingDaysUntil' in value) {
    const get = dateAt(value.workingDaysUntil);
    return (row) => {
      const date = get(row);
      return date === undefined ? undefined : env.calendar.workingDaysBetween(asOfDate, date);
    };
  }
  if ('addMonths' in value) {
    const [path, months] = value.addMonths;
    const get = compilePath(path);
    return (row) => {
      const raw = get(row);
      if (raw === undefined || raw === null) return undefined;
      if (typeof raw === 'string' && raw.length === 10 && tryParseIsoDate(raw) !== undefined) {
        return DateTime.fromISO(raw, { zone: ZONE }).plus({ months }).toISODate();
      }
      const ms = typeof raw === 'string' ? timeToEpochMs(raw) : Number.NaN;
      if (Number.isNaN(ms)) throw expressionError(`"${path}" is ${JSON.stringify(raw)}, not a date or time`);
      return DateTime.fromMillis(ms, { zone: ZONE }).plus({ months }).toISO({ suppressMilliseconds: true });
    };
  }
  if ('first' in value) {
    const getters = value.first.map(compilePath);
    return (row) => {
      for (const get of getters) {
        const found = get(row);
        if (found !== undefined && found !== null && found !== '') return found;
      }
      return undefined;
    };
  }
  if ('join' in value) {
    const getters = value.join.map(compilePath);
    const separator = value.with ?? ' — ';
    return (row) => {
      const parts = getters.map((get) => get(row)).filter((part) => part !== undefined && part !== null && part !== '');
      return parts.length === 0 ? undefined : parts.map((part) => scalarText(part, value.join.join(', '))).join(separator);
    };
  }
  if ('count' in value) {
    const get = compilePath(value.count);
    return (row) => {
      const found = get(row);
      return Array.isArray(found) ? found.length : 0;
    };
  }
  const [left, right] = value.lessThan.map(compilePath) as [(row: RowContext) => unknown, (row: RowContext) => unknown];
  return (row) => {
    const a = left(row);
    const b = right(row);
    return typeof a === 'number' && typeof b === 'number' ? a < b : undefined;
  };
}

/** What cellText may change: most text has none of it and is returned as it is, without a copy. */
const NEEDS_CLEANING = /[\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/**
 * Text as a cell holds it: line breaks as LF (XML reads a CR as LF anyway, so the cell is exactly
 * what was written) and characters XML cannot carry replaced.
 */
export function cellText(text: string): string {
  if (!NEEDS_CLEANING.test(text)) return text;
  return xmlSafe(text.replace(/\r\n?/g, '\n'));
}

function scalarText(value: unknown, where: string): string {
  if (typeof value === 'string') return cellText(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw expressionError(`${where} is ${Array.isArray(value) ? 'a list' : 'an object'}, not text`, 'point the column at a field inside it');
}

/** An Excel date whose UTC fields are the Shanghai wall clock: Excel dates have no zone. */
export function excelDate(value: unknown, withTime: boolean): Date | undefined {
  if (value instanceof DateTime) {
    const local = value.setZone(ZONE);
    return new Date(Date.UTC(local.year, local.month - 1, local.day, withTime ? local.hour : 0, withTime ? local.minute : 0, withTime ? local.second : 0));
  }
  if (typeof value !== 'string') return undefined;
  if (value.length === 10) {
    const day = tryParseIsoDate(value);
    return day === undefined ? undefined : new Date(day * DAY_MS);
  }
  const ms = timeToEpochMs(value);
  if (Number.isNaN(ms)) return undefined;
  const wall = ms + SHANGHAI_OFFSET_MS;
  return new Date(withTime ? Math.floor(wall / 1000) * 1000 : Math.floor(wall / DAY_MS) * DAY_MS);
}

export const DEFAULT_FORMATS: Readonly<Record<ColumnType, string | undefined>> = {
  text: '@',
  number: '0',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm',
  money: '"¥"#,##0.00',
  percent: '0.0%',
  enum: '@',
  boolean: '@',
};

/** The label group of an enum or boolean column. */
export function labelGroup(column: ColumnSpec): string | undefined {
  return column.labels ?? (column.type === 'boolean' ? 'boolean' : undefined);
}

function columnName(column: ColumnSpec): string {
  return `column "${column.key}" (${column.header})`;
}

function wrongValue(column: ColumnSpec, raw: unknown, what: string): DocpackError {
  return expressionError(`${columnName(column)}: ${JSON.stringify(raw)?.slice(0, 80)} is not ${what}`, "check the column's value path and type in the sheet spec");
}

/**
 * Converts a raw value to the cell of the column's type. Text stays text whatever it starts with
 * (=, +, -, @, tab): the result is a plain string, which the writer stores as a string cell, never
 * a formula. Throws DocpackError (code sheet-value) when the value does not fit the type.
 */
export function toCell(column: ColumnSpec, raw: unknown, labels: Labels): CellValue {
  if (raw === undefined || raw === null) return null;
  switch (column.type) {
    case 'text':
      if (typeof raw === 'string') return cellText(raw);
      if (Array.isArray(raw)) return raw.map((item) => scalarText(item, columnName(column))).join('、');
      return scalarText(raw, columnName(column));
    case 'number':
    case 'percent':
      if (typeof raw !== 'number') throw wrongValue(column, raw, 'a number');
      return Number.isFinite(raw) ? raw : null;
    case 'money': {
      const amount = typeof raw === 'object' && raw !== null && 'amount' in raw ? (raw as { amount: unknown }).amount : raw;
      if (typeof amount !== 'number') throw wrongValue(column, raw, 'an amount of money');
      return amount;
    }
    case 'date':
    case 'datetime': {
      const date = excelDate(raw, column.type === 'datetime');
      if (date === undefined) throw wrongValue(column, raw, column.type === 'date' ? 'a date (YYYY-MM-DD) or time' : 'a time');
      return date;
    }
    case 'enum':
    case 'boolean': {
      const group = labelGroup(column)!;
      if (column.type === 'boolean' && typeof raw !== 'boolean') throw wrongValue(column, raw, 'true or false');
      if (Array.isArray(raw)) return cellText(raw.map((item) => label(labels, group, item)).join('、'));
      if (typeof raw === 'object') throw wrongValue(column, raw, 'an enum value');
      return cellText(label(labels, group, raw));
    }
  }
}

/** Width of text in Excel character units: East Asian wide and fullwidth characters count 2. */
export function displayWidth(text: string): number {
  let widest = 0;
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x1100) {
      // Nothing below U+1100 is wide: the common case, one comparison per character.
      if (code === 10) {
        if (width > widest) widest = width;
        width = 0;
      } else width += 1;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = (code - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
        i += 1;
      }
    }
    width += isWide(code) ? 2 : 1;
  }
  return width > widest ? width : widest;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    // — ‘ ’ “ ” …: full width in Chinese faces (等线, Noto Sans CJK), as Chinese text uses them.
    code === 0x2014 ||
    code === 0x2015 ||
    code === 0x2018 ||
    code === 0x2019 ||
    code === 0x201c ||
    code === 0x201d ||
    code === 0x2026 ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** Display width of a cell as shown with its format. */
export function cellWidth(column: ColumnSpec, value: CellValue): number {
  if (value === null) return 0;
  if (value instanceof Date) return column.type === 'datetime' ? 16 : 10;
  if (typeof value === 'number') {
    if (column.type === 'money') return value.toFixed(2).length + Math.floor(Math.log10(Math.max(1, Math.abs(value))) / 3) + 2;
    if (column.type === 'percent') return (value * 100).toFixed(1).length + 1;
    return String(value).length;
  }
  return displayWidth(value);
}
