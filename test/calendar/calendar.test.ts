import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createCalendar, loadCalendar, type CalendarYear } from '../../src/calendar/calendar.ts';
import { dayNumber, formatDayNumber, isoWeekday, parseIsoDate, tryParseIsoDate } from '../../src/calendar/dates.ts';
import { DocpackError } from '../../src/errors.ts';
import { pinnedCalendarDir } from './pinned.ts';

const calendar = loadCalendar(pinnedCalendarDir());
const rulesDir = fileURLToPath(new URL('../../rules/calendars/', import.meta.url));
const year2026 = JSON.parse(readFileSync(join(rulesDir, '2026.json'), 'utf8')) as CalendarYear;
const year2025 = JSON.parse(readFileSync(join(rulesDir, '2025.json'), 'utf8')) as CalendarYear;

/** The DocpackError `run` throws (fails the test when it throws nothing or something else). */
function caught(run: () => unknown): DocpackError {
  try {
    run();
  } catch (error) {
    if (error instanceof DocpackError) return error;
    throw error;
  }
  throw new Error('expected a DocpackError');
}

describe('dates', () => {
  it('parses and formats civil dates by hand', () => {
    expect(parseIsoDate('1970-01-01')).toBe(0);
    expect(parseIsoDate('2026-10-01')).toBe(dayNumber(2026, 10, 1));
    expect(formatDayNumber(parseIsoDate('2024-02-29'))).toBe('2024-02-29');
    expect(isoWeekday(parseIsoDate('2026-10-01'))).toBe(4); // Thursday
    expect(isoWeekday(parseIsoDate('2026-09-20'))).toBe(7); // Sunday
    for (let day = dayNumber(1999, 1, 1); day < dayNumber(2101, 1, 1); day += 17) {
      expect(parseIsoDate(formatDayNumber(day))).toBe(day);
    }
  });

  it.each(['2026-02-30', '2026-13-01', '20261001', '2026-1-05', '2025-02-29', '2026-00-10', '2026-10-00', '2026-10-1x', '', ' 2026-10-01'])(
    'rejects %j',
    (text) => {
      expect(tryParseIsoDate(text)).toBeUndefined();
      expect(caught(() => parseIsoDate(text)).code).toBe('bad-date');
    },
  );
});

