// A provisional calendar year, computed from the law alone before the State Council publishes the
// year's notice (国务院办公厅关于YYYY年部分节假日安排的通知, each autumn). Lunar dates and the 清明
// solar term come from lunar-typescript (6tail's astronomical calendar), not from arithmetic of ours.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Lunar, Solar } from 'lunar-typescript';
import { DocpackError } from '../errors.ts';
import type { CalendarHoliday, CalendarYear } from './calendar.ts';
import { dayNumber, formatDayNumber, isoWeekday, parseIsoDate, yearOf } from './dates.ts';
import type { IsoDate } from './types.ts';

/** The law a provisional year follows: the 2024 revision, in force from 2025. */
export const HOLIDAY_LAW = '全国年节及纪念日放假办法（2024年11月10日国务院令第795号修订，2025年1月1日起施行）';
/** The first year the 2024 revision governs; earlier years had other statutory days. */
export const FIRST_LAW_YEAR = 2025;
export const LAST_LAW_YEAR = 2199;

/** One holiday's statutory days (第二条: 全体公民放假的节日), before any day in lieu. */
export interface StatutoryHoliday {
  name: string;
  nameEn: string;
  days: IsoDate[];
}

const lunarDay = (year: number, month: number, day: number): number => {
  const solar = Lunar.fromYmd(year, month, day).getSolar();
  return dayNumber(solar.getYear(), solar.getMonth(), solar.getDay());
};

/** The festival days of `year` from the lunar calendar and the solar terms (any year lunar-typescript knows). */
export function festivalDays(year: number): { newYearsEve: IsoDate; springFestival: IsoDate; qingming: IsoDate; dragonBoat: IsoDate; midAutumn: IsoDate } {
  const springFestival = lunarDay(year, 1, 1);
  return {
    newYearsEve: formatDayNumber(springFestival - 1), // the last day of the twelfth lunar month (29th or 30th)
    springFestival: formatDayNumber(springFestival),
    qingming: qingmingDay(year),
    dragonBoat: formatDayNumber(lunarDay(year, 5, 5)),
    midAutumn: formatDayNumber(lunarDay(year, 8, 15)),
  };
}

/** The day of the 清明 solar term in `year` (Beijing time). */
export function qingmingDay(year: number): IsoDate {
  const solar = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()['清明'];
  if (!solar || solar.getYear() !== year) throw new Error(`lunar-typescript gave no 清明 in ${year}`);
  return formatDayNumber(dayNumber(solar.getYear(), solar.getMonth(), solar.getDay()));
}

const run = (first: number, count: number): IsoDate[] => Array.from({ length: count }, (_, i) => formatDayNumber(first + i));

/**
 * The statutory days off of `year` under the 2024 revision (第二条 第一款): 元旦 1 day (1/1), 春节 4 days
 * (除夕 through 正月初三), 清明节 1 day (the solar term), 劳动节 2 days (5/1, 5/2), 端午节 1 day (五月初五),
 * 中秋节 1 day (八月十五), 国庆节 3 days (10/1-10/3). 春节 of lunar year `year` always starts in January or
 * February of `year`, so every day falls in `year`.
 */
export function statutoryHolidays(year: number): StatutoryHoliday[] {
  if (!Number.isInteger(year) || year < FIRST_LAW_YEAR || year > LAST_LAW_YEAR) {
    throw new DocpackError({
      code: 'bad-year',
      message: `${year} cannot be computed provisionally: the law's present holidays (2024 revision) apply from ${FIRST_LAW_YEAR}`,
      hint: `give a year from ${FIRST_LAW_YEAR}; earlier years are published, import them: npx tsx scripts/import-calendar.ts <year>`,
    });
  }
  const festivals = festivalDays(year);
  const holidays: StatutoryHoliday[] = [
    { name: '元旦', nameEn: "New Year's Day", days: run(dayNumber(year, 1, 1), 1) },
    { name: '春节', nameEn: 'Spring Festival', days: run(parseIsoDate(festivals.newYearsEve), 4) }, // 除夕 through 初三
    { name: '清明节', nameEn: 'Tomb-sweeping Day', days: [festivals.qingming] },
    { name: '劳动节', nameEn: 'Labour Day', days: run(dayNumber(year, 5, 1), 2) },
    { name: '端午节', nameEn: 'Dragon Boat Festival', days: [festivals.dragonBoat] },
    { name: '中秋节', nameEn: 'Mid-Autumn Festival', days: [festivals.midAutumn] },
    { name: '国庆节', nameEn: 'National Day', days: run(dayNumber(year, 10, 1), 3) },
  ];
  for (const holiday of holidays) {
    for (const day of holiday.days) if (yearOf(day) !== year) throw new Error(`${holiday.name} ${day} is not in ${year}`);
  }
  return holidays.sort((a, b) => (a.days[0]! < b.days[0]! ? -1 : a.days[0]! > b.days[0]! ? 1 : 0));
}

