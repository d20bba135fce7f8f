// The checked-in calendar files against (1) their schema, (2) the chinese-days package they were
// imported from, and (3) a hand table copied from the State Council notices.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { calendarYearFromPackage, importYear, packageInfo, readPackageYear } from '../../scripts/import-calendar.ts';
import type { CalendarYear } from '../../src/calendar/calendar.ts';
import { dayNumber, formatDayNumber, isoWeekday, parseIsoDate } from '../../src/calendar/dates.ts';
import { statutoryHolidays } from '../../src/calendar/provisional.ts';
import { createAjv } from '../../src/records/schema.ts';

const dir = fileURLToPath(new URL('../../rules/calendars/', import.meta.url));
const yearFiles = readdirSync(dir).filter((name) => /^\d{4}\.json$/.test(name)).sort();
const read = (name: string): unknown => JSON.parse(readFileSync(`${dir}${name}`, 'utf8'));
const calendars = yearFiles.map((name) => read(name) as CalendarYear);
// Three kinds of year file: imported from chinese-days, written by hand from the notice, provisional.
const imported = calendars.filter((calendar) => calendar.source.importedFrom !== undefined);
const handWritten = calendars.filter((calendar) => calendar.source.importedFrom === undefined && calendar.provisional !== true);
const provisional = calendars.filter((calendar) => calendar.provisional === true);
const none = [[0, undefined]] as const; // it.each needs a row: a test that says there is nothing of a kind
const rowsOf = (list: CalendarYear[]): readonly (readonly [number, CalendarYear | undefined])[] => (list.length > 0 ? list.map((calendar) => [calendar.year, calendar] as const) : none);

function span(first: string, last: string): string[] {
  const days: string[] = [];
  for (let day = parseIsoDate(first); day <= parseIsoDate(last); day++) days.push(formatDayNumber(day));
  return days;
}

/**
 * From the notices' text: 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024-11-12)
 * and 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04). Each entry: days off, make-up working days.
 */
const NOTICES: Record<number, { name: string; off: [string, string]; makeup: string[] }[]> = {
  2025: [
    { name: '元旦', off: ['2025-01-01', '2025-01-01'], makeup: [] },
    { name: '春节', off: ['2025-01-28', '2025-02-04'], makeup: ['2025-01-26', '2025-02-08'] },
    { name: '清明节', off: ['2025-04-04', '2025-04-06'], makeup: [] },
    { name: '劳动节', off: ['2025-05-01', '2025-05-05'], makeup: ['2025-04-27'] },
    { name: '端午节', off: ['2025-05-31', '2025-06-02'], makeup: [] },
    { name: '国庆节、中秋节', off: ['2025-10-01', '2025-10-08'], makeup: ['2025-09-28', '2025-10-11'] },
  ],
  2026: [
    { name: '元旦', off: ['2026-01-01', '2026-01-03'], makeup: ['2026-01-04'] },
    { name: '春节', off: ['2026-02-15', '2026-02-23'], makeup: ['2026-02-14', '2026-02-28'] },
    { name: '清明节', off: ['2026-04-04', '2026-04-06'], makeup: [] },
    { name: '劳动节', off: ['2026-05-01', '2026-05-05'], makeup: ['2026-05-09'] },
    { name: '端午节', off: ['2026-06-19', '2026-06-21'], makeup: [] },
    // 2026: 中秋节 (lunar 8/15 = 2026-09-25) is a holiday of its own, not joined to 国庆节.
    { name: '中秋节', off: ['2026-09-25', '2026-09-27'], makeup: [] },
    { name: '国庆节', off: ['2026-10-01', '2026-10-07'], makeup: ['2026-09-20', '2026-10-10'] },
  ],
};

