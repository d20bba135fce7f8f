// A real client opens what we write: LibreOffice converts every workbook to CSV (each sheet, cells as
// shown) and to PDF, and the test reads the text back. Skipped, saying so, only when soffice is missing.
// A real client opens what we write: LibreOffice converts every workbook to CSV (each sheet, cells as
// shown) and to PDF, and the test reads the text back. The workbooks are written and converted with the rest
// of the suite's documents (test/office/prepare.ts); skipped, loudly, only where soffice is missing, never in CI.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { officeAvailability, officeOutput, type OfficeOutput } from '../../office/office.ts';

const office = officeAvailability('test/render/excel/libreoffice.test.ts');

let converted: OfficeOutput;
const csv = (base: string, sheet: string): string => converted.csv(`excel-${base}`, sheet);

describe.runIf(office.run)('LibreOffice opens every workbook', () => {
  beforeAll(async () => {
    converted = await officeOutput();
  }, 600_000);

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

  it('prints A4 landscape pages with the header row repeated and page numbers', () => {
    const dir = converted.dir;
    const pdfs = readdirSync(path.join(dir, 'pdf')).filter((name) => name.startsWith('excel-')).map((name) => name.slice('excel-'.length)).sort();
    expect(pdfs).toEqual(['circuit-warnings.pdf', 'problem-long-stream.pdf', 'problem-long.pdf', 'problem-table.pdf', 'resource-register.pdf', 'warning-summary.pdf']);
    const pageCounts: number[] = [];
    for (const name of ['problem-long', 'problem-long-stream']) {
      const info = execFileSync('pdfinfo', [converted.pdf(`excel-${name}`)], { encoding: 'utf8' });
      const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
      pageCounts.push(pages);
      expect(pages).toBeGreaterThan(2);
      // A4 landscape: 842 x 595 points.
      expect(info).toMatch(/Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)/);
      for (let page = 1; page <= pages; page++) {
        const text = execFileSync('pdftotext', ['-f', String(page), '-l', String(page), '-layout', converted.pdf(`excel-${name}`), '-'], { encoding: 'utf8' });
        expect(text, `${name} page ${page}`).toContain('问题描述');
        expect(text, `${name} page ${page}`).toContain(`第 ${page} 页，共 ${pages} 页`);
        expect(text, `${name} page ${page}`).toContain('截至 2026-11-25 09:00');
      }
    }
    expect(pageCounts[1]).toBe(pageCounts[0]);
    const first = execFileSync('pdftotext', ['-layout', converted.pdf('excel-problem-table'), '-'], { encoding: 'utf8' });
    expect(first).toContain('问题治理表 P2026-PRE-011');
    expect(first).toContain('PB-PRE-011-01');
  });
});
