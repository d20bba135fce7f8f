import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../../src/cli/io.ts';
import { main } from '../../../src/cli/main.ts';
import { FINDINGS } from './findings.ts';
import { readBack } from './helpers.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'docpack-workbook-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const AS_OF = ['--as-of', '2026-11-25T09:00:00+08:00'];

describe('docpack workbook', () => {
  it('writes per-project workbooks under projects/<id>/ and portfolio ones under portfolio/', async () => {
    const out = path.join(scratch, 'all');
    const io = memoryIo();
    expect(await main(['workbook', 'fixtures/projects', '--out', out, ...AS_OF], io)).toBe(0);
    const ids = readdirSync('fixtures/projects').filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -5));
    for (const id of ids) expect(existsSync(path.join(out, 'projects', id, '问题治理表.xlsx')), id).toBe(true);
    expect(readdirSync(path.join(out, 'portfolio')).sort()).toEqual(['周报.xlsx', '电路预警清单.xlsx', '资源核查台账.xlsx', '预警升级汇总.xlsx']);
    expect(io.stdout).toHaveLength(ids.length + 4);
    expect(io.stdout).toContain(path.join(out, 'portfolio', '电路预警清单.xlsx'));
    expect(io.stderr.at(-1)).toBe(`${ids.length + 4} workbooks for ${ids.length} records as of 2026-11-25T09:00:00+08:00`);
    // Without --findings the rules run on the records: the 31 findings of fixtures/projects/STORIES.md.
    const summary = await readBack(readFileSync(path.join(out, 'portfolio', '预警升级汇总.xlsx')));
    const detail = summary.getWorksheet('预警升级明细')!;
    const rules = new Set<string>();
    detail.eachRow((row, number) => {
      if (number > 1) row.eachCell((cell) => typeof cell.value === 'string' && /^[a-z]+(-[a-z]+)+$/.test(cell.value) && rules.add(cell.value));
    });
    expect(rules).toContain('serious-fault-key-customer');
    expect(rules).toContain('contract-review-unacceptable');
    // And --findings with an empty list gives the empty summary.
    const none = path.join(scratch, 'none.json');
    writeFileSync(none, '{ "findings": [] }');
    const empty = path.join(scratch, 'empty');
    expect(await main(['workbook', 'fixtures/projects', '--out', empty, ...AS_OF, '--spec', 'warning-summary', '--findings', none], memoryIo())).toBe(0);
    const emptySummary = await readBack(readFileSync(path.join(empty, 'portfolio', '预警升级汇总.xlsx')));
    expect(emptySummary.getWorksheet('预警升级明细')!.getCell('A3').value).toBe('无预警');
  });

  it('is byte-identical when run again with the same --as-of', async () => {
    const first = path.join(scratch, 'first');
    const second = path.join(scratch, 'second');
    expect(await main(['workbook', 'fixtures/projects', '--out', first, ...AS_OF, '--spec', 'resource-register,问题治理表'], memoryIo())).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await main(['workbook', 'fixtures/projects', '--out', second, ...AS_OF, '--spec', 'resource-register,问题治理表'], memoryIo())).toBe(0);
    for (const file of ['portfolio/资源核查台账.xlsx', 'projects/P2026-PRE-011/问题治理表.xlsx']) {
      expect(readFileSync(path.join(first, file)).equals(readFileSync(path.join(second, file))), file).toBe(true);
    }
  });

  it('skips invalid records with their problems on stderr, writes the rest, and exits 2', async () => {
    const out = path.join(scratch, 'mixed');
    const io = memoryIo();
    const code = await main(['workbook', 'fixtures/invalid/bad-enum.json', 'fixtures/projects/P2026-GOV-001.json', 'fixtures/projects/P2026-RES-004.json', '--out', out, ...AS_OF], io);
    expect(code).toBe(2);
    expect(io.stderr.join('\n')).toContain('fixtures/invalid/bad-enum.json:');
    expect(io.stderr.at(-1)).toContain('1 invalid file skipped');
    expect(readdirSync(path.join(out, 'projects')).sort()).toEqual(['P2026-GOV-001', 'P2026-RES-004']);
    const register = await readBack(readFileSync(path.join(out, 'portfolio', '资源核查台账.xlsx')));
    expect(register.getWorksheet('资源核查')!.rowCount).toBe(1 + 1 + 1 + 5);
  });

  it('renders only the chosen specs, and names the known ones for an unknown --spec', async () => {
    const out = path.join(scratch, 'chosen');
    expect(await main(['workbook', 'fixtures/projects/P2026-URG-003.json', '--out', out, ...AS_OF, '--spec', '电路预警清单'], memoryIo())).toBe(0);
    expect(readdirSync(out)).toEqual(['portfolio']);
    expect(readdirSync(path.join(out, 'portfolio'))).toEqual(['电路预警清单.xlsx']);
    const io = memoryIo();
    expect(await main(['workbook', 'fixtures/projects', '--out', out, ...AS_OF, '--spec', 'problems'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('unknown --spec "problems"');
    expect(io.stderr.join('\n')).toContain('problem-table (问题治理表)');
  });

  it('lists findings given with --findings (the JSON of docpack check --json)', async () => {
    const out = path.join(scratch, 'findings');
    const file = path.join(scratch, 'findings.json');
    writeFileSync(file, JSON.stringify({ asOf: '2026-11-25T09:00:00+08:00', findings: FINDINGS, problems: [] }));
    const io = memoryIo();
    expect(await main(['workbook', 'fixtures/projects', '--out', out, ...AS_OF, '--spec', 'warning-summary', '--findings', file, '--json'], io)).toBe(0);
    const result = JSON.parse(io.stdout.join('')) as { written: { file: string; rows: Record<string, number> }[] };
    expect(result.written).toEqual([{ spec: 'warning-summary', file: path.join(out, 'portfolio', '预警升级汇总.xlsx'), rows: { 预警升级明细: 4 } }]);
    const bad = memoryIo();
    writeFileSync(file, '[{"id": 1}]');
    expect(await main(['workbook', 'fixtures/projects', '--out', out, ...AS_OF, '--findings', file], bad)).toBe(2);
    expect(bad.stderr.join('\n')).toContain('finding 0 lacks id, ruleId, subject or recipients');
  });

  it('refuses a bad --as-of', async () => {
    const io = memoryIo();
    expect(await main(['workbook', 'fixtures/projects', '--out', scratch, '--as-of', 'tomorrow'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('--as-of "tomorrow" is not a time');
  });
});
