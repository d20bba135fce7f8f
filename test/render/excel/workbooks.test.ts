import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProjectRecord } from '../../../src/records/types.gen.ts';
import { columnLetter } from '../../../src/render/excel/render.ts';
import type { Finding } from '../../../src/alerts/types.ts';
import { FINDINGS } from './findings.ts';
import type { LoadedSpec, SheetSpec } from '../../../src/render/excel/spec.ts';
import { DEFAULT_FORMATS, labelGroup } from '../../../src/render/excel/values.ts';
import { expectGolden, fixtures, labels, readBack, render, ruleFindings, sheetText, specNamed } from './helpers.ts';

/**
 * The golden files are pinned to these fixtures, so that records other work adds to fixtures/projects
 * do not rewrite them; every fixture still goes through the structural checks.
 */
const GOLDEN_PROJECTS = [
  'P2026-AS-005', 'P2026-AS-006', 'P2026-AS-007', 'P2026-DONE-014', 'P2026-EDU-008', 'P2026-FIN-002', 'P2026-GOV-001', 'P2026-LOST-015',
  'P2026-MED-009', 'P2026-MFG-012', 'P2026-PRE-011', 'P2026-PRE-013', 'P2026-RES-004', 'P2026-RET-010', 'P2026-URG-003',
];

let all: ProjectRecord[];
let pinned: ProjectRecord[];
const workbooks = new Map<string, ExcelJS.Workbook>();

async function workbook(name: string, records: readonly ProjectRecord[], findings?: Finding[]): Promise<ExcelJS.Workbook> {
  const key = `${name} ${records.map((record) => record.id).join(',')} ${findings ? findings.length : '-'}`;
  let found = workbooks.get(key);
  const spec = specNamed(name);
  // As `docpack workbook` does: a project workbook names its project after the title.
  const subtitle = spec.spec.scope === 'project' ? `${records[0]!.id} ${records[0]!.name}` : undefined;
  // The circuit and resource sheets list what the rules found, as in a build.
  const given = findings ?? (name === 'circuit-warnings' || name === 'resource-register' ? ruleFindings(records) : undefined);
  if (!found) workbooks.set(key, (found = await readBack(await render(spec, records, { findings: given, subtitle }))));
  return found;
}

beforeAll(async () => {
  all = await fixtures();
  pinned = GOLDEN_PROJECTS.map((id) => {
    const record = all.find((candidate) => candidate.id === id);
    if (!record) throw new Error(`fixture ${id} is gone; update GOLDEN_PROJECTS and the golden files`);
    return record;
  });
});

/** The row of column headers: row 1 is the sheet's title. */
const HEADER_ROW = 2;

