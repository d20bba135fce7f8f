import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  calendarCoverageError,
  DEFAULT_CALENDAR_DIR_LABEL,
  defaultCalendarDir,
  loadCalendar,
  PROVISIONAL_OPT_IN,
  readCalendarFolder,
  type CalendarYear,
  type LoadedCalendar,
} from '../../calendar/calendar.ts';
import { calendarCoverage, type CoverageEntry } from '../../calendar/coverage.ts';
import { formatDayNumber, isoWeekday, parseIsoDate, WEEKDAY_ZH } from '../../calendar/dates.ts';
import { formatCalendarJson } from '../../calendar/format.ts';
import { provisionalNote, provisionalYear, statutoryHolidays } from '../../calendar/provisional.ts';
import type { DayInfo } from '../../calendar/types.ts';
import { DocpackError, formatProblem } from '../../errors.ts';
import { formatTime } from '../../time.ts';
import { writeFileAtomic } from '../../write/atomic.ts';
import { asOfOption, calendarProvisionalOption, withCalendarProvisional } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CliIo, SetExit } from '../io.ts';

interface CalendarOptions {
  calendarDir?: string;
  calendarProvisional?: boolean;
}

/** One line for stderr: the problem and its hint, no stack trace. */
function oneLine(error: DocpackError): string {
  const { hint, ...rest } = error.problem;
  return `docpack: ${formatProblem(rest)}${hint ? `; ${hint}` : ''}`;
}

/** Runs a calendar command: a DocpackError (bad date, bad count, coverage, bad calendar file) is exit 2. */
function guarded(io: CliIo, setExit: SetExit, body: () => void): void {
  try {
    body();
    setExit(ExitCode.ok);
  } catch (error) {
    if (!(error instanceof DocpackError)) throw error;
    io.err(oneLine(error));
    setExit(ExitCode.invalidInput);
  }
}

function parseCount(text: string): number {
  const n = /^[+-]?\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new DocpackError({
      code: 'bad-number',
      message: `${JSON.stringify(text)} is not a whole number of working days`,
      hint: 'write e.g. 3, or -3 for working days before the date',
    });
  }
  return n;
}

function parseYear(text: string): number {
  if (!/^\d{4}$/.test(text)) {
    throw new DocpackError({ code: 'bad-year', message: `${JSON.stringify(text)} is not a year (YYYY)` });
  }
  return Number(text);
}

/** `2026-10-10 星期六 working day: make-up working day for 国庆节 (National Day)` */
export function describeDay(info: DayInfo): string {
  const head = `${info.date} ${WEEKDAY_ZH[info.weekday] ?? ''}`;
  const holiday = info.holidayName ? `${info.holidayName}${info.holidayNameEn ? ` (${info.holidayNameEn})` : ''}` : '';
  switch (info.kind) {
    case 'workday':
      return `${head} working day: ordinary weekday`;
    case 'makeup-workday':
      return `${head} working day: make-up working day for ${holiday}`;
    case 'holiday':
      return `${head} not a working day: holiday ${holiday}`;
    case 'weekend':
      return `${head} not a working day: weekend`;
  }
}

/** Consecutive dates written as one range: 2026-10-01..2026-10-07. */
function ranges(dates: readonly string[]): string {
  const parts: string[] = [];
  let runStart: number | undefined;
  let previous: number | undefined;
  const flush = (): void => {
    if (runStart === undefined || previous === undefined) return;
    parts.push(runStart === previous ? formatDayNumber(runStart) : `${formatDayNumber(runStart)}..${formatDayNumber(previous)}`);
  };
  for (const day of [...dates].map(parseIsoDate).sort((a, b) => a - b)) {
    if (previous === undefined || day !== previous + 1) {
      flush();
      runStart = day;
    }
    previous = day;
  }
  flush();
  return parts.join(', ');
}

/** Where a year's dates come from, in one line: the notice and how the file was made, or the law. */
export function describeSource(calendarYear: CalendarYear): string {
  const { source } = calendarYear;
  if (calendarYear.provisional === true) {
    return `provisional, from ${source.law ?? 'the law'}${source.computedWith ? ` (lunar dates: ${source.computedWith})` : ''}`;
  }
  return `${source.notice ?? '(no notice cited)'} (${source.importedFrom ? `imported from ${source.importedFrom}` : 'written by hand'})`;
}

