import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { DocpackError, escapePointerSegment, pointerToField } from '../errors.ts';
import { SourceMap, describeSyntaxError } from '../records/json-text.ts';
import { describeSchemaErrors } from '../records/schema.ts';
import { schemaValidator } from '../validators.ts';
import { dataPath } from '../package-files.ts';
import { dayNumber, formatDayNumber, isoWeekday, parseIsoDate, tryParseIsoDate, yearOf } from './dates.ts';
import type { DayInfo, DayKind, IsoDate, WorkingCalendar } from './types.ts';
import type { CalendarYear } from './calendar-file.gen.ts';

/** The contents of rules/calendars/<year>.json, its holidays and source: generated from calendar.schema.json. */
export type { CalendarHoliday, CalendarYear } from './calendar-file.gen.ts';
/** Where a year's dates come from: the notice (official years) or the law (provisional years). */
export type CalendarSource = CalendarYear['source'];

/** A year file as read from the calendar folder. */
export interface CalendarFile {
  year: number;
  /** The file as the user knows it (rules/calendars/2027.json, or under --calendar-dir). */
  file: string;
  data: CalendarYear;
}

/** A working calendar that also keeps the year files it was built from (for `docpack calendar list`). */
export interface LoadedCalendar extends WorkingCalendar {
  readonly years: readonly CalendarYear[];
  /** Provisional year files in the folder that were left out because the user did not opt in. */
  readonly ignoredProvisional: readonly number[];
}

export interface LoadCalendarOptions {
  /** Use the provisional years (--calendar-provisional, or "calendarProvisional" in docpack.config.json). */
  provisional?: boolean;
}

export interface CreateCalendarOptions {
  /** File of each year, named in error messages. */
  files?: ReadonlyMap<number, string>;
  /** The calendar folder as the user knows it, named in coverage hints. Default: rules/calendars. */
  dir?: string;
  /** Provisional years whose files exist but were left out (named in coverage hints). */
  ignoredProvisional?: readonly number[];
}

export const DEFAULT_CALENDAR_DIR_LABEL = 'rules/calendars';
const DEFAULT_DIR_LABEL = DEFAULT_CALENDAR_DIR_LABEL;
const YEAR_FILE = /^(\d{4})\.json$/;

const KIND_WORKDAY = 0;
const KIND_WEEKEND = 1;
const KIND_HOLIDAY = 2;
const KIND_MAKEUP = 3;
const KIND_NAMES: readonly DayKind[] = ['workday', 'weekend', 'holiday', 'makeup-workday'];

/** rules/calendars of the working directory when it has one, else the package's. */
export function defaultCalendarDir(): string {
  return dataPath('rules/calendars');
}

/** What the user is told to pass to use provisional years. */
export const PROVISIONAL_OPT_IN = '--calendar-provisional (or "calendarProvisional": true in docpack.config.json)';

function calendarSchema(): ValidateFunction {
  return schemaValidator('calendar');
}

/** Adds the line and column of the problem's pointer, when the file's text is known. */
function placed(error: DocpackError, text: string | undefined): DocpackError {
  const { problem } = error;
  if (text === undefined || problem.line !== undefined || problem.pointer === undefined) return error;
  try {
    return new DocpackError({ ...problem, ...new SourceMap(text).locate(problem.pointer) });
  } catch {
    return error;
  }
}

/**
 * Checks one year file's contents against calendar.schema.json; throws DocpackError "calendar-invalid"
 * naming `file` (with line and column when `text`, the file's text, is given).
 */
export function checkCalendarYearSchema(data: unknown, file: string, text?: string): CalendarYear {
  const validate = calendarSchema();
  if (validate(data)) return data as CalendarYear;
  const problems = describeSchemaErrors(validate.errors ?? []);
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  let position: { line: number; column: number } | undefined;
  if (first && text !== undefined) {
    try {
      position = new SourceMap(text).locate(first.pointer, first.key);
    } catch {
      position = undefined;
    }
  }
  throw new DocpackError({
    code: 'calendar-invalid',
    file,
    ...position,
    pointer: first?.pointer ?? '',
    field: first?.field || undefined,
    message: `${first?.message ?? 'is invalid'}${more}`,
    hint: first?.hint ?? 'the file must match rules/calendars/calendar.schema.json (see README, "Adding a calendar year")',
  });
}

/**
 * Reads and checks every <year>.json of the calendar folder (default rules/calendars), in year
 * order, without building the calendar: each file against calendar.schema.json, its year against
 * its name, and each year on its own (dates real and in the year, make-up days on weekends, no
 * date twice). Errors are DocpackErrors naming the file, line and column.
 */
