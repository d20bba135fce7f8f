/** A calendar date written YYYY-MM-DD (Asia/Shanghai civil date). */
export type IsoDate = string;

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup-workday';

export interface DayInfo {
  date: IsoDate;
  working: boolean;
  /** workday: an ordinary Monday-Friday; makeup-workday: a weekend day worked in exchange (调休). */
  kind: DayKind;
  /** Name of the holiday (e.g. 国庆节), set for holidays and for the make-up days that belong to one. */
  holidayName?: string;
  /** English name of the same holiday (e.g. National Day). */
  holidayNameEn?: string;
  /** ISO weekday, 1 = Monday ... 7 = Sunday. */
  weekday: number;
}

/**
 * The official Chinese working-day calendar, loaded from rules/calendars/.
 * Every method throws DocpackError code "calendar-coverage" (naming the missing year)
 * when it needs a day outside the covered years, never a guess.
 */
export interface WorkingCalendar {
  /** First and last covered years, inclusive. */
  readonly coverage: { readonly from: number; readonly to: number };
  /**
   * Covered years computed from the law alone, before the State Council's notice (rules/calendars/<year>.json
   * with "provisional": true), ascending. Empty unless the user opted in (--calendar-provisional).
   */
  readonly provisionalYears: readonly number[];
  /** True when a day from `from` to `to` (either order, both included) lies in a provisional year. */
  touchesProvisional(from: IsoDate, to: IsoDate): boolean;
  info(date: IsoDate): DayInfo;
  isWorkingDay(date: IsoDate): boolean;
  /**
   * The n-th working day after `date` (n > 0) or before it (n < 0); `date` itself is not counted.
   * n = 0 returns `date` when it is a working day, otherwise the next working day.
   */
  addWorkingDays(date: IsoDate, n: number): IsoDate;
  /** Working days in (from, to]: after `from`, up to and including `to`; negative when to < from. */
  workingDaysBetween(from: IsoDate, to: IsoDate): number;
}