export function describeYear(calendarYear: CalendarYear, used = true): string[] {
  const lines = [`${calendarYear.year}: ${describeSource(calendarYear)}`];
  if (calendarYear.provisional === true) {
    lines.push(`  ${provisionalNote([calendarYear.year])}; no make-up working days${used ? '' : `; not used without ${PROVISIONAL_OPT_IN}`}`);
  }
  for (const holiday of calendarYear.holidays) {
    const off = holiday.days.length > 0 ? `${ranges(holiday.days)} off (${holiday.days.length} day${holiday.days.length === 1 ? '' : 's'})` : 'no day off this year';
    const makeups = holiday.makeupWorkdays.map((date) => `${date} ${WEEKDAY_ZH[isoWeekday(parseIsoDate(date))] ?? ''}`).join(', ');
    lines.push(`  ${holiday.name} (${holiday.nameEn}): ${off}${makeups ? `; make-up working days ${makeups}` : ''}`);
    if (holiday.note) lines.push(`    ${holiday.note}`);
  }
  return lines;
}

/** One line per year of `docpack calendar coverage`. */
export function describeCoverage(entry: CoverageEntry): string {
  const head = `${entry.year}  ${entry.status.padEnd(11)}`;
  if (entry.status === 'missing') {
    return `${head} no ${entry.file}: a deadline that needs ${entry.year} is an error; import it when the notice is out (npx tsx scripts/import-calendar.ts ${entry.year}), until then docpack calendar provisional ${entry.year} and --calendar-provisional`;
  }
  const use = entry.status === 'provisional' ? (entry.used ? '; used, deadlines on it are marked provisional' : `; not used: pass ${PROVISIONAL_OPT_IN}`) : '';
  return `${head} ${entry.file}: ${entry.source}${use}`;
}