/** Everything a data sheet must have, checked from its spec: header, types, formats, filter, panes, validations, highlights, print. */
function checkDataSheet(sheet: ExcelJS.Worksheet, spec: SheetSpec, rows: number): void {
  const columns = spec.columns;
  // A title above the headers: the workbook, the sheet and the as-of, merged across every column.
  const title = sheet.getCell('A1');
  expect(String(title.value)).toMatch(/（截至2026年11月25日）$/);
  expect(title.font?.bold).toBe(true);
  expect(sheet.getCell(1, columns.length).master.address).toBe('A1');
  const header = sheet.getRow(HEADER_ROW);
  columns.forEach((column, index) => {
    expect(header.getCell(index + 1).value).toBe(column.header.replace('{asOf}', '2026-11-25'));
    expect(header.getCell(index + 1).font?.bold).toBe(true);
  });
  expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2, topLeftCell: 'A3' });
  expect(sheet.autoFilter).toBe(`A2:${columnLetter(columns.length)}${rows + 2}`);
  expect(sheet.pageSetup).toMatchObject({ paperSize: spec.print?.paper === 'A3' ? 8 : 9, orientation: spec.print?.orientation ?? 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '2:2' });
  expect(sheet.headerFooter.oddFooter).toBe('&C第 &P 页，共 &N 页');
  for (let r = 3; r <= rows + 2; r++) {
    columns.forEach((column, index) => {
      const cell = sheet.getRow(r).getCell(index + 1);
      expect(cell.formula).toBeUndefined();
      if (cell.value === null || cell.value === undefined) return;
      const expected = { text: 'string', enum: 'string', boolean: 'string', number: 'number', money: 'number', percent: 'number', date: 'date', datetime: 'date' }[column.type];
      if (expected === 'date') expect(cell.value, `${spec.name}!${cell.address}`).toBeInstanceOf(Date);
      else expect(typeof cell.value, `${spec.name}!${cell.address}`).toBe(expected);
      const format = column.format ?? DEFAULT_FORMATS[column.type];
      expect(cell.numFmt).toBe(format === 'General' ? undefined : format);
      // Data rows have borders, and a font with Chinese glyphs declared (Calibri has none).
      expect(cell.border?.top?.style, `${spec.name}!${cell.address} border`).toBe('thin');
      expect(cell.font?.name, `${spec.name}!${cell.address} font`).toBe('等线');
      expect(cell.font?.charset).toBe(134);
      if (column.type === 'enum' || column.type === 'boolean') expect(Object.values(labels[labelGroup(column)!]!)).toContain(cell.value);
    });
  }
  const validations = (sheet as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation> } }).dataValidations.model;
  const bottom = rows + 2 + (spec.spareRows ?? 200);
  columns.forEach((column, index) => {
    const letter = columnLetter(index + 1);
    if (column.dropdown) {
      const list = Object.values(labels[labelGroup(column)!]!).join(',');
      expect(validations[`${letter}3`]).toMatchObject({ type: 'list', formulae: [`"${list}"`], allowBlank: true, showErrorMessage: true });
      expect(validations[`${letter}${bottom}`]).toBeDefined();
      expect(validations[`${letter}${bottom + 1}`]).toBeUndefined();
    } else {
      expect(validations[`${letter}3`]).toBeUndefined();
    }
    const width = sheet.getColumn(index + 1).width!;
    if (column.width !== undefined) expect(width).toBe(column.width);
    else {
      expect(width).toBeGreaterThanOrEqual(8);
      expect(width).toBeLessThanOrEqual(column.maxWidth ?? 50);
    }
  });
  const formats = (sheet as unknown as { conditionalFormattings: { ref: string; rules: { type: string; formulae: string[]; priority: number }[] }[] }).conditionalFormattings;
  expect(formats).toHaveLength(spec.highlight?.length ?? 0);
  formats.forEach((format, index) => {
    expect(format.ref.endsWith(String(bottom))).toBe(true);
    expect(format.rules[0]).toMatchObject({ type: 'expression', priority: index + 1 });
  });
}

function sheetOf(book: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const sheet = book.getWorksheet(name);
  if (!sheet) throw new Error(`no sheet ${name}; sheets: ${book.worksheets.map((ws) => ws.name).join(', ')}`);
  return sheet;
}

function dataRows(sheet: ExcelJS.Worksheet): number {
  return sheet.rowCount - 2;
}

function columnValues(sheet: ExcelJS.Worksheet, header: string): unknown[] {
  const index = (sheet.getRow(HEADER_ROW).values as unknown[]).indexOf(header);
  expect(index, `column ${header}`).toBeGreaterThan(0);
  const values: unknown[] = [];
  for (let r = 3; r <= sheet.rowCount; r++) values.push(sheet.getRow(r).getCell(index).value ?? null);
  return values;
}

