// Imports one year of the official Chinese holiday calendar from the npm data package `chinese-days`
// into rules/calendars/<year>.json (see README, "Adding a calendar year").
//
//   npx tsx scripts/import-calendar.ts 2027 [--notice "国务院办公厅关于2027年部分节假日安排的通知（…号），2026年…"] [--check]
//
// It refuses a year the package does not have. Review the written file against the State Council notice.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkCalendarYearSchema, createCalendar, type CalendarHoliday, type CalendarYear } from '../src/calendar/calendar.ts';
import { parseIsoDate } from '../src/calendar/dates.ts';
import { formatCalendarJson } from '../src/calendar/format.ts';
import { DocpackError, formatProblem } from '../src/errors.ts';

export const PACKAGE_NAME = 'chinese-days';

/** One year as the package ships it: date -> "English name,中文名,statutory days". */
export interface PackageYear {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
  inLieuDays?: Record<string, string>;
}

export interface PackageInfo {
  version: string;
  /** The package's folder on disk. */
  root: string;
}

/** The names the State Council notices use, keyed by the package's English name. */
const NOTICE_NAMES: Record<string, { name: string; nameEn: string }> = {
  "New Year's Day": { name: '元旦', nameEn: "New Year's Day" },
  'Spring Festival': { name: '春节', nameEn: 'Spring Festival' },
  'Tomb-sweeping Day': { name: '清明节', nameEn: 'Tomb-sweeping Day' },
  'Labour Day': { name: '劳动节', nameEn: 'Labour Day' },
  'Dragon Boat Festival': { name: '端午节', nameEn: 'Dragon Boat Festival' },
  'Mid-autumn Festival': { name: '中秋节', nameEn: 'Mid-Autumn Festival' },
  'National Day': { name: '国庆节', nameEn: 'National Day' },
};