export function registerCalendar(program: Command, io: CliIo, setExit: SetExit): void {
  const calendarCommand = program
    .command('calendar')
    .description('the official working-day calendar (holidays and make-up working days, 调休) from rules/calendars');
  const load = (options: CalendarOptions): LoadedCalendar =>
    loadCalendar(options.calendarDir, { provisional: calendarProvisionalOption(options.calendarProvisional) });
  const dirOption = ['--calendar-dir <dir>', 'folder of <year>.json calendar files (default: rules/calendars)'] as const;
  const dirLabel = (options: CalendarOptions): string => options.calendarDir ?? DEFAULT_CALENDAR_DIR_LABEL;

  const coverage = (options: CalendarOptions & { json?: boolean; asOf?: string }): void => {
    const asOf = asOfOption(options.asOf);
    const entries = calendarCoverage(readCalendarFolder(options.calendarDir), {
      provisional: calendarProvisionalOption(options.calendarProvisional),
      through: asOf.year + 1,
      dir: dirLabel(options),
    });
    if (options.json) io.out(JSON.stringify({ asOf: formatTime(asOf), years: entries }, null, 2));
    else for (const entry of entries) io.out(describeCoverage(entry));
  };

  withCalendarProvisional(
    calendarCommand
      .command('coverage')
      .description('which years the calendar has: official (from the notice), provisional (from the law) or missing, up to the year after the as-of')
      .option('--as-of <time>', 'the year after this time is the last one listed (default: now, Asia/Shanghai)')
      .option('--json', 'print the years as JSON')
      .option(...dirOption),
  ).action((options: CalendarOptions & { json?: boolean; asOf?: string }) => guarded(io, setExit, () => coverage(options)));

  withCalendarProvisional(
    calendarCommand
      .command('provisional')
      .description(`write <year>.json from the law alone (全国年节及纪念日放假办法, 2024 revision), before the State Council's notice: statutory days with lunar dates computed, days in lieu of those on a weekend, no make-up working days; marked provisional`)
      .argument('<year>', 'YYYY, from 2025')
      .option('--print', 'print the file instead of writing it')
      .option(...dirOption),
  ).action((yearText: string, options: CalendarOptions & { print?: boolean }) =>
    guarded(io, setExit, () => {
      const year = parseYear(yearText);
      statutoryHolidays(year); // refuses a year the present law does not govern
      const folder = options.calendarDir ?? defaultCalendarDir();
      const name = `${dirLabel(options)}/${year}.json`;
      const existing = existsSync(folder) ? readCalendarFolder(options.calendarDir) : [];
      const same = existing.find((entry) => entry.year === year);
      if (same && same.data.provisional !== true) {
        throw new DocpackError({
          code: 'calendar-exists',
          file: same.file,
          message: `${year} is already an official year (${describeSource(same.data)}); a provisional year never replaces it`,
          hint: 'delete the file first if it is wrong, or fix it by hand from the notice',
        });
      }
      const years = existing.map((entry) => entry.year);
      if (years.length > 0 && !same && (year > Math.max(...years) + 1 || year < Math.min(...years) - 1)) {
        const next = year > Math.max(...years) ? Math.max(...years) + 1 : Math.min(...years) - 1;
        throw new DocpackError({
          code: 'bad-year',
          message: `calendar years must be contiguous: ${dirLabel(options)} has ${Math.min(...years)}-${Math.max(...years)}, so ${next} comes before ${year}`,
          hint: `write ${next} first: docpack calendar provisional ${next}`,
        });
      }
      const calendarYear = provisionalYear(year);
      const text = formatCalendarJson(calendarYear);
      if (options.print) {
        io.out(text.trimEnd());
        return;
      }
      writeFileAtomic(join(folder, `${year}.json`), text);
      const days = calendarYear.holidays.reduce((sum, holiday) => sum + holiday.days.length, 0);
      io.out(`${same ? 'rewrote' : 'wrote'} ${name}: provisional, ${calendarYear.holidays.length} holidays, ${days} days off, no make-up working days`);
      for (const line of describeYear(calendarYear).slice(1)) io.out(line);
      io.err(
        `docpack: ${year} is provisional: docpack uses it only with ${PROVISIONAL_OPT_IN}, and marks every deadline computed on it. ` +
          `When the State Council publishes the ${year} notice, replace it: npx tsx scripts/import-calendar.ts ${year} (see README, "Calendar years not published yet")`,
      );
    }),
  );

  calendarCommand
    .command('add')
    .description('the n-th working day after the date (n < 0: before it); the date itself is not counted')
    .argument('<date>', 'YYYY-MM-DD')
    .argument('<n>', 'number of working days, e.g. 3 or -3')
    .option(...dirOption)
    .option('--calendar-provisional', 'use provisional years too')
    .action((date: string, n: string, options: CalendarOptions) =>
      guarded(io, setExit, () => {
        parseIsoDate(date);
        const count = parseCount(n);
        const calendar = load(options);
        const result = calendar.addWorkingDays(date, count);
        io.out(result);
        if (calendar.touchesProvisional(date, result)) {
          const [low, high] = [date, result].map((day) => Number(day.slice(0, 4))).sort((a, b) => a - b) as [number, number];
          const years = calendar.provisionalYears.filter((year) => year >= low && year <= high);
          io.err(`docpack: counted on the provisional ${years.join(', ')} calendar: ${provisionalNote(years)}`);
        }
      }),
    );

  calendarCommand
    .command('info')
    .description('whether the date is a working day, and why; without a date, the coverage (as docpack calendar coverage)')
    .argument('[date]', 'YYYY-MM-DD')
    .option('--json', 'print the day as JSON')
    .option('--as-of <time>', 'without a date: the year after this time is the last one listed')
    .option(...dirOption)
    .option('--calendar-provisional', 'use provisional years too')
    .action((date: string | undefined, options: CalendarOptions & { json?: boolean; asOf?: string }) =>
      guarded(io, setExit, () => {
        if (date === undefined) {
          coverage(options);
          return;
        }
        parseIsoDate(date);
        const calendar = load(options);
        const info = calendar.info(date);
        const provisional = calendar.touchesProvisional(date, date);
        if (options.json) io.out(JSON.stringify(provisional ? { ...info, provisional: true } : info, null, 2));
        else io.out(`${describeDay(info)}${provisional ? ` (provisional: ${provisionalNote([Number(date.slice(0, 4))])})` : ''}`);
      }),
    );

  calendarCommand
    .command('list')
    .description('the holidays and make-up working days of a year')
    .argument('<year>', 'YYYY')
    .option('--json', 'print the year file as JSON')
    .option(...dirOption)
    .option('--calendar-provisional', 'say that provisional years are used')
    .action((yearText: string, options: CalendarOptions & { json?: boolean }) =>
      guarded(io, setExit, () => {
        const year = parseYear(yearText);
        // Every year file is listed, a provisional one too (with whether it is used), so a new file can be checked.
        const file = readCalendarFolder(options.calendarDir).find((candidate) => candidate.year === year);
        if (!file) {
          const calendar = load(options);
          const { from, to } = calendar.coverage;
          const needed = year < from ? { from: year, to: from - 1 } : { from: to + 1, to: year };
          throw calendarCoverageError(calendar.coverage, needed, `the list of ${year}`, dirLabel(options), calendar.ignoredProvisional);
        }
        if (options.json) io.out(JSON.stringify(file.data, null, 2));
        else for (const line of describeYear(file.data, file.data.provisional !== true || calendarProvisionalOption(options.calendarProvisional))) io.out(line);
      }),
    );
}