describe('问题治理表 Problem Management Table (per project, the stream writer as the pack writes it)', () => {
  const spec = (): LoadedSpec => specNamed('problem-table');

  it('renders every fixture project with real types, dropdowns, highlights, panes, filter and print setup', async () => {
    for (const record of all) {
      const book = await workbook('problem-table', [record]);
      expect(book.worksheets.map((ws) => ws.name)).toEqual(['问题治理表']);
      const sheet = sheetOf(book, '问题治理表');
      const rows = record.problems?.length ?? 0;
      if (rows === 0) expect(sheet.getCell('A3').value).toBe('暂无问题');
      else expect(dataRows(sheet)).toBe(rows);
      checkDataSheet(sheet, spec().spec.sheets[0]!, rows);
      expect(book.creator).toBe('docpack');
      expect(book.lastModifiedBy).toBe('docpack');
      expect(book.created.toISOString()).toBe('2026-11-25T01:00:00.000Z');
      expect(book.modified.toISOString()).toBe('2026-11-25T01:00:00.000Z');
      expect(book.title).toBe(`问题治理表 ${record.id} ${record.name}`);
    }
  });

  it('counts days overdue in calendar days for open problems only, sorted by planned resolution', async () => {
    const sheet = sheetOf(await workbook('problem-table', [pinned.find((record) => record.id === 'P2026-PRE-011')!]), '问题治理表');
    expect(sheet.getCell('K2').value).toBe('逾期天数（自然日，截至2026-11-25）');
    expect(columnValues(sheet, '编号')).toEqual(['PB-PRE-011-01', 'PB-PRE-011-04', 'PB-PRE-011-06', 'PB-PRE-011-03', 'PB-PRE-011-02', 'PB-PRE-011-05', 'PB-PRE-011-07']);
    // Planned 11-13, open: 12 days late; 11-20 in progress: 5; 11-25 due today and later: blank, not 0; resolved, closed and deferred: blank.
    expect(columnValues(sheet, '逾期天数（自然日，截至2026-11-25）')).toEqual([12, null, null, null, 5, null, null]);
    expect(sheet.getCell('H3').value).toEqual(new Date('2026-11-13T00:00:00Z'));
    expect(sheet.getCell('I3').value).toBe('未解决');
    const formats = (sheet as unknown as { conditionalFormattings: { ref: string; rules: { formulae: string[]; style: { fill?: { bgColor?: { argb: string } } } }[] }[] }).conditionalFormattings;
    expect(formats.map((format) => [format.ref, format.rules[0]!.formulae[0]])).toEqual([
      ['A3:K209', 'AND(ISNUMBER($K3),$K3>0)'],
      ['A3:K209', 'OR($I3="已解决",$I3="已关闭")'],
      ['I3:I209', '$I3="暂缓"'],
    ]);
    expect(formats[0]!.rules[0]!.style.fill?.bgColor?.argb).toBe('FFFFC7CE');
  });

  it('matches the golden text', async () => {
    for (const id of ['P2026-PRE-011', 'P2026-FIN-002', 'P2026-AS-005']) {
      const sheet = sheetOf(await workbook('problem-table', [pinned.find((record) => record.id === id)!]), '问题治理表');
      expectGolden('问题治理表', `${id}.问题治理表`, sheetText(sheet));
    }
  });
});

