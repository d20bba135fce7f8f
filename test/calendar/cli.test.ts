import { mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

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
    [['add', '2026-12-30', '3'], /^docpack: the working-day calendar covers 2025-2026; 2027 is needed for 3 working days after 2026-12-30; add rules\/calendars\/2027\.json: npx tsx scripts\/import-calendar\.ts 2027/],
    [['info', '2024-10-01'], /2024 is needed for 2024-10-01; add rules\/calendars\/2024\.json/],
    [['list', '2027'], /2027 is needed/],
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
});