export function packageInfo(): PackageInfo {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve(`${PACKAGE_NAME}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string };
  return { version: manifest.version, root: dirname(manifestPath) };
}

/** Years the installed package has holiday data for, ascending. */
export function packageYears(info: PackageInfo = packageInfo()): number[] {
  const folder = join(info.root, 'dist', 'years');
  return readdirSync(folder)
    .map((name) => /^(\d{4})\.json$/.exec(name)?.[1])
    .filter((year): year is string => year !== undefined)
    .map(Number)
    .filter((year) => {
      const data = readPackageYear(year, info);
      return data !== undefined;
    })
    .sort((a, b) => a - b);
}

/** The package's data for `year`, or undefined when it has none (no file, or no holiday in it). */
export function readPackageYear(year: number, info: PackageInfo = packageInfo()): PackageYear | undefined {
  const file = join(info.root, 'dist', 'years', `${year}.json`);
  if (!existsSync(file)) return undefined;
  const data = JSON.parse(readFileSync(file, 'utf8')) as PackageYear;
  return data.holidays && Object.keys(data.holidays).length > 0 ? data : undefined;
}

/** The notice URL the package's source cites for `year` (its generate.ts comments), if any. */
export function packageNoticeUrl(year: number, info: PackageInfo = packageInfo()): string | undefined {
  const file = join(info.root, 'src', 'holidays', 'generate.ts');
  if (!existsSync(file)) return undefined;
  const match = new RegExp(`\\*\\s*${year}\\s*\\n\\s*\\*\\s*(https?://\\S+)`).exec(readFileSync(file, 'utf8'));
  return match?.[1];
}

function splitEntry(entry: string): { key: string; zh: string } {
  const [key = entry, zh = key] = entry.split(',');
  return { key, zh };
}

interface Group {
  keys: string[];
  zh: Map<string, string>;
  days: string[];
  makeupWorkdays: string[];
}

const dayDistance = (a: string, b: string): number => Math.abs(parseIsoDate(a) - parseIsoDate(b));

/**
 * Turns the package's per-day data into our year file: consecutive days off form one holiday
 * (two festivals taken together, like 国庆节、中秋节 in 2025, become one entry as in the notice),
 * and each make-up working day joins the nearest holiday of the name the package gives it.
 */
export function calendarYearFromPackage(
  year: number,
  data: PackageYear,
  source: { version: string; notice: string; url?: string },
): CalendarYear {
  const groups: Group[] = [];
  let previous: number | undefined;
  for (const date of Object.keys(data.holidays).sort()) {
    const { key, zh } = splitEntry(data.holidays[date]!);
    const dayNum = parseIsoDate(date);
    let group = groups[groups.length - 1];
    if (!group || previous === undefined || dayNum !== previous + 1) {
      group = { keys: [], zh: new Map(), days: [], makeupWorkdays: [] };
      groups.push(group);
    }
    if (!group.keys.includes(key)) group.keys.push(key);
    group.zh.set(key, zh);
    group.days.push(date);
    previous = dayNum;
  }
  for (const date of Object.keys(data.workdays).sort()) {
    const { key, zh } = splitEntry(data.workdays[date]!);
    let best: Group | undefined;
    let bestDistance = Infinity;
    for (const group of groups) {
      if (!group.keys.includes(key)) continue;
      const distance = Math.min(...group.days.map((day) => dayDistance(day, date)));
      if (distance < bestDistance) [best, bestDistance] = [group, distance];
    }
    if (!best) {
      // A make-up day in this year for a holiday whose days off are all in another year.
      best = { keys: [key], zh: new Map([[key, zh]]), days: [], makeupWorkdays: [] };
      groups.push(best);
    }
    best.makeupWorkdays.push(date);
  }
  // In order of the first day off, as the notices list them.
  const first = (group: Group): string => group.days[0] ?? group.makeupWorkdays[0]!;
  groups.sort((a, b) => (first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : 0));

  const holidays: CalendarHoliday[] = groups.map((group) => ({
    name: group.keys.map((key) => NOTICE_NAMES[key]?.name ?? group.zh.get(key) ?? key).join('、'),
    nameEn: group.keys.map((key) => NOTICE_NAMES[key]?.nameEn ?? key).join(' and '),
    days: group.days,
    makeupWorkdays: group.makeupWorkdays,
  }));
  return {
    $schema: './calendar.schema.json',
    year,
    source: {
      notice: source.notice,
      ...(source.url ? { url: source.url } : {}),
      importedFrom: `${PACKAGE_NAME}@${source.version}`,
    },
    holidays,
  };
}

export { formatCalendarJson };

const defaultOut = fileURLToPath(new URL('../rules/calendars/', import.meta.url));

/** Builds the text of <year>.json; throws an Error with a clear message when the package lacks the year. */
export function importYear(
  year: number,
  options: { notice?: string; out?: string } = {},
): { text: string; calendar: CalendarYear; replaces?: 'provisional' | 'hand-written' } {
  const info = packageInfo();
  const data = readPackageYear(year, info);
  if (!data) {
    const years = packageYears(info);
    const range = years.length > 0 ? `${years[0]}-${years[years.length - 1]}` : 'no year';
    throw new Error(
      `${PACKAGE_NAME}@${info.version} has no holiday data for ${year} (it covers ${range}). ` +
        `If the State Council has published the ${year} notice, update the package first ` +
        `(npm install --save-dev ${PACKAGE_NAME}@latest) and run this again; nothing was written.`,
    );
  }
  const target = join(options.out ?? defaultOut, `${year}.json`);
  const existing = existsSync(target) ? (JSON.parse(readFileSync(target, 'utf8')) as Partial<CalendarYear>) : undefined;
  const notice = options.notice ?? existing?.source?.notice ?? `国务院办公厅关于${year}年部分节假日安排的通知`;
  const url = packageNoticeUrl(year, info) ?? existing?.source?.url;
  const calendar = calendarYearFromPackage(year, data, { version: info.version, notice, url });
  checkCalendarYearSchema(calendar, target);
  createCalendar([calendar], { files: new Map([[year, target]]) }); // consistency: make-up days on weekends, no duplicates
  // The official year replaces a provisional one (or one written by hand from the notice) in place.
  const replaces = existing?.provisional === true ? 'provisional' : existing && existing.source?.importedFrom === undefined ? 'hand-written' : undefined;
  return { text: formatCalendarJson(calendar), calendar, ...(replaces ? { replaces } : {}) };
}

function run(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { notice: { type: 'string' }, out: { type: 'string' }, check: { type: 'boolean' } },
  });
  const yearText = positionals[0];
  if (positionals.length !== 1 || yearText === undefined || !/^\d{4}$/.test(yearText)) {
    console.error('usage: npx tsx scripts/import-calendar.ts <year> [--notice "<notice title, number and date>"] [--out <dir>] [--check]');
    return 2;
  }
  const year = Number(yearText);
  const out = values.out ?? defaultOut;
  const target = join(out, `${year}.json`);
  const shown = relative(process.cwd(), target) || target;
  let text: string;
  let calendar: CalendarYear;
  let replaces: string | undefined;
  try {
    ({ text, calendar, replaces } = importYear(year, { notice: values.notice, out }));
  } catch (error) {
    console.error(error instanceof DocpackError ? formatProblem(error.problem) : error instanceof Error ? error.message : String(error));
    return 1;
  }
  if (values.check) {
    const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
    if (current !== text) {
      console.error(`${shown} differs from ${calendar.source.importedFrom}: run npx tsx scripts/import-calendar.ts ${year}`);
      return 1;
    }
    console.log(`${shown} matches ${calendar.source.importedFrom}`);
    return 0;
  }
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, target);
  const days = calendar.holidays.reduce((sum, holiday) => sum + holiday.days.length, 0);
  const makeups = calendar.holidays.reduce((sum, holiday) => sum + holiday.makeupWorkdays.length, 0);
  console.log(
    `wrote ${shown}: ${calendar.holidays.length} holidays, ${days} days off, ${makeups} make-up working days, from ${calendar.source.importedFrom}` +
      (replaces ? ` (it replaces the ${replaces} file)` : ''),
  );
  if (replaces === 'provisional') {
    console.log('deadlines computed on the provisional year may move: compare the findings of the sample before and after (see README, "Calendar years not published yet")');
  }
  if (!values.notice && calendar.source.notice === `国务院办公厅关于${year}年部分节假日安排的通知`) {
    console.log('add the notice number and date: run again with --notice "国务院办公厅关于…的通知（国办发明电〔…〕…号），YYYY年M月D日"');
  }
  console.log('now review the file against the State Council notice before committing it');
  return 0;
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) process.exitCode = run(process.argv.slice(2));