describe('电路预警清单 Circuit Warning List (portfolio, streaming writer)', () => {
  it('lists the circuits with an open finding of the circuit rules, across projects', async () => {
    const book = await workbook('circuit-warnings', all);
    const sheet = sheetOf(book, '电路预警清单');
    checkDataSheet(sheet, specNamed('circuit-warnings').spec.sheets[0]!, dataRows(sheet));
    const pinnedSheet = sheetOf(await workbook('circuit-warnings', pinned), '电路预警清单');
    const ids = columnValues(pinnedSheet, '电路编号');
    // URG-003: urgent order converted with under 10 working days left → in the pool at once; -01 was completed on 11-24.
    expect(ids).toContain('GD-ZS-MSTP-20261119-02');
    expect(ids).toContain('GD-ZS-MSTP-20261119-03');
    expect(ids).not.toContain('GD-ZS-VLL-20261119-01');
    // Completed circuits and those far from their required completion are not listed.
    expect(ids).not.toContain('GD-GZ-OTN-20261027-01');
    const row = ids.indexOf('GD-ZS-MSTP-20261119-02') + 3;
    const cells = Object.fromEntries((pinnedSheet.getRow(HEADER_ROW).values as string[]).slice(1).map((header, index) => [header, pinnedSheet.getRow(row).getCell(index + 1).value]));
    expect(cells).toMatchObject({ 要求完成时间: new Date('2026-11-27T00:00:00Z'), 剩余工作日: 2, 加急: '是', 进度报告: '不报进度', 预警类型: '电路完工预警；进入电路预警池', 负责层级: '本地网', 负责人: '杨子健' });
    // A circuit whose unit filed a warning is on the list with its reason (MFG-012 -04, due 12-04: the unit's warning, not the 7-day point).
    const filed = ids.indexOf('GD-ZH-MSTP-20261103-04') + 3;
    expect(filed).toBeGreaterThan(2);
    const filedCells = Object.fromEntries((pinnedSheet.getRow(HEADER_ROW).values as string[]).slice(1).map((header, index) => [header, pinnedSheet.getRow(filed).getCell(index + 1).value]));
    expect(filedCells).toMatchObject({ 预警类型: '电路完工预警' });
    expect(String(filedCells['预警原因'])).toContain('鱼塘');
    // Membership is exactly the circuits with an open circuit finding: no rule logic in the sheet.
    const circuitFindings = ruleFindings(pinned).filter((finding) => finding.closedAt === null && ['circuit-warning-pool', 'circuit-completion-warning', 'circuit-overdue'].includes(finding.ruleId));
    expect([...ids].sort()).toEqual([...new Set(circuitFindings.map((finding) => finding.subject.label))].sort());
    // Sorted by required completion.
    const dates = columnValues(pinnedSheet, '要求完成时间') as Date[];
    expect([...dates].sort((a, b) => a.getTime() - b.getTime())).toEqual(dates);
  });

  it('matches the golden text', async () => {
    expectGolden('电路预警清单', '电路预警清单', sheetText(sheetOf(await workbook('circuit-warnings', pinned), '电路预警清单')));
  });
});