/** lunar-typescript's version, written into the file so a reviewer knows what computed the dates. */
export function lunarLibrary(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('lunar-typescript'); // .../lunar-typescript/dist/index.cjs
  const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { name: string; version: string };
  return `${manifest.name}@${manifest.version}`;
}

const short = (day: IsoDate): string => day.slice(5);

/**
 * The provisional year: each holiday's statutory days, plus the days in lieu the law requires
 * (第六条: a statutory day on a Saturday or Sunday is made up on a working day; 2020's 中秋 on 10/1 shows
 * the same for a day two festivals share), taken on the first weekdays after the holiday that are not
 * already off. Holidays whose days meet or overlap (国庆节 and 中秋节) are one entry, as the notices
 * write them. No make-up working day (调休上班): only the notice sets those.
 */
export function provisionalYear(year: number, computedWith: string = lunarLibrary()): CalendarYear {
  const statutory = statutoryHolidays(year);
  // Merge holidays that share a day or touch each other (中秋节 on 9/30-10/4 joins 国庆节).
  const groups: { parts: StatutoryHoliday[]; statutory: number[] }[] = [];
  for (const holiday of statutory) {
    const days = holiday.days.map(parseIsoDate);
    const last = groups[groups.length - 1];
    const lastDay = last ? Math.max(...last.statutory) : -Infinity;
    if (last && days[0]! <= lastDay + 1) {
      last.parts.push(holiday);
      last.statutory.push(...days);
    } else {
      groups.push({ parts: [holiday], statutory: days });
    }
  }
  const off = new Set<number>();
  for (const group of groups) for (const day of group.statutory) off.add(day);
  const holidays: CalendarHoliday[] = groups.map((group) => {
    const unique = [...new Set(group.statutory)].sort((a, b) => a - b);
    const shared = group.statutory.length - unique.length; // one festival day on another's
    const weekend = unique.filter((day) => isoWeekday(day) >= 6);
    const owed = weekend.length + shared;
    const inLieu: number[] = [];
    for (let day = unique[unique.length - 1]! + 1; inLieu.length < owed; day++) {
      if (isoWeekday(day) >= 6 || off.has(day)) continue;
      inLieu.push(day);
      off.add(day);
    }
    const all = [...unique, ...inLieu].sort((a, b) => a - b);
    const statutoryText = unique.map((day) => short(formatDayNumber(day))).join('、');
    const reasons = [
      weekend.length > 0 ? `${weekend.map((day) => short(formatDayNumber(day))).join('、')} 适逢周末` : '',
      shared > 0 ? `${shared} 天两节重合` : '',
    ].filter(Boolean);
    const lieuText = inLieu.length > 0 ? `；${reasons.join('，')}，依第六条补假 ${inLieu.map((day) => short(formatDayNumber(day))).join('、')}（具体日期以国务院通知为准）` : '';
    return {
      name: group.parts.map((part) => part.name).join('、'),
      nameEn: group.parts.map((part) => part.nameEn).join(' and '),
      days: all.map(formatDayNumber),
      makeupWorkdays: [],
      note: `暂算：法定假日 ${statutoryText}${lieuText}；调休上班日待国务院公布${year}年放假安排`,
    };
  });
  // An in-lieu day pushed into the next year (a late-December holiday) cannot happen: the last is 国庆节.
  for (const holiday of holidays) for (const day of holiday.days) if (yearOf(day) !== year) throw new Error(`${day} is not in ${year}`);
  return {
    $schema: './calendar.schema.json',
    year,
    provisional: true,
    source: { law: HOLIDAY_LAW, computedWith },
    holidays,
  };
}

export { provisionalNote } from './note.ts';
