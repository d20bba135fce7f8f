// Escalation steps count working days on the official calendar: never a guess past its years.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import type { Finding } from '../../src/alerts/types.ts';
import { PINNED_ALERTS } from '../shipped.ts';

/** The rule cases' base record with one open problem planned for `plannedResolution` (more: each planned for its date). */
function problemRecord(plannedResolution: string, ...more: string[]): string {
  const base = JSON.parse(readFileSync(`${PINNED_ALERTS}/_test-base.json`, 'utf8')) as Record<string, unknown>;
  delete base.$comment;
  delete base.$schema;
  base.problems = [
    {
      id: 'PRB-01',
      description: '客户机房 UPS 容量不足',
      target: '机房具备加装条件',
      suggestedResolution: '客户扩容 UPS',
      owner: { name: '集成商负责人戊', org: '某集成公司', level: 'local' },
      raisedOn: '2026-12-01',
      plannedResolution,
      status: 'open',
    },
  ];
  more.forEach((planned, index) => {
    const problems = base.problems as Record<string, unknown>[];
    problems.push({ ...problems[0], id: `PRB-0${index + 2}`, plannedResolution: planned });
  });
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'docpack-escalation-')), 'record.json');
  writeFileSync(file, JSON.stringify(base, null, 2));
  return file;
}

async function check(file: string, asOf: string): Promise<{ code: number; findings: Finding[]; problems: { message: string; file?: string; code: string }[] }> {
  const io = memoryIo();
  const code = await main(['check', '--json', '--as-of', asOf, file], io);
  const output = JSON.parse(io.stdout.join('\n')) as { findings: Finding[]; problems: { message: string; file?: string; code: string }[] };
  return { code, ...output };
}

describe('escalation and the calendar years', () => {
  it('a problem due 2026-12-28 checked at 2027-01-08 (no 2027 calendar) is a problem of the record, not local with exit 0', async () => {
    const file = problemRecord('2026-12-28');
    const result = await check(file, '2027-01-08T09:00:00+08:00');
    expect(result.code).toBe(2);
    const problem = result.problems.find((found) => found.code === 'calendar-coverage');
    expect(problem?.file).toBe(file);
    expect(problem?.message).toContain('rule problem-overdue, RULE-TEST PRB-01: escalation from local');
    expect(problem?.message).toContain('2027 is needed');
    expect(result.findings.filter((finding) => finding.ruleId === 'problem-overdue')).toEqual([]);
  });

  it('the build and the weekly report list it in summary.md, with the record file, and exit 2', async () => {
    const file = problemRecord('2026-12-28');
    const out = mkdtempSync(path.join(tmpdir(), 'docpack-escalation-out-'));
    const io = memoryIo();
    const code = await main(['build', file, '--as-of', '2027-01-08T09:00:00+08:00', '--out', out, '--concurrency', '1', '--no-progress'], io);
    expect(code).toBe(2);
    const summary = readFileSync(path.join(out, '2027-01-08', 'summary.md'), 'utf8');
    expect(summary).toMatch(/record\.json.* rule problem-overdue, RULE-TEST PRB-01: escalation from local: .*2027 is needed/);
    const weekly = mkdtempSync(path.join(tmpdir(), 'docpack-escalation-weekly-'));
    expect(await main(['report', 'weekly', file, '--week', '2027-W01', '--as-of', '2027-01-08T09:00:00+08:00', '--out', weekly], memoryIo())).toBe(2);
    expect(readFileSync(path.join(weekly, 'weekly', '2027-W01', 'summary.md'), 'utf8')).toMatch(/record\.json.* rule problem-overdue, RULE-TEST PRB-01: escalation from local/);
  });

  it('is no guess when the as-of is inside the calendar: a level that ends in the next year has not ended yet', async () => {
    // 5 working days after 12-28 end in 2027; at 12-31 the finding is still at local, for certain.
    const result = await check(problemRecord('2026-12-28'), '2026-12-31T09:00:00+08:00');
    expect(result.code).toBe(0);
    expect(result.problems).toEqual([]);
    expect(result.findings.find((finding) => finding.ruleId === 'problem-overdue')).toMatchObject({ level: 'local', type: 'warning' });
  });

  it('findings that open on the same day climb alike, one opened a day later a day later; a count past the calendar is a problem of each', async () => {
    // The steps are worked out once per rule, opening day and end of the open period: the same for all three.
    const file = problemRecord('2026-12-01', '2026-12-01', '2026-12-02');
    const result = await check(file, '2026-12-16T09:00:00+08:00');
    const found = result.findings.filter((finding) => finding.ruleId === 'problem-overdue');
    expect(found.map((finding) => [finding.subject.label, finding.level, finding.escalation])).toEqual([
      ['PRB-01', 'group', [{ level: 'province', since: '2026-12-09T00:00:00+08:00' }, { level: 'group', since: '2026-12-16T00:00:00+08:00' }]],
      ['PRB-02', 'group', [{ level: 'province', since: '2026-12-09T00:00:00+08:00' }, { level: 'group', since: '2026-12-16T00:00:00+08:00' }]],
      ['PRB-03', 'province', [{ level: 'province', since: '2026-12-10T00:00:00+08:00' }]],
    ]);
    const late = await check(problemRecord('2026-12-28', '2026-12-28'), '2027-01-08T09:00:00+08:00');
    expect(late.problems.filter((problem) => problem.code === 'calendar-coverage').map((problem) => problem.message.slice(0, problem.message.indexOf(':')))).toEqual(['rule problem-overdue, RULE-TEST PRB-01', 'rule problem-overdue, RULE-TEST PRB-02']);
  });

  it('raises a level at 00:00 after its last working day, not a second later', async () => {
    // Due 12-01 (Tuesday); local for 5 working days from 12-01: 12-02..12-08; province from 12-09 00:00.
    const file = problemRecord('2026-12-01');
    const before = await check(file, '2026-12-08T23:59:59.999+08:00');
    expect(before.findings.find((finding) => finding.ruleId === 'problem-overdue')?.level).toBe('local');
    const after = await check(file, '2026-12-09T00:00:00+08:00');
    const finding = after.findings.find((candidate) => candidate.ruleId === 'problem-overdue');
    expect(finding?.level).toBe('province');
    expect(finding?.escalation).toEqual([{ level: 'province', since: '2026-12-09T00:00:00+08:00' }]);
  });
});