describe('资源核查台账 Resource Check Register (portfolio, streaming writer)', () => {
  it('has a summary, the checks with validity and second-check state, and the reserves against thresholds', async () => {
    const book = await workbook('resource-register', all);
    expect(book.worksheets.map((ws) => ws.name)).toEqual(['核查汇总', '资源核查', '资源储备']);
    const spec = specNamed('resource-register').spec;
    const checks = sheetOf(book, '资源核查');
    const reserves = sheetOf(book, '资源储备');
    const checkCount = all.reduce((sum, record) => sum + (record.resourceChecks?.length ?? 0), 0);
    const reserveCount = all.reduce((sum, record) => sum + (record.resourceReserves?.length ?? 0), 0);
    expect(dataRows(checks)).toBe(checkCount);
    expect(dataRows(reserves)).toBe(reserveCount);
    checkDataSheet(checks, spec.sheets[0]!, checkCount);
    checkDataSheet(reserves, spec.sheets[1]!, reserveCount);

    const pinnedBook = await workbook('resource-register', pinned);
    const pinnedChecks = sheetOf(pinnedBook, '资源核查');
    const row = (columnValues(pinnedChecks, '核查编号') as string[]).indexOf('RC-RES-004-01') + 3;
    // Fed back 2026-11-05 16:00, valid one month: to 2026-12-05 16:00 (a datetime cell of Shanghai wall time).
    expect(pinnedChecks.getRow(row).getCell(11).value).toEqual(new Date('2026-12-05T16:00:00Z'));
    expect(pinnedChecks.getRow(row).getCell(11).numFmt).toBe('yyyy-mm-dd hh:mm');
    const checkCells = Object.fromEntries((pinnedChecks.getRow(HEADER_ROW).values as string[]).slice(1).map((header, index) => [header, pinnedChecks.getRow(row).getCell(index + 1).value]));
    // Handbook words, not clock states: 满足/不满足, 二次核查; the open second-check finding by its number in 预警升级汇总.
    expect(checkCells).toMatchObject({ 工期: '不满足', 二次核查: '二次核查中', 有效期状态: '有效' });
    expect(checkCells['二次核查预警']).toMatch(/^P2026-RES-004-\d\d$/);
    const words = new Set([...columnValues(pinnedChecks, '有效期状态'), ...columnValues(pinnedChecks, '二次核查'), ...columnValues(pinnedChecks, '工期')]);
    for (const clockWord of ['按时完成', '计时中', '未开始', '已停止', '不适用', '是', '否']) expect(words.has(clockWord), clockWord).toBe(false);

    const pinnedReserves = sheetOf(pinnedBook, '资源储备');
    expect(columnValues(pinnedReserves, '低于门限')).toEqual(['否', '否', '是', '是', '否']);
    const format = (pinnedReserves as unknown as { conditionalFormattings: { rules: { formulae: string[] }[] }[] }).conditionalFormattings[0]!;
    expect(format.rules[0]!.formulae[0]).toBe('AND(ISNUMBER($F3),ISNUMBER($G3),$F3<$G3)');

    const summary = sheetOf(pinnedBook, '核查汇总');
    const text = sheetText(summary);
    expect(text).toContain('核查结果\t数量\n具备\t10\n不具备\t1\n（空）\t1\n合计\t12');
    expect(summary.pageSetup).toMatchObject({ paperSize: 9, orientation: 'portrait' });
  });

  it('matches the golden text', async () => {
    const book = await workbook('resource-register', pinned);
    for (const sheet of book.worksheets) expectGolden('资源核查台账', sheet.name, sheetText(sheet));
  });
});

