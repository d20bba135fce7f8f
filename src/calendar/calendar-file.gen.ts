/* Generated from rules/calendars/calendar.schema.json by `npm run gen:types`. Do not edit by hand. */

/**
 * A civil date YYYY-MM-DD (Asia/Shanghai).
 *
 * This interface was referenced by `CalendarYear`'s JSON-Schema
 * via the `definition` "isoDate".
 */
export type IsoDate = string;

/**
 * The Chinese working-day calendar of one year: public holidays and the make-up working weekend days (调休). File name: <year>.json. Every date listed here falls in `year`; a day not listed is a working day on Monday-Friday and a rest day on Saturday-Sunday. Three kinds of file: imported from the chinese-days package (scripts/import-calendar.ts, `source.importedFrom` set), written by hand from the State Council notice (no `importedFrom`; cite the notice in `source.notice` and `source.url`), or provisional (`provisional`: true, written by `docpack calendar provisional <year>` from the law alone before the notice is out, used only with --calendar-provisional).
 */
export interface CalendarYear {
  $schema: './calendar.schema.json';
  /**
   * The calendar year; must equal the file name.
   */
  year: number;
  /**
   * true: the year is computed from 全国年节及纪念日放假办法 alone, not from a State Council notice (statutory days off with lunar dates computed, days in lieu of those on a weekend, no make-up working days). docpack uses it only with --calendar-provisional (or "calendarProvisional": true in docpack.config.json), and marks every deadline that touched it. Importing the official year replaces the file.
   */
  provisional?: boolean;
  /**
   * Where the dates come from, so a reviewer can check them. An official year cites the notice (`notice`, and `url` where it is published); a provisional year cites the law (`law`).
   */
  source: {
    /**
     * The State Council notice as it is cited: title, number in （） and the date of issue, e.g. 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号），2024年11月12日. Required unless the year is provisional.
     */
    notice?: string;
    /**
     * Where the notice is published, e.g. https://www.gov.cn/zhengce/content/....htm.
     */
    url?: string;
    /**
     * Set by scripts/import-calendar.ts: the data package and version the dates were imported from, e.g. chinese-days@1.5.7. Leave it out in a file written by hand from the notice.
     */
    importedFrom?: string;
    /**
     * Provisional years: the law the days are computed from, e.g. 全国年节及纪念日放假办法（2024年11月10日国务院令第795号修订，2025年1月1日起施行）.
     */
    law?: string;
    /**
     * Provisional years: what computed the lunar and solar-term dates, e.g. lunar-typescript@1.8.6.
     */
    computedWith?: string;
  };
  /**
   * The holidays of the year in date order; a combined holiday (e.g. 国庆节、中秋节) is one entry.
   */
  holidays: CalendarHoliday[];
}
/**
 * This interface was referenced by `CalendarYear`'s JSON-Schema
 * via the `definition` "holiday".
 */
export interface CalendarHoliday {
  /**
   * Name as the notice writes it, e.g. 国庆节.
   */
  name: string;
  /**
   * English name, e.g. National Day.
   */
  nameEn: string;
  /**
   * Every day off of this holiday in this year, weekends inside the holiday included.
   */
  days: IsoDate[];
  /**
   * Saturdays and Sundays of this year worked in exchange for this holiday (调休上班). A provisional year has none: they are set only by the notice.
   */
  makeupWorkdays: IsoDate[];
  /**
   * Free text for reviewers, e.g. how a provisional holiday was computed (statutory days, days in lieu).
   */
  note?: string;
}
