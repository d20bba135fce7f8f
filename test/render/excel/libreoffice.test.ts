// A real client opens what we write: LibreOffice converts every workbook to CSV (each sheet, cells as
// shown) and to PDF, and the test reads the text back. Skipped, saying so, only when soffice is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectRecord } from '../../../src/records/types.gen.ts';
import { fixtures, render, ruleFindings, specNamed } from './helpers.ts';
import { FINDINGS } from './findings.ts';

const hasSoffice = spawnSync('soffice', ['--version'], { encoding: 'utf8' }).status === 0;
const hasPdftotext = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' }).status === 0;
if (!hasSoffice) console.warn('SKIPPED test/render/excel/libreoffice.test.ts: soffice (LibreOffice) is not installed; install libreoffice-calc to run the office round trip');

const dir = mkdtempSync(path.join(os.tmpdir(), 'docpack-lo-'));
const profile = `file://${path.join(os.tmpdir(), `lo-${process.pid}-${randomBytes(4).toString('hex')}`)}`;
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(new URL(profile), { recursive: true, force: true });
});

function soffice(args: string[]): void {
  execFileSync('soffice', [`-env:UserInstallation=${profile}`, '--headless', '--norestore', ...args], { cwd: dir, stdio: 'pipe', timeout: 120_000 });
}

/** Every sheet to CSV, UTF-8, cells as shown (token 9), all sheets (token 12 = -1). */
const CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1';

function csv(base: string, sheet: string): string {
  return readFileSync(path.join(dir, 'csv', `${base}-${sheet}.csv`), 'utf8');
}