describe('预警升级汇总 Warning and Escalation Summary (portfolio, from findings)', () => {
  it('without findings: the summary has zero counts and the list says 无预警', async () => {
    const book = await workbook('warning-summary', pinned, []);
    expect(book.worksheets.map((ws) => ws.name)).toEqual(['汇总', '预警升级明细']);
    const list = sheetOf(book, '预警升级明细');
    expect(list.getCell('A3').value).toBe('无预警');
    expect(list.autoFilter).toBe('A2:N2');
    expect(sheetText(sheetOf(book, '汇总'))).toContain('当前层级\t数量\n本地网\t0\n省\t0\n集团\t0\n合计\t0');
  });

  it('with findings: open ones first with status and closing time, counts of the open ones by type, level, severity, rule and project', async () => {
    // One more finding, closed (a restored fault): listed last, not counted.
    const closed: Finding = { ...FINDINGS[1]!, id: 'F-0005', closedAt: '2026-11-08T14:55:00+08:00', subject: { pointer: '/afterSale/faults/1', label: 'FLT-DG-002' } };
    const findings = [...FINDINGS, closed];
    const book = await workbook('warning-summary', pinned, findings);
    const list = sheetOf(book, '预警升级明细');
    checkDataSheet(list, specNamed('warning-summary').spec.sheets[0]!, findings.length);
    // Numbers people can say: the project and the finding's place among its findings, not a hash.
    expect(columnValues(list, '预警编号')).toEqual(['P2026-AS-005-01', 'P2026-PRE-011-01', 'P2026-URG-003-01', 'P2026-MFG-012-01', 'P2026-AS-005-02']);
    expect(columnValues(list, '状态')).toEqual(['未关闭', '未关闭', '未关闭', '未关闭', '已关闭']);
    expect(columnValues(list, '类型')).toEqual(['升级', '升级', '预警', '预警', '升级']);
    expect(columnValues(list, '关闭时间')).toEqual([null, null, null, null, new Date('2026-11-08T14:55:00Z')]);
    expect(columnValues(list, '预警事项')[0]).toBe('重点客户严重故障');
    expect(columnValues(list, '项目名称')).toEqual(['东莞松山湖园区互联网专线项目', pinned.find((record) => record.id === 'P2026-PRE-011')!.name, pinned.find((record) => record.id === 'P2026-URG-003')!.name, pinned.find((record) => record.id === 'P2026-MFG-012')!.name, '东莞松山湖园区互联网专线项目']);
    expect(columnValues(list, '通知对象')[0]).toBe('李晓明（客户经理）、王五（责任人）');
    // The hostile message is text, not a formula.
    const message = (list.getRow(HEADER_ROW).values as string[]).indexOf('说明');
    expect(list.getRow(3).getCell(message).value).toBe('=HYPERLINK("http://evil.example","点击")');
    expect(list.getRow(3).getCell(message).formula).toBeUndefined();
    const summary = sheetText(sheetOf(book, '汇总'));
    expect(summary).toContain('共 5 行；以下统计其中 4 行（仅统计未关闭的预警与升级');
    expect(summary).toContain('类型\t数量\n预警\t2\n升级\t2\n合计\t4');
    expect(summary).toContain('当前层级\t数量\n本地网\t2\n省\t1\n集团\t1\n合计\t4');
    expect(summary).toContain('严重程度\t数量\n提示\t0\n一般\t1\n重要\t2\n严重\t1\n合计\t4');
    expect(summary).toContain('项目编号\t数量\nP2026-AS-005\t1\nP2026-MFG-012\t1\nP2026-PRE-011\t1\nP2026-URG-003\t1\n合计\t4');
  });

  it('matches the golden text', async () => {
    const book = await workbook('warning-summary', pinned, FINDINGS);
    for (const sheet of book.worksheets) expectGolden('预警升级汇总', sheet.name, sheetText(sheet));
  });
});

describe('print scaling', () => {
  it('keeps every data sheet narrow enough for its paper that fitting it to the page width leaves text readable', async () => {
    // Column widths (characters) that print at 8 pt or more when fitted to the width of the paper.
    const readable: Record<string, number> = { 'A4 landscape': 180, 'A3 landscape': 270, 'A4 portrait': 125, 'A3 portrait': 180 };
    for (const name of ['circuit-warnings', 'resource-register', 'warning-summary', 'problem-table']) {
      const spec = specNamed(name).spec;
      const records = spec.scope === 'project' ? [all.find((record) => record.id === 'P2026-PRE-011')!] : all;
      const book = await workbook(name, records, name === 'warning-summary' ? ruleFindings(all) : undefined);
      for (const sheetSpec of spec.sheets) {
        const sheet = sheetOf(book, sheetSpec.name);
        const total = sheetSpec.columns.reduce((sum, _, index) => sum + (sheet.getColumn(index + 1).width ?? 0), 0);
        const paper = `${sheetSpec.print?.paper ?? 'A4'} ${sheetSpec.print?.orientation ?? 'landscape'}`;
        expect(total, `${spec.title} ${sheetSpec.name} on ${paper}`).toBeLessThanOrEqual(readable[paper]!);
      }
    }
  });
});

