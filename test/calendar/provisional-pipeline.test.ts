// A provisional calendar year through the pipeline: clocks, findings, check, build (summary.md, findings.json).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/alerts/types.ts';
import { loadCalendar } from '../../src/calendar/calendar.ts';
import { formatCalendarJson } from '../../src/calendar/format.ts';
import { provisionalYear } from '../../src/calendar/provisional.ts';
import { calendarProvisionalOption } from '../../src/cli/context.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { computeClocks } from '../../src/clocks/compute.ts';
import { loadClockDefs } from '../../src/clocks/load.ts';
import type { Problem } from '../../src/errors.ts';
import { loadConfig } from '../../src/pack/config.ts';
import type { ProjectRecord } from '../../src/records/types.gen.ts';
import { parseAsOf } from '../../src/time.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const temp = mkdtempSync(join(tmpdir(), 'docpack-provisional-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

// 2025, 2026 official and 2027 provisional; a record whose circuits are due 2027-01-12 (the fixture's are due 2026-12-18).
const calendarDir = join(temp, 'calendars');
mkdirSync(calendarDir);
for (const year of [2025, 2026]) copyFileSync(join(repo, `rules/calendars/${year}.json`), join(calendarDir, `${year}.json`));
writeFileSync(join(calendarDir, '2027.json'), formatCalendarJson(provisionalYear(2027)));
const recordsDir = join(temp, 'records');
mkdirSync(recordsDir);
const text = readFileSync(join(repo, 'fixtures/projects/P2026-GOV-001.json'), 'utf8').replaceAll('"requiredCompletion": "2026-12-18"', '"requiredCompletion": "2027-01-12"');
writeFileSync(join(recordsDir, 'P2026-GOV-001.json'), text.replace('"$schema": "../../src/schemas/project.schema.json"', `"$schema": ${JSON.stringify(join(repo, 'src/schemas/project.schema.json'))}`));
const record = JSON.parse(text) as ProjectRecord;

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

describe('clocks on a provisional year', () => {
  const defs = loadClockDefs();
  const asOf = parseAsOf('2026-12-28T09:00:00+08:00')!;
  const official = computeClocks(record, defs, loadCalendar(calendarDir), asOf);
  const provisional = computeClocks(record, defs, loadCalendar(calendarDir, { provisional: true }), asOf);
  const key = (state: { clock: string; subject: string; occurrence?: string }): string => `${state.clock} ${state.subject} ${state.occurrence ?? ''}`;

  it('without the opt-in, a clock that needs 2027 is an error; with it, it is computed and marked provisional', () => {
    const errors = official.filter((state) => state.state === 'error');
    expect(errors.map((state) => state.problem?.code)).toEqual(['calendar-coverage', 'calendar-coverage', 'calendar-coverage']);
    const byKey = new Map(provisional.map((state) => [key(state), state]));
    for (const error of errors) {
      const state = byKey.get(key(error))!;
      expect(state.state).not.toBe('error');
      expect(state.provisional).toBe(true);
    }
    // 3 working days before 2027-01-12 on the provisional year (no make-up days): 2027-01-07.
    const completion = provisional.find((state) => state.clock === 'circuit-completion' && state.subject === '/orders/0/circuits/0')!;
    expect(completion).toMatchObject({ due: '2027-01-12T23:59:59+08:00', state: 'running', provisional: true });
    // The weekly report of 2026-W53 looked at Sunday 2027-01-03 to find the week's last working day.
    expect(provisional.find((state) => state.occurrence === '2026-W53')).toMatchObject({ due: '2026-12-31T23:59:59+08:00', provisional: true });
  });

  it('a clock that did not touch 2027 is the same as on the official calendar, with no provisional key', () => {
    const untouched = provisional.filter((state) => state.provisional !== true);
    expect(untouched.length).toBeGreaterThan(10);
    const byKey = new Map(official.map((state) => [key(state), state]));
    for (const state of untouched) {
      expect('provisional' in state).toBe(false);
      expect(state).toEqual(byKey.get(key(state)));
    }
  });
});

