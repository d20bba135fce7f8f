import { mkdtempSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { pinnedCalendarDir } from './pinned.ts';

async function run(...argv: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const io = memoryIo();
  const code = await main(['calendar', ...argv], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('docpack calendar', () => {
  const rulesDir = fileURLToPath(new URL('../../rules/calendars/', import.meta.url));
  const only2026 = mkdtempSync(join(tmpdir(), 'docpack-calendar-cli-'));
  copyFileSync(join(rulesDir, '2026.json'), join(only2026, '2026.json'));
  afterAll(() => rmSync(only2026, { recursive: true, force: true }));

  it('add prints the n-th working day after the date', async () => {
    expect(await run('add', '2026-09-30', '1')).toEqual({ code: 0, stdout: ['2026-10-08'], stderr: [] });
    expect(await run('add', '2026-10-09', '1')).toEqual({ code: 0, stdout: ['2026-10-10'], stderr: [] });
  });

  it('add takes a negative n as a count, not an option', async () => {
    expect(await run('add', '2026-10-09', '-3')).toEqual({ code: 0, stdout: ['2026-09-29'], stderr: [] });
    expect(await run('add', '2026-10-08', '-1', '--calendar-dir', only2026)).toEqual({ code: 0, stdout: ['2026-09-30'], stderr: [] });
  });

  it('info says whether the day is worked, and why', async () => {
    expect((await run('info', '2026-10-10')).stdout).toEqual(['2026-10-10 星期六 working day: make-up working day for 国庆节 (National Day)']);
    expect((await run('info', '2026-10-05')).stdout).toEqual(['2026-10-05 星期一 not a working day: holiday 国庆节 (National Day)']);
    expect((await run('info', '2026-10-11')).stdout).toEqual(['2026-10-11 星期日 not a working day: weekend']);
    expect((await run('info', '2026-10-12')).stdout).toEqual(['2026-10-12 星期一 working day: ordinary weekday']);
    const json = await run('info', '2026-09-20', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout.join('\n'))).toEqual({
      date: '2026-09-20',
      working: true,
      kind: 'makeup-workday',
      weekday: 7,
      holidayName: '国庆节',
      holidayNameEn: 'National Day',
    });
  });

  it('list prints the holidays and make-up days of a year', async () => {
    const result = await run('list', '2026');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '  国庆节 (National Day): 2026-10-01..2026-10-07 off (7 days); make-up working days 2026-09-20 星期日, 2026-10-10 星期六',
    );
    expect(result.stdout).toHaveLength(8);
    const json = await run('list', '2025', '--json');
    expect(JSON.parse(json.stdout.join('\n'))).toMatchObject({ year: 2025 });
  });

  it.each([
    // On a copy of 2025-2026, so that adding a year to rules/calendars needs no change here.
    [['add', '2026-12-30', '3', '--calendar-dir', pinnedCalendarDir()], /^docpack: the working-day calendar covers 2025-2026; 2027 is needed for 3 working days after 2026-12-30; add \S+\/2027\.json: npx tsx scripts\/import-calendar\.ts 2027/],
    [['info', '2024-10-01', '--calendar-dir', pinnedCalendarDir()], /2024 is needed for 2024-10-01; add \S+\/2024\.json/],
    [['list', '2027', '--calendar-dir', pinnedCalendarDir()], /2027 is needed/],
    [['add', '2026-02-30', '1'], /^docpack: "2026-02-30" is not a date \(YYYY-MM-DD\)/],
    [['info', '20261001'], /"20261001" is not a date/],
    [['add', '2026-10-09', 'three'], /"three" is not a whole number of working days/],
    [['add', '2026-10-09', '1.5'], /"1.5" is not a whole number/],
    [['list', '26'], /"26" is not a year/],
  ])('%j exits 2 with one line on stderr', async (argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toEqual([]);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).toMatch(message);
    expect(result.stderr[0]).not.toContain('\n');
    expect(result.stderr[0]).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('--calendar-dir points at another calendar folder, named in the hint', async () => {
    const result = await run('info', '2025-10-01', '--calendar-dir', only2026);
    expect(result.code).toBe(2);
    expect(result.stderr[0]).toContain('the working-day calendar covers 2026; 2025 is needed');
    expect(result.stderr[0]).toContain(`add ${only2026}/2025.json`);
    const missing = await run('info', '2026-10-01', '--calendar-dir', join(only2026, 'nowhere'));
    expect(missing.code).toBe(2);
    expect(missing.stderr[0]).toContain('cannot read the calendar folder');
  });

  it('a missing argument is a usage error (exit 2)', async () => {
    expect((await run('add', '2026-10-09')).code).toBe(2);
  });

  describe('years not published yet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docpack-calendar-provisional-'));
    for (const year of ['2025', '2026']) copyFileSync(join(rulesDir, `${year}.json`), join(dir, `${year}.json`));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('coverage (and info without a date) says which years are official, provisional or missing', async () => {
      const before = await run('coverage', '--calendar-dir', dir, '--as-of', '2026-11-25');
      expect(before.code).toBe(0);
      expect(before.stdout).toHaveLength(3);
      expect(before.stdout[0]).toMatch(/^2025 {2}official {4}.*2025\.json: 国务院办公厅关于2025年部分节假日安排的通知.*\(imported from chinese-days@/);
      expect(before.stdout[2]).toMatch(/^2027 {2}missing {5}no .*2027\.json: a deadline that needs 2027 is an error; .*docpack calendar provisional 2027/);
      expect(await run('info', '--calendar-dir', dir, '--as-of', '2026-11-25')).toEqual(before);
      const json = JSON.parse((await run('coverage', '--calendar-dir', dir, '--as-of', '2026-11-25', '--json')).stdout.join('\n')) as { years: { year: number; status: string; used: boolean }[] };
      expect(json.years.map(({ year, status, used }) => [year, status, used])).toEqual([[2025, 'official', true], [2026, 'official', true], [2027, 'missing', false]]);
    });

    it('provisional writes the year from the law, used only with --calendar-provisional', async () => {
      expect((await run('provisional', '2029', '--calendar-dir', dir)).stderr[0]).toContain('2027 comes before 2029; write 2027 first');
      const wrote = await run('provisional', '2027', '--calendar-dir', dir);
      expect(wrote.code).toBe(0);
      expect(wrote.stdout[0]).toBe(`wrote ${dir}/2027.json: provisional, 7 holidays, 19 days off, no make-up working days`);
      expect(wrote.stderr[0]).toContain('only with --calendar-provisional');
      const file = JSON.parse(readFileSync(join(dir, '2027.json'), 'utf8')) as { provisional: boolean; source: { law: string } };
      expect(file.provisional).toBe(true);
      expect((await run('coverage', '--calendar-dir', dir, '--as-of', '2026-11-25')).stdout[2]).toMatch(/^2027 {2}provisional .*not used: pass --calendar-provisional/);
      expect((await run('coverage', '--calendar-dir', dir, '--as-of', '2026-11-25', '--calendar-provisional')).stdout[2]).toMatch(/used, deadlines on it are marked provisional$/);
      const refused = await run('add', '2026-12-30', '3', '--calendar-dir', dir);
      expect(refused.code).toBe(2);
      expect(refused.stderr[0]).toContain('2027.json is provisional and not used');
      const counted = await run('add', '2026-12-30', '3', '--calendar-dir', dir, '--calendar-provisional');
      expect(counted).toEqual({ code: 0, stdout: ['2027-01-05'], stderr: ['docpack: counted on the provisional 2027 calendar: 按法定节假日暂算，待国务院公布2027年放假安排后复核'] });
      expect((await run('info', '2027-02-09', '--calendar-dir', dir, '--calendar-provisional')).stdout[0]).toBe(
        '2027-02-09 星期二 not a working day: holiday 春节 (Spring Festival) (provisional: 按法定节假日暂算，待国务院公布2027年放假安排后复核)',
      );
      const listed = await run('list', '2027', '--calendar-dir', dir);
      expect(listed.stdout[0]).toMatch(/^2027: provisional, from 全国年节及纪念日放假办法/);
      expect(listed.stdout[1]).toContain('not used without --calendar-provisional');
      expect(listed.stdout).toContain('  国庆节 (National Day): 2027-10-01..2027-10-05 off (5 days)');
      // Written again: the same file. An official year is never replaced by a provisional one.
      expect((await run('provisional', '2027', '--calendar-dir', dir)).stdout[0]).toMatch(/^rewrote /);
      const official = await run('provisional', '2026', '--calendar-dir', dir);
      expect(official.code).toBe(2);
      expect(official.stderr[0]).toContain('2026 is already an official year');
      expect((await run('provisional', '2024', '--calendar-dir', dir)).stderr[0]).toContain('apply from 2025');
    });

    it('a year written by hand is listed as such', async () => {
      const hand = JSON.parse(readFileSync(join(rulesDir, '2026.json'), 'utf8')) as { source: Record<string, string> };
      delete hand.source.importedFrom;
      const handDir = mkdtempSync(join(tmpdir(), 'docpack-calendar-hand-'));
      try {
        writeFileSync(join(handDir, '2026.json'), JSON.stringify(hand, null, 2));
        expect((await run('list', '2026', '--calendar-dir', handDir)).stdout[0]).toBe('2026: 国务院办公厅关于2026年部分节假日安排的通知，2025年11月4日 (written by hand)');
        expect((await run('coverage', '--calendar-dir', handDir, '--as-of', '2026-01-01')).stdout).toEqual([
          expect.stringMatching(/^2026 {2}official {4}.*\(written by hand\)$/),
          expect.stringMatching(/^2027 {2}missing/),
        ]);
      } finally {
        rmSync(handDir, { recursive: true, force: true });
      }
    });
  });
});