/** Characters as the sheets count them: CJK and full-width 2, others 1. */
const charWidth = (text: string): number => [...text].reduce((sum, char) => sum + (char.codePointAt(0)! >= 0x1100 ? 2 : 1), 0);
/** The widest piece of a cell that cannot break: a run of ASCII (numbers, dates, ids break only after - or /). */
const longestWord = (text: string): number => Math.max(0, ...(text.match(/[\x21-\x7e]+/g) ?? []).flatMap((run) => run.split(/(?<=[-/])/)).map(charWidth));
/** Lines of a wrapped cell, filled piece by piece (a CJK character, an ASCII piece, a space) in `width` characters. */
function linesOf(text: string, width: number): number {
  let lines = 0;
  for (const line of text.split('\n')) {
    let count = 1;
    let used = 0;
    for (const piece of line.match(/[\x21-\x7e]+|\s+|[^\x21-\x7e\s]/gu)?.flatMap((run) => run.split(/(?<=[-/])/)) ?? []) {
      const size = charWidth(piece);
      if (used > 0 && used + size > width) {
        count += 1;
        used = 0;
      }
      used += size;
    }
    lines += count;
  }
  return lines;
}
const BUDGET: Record<string, number> = { 'A4 landscape': 160, 'A4 portrait': 112, 'A3 landscape': 230, 'A3 portrait': 160 };

describe('the sample laid out on paper', () => {
  it('no column narrower than its longest word, rows as tall as their wrapped lines, sheets within the readable page width', async () => {
    const books: [string, ExcelJS.Workbook][] = [
      ['circuit-warnings', await workbook('circuit-warnings', all)],
      ['resource-register', await workbook('resource-register', all)],
      ['warning-summary', await workbook('warning-summary', all, ruleFindings(all))],
      ...(await Promise.all(all.filter((record) => (record.problems ?? []).length > 0).map(async (record) => ['problem-table', await workbook('problem-table', [record])] as [string, ExcelJS.Workbook]))),
    ];
    let checkedCells = 0;
    let tallRows = 0;
    for (const [name, book] of books) {
      for (const sheetSpec of specNamed(name).spec.sheets) {
        const sheet = sheetOf(book, sheetSpec.name);
        const widths = sheetSpec.columns.map((_, index) => sheet.getColumn(index + 1).width!);
        const atMinimum: boolean[] = [];
        sheetSpec.columns.forEach((column, index) => {
          const width = widths[index]!;
          const cells: string[] = [];
          for (let r = 3; r <= sheet.rowCount; r++) {
            const value = sheet.getRow(r).getCell(index + 1).value;
            if (typeof value === 'string' && value !== '') cells.push(value);
          }
          const word = Math.max(0, ...cells.map(longestWord));
          // A word longer than the spec's maxWidth cannot fit: the spec caps it.
          if (column.width === undefined) expect(width, `${name}/${sheetSpec.name} ${column.header}: longest word ${word}`).toBeGreaterThanOrEqual(Math.min(column.maxWidth ?? 50, word + 2));
          if (!column.wrap) return;
          atMinimum.push(width <= Math.max(14, word + 2, Math.ceil(charWidth(column.header) / 2) + 3) + 0.1);
          for (let r = 3; r <= sheet.rowCount; r++) {
            const value = sheet.getRow(r).getCell(index + 1).value;
            if (typeof value !== 'string' || value === '') continue;
            const lines = linesOf(value, width - 1);
            checkedCells += 1;
            if (lines > 1) tallRows += 1;
            expect(sheet.getRow(r).height ?? 15, `${name}/${sheetSpec.name}!${columnLetter(index + 1)}${r}: ${lines} lines`).toBeGreaterThanOrEqual(lines * 16);
          }
        });
        const total = widths.reduce((sum, width) => sum + width, 0);
        const paper = `${sheetSpec.print?.paper ?? 'A4'} ${sheetSpec.print?.orientation ?? 'landscape'}`;
        if (sheetSpec.print?.fitToWidth !== false && total > BUDGET[paper]! + 0.5) {
          // Over the page only when nothing wrapping can narrow further.
          expect(atMinimum.every(Boolean), `${name}/${sheetSpec.name}: ${total} > ${BUDGET[paper]} with a wrapped column above its minimum`).toBe(true);
        }
      }
    }
    expect(checkedCells).toBeGreaterThan(100);
    expect(tallRows).toBeGreaterThan(10);
  });
});