describe('check and build with --calendar-provisional', () => {
  it('check: findings marked provisional with the note, a warning for deadlines within 60 days; exit 0', async () => {
    const result = await run('check', recordsDir, '--as-of', '2027-01-06T09:00:00+08:00', '--calendar-dir', calendarDir, '--calendar-provisional', '--json');
    expect(result.code).toBe(0);
    const { findings, problems } = JSON.parse(result.stdout) as { findings: Finding[]; problems: Problem[] };
    const warnings = findings.filter((finding) => finding.ruleId === 'circuit-completion-warning');
    expect(warnings).toHaveLength(2);
    for (const finding of warnings) {
      expect(finding.provisional).toBe(true);
      expect(finding.message).toMatch(/（按法定节假日暂算，待国务院公布2027年放假安排后复核）$/);
    }
    expect(problems).toEqual([
      expect.objectContaining({ code: 'calendar-horizon', severity: 'warning', message: expect.stringMatching(/^calendar: 8 open findings were computed on the provisional 2027 calendar, the first due 2026-11-27 23:59: 按法定节假日暂算/) }),
    ]);
  });

  it('check without the opt-in: the 2027 deadlines are errors (exit 2) and the 60-day warning says they are missing', async () => {
    const result = await run('check', recordsDir, '--as-of', '2026-12-20T09:00:00+08:00', '--calendar-dir', calendarDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('2027.json is provisional and not used');
    expect(result.stderr).toContain(
      'calendar: the next 60 days (to 2027-02-18) reach 2027, which the working-day calendar does not have (2027 provisional, not used): 2 deadlines could not be computed and their warnings are missing',
    );
    // On the official calendar alone nothing reaches 2027 within 60 days of 2026-10-01: no warning.
    const early = await run('check', recordsDir, '--as-of', '2026-10-01T09:00:00+08:00', '--calendar-dir', calendarDir);
    expect(early.stderr).not.toContain('calendar: the next 60 days');
  });

  it('build: findings.json and summary.md say which deadlines are provisional', async () => {
    const out = join(temp, 'out');
    const result = await run('build', recordsDir, '--out', out, '--as-of', '2027-01-06T09:00:00+08:00', '--calendar-dir', calendarDir, '--calendar-provisional', '--concurrency', '1');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('calendar: 8 open findings were computed on the provisional 2027 calendar');
    const summary = readFileSync(join(out, '2027-01-06', 'summary.md'), 'utf8');
    expect(summary).toContain('1 calendar warning (below)');
    expect(summary).toContain('## 日历 Calendar');
    expect(summary).toContain('2027 is provisional (computed from 全国年节及纪念日放假办法 before the State Council\'s notice): 按法定节假日暂算，待国务院公布2027年放假安排后复核. 8 open findings were computed on it');
    const { findings } = JSON.parse(readFileSync(join(out, '2027-01-06', 'findings.json'), 'utf8')) as { findings: Finding[] };
    expect(findings.filter((finding) => finding.provisional).length).toBe(8);
  }, 60_000);
});

describe('the opt-in from docpack.config.json', () => {
  it('"calendarProvisional": true is read and checked; the flag wins', () => {
    const dir = join(temp, 'config');
    mkdirSync(dir);
    writeFileSync(join(dir, 'docpack.config.json'), JSON.stringify({ calendarProvisional: true }));
    expect(loadConfig(dir).calendarProvisional).toBe(true);
    expect(calendarProvisionalOption(undefined, loadConfig(dir))).toBe(true);
    expect(calendarProvisionalOption(undefined, {})).toBe(false);
    expect(calendarProvisionalOption(true, {})).toBe(true);
    writeFileSync(join(dir, 'docpack.config.json'), '{\n  "calendarProvisional": "yes"\n}');
    expect(() => loadConfig(dir)).toThrow(/expected a boolean/);
  });
});
