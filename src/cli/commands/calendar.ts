import type { Command } from 'commander';
import { calendarCoverageError, loadCalendar, type CalendarYear, type LoadedCalendar } from '../../calendar/calendar.ts';
import { formatDayNumber, parseIsoDate, WEEKDAY_ZH } from '../../calendar/dates.ts';
import type { DayInfo } from '../../calendar/types.ts';
import { DocpackError, formatProblem } from '../../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CliIo, SetExit } from '../io.ts';

interface CalendarOptions {
  calendarDir?: string;
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

export function describeYear(calendarYear: CalendarYear, calendar: LoadedCalendar): string[] {
  const lines = [`${calendarYear.year}: ${calendarYear.source.notice} (imported from ${calendarYear.source.importedFrom})`];
  for (const holiday of calendarYear.holidays) {
    const off = holiday.days.length > 0 ? `${ranges(holiday.days)} off (${holiday.days.length} day${holiday.days.length === 1 ? '' : 's'})` : 'no day off this year';
    const makeups = holiday.makeupWorkdays
      .map((date) => `${date} ${WEEKDAY_ZH[calendar.info(date).weekday] ?? ''}`)
      .join(', ');
    lines.push(`  ${holiday.name} (${holiday.nameEn}): ${off}${makeups ? `; make-up working days ${makeups}` : ''}`);
  }
  return lines;
}

export function registerCalendar(program: Command, io: CliIo, setExit: SetExit): void {
  const calendarCommand = program
    .command('calendar')
    .description('the official working-day calendar (holidays and make-up working days, 调休) from rules/calendars');
  const load = (options: CalendarOptions): LoadedCalendar => loadCalendar(options.calendarDir);
  const dirOption = ['--calendar-dir <dir>', 'folder of <year>.json calendar files (default: rules/calendars)'] as const;

  calendarCommand
    .command('add')
    .description('the n-th working day after the date (n < 0: before it); the date itself is not counted')
    .argument('<date>', 'YYYY-MM-DD')
    .argument('<n>', 'number of working days, e.g. 3 or -3')
    .option(...dirOption)
    .action((date: string, n: string, options: CalendarOptions) =>
      guarded(io, setExit, () => {
        parseIsoDate(date);
        const count = parseCount(n);
        io.out(load(options).addWorkingDays(date, count));
      }),
    );

  calendarCommand
    .command('info')
    .description('whether the date is a working day, and why')
    .argument('<date>', 'YYYY-MM-DD')
    .option('--json', 'print the day as JSON')
    .option(...dirOption)
    .action((date: string, options: CalendarOptions & { json?: boolean }) =>
      guarded(io, setExit, () => {
        parseIsoDate(date);
        const info = load(options).info(date);
        io.out(options.json ? JSON.stringify(info, null, 2) : describeDay(info));
      }),
    );

  calendarCommand
    .command('list')
    .description('the holidays and make-up working days of a year')
    .argument('<year>', 'YYYY')
    .option('--json', 'print the year file as JSON')
    .option(...dirOption)
    .action((yearText: string, options: CalendarOptions & { json?: boolean }) =>
      guarded(io, setExit, () => {
        const year = parseYear(yearText);
        const calendar = load(options);
        const calendarYear = calendar.years.find((candidate) => candidate.year === year);
        if (!calendarYear) {
          const { from, to } = calendar.coverage;
          const needed = year < from ? { from: year, to: from - 1 } : { from: to + 1, to: year };
          throw calendarCoverageError(calendar.coverage, needed, `the list of ${year}`, options.calendarDir ?? 'rules/calendars');
        }
        if (options.json) io.out(JSON.stringify(calendarYear, null, 2));
        else for (const line of describeYear(calendarYear, calendar)) io.out(line);
      }),
    );
}