describe.skipIf(!hasSoffice)('LibreOffice opens every workbook', () => {
  let records: ProjectRecord[];

  beforeAll(async () => {
    records = await fixtures();
    const pre011 = records.find((record) => record.id === 'P2026-PRE-011')!;
    // A long problem table (several printed pages) with hostile text in it.
    const long = structuredClone(pre011);
    long.problems = Array.from({ length: 120 }, (_, index) => ({
      ...pre011.problems![index % pre011.problems!.length]!,
      id: `PB-LONG-${String(index).padStart(3, '0')}`,
      description: index === 0 ? '=1+1' : index === 1 ? '@SUM(1,2)' : index === 2 ? 'a_x0041_b & <c> _x000d_' : pre011.problems![index % pre011.problems!.length]!.description,
    }));
    const files: [string, Buffer][] = [
      ['problem-table', await render(specNamed('problem-table'), [pre011], { subtitle: `${pre011.id} ${pre011.name}` })],
      ['problem-long', await render(specNamed('problem-table'), [long], { subtitle: `${long.id} ${long.name}` })],
      // The same through the streaming writer (portfolio workbooks use it): the same cells and pages.
      ['problem-long-stream', await render(specNamed('problem-table'), [long], { subtitle: `${long.id} ${long.name}`, mode: 'stream' })],
      ['circuit-warnings', await render(specNamed('circuit-warnings'), records, { findings: ruleFindings(records) })],
      ['resource-register', await render(specNamed('resource-register'), records, { findings: ruleFindings(records) })],
      ['warning-summary', await render(specNamed('warning-summary'), records, { findings: FINDINGS })],
    ];
    for (const [name, data] of files) writeFileSync(path.join(dir, `${name}.xlsx`), data);
    mkdirSync(path.join(dir, 'csv'));
    mkdirSync(path.join(dir, 'pdf'));
    const xlsx = files.map(([name]) => `${name}.xlsx`);
    soffice(['--convert-to', CSV_FILTER, '--outdir', 'csv', ...xlsx]);
    soffice(['--convert-to', 'pdf', '--outdir', 'pdf', ...xlsx]);
  }, 240_000);

  it('reads the problem table: Chinese headers, dates as dates, numbers, labels', () => {
    const text = csv('problem-table', '问题治理表');
    const lines = text.trim().split('\n');
    // The title row (merged: its text, then the empty cells of the range), the headers, the problems.
    expect(lines[0]).toMatch(/^问题治理表 P2026-PRE-011 湖南长株潭高速收费站及服务区视频联网专线项目（截至2026年11月25日）,{10}$/);
    expect(lines[1]).toBe('编号,问题描述,解决目标,解决建议,责任人,责任单位,提出日期,计划解决时间,当前状态,实际解决日期,逾期天数（自然日，截至2026-11-25）');
    expect(lines[2]).toMatch(/^PB-PRE-011-01,.*,曾凡荣,湖南电信网络运营部政企客户支撑中心,2026-11-04,2026-11-13,未解决,,12$/);
    expect(lines).toHaveLength(9);
  });

  it('shows text that looks like a formula as that text, not its result', () => {
    const lines = csv('problem-long', '问题治理表').trim().split('\n');
    expect(lines.find((line) => line.startsWith('PB-LONG-000,'))).toMatch(/^PB-LONG-000,=1\+1,/);
    expect(lines.find((line) => line.startsWith('PB-LONG-001,'))).toMatch(/^PB-LONG-001,"@SUM\(1,2\)",/);
    // Text that looks like Excel's _xHHHH_ character escape stays as written.
    expect(lines.find((line) => line.startsWith('PB-LONG-002,'))).toMatch(/^PB-LONG-002,a_x0041_b & <c> _x000d_,/);
    const summary = csv('warning-summary', '预警升级明细');
    expect(summary).toContain('"=HYPERLINK(""http://evil.example"",""点击"")"');
  });

  it('reads the same cells from the streaming writer as from the in-memory one', () => {
    expect(csv('problem-long-stream', '问题治理表')).toBe(csv('problem-long', '问题治理表'));
  });

  it('reads the portfolio workbooks, every sheet', () => {
    expect(csv('circuit-warnings', '电路预警清单')).toContain('P2026-URG-003,中山市应急管理局,ORD-ZS-20261118-0173,GD-ZS-MSTP-20261119-02,MSTP专线,中山市应急指挥中心 — 小榄镇应急分中心,100M,2026-11-27,2,是,不报进度,,电路完工预警；进入电路预警池,,,本地网,杨子健,18928106635');
    expect(csv('resource-register', '资源核查')).toContain('RC-RES-004-01,XQ-ZJ-20261102-0071,定单型,湛江东海岛局—临港物流园区 接入段光缆,2026-11-02 10:00,2026-11-05 16:00,不具备,不满足,2026-12-05 16:00,有效,P2026-RES-004-01,二次核查中,莫振东,,');
    expect(csv('resource-register', '资源储备')).toContain('RR-RES-004-02,湛江东海岛局—临港物流园区 接入光缆,光缆纤芯,2,6,芯,是,2026-11-05 16:00,');
    expect(csv('resource-register', '核查汇总')).toContain('核查结果,数量');
    expect(csv('warning-summary', '汇总')).toContain('严重程度,数量\n提示,0\n一般,1\n重要,2\n严重,1\n合计,4');
  });

  it.skipIf(!hasPdftotext)('prints A4 landscape pages with the header row repeated and page numbers', () => {
    const pdfs = readdirSync(path.join(dir, 'pdf')).sort();
    expect(pdfs).toEqual(['circuit-warnings.pdf', 'problem-long-stream.pdf', 'problem-long.pdf', 'problem-table.pdf', 'resource-register.pdf', 'warning-summary.pdf']);
    const pageCounts: number[] = [];
    for (const name of ['problem-long', 'problem-long-stream']) {
      const info = execFileSync('pdfinfo', [path.join(dir, 'pdf', `${name}.pdf`)], { encoding: 'utf8' });
      const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
      pageCounts.push(pages);
      expect(pages).toBeGreaterThan(2);
      // A4 landscape: 842 x 595 points.
      expect(info).toMatch(/Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)/);
      for (let page = 1; page <= pages; page++) {
        const text = execFileSync('pdftotext', ['-f', String(page), '-l', String(page), '-layout', path.join(dir, 'pdf', `${name}.pdf`), '-'], { encoding: 'utf8' });
        expect(text, `${name} page ${page}`).toContain('问题描述');
        expect(text, `${name} page ${page}`).toContain(`第 ${page} 页，共 ${pages} 页`);
        expect(text, `${name} page ${page}`).toContain('截至 2026-11-25 09:00');
      }
    }
    expect(pageCounts[1]).toBe(pageCounts[0]);
    const first = execFileSync('pdftotext', ['-layout', path.join(dir, 'pdf', 'problem-table.pdf'), '-'], { encoding: 'utf8' });
    expect(first).toContain('问题治理表 P2026-PRE-011');
    expect(first).toContain('PB-PRE-011-01');
  });
});