export function readCalendarFolder(dir?: string): CalendarFile[] {
  const folder = dir ?? defaultCalendarDir();
  const label = (name: string): string => (dir === undefined ? `${DEFAULT_DIR_LABEL}/${name}` : join(dir, name));
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => YEAR_FILE.test(name)).sort();
  } catch (error) {
    throw new DocpackError({
      code: 'calendar-missing',
      file: dir ?? DEFAULT_DIR_LABEL,
      message: `cannot read the calendar folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      hint: 'point --calendar-dir at a folder of <year>.json calendar files',
    });
  }
  const files: CalendarFile[] = [];
  for (const name of names) {
    const file = label(name);
    let text: string;
    let data: unknown;
    try {
      text = readFileSync(join(folder, name), 'utf8');
    } catch (error) {
      throw new DocpackError({ code: 'calendar-invalid', file, message: `cannot read the calendar: ${error instanceof Error ? error.message : String(error)}` });
    }
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new DocpackError({ file, ...describeSyntaxError(text, error), code: 'calendar-invalid' });
    }
    const calendarYear = checkCalendarYearSchema(data, file, text);
    const fileYear = Number(YEAR_FILE.exec(name)?.[1]);
    if (calendarYear.year !== fileYear) {
      throw placed(
        new DocpackError({
          code: 'calendar-invalid',
          file,
          pointer: '/year',
          field: 'year',
          message: `year ${calendarYear.year} does not match the file name (${fileYear})`,
          hint: `rename the file to ${calendarYear.year}.json or fix "year"`,
        }),
        text,
      );
    }
    try {
      createCalendar([calendarYear], { files: new Map([[fileYear, file]]), dir: dir ?? DEFAULT_DIR_LABEL });
    } catch (error) {
      throw error instanceof DocpackError ? placed(error, text) : error;
    }
    files.push({ year: fileYear, file, data: calendarYear });
  }
  return files;
}

/**
 * Reads every rules/calendars/<year>.json (or those of `dir`), validates each against
 * calendar.schema.json and builds the calendar. Provisional years are left out unless
 * `options.provisional`. Errors are DocpackErrors naming the file.
 */
export function loadCalendar(dir?: string, options: LoadCalendarOptions = {}): LoadedCalendar {
  const read = readCalendarFolder(dir);
  const used = read.filter((entry) => options.provisional === true || entry.data.provisional !== true);
  const ignoredProvisional = read.filter((entry) => !used.includes(entry)).map((entry) => entry.year);
  if (used.length === 0) {
    const only = ignoredProvisional.length > 0;
    throw new DocpackError({
      code: 'calendar-missing',
      file: dir ?? DEFAULT_DIR_LABEL,
      message: only ? `the only calendar years here are provisional (${ignoredProvisional.join(', ')})` : 'no <year>.json calendar file in this folder',
      hint: only ? `use them with ${PROVISIONAL_OPT_IN}` : 'add one: npx tsx scripts/import-calendar.ts <year> (see README, "Adding a calendar year")',
    });
  }
  return createCalendar(
    used.map((entry) => entry.data),
    { files: new Map(used.map((entry) => [entry.year, entry.file])), dir: dir ?? DEFAULT_DIR_LABEL, ignoredProvisional },
  );
}

/** What addWorkingDays(date, n) needed, for the coverage error. */
function addPurpose(date: IsoDate, n: number): string {
  if (n === 0) return `the working day on or after ${date}`;
  const count = Math.abs(n);
  return `${count} working day${count === 1 ? '' : 's'} ${n > 0 ? 'after' : 'before'} ${date}`;
}

/**
 * The error for a day outside the covered years: names the missing years and how to add them.
 * `needed` is the range of missing years, next to `coverage` on one side.
 */
export function calendarCoverageError(
  coverage: { from: number; to: number },
  needed: { from: number; to: number },
  purpose: string,
  dirLabel: string = DEFAULT_DIR_LABEL,
  ignoredProvisional: readonly number[] = [],
): DocpackError {
  const single = needed.from === needed.to;
  const before = needed.to < coverage.from;
  const first = before ? needed.to : needed.from; // the missing year next to the covered ones
  const more = single ? '' : ` (and each year ${before ? 'back' : 'up'} to ${before ? needed.from : needed.to})`;
  const message = `the working-day calendar covers ${coverage.from === coverage.to ? coverage.from : `${coverage.from}-${coverage.to}`}; ${single ? `${needed.from} is` : `${needed.from}-${needed.to} are`} needed for ${purpose}`;
  if (ignoredProvisional.includes(first)) {
    return new DocpackError({
      code: 'calendar-coverage',
      message: `${message} (${dirLabel}/${first}.json is provisional and not used)`,
      hint: `use it with ${PROVISIONAL_OPT_IN}, or import the official year when the notice is out: npx tsx scripts/import-calendar.ts ${first} (see README, "Adding a calendar year")`,
    });
  }
  // Before the State Council's notice (each autumn) a future year can only be provisional.
  const provisional = before ? '' : `; until the notice is out: docpack calendar provisional ${first}, then --calendar-provisional`;
  return new DocpackError({
    code: 'calendar-coverage',
    message,
    hint: `add ${dirLabel}/${first}.json: npx tsx scripts/import-calendar.ts ${first}${more} (see README, "Adding a calendar year")${provisional}`,
  });
}

/**
 * Builds a calendar from year data (already schema-valid) and checks that it is consistent:
 * years contiguous, every date real and inside its year, make-up days on a weekend,
 * no date listed twice. Everything is precomputed here so that the queries are O(1).
 */
export function createCalendar(years: readonly CalendarYear[], options: CreateCalendarOptions = {}): LoadedCalendar {
  const dirLabel = options.dir ?? DEFAULT_DIR_LABEL;
  const fileOf = (year: number): string | undefined => options.files?.get(year);
  if (years.length === 0) {
    throw new DocpackError({ code: 'calendar-missing', message: 'the working-day calendar has no year' });
  }
  const sorted = [...years].sort((a, b) => a.year - b.year);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!.year;
    const year = sorted[i]!.year;
    if (year === previous) {
      throw new DocpackError({ code: 'calendar-invalid', file: fileOf(year), message: `year ${year} is given twice` });
    }
    if (year !== previous + 1) {
      const missing = year === previous + 2 ? `${previous + 1}` : `${previous + 1}-${year - 1}`;
      throw new DocpackError({
        code: 'calendar-invalid',
        file: fileOf(year),
        message: `calendar years must be contiguous: ${missing} missing between ${previous} and ${year}`,
        hint: options.ignoredProvisional?.includes(previous + 1)
          ? `${dirLabel}/${previous + 1}.json is provisional and not used: use it with ${PROVISIONAL_OPT_IN}`
          : `add ${dirLabel}/${previous + 1}.json: npx tsx scripts/import-calendar.ts ${previous + 1}`,
      });
    }
  }
  const from = sorted[0]!.year;
  const to = sorted[sorted.length - 1]!.year;
  const start = dayNumber(from, 1, 1);
  const size = dayNumber(to, 12, 31) - start + 1;

  const kind = new Uint8Array(size);
  const holidayOf = new Int16Array(size).fill(-1);
  const names: { name: string; nameEn: string }[] = [];
  for (let i = 0; i < size; i++) kind[i] = isoWeekday(start + i) >= 6 ? KIND_WEEKEND : KIND_WORKDAY;

  for (const calendarYear of sorted) {
    const file = fileOf(calendarYear.year);
    const seen = new Map<number, string>();
    calendarYear.holidays.forEach((holiday, h) => {
      const ref = names.push({ name: holiday.name, nameEn: holiday.nameEn }) - 1;
      const mark = (date: IsoDate, list: 'days' | 'makeupWorkdays', index: number): void => {
        const pointer = `/holidays/${h}/${escapePointerSegment(list)}/${index}`;
        const fail = (message: string, hint?: string): DocpackError =>
          new DocpackError({ code: 'calendar-invalid', file, pointer, field: pointerToField(pointer), message, hint });
        const dayNum = tryParseIsoDate(date);
        if (dayNum === undefined) throw fail(`${JSON.stringify(date)} is not a date (YYYY-MM-DD)`);
        if (yearOf(date) !== calendarYear.year) {
          throw fail(`${date} is not in ${calendarYear.year}`, `list it in ${dirLabel}/${yearOf(date)}.json`);
        }
        const earlier = seen.get(dayNum);
        if (earlier !== undefined) throw fail(`${date} is listed twice (also at ${pointerToField(earlier)})`);
        seen.set(dayNum, pointer);
        const weekday = isoWeekday(dayNum);
        if (list === 'makeupWorkdays' && weekday < 6) {
          throw fail(`make-up working day ${date} is not a Saturday or Sunday`, 'a make-up working day (调休上班) is always a weekend day');
        }
        kind[dayNum - start] = list === 'days' ? KIND_HOLIDAY : KIND_MAKEUP;
        holidayOf[dayNum - start] = ref;
      };
      holiday.days.forEach((date, index) => mark(date, 'days', index));
      holiday.makeupWorkdays.forEach((date, index) => mark(date, 'makeupWorkdays', index));
    });
  }

  // ordinal[i]: working days in [start, start + i]; workingIndex[k]: day index of the working day with ordinal k + 1.
  const ordinal = new Int32Array(size);
  const workingIndex = new Int32Array(size);
  const isoOf: IsoDate[] = new Array<IsoDate>(size);
  const indexOfIso = new Map<IsoDate, number>();
  let count = 0;
  for (let i = 0; i < size; i++) {
    const k = kind[i]!;
    if (k === KIND_WORKDAY || k === KIND_MAKEUP) workingIndex[count++] = i;
    ordinal[i] = count;
    const iso = formatDayNumber(start + i);
    isoOf[i] = iso;
    indexOfIso.set(iso, i);
  }
  const workingCount = count;

  const coverageError = (neededFrom: number, neededTo: number, purpose: string): DocpackError =>
    calendarCoverageError({ from, to }, { from: neededFrom, to: neededTo }, purpose, dirLabel, options.ignoredProvisional);

  const provisionalYears = sorted.filter((calendarYear) => calendarYear.provisional === true).map((calendarYear) => calendarYear.year);
  const provisionalSet = new Set(provisionalYears);

  /** The slow path of a lookup that missed: bad-date, or calendar-coverage naming the missing years. */
  const outside = (date: IsoDate, purpose: string): never => {
    parseIsoDate(date); // throws bad-date; a real date inside the covered years is always in the map
    const year = yearOf(date);
    throw year < from ? coverageError(year, from - 1, purpose) : coverageError(to + 1, year, purpose);
  };
  // Hot path: one Map lookup per date, and no closure or string built unless something is wrong.
  const indexOf = (date: IsoDate): number => indexOfIso.get(date) ?? outside(date, date);

  const isWorking = (index: number): boolean => {
    const k = kind[index]!;
    return k === KIND_WORKDAY || k === KIND_MAKEUP;
  };

  const checkCount = (n: number): void => {
    if (!Number.isSafeInteger(n)) {
      throw new DocpackError({ code: 'bad-number', message: `the number of working days must be a whole number, got ${String(n)}` });
    }
  };

  const calendar: LoadedCalendar = {
    coverage: Object.freeze({ from, to }),
    years: Object.freeze(sorted),
    provisionalYears: Object.freeze(provisionalYears),
    ignoredProvisional: Object.freeze([...(options.ignoredProvisional ?? [])]),

    touchesProvisional(fromDate: IsoDate, toDate: IsoDate): boolean {
      if (provisionalSet.size === 0) return false;
      const a = yearOf(fromDate);
      const b = yearOf(toDate);
      for (let year = Math.min(a, b); year <= Math.max(a, b); year++) if (provisionalSet.has(year)) return true;
      return false;
    },

    info(date: IsoDate): DayInfo {
      const index = indexOf(date);
      const k = kind[index]!;
      const info: DayInfo = {
        date: isoOf[index]!,
        working: isWorking(index),
        kind: KIND_NAMES[k]!,
        weekday: isoWeekday(start + index),
      };
      const ref = holidayOf[index]!;
      if (ref >= 0) {
        info.holidayName = names[ref]!.name;
        info.holidayNameEn = names[ref]!.nameEn;
      }
      return info;
    },

    isWorkingDay(date: IsoDate): boolean {
      return isWorking(indexOf(date));
    },

    /**
     * The n-th working day after `date` (n > 0) or before it (n < 0); `date` itself is never counted,
     * whatever it is. A make-up Saturday or Sunday (调休上班) is a working day; a holiday weekday is not.
     * n = 0 gives `date` when it is a working day, otherwise the next working day.
     * "Within N working days of T" is due at the end of addWorkingDays(T's date, N).
     */
    addWorkingDays(date: IsoDate, n: number): IsoDate {
      checkCount(n);
      const index = indexOfIso.get(date) ?? outside(date, addPurpose(date, n));
      // Ordinal of the wanted working day; ordinal[index] counts `date` itself when it is working.
      const working = isWorking(index);
      let target: number;
      if (n > 0) target = ordinal[index]! + n;
      else if (n < 0) target = ordinal[index]! - (working ? 1 : 0) + n + 1;
      else target = working ? ordinal[index]! : ordinal[index]! + 1;
      if (target > workingCount) throw coverageError(to + 1, to + 1, addPurpose(date, n));
      if (target < 1) throw coverageError(from - 1, from - 1, addPurpose(date, n));
      return isoOf[workingIndex[target - 1]!]!;
    },

    /** Working days in (from, to]: after `from`, up to and including `to`; negative when to < from. */
    workingDaysBetween(fromDate: IsoDate, toDate: IsoDate): number {
      const a = indexOfIso.get(fromDate) ?? outside(fromDate, `the working days between ${fromDate} and ${toDate}`);
      const b = indexOfIso.get(toDate) ?? outside(toDate, `the working days between ${fromDate} and ${toDate}`);
      return ordinal[b]! - ordinal[a]!;
    },
  };
  return calendar;
}