describe('rules/calendars data', () => {
  it('has contiguous year files, 2025 and 2026 at least', () => {
    const years = calendars.map((calendar) => calendar.year);
    expect(years).toEqual(expect.arrayContaining([2025, 2026]));
    years.forEach((year, index) => expect(year).toBe(years[0]! + index));
  });

  it.each(yearFiles)('%s matches calendar.schema.json and its file name', (name) => {
    const validate = createAjv().compile(read('calendar.schema.json') as object);
    const data = read(name);
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
    expect((data as CalendarYear).year).toBe(Number(name.slice(0, 4)));
    expect((data as CalendarYear).$schema).toBe('./calendar.schema.json');
  });

  it('the schema rejects a malformed year file, and takes one written by hand or provisional', () => {
    const validate = createAjv().compile(read('calendar.schema.json') as object);
    const good = read('2026.json') as CalendarYear;
    expect(validate({ ...good, extra: 1 })).toBe(false);
    expect(validate({ ...good, holidays: [{ name: '国庆节', nameEn: 'National Day', days: ['2026/10/01'], makeupWorkdays: [] }] })).toBe(false);
    expect(validate({ ...good, source: { notice: 'x', importedFrom: 'by hand' } })).toBe(false);
    // Written by hand from the notice: no importedFrom; the notice must be cited.
    expect(validate({ ...good, source: { notice: good.source.notice, url: good.source.url } })).toBe(true);
    expect(validate({ ...good, source: { url: good.source.url } })).toBe(false);
    // Provisional: cites the law instead of a notice.
    expect(validate({ ...good, provisional: true, source: { law: '全国年节及纪念日放假办法' } })).toBe(true);
    expect(validate({ ...good, provisional: true, source: { notice: good.source.notice } })).toBe(false);
  });

  it.each(rowsOf(imported))(
    '%i (imported) equals what scripts/import-calendar.ts makes from the installed chinese-days',
    (year, calendar) => {
      if (!calendar) return expect(imported).toEqual([]);
      const info = packageInfo();
      const data = readPackageYear(year, info);
      expect(data, `chinese-days@${info.version} has no ${year}`).toBeDefined();
      const fromPackage = calendarYearFromPackage(year, data!, { version: info.version, notice: calendar.source.notice ?? '', url: calendar.source.url });
      // The package may have moved on since the import; the dates and names must not have.
      expect(calendar.source.importedFrom).toMatch(/^chinese-days@\d+\.\d+\.\d+$/);
      expect({ ...calendar, source: { ...calendar.source, importedFrom: '' } }).toEqual({ ...fromPackage, source: { ...fromPackage.source, importedFrom: '' } });
      // And, independently of the importer's grouping: the same days off and the same make-up days.
      const ours = (list: 'days' | 'makeupWorkdays'): string[] => calendar.holidays.flatMap((holiday) => holiday[list]).sort();
      expect(ours('days')).toEqual(Object.keys(data!.holidays).sort());
      expect(ours('makeupWorkdays')).toEqual(Object.keys(data!.workdays).sort());
    },
  );

  // A year written by hand is checked against the package only once the package has it: it is how a
  // team works before the package ships the year, and a typo shows as soon as the package catches up.
  it.each(rowsOf(handWritten))('%i (written by hand) has the days of chinese-days, when the package has the year', (year, calendar) => {
    if (!calendar) return expect(handWritten).toEqual([]);
    expect(calendar.source.notice, 'cite the notice: title, number and date').toMatch(/^国务院办公厅关于\d{4}年部分节假日安排的通知/);
    const data = readPackageYear(year);
    if (!data) return;
    const ours = (list: 'days' | 'makeupWorkdays'): string[] => calendar.holidays.flatMap((holiday) => holiday[list]).sort();
    expect(ours('days'), `${year}.json days off differ from chinese-days; check them against the notice`).toEqual(Object.keys(data.holidays).sort());
    expect(ours('makeupWorkdays'), `${year}.json make-up days differ from chinese-days`).toEqual(Object.keys(data.workdays).sort());
  });

  // A provisional year keeps at least the law's days off; once the package has the year, the official one must replace it.
  it.each(rowsOf(provisional))('%i (provisional) has every statutory day off, and the package does not have the year yet', (year, calendar) => {
    if (!calendar) return expect(provisional).toEqual([]);
    const off = new Set(calendar.holidays.flatMap((holiday) => holiday.days));
    for (const holiday of statutoryHolidays(year)) for (const day of holiday.days) expect(off.has(day), `${holiday.name} ${day}`).toBe(true);
    expect(readPackageYear(year), `chinese-days has ${year} now: npx tsx scripts/import-calendar.ts ${year} replaces the provisional file`).toBeUndefined();
  });

  it.each(Object.keys(NOTICES).map(Number))('%i matches the State Council notice, holiday by holiday', (year) => {
    const calendar = calendars.find((candidate) => candidate.year === year);
    expect(calendar).toBeDefined();
    const expected = NOTICES[year]!.map(({ name, off, makeup }) => ({ name, days: span(off[0], off[1]), makeupWorkdays: makeup }));
    const actual = calendar!.holidays.map(({ name, days, makeupWorkdays }) => ({ name, days, makeupWorkdays }));
    expect(actual).toEqual(expected);
  });

  it('make-up working days fall on weekends, as the notices say (周六/周日)', () => {
    const weekday = (date: string): number => isoWeekday(parseIsoDate(date));
    expect(weekday('2026-09-20')).toBe(7);
    expect(weekday('2026-10-10')).toBe(6);
    expect(weekday('2026-01-04')).toBe(7);
    expect(weekday('2025-09-28')).toBe(7);
    expect(weekday('2025-10-11')).toBe(6);
    for (const calendar of calendars) {
      for (const holiday of calendar.holidays) for (const date of holiday.makeupWorkdays) expect(weekday(date)).toBeGreaterThanOrEqual(6);
    }
    expect(dayNumber(2026, 10, 1) - dayNumber(2025, 10, 1)).toBe(365);
  });

  it('the import script refuses a year the package does not have, and writes nothing', () => {
    expect(() => importYear(2099)).toThrow(/chinese-days@\d+\.\d+\.\d+ has no holiday data for 2099 \(it covers 2004-\d{4}\).*nothing was written/);
    const repo = fileURLToPath(new URL('../../', import.meta.url));
    const script = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/import-calendar.ts', ...args], { cwd: repo, encoding: 'utf8' });
    const refused = script('2099');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('has no holiday data for 2099');
    const out = mkdtempSync(join(tmpdir(), 'docpack-import-'));
    try {
      const wrote = script('2026', '--out', out, '--notice', '国务院办公厅关于2026年部分节假日安排的通知');
      expect(wrote.stderr).toBe('');
      expect(wrote.status).toBe(0);
      expect(wrote.stdout).toContain('7 holidays, 33 days off, 6 make-up working days');
      const written = JSON.parse(readFileSync(join(out, '2026.json'), 'utf8')) as CalendarYear;
      expect(written.holidays).toEqual((read('2026.json') as CalendarYear).holidays);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
