import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
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
    expect(text).toContain('2026-W48(2026年11月23日至2026年11月29日)'.replace('(', '（').replace(')', '）'));
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

describe('examples/ci/weekly-report.yml', () => {
  const workflow = readFileSync('examples/ci/weekly-report.yml', 'utf8');
  const commands = [...workflow.matchAll(/npx docpack ([^\n|>]+?)(?:\s*(?:>|\|\||$))/gm)].map((match) => match[1]!.trim());

  it('runs docpack commands that the CLI accepts', async () => {
    expect(commands.length).toBeGreaterThanOrEqual(2);
    const out = tempDir();
    for (const command of commands) {
      const argv = command
        .replace(/"\$RECORDS"/g, 'fixtures/projects')
        .replace(/"\$WEEK"/g, '2026-W48')
        .replace(/--out out/g, `--out ${out}`)
        .split(/\s+/);
      const result = await run([...argv, ...(argv[0] === 'report' ? ['--as-of', '2026-11-25T09:00:00+08:00'] : [])]);
      expect([0, 1], `${command}: ${result.stderr}`).toContain(result.code);
    }
    expect(existsSync(path.join(out, 'weekly', '2026-W48', 'summary.md'))).toBe(true);
  });

  it('writes the summary the job summary step reads and uploads the same folder', () => {
    expect(workflow).toContain('cat "out/weekly/$WEEK/summary.md" >> "$GITHUB_STEP_SUMMARY"');
    expect(workflow).toContain('out/weekly/${{ env.WEEK }}/');
    expect(workflow).toMatch(/cron: '0 1 \* \* 1'/);
  });
});

describe('examples/ci/sharded-build.yml', () => {
  const workflow = readFileSync('examples/ci/sharded-build.yml', 'utf8');

  it('builds each matrix shard and merges them with commands the CLI accepts', async () => {
    const shards = [...workflow.matchAll(/matrix:\s*\n\s*shard: \[([\d, ]+)\]/g)][0]?.[1]?.split(',').map((item) => Number(item.trim())) ?? [];
    const count = Number(/SHARDS: (\d+)/.exec(workflow)?.[1]);
    expect(shards).toEqual(Array.from({ length: count }, (_, index) => index + 1));
    const buildLine = /npx docpack (build [^|\n]+?)\s*\|\|/.exec(workflow)?.[1] ?? '';
    const mergeLine = /npx docpack (merge [^\n]+)/.exec(workflow)?.[1] ?? '';
    const root = tempDir();
    for (const shard of shards) {
      const argv = buildLine
        .replace('"$RECORDS"', 'fixtures/projects')
        .replace('"${{ matrix.shard }}/$SHARDS"', `${shard}/${count}`)
        .replace('"${{ needs.as-of.outputs.value }}"', '2026-11-25T09:00:00+08:00')
        .replace('--out shard', `--out ${path.join(root, `build-${shard}`)}`)
        .split(/\s+/);
      expect((await run(argv)).code).toBe(0);
      // upload-artifact of shard/<date>/ then download-artifact into shards/shard-k
      const { cpSync } = await import('node:fs');
      cpSync(path.join(root, `build-${shard}`, '2026-11-25'), path.join(root, 'shards', `shard-${shard}`), { recursive: true, dereference: true });
    }
    const argv = mergeLine.replace(/shards\//g, `${root}/shards/`).replace('--out out', `--out ${path.join(root, 'out')}`).split(/\s+/);
    expect([0, 1]).toContain((await run(argv)).code);
    expect(existsSync(path.join(root, 'out', '2026-11-25', 'summary.md'))).toBe(true);
  }, 120_000);
});
