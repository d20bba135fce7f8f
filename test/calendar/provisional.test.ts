// Provisional years: the law's days off with lunar dates from lunar-typescript, checked against the
// official calendars (rules/calendars and every year chinese-days has), and against chinese-days' own
// lunar tables for the years to come.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageYears, readPackageYear } from '../../scripts/import-calendar.ts';
import { createCalendar, type CalendarYear } from '../../src/calendar/calendar.ts';
import { formatDayNumber, isoWeekday, parseIsoDate } from '../../src/calendar/dates.ts';
import { formatCalendarJson } from '../../src/calendar/format.ts';
import { festivalDays, provisionalYear, qingmingDay, statutoryHolidays } from '../../src/calendar/provisional.ts';
import { DocpackError } from '../../src/errors.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const official = (year: number): CalendarYear => JSON.parse(readFileSync(`${repo}rules/calendars/${year}.json`, 'utf8')) as CalendarYear;
const daysOf = (calendar: CalendarYear, name: string): string[] => calendar.holidays.filter((holiday) => holiday.name.split('、').includes(name)).flatMap((holiday) => holiday.days);

describe('the law\'s days off, computed', () => {
  // The State Council notices for 2025 and 2026, as rules/calendars has them.
  it.each([
    [2025, { 春节: ['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31'], 清明节: ['2025-04-04'], 端午节: ['2025-05-31'], 中秋节: ['2025-10-06'] }],
    [2026, { 春节: ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19'], 清明节: ['2026-04-05'], 端午节: ['2026-06-19'], 中秋节: ['2026-09-25'] }],
  ] as const)('%i: 除夕-初三, 清明 (solar term), 端午, 中秋 as the notice has them', (year, expected) => {
    const computed = Object.fromEntries(statutoryHolidays(year).map((holiday) => [holiday.name, holiday.days]));
    for (const [name, days] of Object.entries(expected)) expect(computed[name], name).toEqual(days);
    const calendar = official(year);
    for (const holiday of statutoryHolidays(year)) {
      const off = daysOf(calendar, holiday.name);
      for (const day of holiday.days) expect(off, `${year} ${holiday.name} ${day}`).toContain(day);
    }
  });

  it('lunar new year, 端午, 中秋 and 清明 fall on the official holidays of every year chinese-days has since 2008', () => {
    const years = packageYears().filter((year) => year >= 2008); // 清明, 端午, 中秋 are holidays from 2008
    expect(years.length).toBeGreaterThanOrEqual(19);
    for (const year of years) {
      const data = readPackageYear(year)!;
      const listed = (day: string): string | undefined => data.holidays[day]?.split(',')[0];
      // The package leaves out a few weekend days inside a holiday (2012-06-23, 2015-06-21): such a day
      // counts when it is a weekend day between two days the package lists under that name.
      const holidayOf = (day: string): string | undefined => {
        if (listed(day) || isoWeekday(parseIsoDate(day)) < 6) return listed(day);
        const near = (sign: number): string[] => [1, 2, 3].map((n) => listed(formatDayNumber(parseIsoDate(day) + sign * n))).filter((name): name is string => name !== undefined);
        return near(-1).find((name) => near(1).includes(name));
      };
      const days = festivalDays(year);
      // Before 2025 春节 started on 初一, not 除夕: 初一 is a day off in every year.
      expect(holidayOf(days.springFestival), `${year} 春节 ${days.springFestival}`).toBe('Spring Festival');
      expect(holidayOf(days.qingming), `${year} 清明 ${days.qingming}`).toBe('Tomb-sweeping Day');
      expect(holidayOf(days.dragonBoat), `${year} 端午 ${days.dragonBoat}`).toBe('Dragon Boat Festival');
      // 中秋 on a National Day (2009, 2017, 2020) is listed under that name in some years.
      expect(['Mid-autumn Festival', 'National Day'], `${year} 中秋 ${days.midAutumn}`).toContain(holidayOf(days.midAutumn));
    }
  });

  it('agrees with chinese-days\' own lunar tables and solar terms for 2027-2060', () => {
    // chinese-days computes in the process time zone (and is wrong west of Greenwich): run it at +08:00.
    const script = `import cd from 'chinese-days';
      const out = {};
      for (let y = 2027; y <= 2060; y++) out[y] = [cd.getSolarDateFromLunar(y + '-01-01').date, cd.getSolarDateFromLunar(y + '-05-05').date, cd.getSolarDateFromLunar(y + '-08-15').date, cd.getSolarTerms(y + '-04-01', y + '-04-30').find((t) => t.name === '清明').date];
      console.log(JSON.stringify(out));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8', env: { ...process.env, TZ: 'Asia/Shanghai' } });
    expect(child.stderr).toBe('');
    const theirs = JSON.parse(child.stdout) as Record<string, string[]>;
    for (let year = 2027; year <= 2060; year++) {
      const ours = Object.fromEntries(statutoryHolidays(year).map((holiday) => [holiday.name, holiday.days]));
      expect([ours['春节']![1], ours['端午节']![0], ours['中秋节']![0], qingmingDay(year)], String(year)).toEqual(theirs[year]);
    }
  });

  it('refuses a year before the 2024 revision', () => {
    expect(() => statutoryHolidays(2024)).toThrow(DocpackError);
    expect(() => statutoryHolidays(2024)).toThrow(/apply from 2025/);
  });
});

describe('provisionalYear', () => {
  it('2027: statutory days, days in lieu of those on a weekend, no make-up working day', () => {
    const year = provisionalYear(2027, 'lunar-typescript@test');
    expect(year).toMatchObject({ year: 2027, provisional: true, source: { computedWith: 'lunar-typescript@test' } });
    expect(year.source.law).toMatch(/^全国年节及纪念日放假办法（2024年11月10日国务院令第795号修订/);
    expect(year.holidays.map((holiday) => [holiday.name, holiday.days, holiday.makeupWorkdays])).toEqual([
      ['元旦', ['2027-01-01'], []],
      // 除夕 02-05 (Fri) .. 初三 02-08; 02-06 and 02-07 are a weekend: in lieu 02-09, 02-10.
      ['春节', ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10'], []],
      ['清明节', ['2027-04-05'], []],
      ['劳动节', ['2027-05-01', '2027-05-02', '2027-05-03', '2027-05-04'], []],
      ['端午节', ['2027-06-09'], []],
      ['中秋节', ['2027-09-15'], []],
      ['国庆节', ['2027-10-01', '2027-10-02', '2027-10-03', '2027-10-04', '2027-10-05'], []],
    ]);
    expect(year.holidays[1]!.note).toContain('02-06、02-07 适逢周末，依第六条补假 02-09、02-10');
  });

  it('joins 中秋节 to 国庆节 when they share a day, with a day in lieu for it (2028: 中秋 on 10-03)', () => {
    const year = provisionalYear(2028, 'x');
    const joined = year.holidays.find((holiday) => holiday.name === '国庆节、中秋节');
    expect(joined).toBeDefined();
    // 10-01 is a Sunday and 10-03 is both festivals: two days in lieu, 10-04 and 10-05.
    expect(joined!.days).toEqual(['2028-10-01', '2028-10-02', '2028-10-03', '2028-10-04', '2028-10-05']);
    expect(joined!.note).toContain('1 天两节重合');
  });

  // 第六条: every statutory day costs one weekday off, wherever it falls (a weekend, another festival's day).
  it.each(Array.from({ length: 30 }, (_, i) => 2027 + i))('%i: as many weekdays off as statutory days, the statutory days kept', (y) => {
    const year = provisionalYear(y, 'x');
    const calendar = createCalendar([year]);
    expect(calendar.provisionalYears).toEqual([y]);
    const statutory = statutoryHolidays(y).flatMap((holiday) => holiday.days);
    expect(statutory).toHaveLength(13);
    const off = year.holidays.flatMap((holiday) => holiday.days);
    for (const day of statutory) expect(off).toContain(day);
    expect(off.filter((day) => isoWeekday(parseIsoDate(day)) < 6)).toHaveLength(13);
    expect(year.holidays.flatMap((holiday) => holiday.makeupWorkdays)).toEqual([]);
  });

  it('gives the same bytes in any time zone of the machine', () => {
    const print = (tz: string): string =>
      spawnSync(process.execPath, ['bin/docpack.js', 'calendar', 'provisional', '2027', '--print'], { cwd: repo, encoding: 'utf8', env: { ...process.env, TZ: tz } }).stdout;
    const expected = `${formatCalendarJson(provisionalYear(2027)).trimEnd()}\n`;
    expect(print('America/Los_Angeles')).toBe(expected);
    expect(print('Pacific/Kiritimati')).toBe(expected);
  });
});