describe('the 2025-2026 working-day calendar', () => {
  it('covers 2025-2026', () => {
    expect(calendar.coverage).toEqual({ from: 2025, to: 2026 });
  });

  it('counts across the 2026 National Day holiday and its make-up days', () => {
    expect(calendar.addWorkingDays('2026-09-30', 1)).toBe('2026-10-08');
    expect(calendar.addWorkingDays('2026-09-30', 2)).toBe('2026-10-09');
    expect(calendar.addWorkingDays('2026-10-09', 1)).toBe('2026-10-10'); // make-up Saturday
    expect(calendar.addWorkingDays('2026-10-09', 2)).toBe('2026-10-12');
    expect(calendar.addWorkingDays('2026-10-08', -1)).toBe('2026-09-30');
    expect(calendar.addWorkingDays('2026-10-09', -3)).toBe('2026-09-29');
    expect(calendar.addWorkingDays('2026-10-04', -1)).toBe('2026-09-30'); // from a holiday Sunday
    expect(calendar.addWorkingDays('2026-10-04', 1)).toBe('2026-10-08');
    expect(calendar.addWorkingDays('2026-09-18', 1)).toBe('2026-09-20'); // Friday -> make-up Sunday
    expect(calendar.addWorkingDays('2026-09-24', 1)).toBe('2026-09-28'); // over 中秋节 09-25..27
  });

  it('n = 0 is the date itself when working, else the next working day', () => {
    expect(calendar.addWorkingDays('2026-10-10', 0)).toBe('2026-10-10');
    expect(calendar.addWorkingDays('2026-10-01', 0)).toBe('2026-10-08');
    expect(calendar.addWorkingDays('2026-10-11', 0)).toBe('2026-10-12');
  });

  it('tells working days from days off, and why', () => {
    expect(calendar.isWorkingDay('2026-09-20')).toBe(true); // Sunday make-up
    expect(calendar.isWorkingDay('2026-10-05')).toBe(false); // holiday Monday
    expect(calendar.isWorkingDay('2026-10-11')).toBe(false);
    expect(calendar.isWorkingDay('2026-10-12')).toBe(true);
    expect(calendar.info('2026-10-10')).toEqual({
      date: '2026-10-10',
      working: true,
      kind: 'makeup-workday',
      weekday: 6,
      holidayName: '国庆节',
      holidayNameEn: 'National Day',
    });
    expect(calendar.info('2026-10-05')).toMatchObject({ working: false, kind: 'holiday', weekday: 1, holidayName: '国庆节' });
    expect(calendar.info('2026-10-11')).toEqual({ date: '2026-10-11', working: false, kind: 'weekend', weekday: 7 });
    expect(calendar.info('2026-10-12')).toEqual({ date: '2026-10-12', working: true, kind: 'workday', weekday: 1 });
    expect(calendar.info('2026-09-25')).toMatchObject({ kind: 'holiday', holidayName: '中秋节' });
    expect(calendar.info('2025-10-06')).toMatchObject({ kind: 'holiday', holidayName: '国庆节、中秋节' });
  });

  it('counts working days between two dates, (from, to]', () => {
    expect(calendar.workingDaysBetween('2026-09-30', '2026-10-12')).toBe(4); // 10-08, 10-09, 10-10, 10-12
    expect(calendar.workingDaysBetween('2026-10-12', '2026-09-30')).toBe(-4);
    expect(calendar.workingDaysBetween('2026-09-18', '2026-09-21')).toBe(2); // 09-20 (make-up), 09-21
    expect(calendar.workingDaysBetween('2026-10-01', '2026-10-07')).toBe(0);
    expect(calendar.workingDaysBetween('2026-10-08', '2026-10-08')).toBe(0);
    // 2025: 261 weekdays - 18 holiday weekdays + 5 make-up days; 2026: 261 - 19 + 6. (01-01 is a holiday either way.)
    expect(calendar.workingDaysBetween('2025-01-01', '2025-12-31')).toBe(248);
    expect(calendar.workingDaysBetween('2025-12-31', '2026-12-31')).toBe(248);
  });

  it('crosses the year boundary: 2026 元旦 is 01-01..01-03, with Sunday 01-04 worked', () => {
    expect(calendar.addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
    expect(calendar.addWorkingDays('2025-12-31', 2)).toBe('2026-01-05');
    expect(calendar.addWorkingDays('2026-01-04', -1)).toBe('2025-12-31');
    expect(calendar.workingDaysBetween('2025-12-31', '2026-01-05')).toBe(2);
  });

  it('counts over the 2026 Spring Festival (make-up Saturdays 02-14 and 02-28)', () => {
    expect(calendar.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(calendar.addWorkingDays('2026-02-14', 1)).toBe('2026-02-24');
    expect(calendar.addWorkingDays('2026-02-27', 1)).toBe('2026-02-28');
    expect(calendar.addWorkingDays('2026-02-28', 1)).toBe('2026-03-02');
  });

  it('names the missing year when a date or a result is outside 2025-2026', () => {
    const after = caught(() => calendar.addWorkingDays('2026-12-30', 3));
    expect(after.code).toBe('calendar-coverage');
    expect(after.message).toBe('the working-day calendar covers 2025-2026; 2027 is needed for 3 working days after 2026-12-30');
    expect(after.problem.hint).toBe(
      `add ${pinnedCalendarDir()}/2027.json: npx tsx scripts/import-calendar.ts 2027 (see README, "Adding a calendar year")` +
        '; until the notice is out: docpack calendar provisional 2027, then --calendar-provisional',
    );
    expect(calendar.addWorkingDays('2026-12-30', 1)).toBe('2026-12-31');
    // 2025-01-01 is a holiday, so the working day before 2025-01-02 is in 2024.
    expect(caught(() => calendar.addWorkingDays('2025-01-02', -1)).message).toContain('2024 is needed');
    expect(caught(() => calendar.info('2024-12-31')).message).toContain('2024 is needed for 2024-12-31');
    expect(caught(() => calendar.isWorkingDay('2027-01-04')).message).toContain('2027 is needed');
    expect(caught(() => calendar.workingDaysBetween('2026-12-01', '2027-01-15')).code).toBe('calendar-coverage');
    const far = caught(() => calendar.info('2029-06-01'));
    expect(far.message).toContain('2027-2029 are needed');
    expect(far.problem.hint).toContain('import-calendar.ts 2027 (and each year up to 2029)');
    expect(caught(() => calendar.info('2022-06-01')).problem.hint).toContain('import-calendar.ts 2024 (and each year back to 2022)');
  });

  it('rejects malformed dates and counts', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '20261001']) {
      expect(caught(() => calendar.addWorkingDays(bad, 1)).code).toBe('bad-date');
      expect(caught(() => calendar.info(bad)).code).toBe('bad-date');
      expect(caught(() => calendar.workingDaysBetween('2026-01-05', bad)).code).toBe('bad-date');
    }
    expect(caught(() => calendar.addWorkingDays('2026-10-09', 1.5)).code).toBe('bad-number');
    expect(caught(() => calendar.addWorkingDays('2026-10-09', Number.NaN)).code).toBe('bad-number');
  });
});

