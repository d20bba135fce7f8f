import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { docxText } from '../../src/render/word/extract-text.ts';

const tempDir = (): string => mkdtempSync(path.join(tmpdir(), 'docpack-weekly-'));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

describe('docpack report weekly', () => {
  it('writes the week as .docx and .xlsx with findings, manifest and summary', async () => {
    const out = tempDir();
    const result = await run(['report', 'weekly', 'fixtures/projects', '--week', '2026-W48', '--as-of', '2026-11-25T09:00:00+08:00', '--out', out]);
    expect(result.code).toBe(0);
    const dir = path.join(out, 'weekly', '2026-W48');
    expect(readdirSync(dir).sort()).toEqual(['findings.json', 'manifest.json', 'summary.md', '周报-2026-W48.docx', '周报-2026-W48.xlsx']);
    const text = docxText(readFileSync(path.join(dir, '周报-2026-W48.docx')));
    // The week in the title and the period as dates, each short enough for one line (the ISO id wrapped
    // inside "2026-W48" in the subtitle); escalations before the projects; every project in the
    // overview, most urgent first.
    expect(text).toContain('政企客户项目周报（2026年第48周）');
    expect(text).toContain('报告周期：2026年11月23日至2026年11月29日\n');
    expect(text.indexOf('# 一、升级事项')).toBeLessThan(text.indexOf('# 二、项目概况'));
    expect(text.indexOf('# 二、项目概况')).toBeLessThan(text.indexOf('# 四、各项目进展'));
    const overview = text.slice(text.indexOf('# 二、项目概况'), text.indexOf('# 三、'));
    expect(overview.match(/^\| P20/gm)).toHaveLength(15);
    expect(overview.indexOf('P2026-MFG-012')).toBeLessThan(overview.indexOf('P2026-GOV-001'));
    // Mid-week no report of the week is due: not a failure, and the latest report is shown.
    expect(text).not.toContain('本周未提交进度报告');
    expect(text).toContain('本周进度报告应于2026年11月27日 23:59前提交，尚未到提交期限。以下为最近一次（2026-W47）报告。');
    expect(text).not.toContain('组合');
    // The cross-domain bank project missed its W47 report: an open, not new, warning this week.
    expect(text).toContain('第 2026-W47 周的进度报告');
    expect(text).toMatch(/GD-ZS-MSTP-20261119-02/);
    const findings = JSON.parse(readFileSync(path.join(dir, 'findings.json'), 'utf8')) as { findings: { ruleId: string; isNew: boolean; closedAt: string | null }[] };
    expect(findings.findings.every((finding) => finding.closedAt === null)).toBe(true);
    expect(findings.findings.filter((finding) => finding.isNew).length).toBeGreaterThan(0);
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toMatch(/^# docpack 周报 2026-W48（2026-11-23 至 2026-11-29）/);
  });

  it('lists circuits entering the warning pool next week', async () => {
    const out = tempDir();
    // As of Friday of W48, MFG-012's circuit due 12-10 enters the pool on 11-26 (this week); the week after W47 is W48.
    await run(['report', 'weekly', 'fixtures/projects', '--week', '2026-W47', '--as-of', '2026-11-22T09:00:00+08:00', '--out', out]);
    const text = docxText(readFileSync(path.join(out, 'weekly', '2026-W47', '周报-2026-W47.docx')));
    expect(text).toContain('GD-ZH-INT-20261110-02');
    expect(text).toContain('2026年11月26日 00:00');
  });

  it('counts the open findings for the message, --json and --fail-on, and leaves no scratch files', async () => {
    const out = tempDir();
    const args = ['report', 'weekly', 'fixtures/projects', '--week', '2026-W48', '--as-of', '2026-11-25T09:00:00+08:00', '--out', out];
    const json = await run([...args, '--json']);
    const result = JSON.parse(json.stdout) as { exitCode: number; findings: { open: number; new: number } };
    const dir = path.join(out, 'weekly', '2026-W48');
    const written = JSON.parse(readFileSync(path.join(dir, 'findings.json'), 'utf8')) as { findings: { isNew: boolean; type: string }[] };
    expect(result.findings.open).toBe(written.findings.length);
    expect(result.findings.new).toBe(written.findings.filter((finding) => finding.isNew).length);
    expect(result.exitCode).toBe(0);
    expect(readdirSync(dir).some((name) => name.startsWith('.'))).toBe(false);
    // Open escalations exist in the sample, so both thresholds are reached: exit 1.
    expect(written.findings.some((finding) => finding.type === 'escalation')).toBe(true);
    expect((await run([...args, '--fail-on', 'escalation'])).code).toBe(1);
    expect((await run([...args, '--fail-on', 'warning'])).code).toBe(1);
  });

  it('rejects a bad week with exit 2', async () => {
    const result = await run(['report', 'weekly', 'fixtures/projects', '--week', '2026-48', '--out', tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not an ISO week');
  });
});