describe('loading and checking calendar files', () => {
  const temp = mkdtempSync(join(tmpdir(), 'docpack-calendar-'));
  let count = 0;
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  function folder(files: Record<string, unknown>): string {
    const dir = join(temp, String(count++));
    mkdirSync(dir);
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
    }
    return dir;
  }
  const with2026 = (change: (data: CalendarYear) => void): CalendarYear => {
    const copy = structuredClone(year2026);
    change(copy);
    return copy;
  };

  it('loads another folder', () => {
    const dir = folder({ '2026.json': year2026, 'notes.txt': 'ignored' });
    expect(loadCalendar(dir).coverage).toEqual({ from: 2026, to: 2026 });
  });

  it('names the file, line, column and field of a schema error', () => {
    const dir = folder({ '2026.json': JSON.stringify(with2026((data) => (data.holidays[0]!.days[0] = '2026/01/01')), null, 2) });
    const error = caught(() => loadCalendar(dir));
    expect(error.code).toBe('calendar-invalid');
    expect(error.problem.file).toBe(join(dir, '2026.json'));
    expect(error.problem.field).toBe('holidays[0].days[0]');
    const text = readFileSync(join(dir, '2026.json'), 'utf8').split('\n');
    expect(text[error.problem.line! - 1]!.slice(error.problem.column! - 1)).toMatch(/^"2026\/01\/01"/);
  });

  it('gives the line and column of an unknown field, a missing notice, a weekday make-up day', () => {
    const write = (data: unknown): string => JSON.stringify(data, null, 2);
    const typo = caught(() => loadCalendar(folder({ '2026.json': write({ ...year2026, source: { notce: 'x' } }) })));
    expect(typo.problem).toMatchObject({ code: 'calendar-invalid', line: 5, column: 5, message: 'unknown field "notce"', hint: 'did you mean "notice"?' });
    const { notice: _notice, importedFrom: _importedFrom, ...noNotice } = year2026.source;
    const missing = caught(() => loadCalendar(folder({ '2026.json': write({ ...year2026, source: noNotice }) })));
    expect(missing.problem).toMatchObject({ line: 4, column: 13, message: 'missing required field "notice"' });
    expect(missing.problem.hint).toContain('国务院办公厅关于');
    const nationalDay = year2026.holidays.findIndex((holiday) => holiday.name === '国庆节');
    const text = write(with2026((data) => data.holidays[nationalDay]!.makeupWorkdays.push('2026-10-09')));
    const weekday = caught(() => loadCalendar(folder({ '2026.json': text })));
    expect(weekday.problem.message).toBe('make-up working day 2026-10-09 is not a Saturday or Sunday');
    expect(text.split('\n')[weekday.problem.line! - 1]!.slice(weekday.problem.column! - 1)).toBe('"2026-10-09"');
    const syntax = caught(() => loadCalendar(folder({ '2026.json': '{\n  "year": 2026,\n}' })));
    expect(syntax.problem).toMatchObject({ code: 'calendar-invalid', line: 3, column: 1 });
  });

  it('takes a year written by hand (no importedFrom) as official', () => {
    const { importedFrom: _importedFrom, ...source } = year2026.source;
    const dir = folder({ '2025.json': year2025, '2026.json': { ...year2026, source } });
    expect(loadCalendar(dir).coverage).toEqual({ from: 2025, to: 2026 });
    expect(loadCalendar(dir).provisionalYears).toEqual([]);
  });

  it('uses a provisional year only when asked, and says which computations touched it', () => {
    const provisional: CalendarYear = { $schema: './calendar.schema.json', year: 2027, provisional: true, source: { law: '全国年节及纪念日放假办法' }, holidays: [{ name: '元旦', nameEn: "New Year's Day", days: ['2027-01-01'], makeupWorkdays: [] }] };
    const dir = folder({ '2026.json': year2026, '2027.json': provisional });
    const plain = loadCalendar(dir);
    expect(plain.coverage).toEqual({ from: 2026, to: 2026 });
    expect(plain.ignoredProvisional).toEqual([2027]);
    const refused = caught(() => plain.addWorkingDays('2026-12-31', 1));
    expect(refused.message).toContain('2027.json is provisional and not used');
    expect(refused.problem.hint).toContain('--calendar-provisional');
    const opted = loadCalendar(dir, { provisional: true });
    expect(opted.coverage).toEqual({ from: 2026, to: 2027 });
    expect(opted.provisionalYears).toEqual([2027]);
    expect(opted.addWorkingDays('2026-12-31', 1)).toBe('2027-01-04');
    expect(opted.touchesProvisional('2026-12-31', '2027-01-04')).toBe(true);
    expect(opted.touchesProvisional('2026-12-01', '2026-12-31')).toBe(false);
    expect(opted.touchesProvisional('2027-03-01', '2026-03-01')).toBe(true);
    expect(calendar.touchesProvisional('2025-01-01', '2026-12-31')).toBe(false);
    const onlyProvisional = caught(() => loadCalendar(folder({ '2027.json': provisional })));
    expect(onlyProvisional.message).toContain('the only calendar years here are provisional (2027)');
  });

  it('rejects a file that is not JSON', () => {
    const error = caught(() => loadCalendar(folder({ '2026.json': '{ "year": 2026,' })));
    expect(error.code).toBe('calendar-invalid');
    expect(error.problem.file).toMatch(/2026\.json$/);
  });

  it('rejects a year that does not match its file name', () => {
    const error = caught(() => loadCalendar(folder({ '2027.json': year2026 })));
    expect(error.message).toContain('does not match the file name');
  });

  it('rejects a make-up working day on a weekday', () => {
    const nationalDay = year2026.holidays.findIndex((holiday) => holiday.name === '国庆节');
    const error = caught(() =>
      loadCalendar(folder({ '2026.json': with2026((data) => data.holidays[nationalDay]!.makeupWorkdays.push('2026-10-09')) })),
    );
    expect(error.message).toBe('make-up working day 2026-10-09 is not a Saturday or Sunday');
    expect(error.problem.field).toBe(`holidays[${nationalDay}].makeupWorkdays[2]`);
  });

  it('rejects a day outside its year, a date that does not exist, and a date listed twice', () => {
    expect(caught(() => createCalendar([with2026((data) => data.holidays[0]!.days.push('2027-01-01'))])).message).toBe('2027-01-01 is not in 2026');
    expect(caught(() => createCalendar([with2026((data) => data.holidays[0]!.days.push('2026-02-30'))])).message).toContain('is not a date');
    const both = caught(() => createCalendar([with2026((data) => data.holidays[0]!.makeupWorkdays.push('2026-01-03'))]));
    expect(both.message).toContain('2026-01-03 is listed twice');
  });

  it('rejects years with a gap, and a folder with no year', () => {
    const gap = caught(() => loadCalendar(folder({ '2024.json': { ...year2025, year: 2024, holidays: [] }, '2026.json': year2026 })));
    expect(gap.message).toBe('calendar years must be contiguous: 2025 missing between 2024 and 2026');
    expect(gap.problem.file).toMatch(/2026\.json$/);
    expect(caught(() => loadCalendar(folder({}))).code).toBe('calendar-missing');
    expect(caught(() => loadCalendar(join(temp, 'nowhere'))).code).toBe('calendar-missing');
  });
});
