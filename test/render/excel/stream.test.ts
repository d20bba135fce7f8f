// The streaming writer (src/render/excel/xlsx-stream.ts) against the reference, ExcelJS's
// in-memory Workbook: every workbook is rendered by both and read back with ExcelJS, and every
// sheet must agree cell by cell (value, type, number format, font, fill, border, alignment) and in
// columns, row heights, panes, autofilter, print setup, print titles, header/footer, validations
// and conditional formats. Then what only the streaming writer has: well-formed XML in every part,
// output while rows are still read, zlib levels, failures in the output.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type ExcelJS from 'exceljs';
import fc from 'fast-check';
import JSZip from 'jszip';
import { SaxesParser } from 'saxes';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIsoWeek, timeToEpochMs } from '../../../src/time.ts';
import { buildRowSources } from '../../../src/render/excel/sources.ts';
import { renderWorkbookToFile } from '../../../src/pack/workbooks.ts';
import { renderWorkbook, type RenderInput, type WriterMode } from '../../../src/render/excel/render.ts';
import type { CellStyle } from '../../../src/render/excel/book.ts';
import type { WorkbookSpec } from '../../../src/render/excel/spec.ts';
import { columnLetter, dateSerial, StyleSheet, xmlAttribute, xmlText, XlsxStreamWriter } from '../../../src/render/excel/xlsx-stream.ts';
import { FINDINGS } from './findings.ts';
import { AS_OF, calendar, factsOf, fixtures, inputFor, labels, readBack, sheetText, specNamed } from './helpers.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'docpack-stream-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Internal = { dataValidations: { model: Record<string, unknown> }; conditionalFormattings: { ref: string; rules: { type: string; priority: number; formulae: string[]; style?: ExcelJS.Style }[] }[] };

function font(cell: ExcelJS.Cell | ExcelJS.Column): unknown {
  // The streaming writer names the face of every font (ExcelJS leaves it out of bold/sized ones): compare what shows.
  const found = cell.font ?? {};
  return { bold: found.bold === true, italic: found.italic === true, size: found.size ?? 11, color: found.color?.argb };
}

function fill(cell: ExcelJS.Cell): unknown {
  const found = cell.fill as ExcelJS.FillPattern | undefined;
  return found?.pattern === 'solid' ? { solid: found.fgColor?.argb } : undefined;
}

function border(cell: ExcelJS.Cell): unknown {
  const found = cell.border ?? {};
  return Object.fromEntries((['left', 'right', 'top', 'bottom'] as const).map((side) => [side, found[side]?.style ? `${found[side]!.style} ${found[side]!.color?.argb}` : undefined]));
}

function dxf(style: Partial<ExcelJS.Style> | undefined): unknown {
  return { fill: (style?.fill as ExcelJS.FillPattern | undefined)?.bgColor?.argb, font: style?.font?.color?.argb, bold: style?.font?.bold === true };
}

/**
 * Cell text as Excel shows it: _xHHHH_ is the character U+HHHH. ExcelJS decodes it in shared
 * strings (the in-memory writer's) but not in inline strings (the streaming writer's).
 */
function shown(text: string): string {
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Everything the tests check of a sheet, in a form both writers' output can be compared in. */
function sheetModel(sheet: ExcelJS.Worksheet, inline: boolean): unknown {
  const internal = sheet as unknown as Internal;
  const rows: unknown[] = [];
  // columnCount walks every row: read it once.
  const columnCount = sheet.columnCount;
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: unknown[] = [];
    for (let c = 1; c <= Math.max(columnCount, row.cellCount); c++) {
      const cell = row.getCell(c);
      const blank = cell.value === null || cell.value === undefined || cell.value === '';
      cells.push({
        at: cell.address,
        value: blank ? null : inline && typeof cell.value === 'string' ? shown(cell.value) : cell.value,
        type: blank ? 'blank' : cell.type,
        formula: cell.formula,
        numFmt: cell.numFmt ?? 'General',
        font: font(cell),
        fill: fill(cell),
        border: border(cell),
        alignment: cell.alignment ?? {},
      });
    }
    rows.push({ height: row.height, cells });
  }
  const columns: unknown[] = [];
  for (let c = 1; c <= columnCount; c++) {
    const column = sheet.getColumn(c);
    columns.push({ width: column.width, numFmt: column.numFmt ?? 'General', alignment: column.alignment ?? {} });
  }
  const setup = sheet.pageSetup;
  const view = sheet.views[0] ?? {};
  return {
    name: sheet.name,
    rowCount: sheet.rowCount,
    columns,
    rows,
    view: { state: view.state ?? 'normal', ySplit: (view as { ySplit?: number }).ySplit, topLeftCell: (view as { topLeftCell?: string }).topLeftCell },
    autoFilter: sheet.autoFilter,
    pageSetup: {
      paperSize: setup.paperSize,
      orientation: setup.orientation,
      fitToPage: setup.fitToPage,
      fitToWidth: setup.fitToWidth,
      fitToHeight: setup.fitToHeight,
      horizontalCentered: setup.horizontalCentered,
      margins: setup.margins,
      printTitlesRow: setup.printTitlesRow,
    },
    headerFooter: { oddHeader: sheet.headerFooter.oddHeader, oddFooter: sheet.headerFooter.oddFooter },
    validations: internal.dataValidations.model,
    conditionalFormats: internal.conditionalFormattings.map((format) => ({
      ref: format.ref,
      rules: format.rules.map((rule) => ({ type: rule.type, priority: rule.priority, formulae: rule.formulae, style: dxf(rule.style) })),
    })),
  };
}

function bookModel(book: ExcelJS.Workbook, inline: boolean): unknown {
  return {
    properties: { creator: book.creator, lastModifiedBy: book.lastModifiedBy, created: book.created, modified: book.modified, title: book.title, subject: book.subject },
    sheets: book.worksheets.map((sheet) => sheetModel(sheet, inline)),
  };
}

async function bothWriters(input: RenderInput): Promise<Record<WriterMode, Buffer>> {
  const out = {} as Record<WriterMode, Buffer>;
  for (const mode of ['memory', 'stream'] as WriterMode[]) {
    const { data, report } = await renderWorkbook({ ...input, mode });
    expect(report.problems).toEqual([]);
    out[mode] = data;
  }
  return out;
}

async function expectSameWorkbook(input: RenderInput): Promise<{ stream: Buffer; book: ExcelJS.Workbook }> {
  const { memory, stream } = await bothWriters(input);
  const reference = bookModel(await readBack(memory), false);
  const book = await readBack(stream);
  const model = bookModel(book, true);
  // vitest's deep equality is slow on thousands of cells: it is asked (for its diff) only on a difference.
  if (!isDeepStrictEqual(model, reference)) expect(model).toEqual(reference);
  return { stream, book };
}

/** Parses every XML part of an .xlsx with a strict, namespace-aware XML parser. */
async function expectWellFormed(data: Buffer): Promise<string[]> {
  const zip = await JSZip.loadAsync(data);
  const names = Object.keys(zip.files).sort();
  for (const name of names) {
    const parser = new SaxesParser({ xmlns: true });
    let failure: Error | undefined;
    parser.on('error', (error) => {
      failure ??= error;
    });
    parser.write(await zip.file(name)!.async('string')).close();
    expect(failure, name).toBeUndefined();
  }
  return names;
}

const HOSTILE_TEXT = [
  '=1+1',
  '+SUM(A1:A9)',
  '-2+3',
  '@SUM(1,1)',
  '\t=1+1',
  'a & b < c > d "e" \'f\'',
  '  leading and trailing  ',
  'line one\nline two\r\nline three\rline four',
  'bell\u0007 nul\u0000 lone \uD800 and \uDC00 surrogates, \uFFFE\uFFFF',
  '𠀀𠀁 CJK Extension B (surrogate pairs) 中文',
  ']]> <![CDATA[ x ]]> &amp; &#13; _x000D_ _x004a_ _x12_',
  '长'.repeat(300),
];

const MIXED_SPEC: WorkbookSpec = {
  $schema: './sheet-spec.schema.json',
  title: '混合 & <类型>',
  description: 'every column type, hostile text "quoted" & <marked up>',
  scope: 'portfolio',
  sheets: [
    {
      name: '混合',
      rows: 'rows',
      columns: [
        { key: 'text', header: '文本 & <说明>', value: 'row.text', type: 'text', wrap: true, maxWidth: 40 },
        { key: 'number', header: '数量', value: 'row.number', type: 'number' },
        { key: 'money', header: '金额', value: 'row.money', type: 'money' },
        { key: 'percent', header: '比例', value: 'row.percent', type: 'percent', align: 'right' },
        { key: 'date', header: '日期', value: 'row.date', type: 'date' },
        { key: 'time', header: '时间', value: 'row.time', type: 'datetime' },
        { key: 'status', header: '状态', value: 'row.status', type: 'enum', labels: 'problemStatus', dropdown: true },
        { key: 'flag', header: '加急', value: 'row.flag', type: 'boolean', dropdown: true },
        { key: 'fixed', header: '固定宽度', value: 'row.text', type: 'text', width: 12, format: 'General' },
        { key: 'left', header: '剩余天数', value: { daysUntil: 'row.date' }, type: 'number', format: '0.00' },
      ],
      highlight: [
        { when: { column: 'left', lessThan: 0 }, style: 'bad' },
        { when: { column: 'status', in: ['resolved', 'closed'] }, style: 'muted' },
        { when: { column: 'flag', equals: true }, style: { fill: '00B0F0', font: 'FFFFFF', bold: true }, target: 'cell' },
      ],
      summary: { name: '统计', by: ['status', 'date'] },
      spareRows: 10,
      print: { orientation: 'portrait', paper: 'A3' },
    },
    {
      name: '空表',
      rows: 'none',
      columns: [{ key: 'text', header: '文本', value: 'row.text', type: 'text' }],
      emptyNote: '没有数据 & <空>',
    },
  ],
};

const STATUSES = ['open', 'in-progress', 'resolved', 'closed', 'deferred'];

function mixedRows(count: number): { row: Record<string, unknown> }[] {
  return Array.from({ length: count }, (_, i) => ({
    row: {
      text: i < HOSTILE_TEXT.length ? HOSTILE_TEXT[i] : i % 5 === 0 ? '' : `第 ${i} 行`,
      number: [0, -1, 1.5, 1e21, 1e-7, -0, 123456789012, 42][i % 8],
      money: i % 3 === 0 ? { amount: 1234.5 + i, currency: 'CNY' } : 99.99 * i,
      percent: i % 4 === 0 ? undefined : i / 100,
      date: `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      time: i % 6 === 0 ? null : `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00${['+08:00', 'Z', '', '-05:30'][i % 4]}`,
      status: STATUSES[i % STATUSES.length],
      flag: i % 3 === 0,
    },
  }));
}

function mixedInput(count: number): RenderInput {
  return { spec: MIXED_SPEC, sources: { rows: mixedRows(count), none: [] }, asOf: AS_OF, calendar, labels, subtitle: 'A&B <测试>' };
}

describe('the streaming writer gives what ExcelJS gives, read back with ExcelJS', () => {
  it('for every type of column, hostile text, a summary, an empty sheet, highlights and dropdowns', async () => {
    const { stream, book } = await expectSameWorkbook(mixedInput(60));
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['统计', '混合', '空表']);
    const sheet = book.getWorksheet('混合')!;
    // Spot checks on top of the comparison, from the reference's point of view.
    expect(sheet.getCell('A3').value).toBe('=1+1');
    expect(sheet.getCell('A3').formula).toBeUndefined();
    expect(sheet.getCell('A9').value).toBe('  leading and trailing  ');
    expect(sheet.getCell('A10').value).toBe('line one\nline two\nline three\nline four');
    expect(sheet.getCell('A11').value).toBe('bell\uFFFD nul\uFFFD lone \uFFFD and \uFFFD surrogates, \uFFFD\uFFFD');
    expect(sheet.getCell('A12').value).toBe('𠀀𠀁 CJK Extension B (surrogate pairs) 中文');
    // Text that looks like Excel's _xHHHH_ escape is stored with its underscore escaped, so that Excel shows it as written.
    expect(shown(sheet.getCell('A13').value as string)).toBe(']]> <![CDATA[ x ]]> &amp; &#13; _x000D_ _x004a_ _x12_');
    expect(sheet.getCell('A13').value).toBe(']]> <![CDATA[ x ]]> &amp; &#13; _x005F_x000D_ _x005F_x004a_ _x12_');
    expect(sheet.getCell('B6').value).toBe(1e21);
    expect(sheet.getCell('E3').value).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(sheet.getCell('E3').numFmt).toBe('yyyy-mm-dd');
    // 2026-11-02T01:01:00Z is 09:01 in Shanghai.
    expect(sheet.getCell('F4').value).toEqual(new Date('2026-11-02T09:01:00Z'));
    expect(sheet.getCell('F4').numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(sheet.getRow(2).getCell(1).font?.bold).toBe(true);
    // A title row above the headers, merged across the columns.
    expect(sheet.getCell('A1').value).toBe('混合 & <类型> A&B <测试> — 混合（截至2026年11月25日）');
    expect(sheet.getCell('J1').master.address).toBe('A1');
    expect(sheet.getRow(14).height).toBeGreaterThan(100);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2, topLeftCell: 'A3' });
    expect(sheet.autoFilter).toBe('A2:J62');
    expect(sheet.pageSetup).toMatchObject({ paperSize: 8, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '2:2' });
    expect(book.getWorksheet('空表')!.getCell('A3').value).toBe('没有数据 & <空>');
    // Summary columns are counted over every row (the measuring pass stops reading only width-settled columns).
    const summary = sheetText(book.getWorksheet('统计')!);
    expect(summary.match(/合计\t60\n/g)).toHaveLength(2);
    expect(summary).toContain('日期\t数量\n2026-01-01\t1\n2026-01-09\t1\n');
    expect(book.title).toBe('混合 & <类型> A&B <测试>');
    const parts = await expectWellFormed(stream);
    expect(parts).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'docProps/app.xml',
      'docProps/core.xml',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
      'xl/worksheets/sheet2.xml',
      'xl/worksheets/sheet3.xml',
    ]);
  });

  it('for every workbook of templates/excel over the fixtures', async () => {
    const records = await fixtures();
    // Every project's 问题治理表, as the pack writes them (the stream writer), against ExcelJS.
    for (const record of records) await expectSameWorkbook(inputFor(specNamed('problem-table'), [record], { subtitle: `${record.id} ${record.name}` }));
    await expectSameWorkbook(inputFor(specNamed('circuit-warnings'), records));
    await expectSameWorkbook(inputFor(specNamed('resource-register'), records));
    await expectSameWorkbook(inputFor(specNamed('warning-summary'), records, { findings: FINDINGS }));
    await expectSameWorkbook(inputFor(specNamed('warning-summary'), records, { findings: [] }));
    const week = parseIsoWeek('2026-W48');
    const weekly = buildRowSources({ projects: factsOf(records, [], week), labels });
    const { book } = await expectSameWorkbook({ spec: specNamed('weekly-report').spec, sources: weekly, asOf: AS_OF, calendar, labels, subtitle: week.id });
    expect(book.worksheets[0]!.rowCount).toBeGreaterThan(1);
  });

  it('over thousands of rows, whatever the zlib level', async () => {
    const input = mixedInput(3000);
    const { stream } = await expectSameWorkbook(input);
    const fastest = (await renderWorkbook({ ...input, mode: 'stream', deflateLevel: 1 })).data;
    const smallest = (await renderWorkbook({ ...input, mode: 'stream', deflateLevel: 9 })).data;
    expect(smallest.length).toBeLessThan(fastest.length);
    // The same parts, byte for byte once inflated (so the same sheets read back), whatever the level:
    // compared as zip entries rather than read back through ExcelJS three times over 3,000 rows.
    const parts = async (data: Buffer): Promise<[string, string][]> => {
      const zip = await JSZip.loadAsync(data);
      return Promise.all(Object.keys(zip.files).sort().map(async (name): Promise<[string, string]> => [name, await zip.file(name)!.async('string')]));
    };
    const expected = await parts(stream);
    expect(expected.map(([name]) => name)).toContain('xl/worksheets/sheet2.xml');
    for (const data of [fastest, smallest]) {
      const actual = await parts(data);
      expect(actual.map(([name]) => name)).toEqual(expected.map(([name]) => name));
      for (const [index, [name, text]] of actual.entries()) expect(text === expected[index]![1], name).toBe(true);
    }
    await expect(renderWorkbook({ ...input, mode: 'stream', deflateLevel: 12 })).rejects.toThrow(/deflate level 12/);
  });
});

describe('streaming', () => {
  it('writes the file while the rows are read, and renders the same bytes to a file as to memory', async () => {
    const dir = path.join(scratch, 'progress');
    const file = path.join(dir, 'out.xlsx');
    const rows = mixedRows(40_000);
    // The size of the temporary file at row 30,000 of each pass over the rows.
    const sizes: number[] = [];
    const source = {
      *[Symbol.iterator]() {
        for (const [index, row] of rows.entries()) {
          if (index === 30_000) sizes.push(statSync(path.join(dir, readdirSync(dir).find((name) => name.endsWith('.tmp'))!)).size);
          yield row;
        }
      },
    };
    const spec: WorkbookSpec = { ...MIXED_SPEC, sheets: [{ ...MIXED_SPEC.sheets[0]!, summary: undefined }] };
    const input: RenderInput = { spec, sources: { rows: source }, asOf: AS_OF, calendar, labels };
    const report = await renderWorkbookToFile(input, file);
    expect(report.rows).toEqual({ 混合: 40_000 });
    // Read once to measure (nothing written yet), then a second time to write: by row 30,000 of the
    // second pass most of the sheet is in the file already.
    expect(sizes).toHaveLength(2);
    expect(sizes[0]).toBe(0);
    expect(sizes[1]).toBeGreaterThan(statSync(file).size / 2);
    const { data } = await renderWorkbook({ ...input, sources: { rows } });
    expect(data.equals(readFileSync(file))).toBe(true);
    expect(readdirSync(dir)).toEqual(['out.xlsx']);
  });

  it('reports a failing output as a rejection, not an uncaught exception', async () => {
    let written = 0;
    const writer = new XlsxStreamWriter(() => {
      if ((written += 1) > 2) throw new Error('disk full');
    });
    writer.setProperties({ title: 't', subject: '', created: new Date(0) });
    const sheet = writer.addSheet({ name: 's', paper: 'A4', orientation: 'landscape', fitToWidth: true, headerRow: 1, headerCode: '', footerCode: '', columns: [{ width: 10 }] });
    const run = async (): Promise<void> => {
      for (let i = 0; i < 200_000; i++) if (sheet.addRow([`row ${i} ${'x'.repeat(i % 50)}`])) await sheet.drain();
      await sheet.finish({ validations: [], highlights: [] });
    };
    await expect(run()).rejects.toThrow('disk full');
    writer.abort();
  });
});

describe('pieces', () => {
  it('escapes XML text and attributes, and replaces what XML cannot carry', () => {
    const plain = '普通文本 plain\ttext\nnext line';
    expect(xmlText(plain)).toBe(plain);
    expect(xmlText('a & b < c > d "e"')).toBe('a &amp; b &lt; c &gt; d "e"');
    expect(xmlText('cr\rhere')).toBe('cr&#13;here');
    expect(xmlText('\u0000\u0008\u000B\u001F\uFFFE\uFFFF')).toBe('\uFFFD'.repeat(6));
    expect(xmlText('\uD800x\uDC00 𠀀')).toBe('\uFFFDx\uFFFD 𠀀');
    expect(xmlAttribute('"a"\tb\nc\rd & <e>')).toBe('&quot;a&quot;&#9;b&#10;c&#13;d &amp; &lt;e&gt;');
  });

  it('column letters and Excel date serials', () => {
    expect([1, 2, 26, 27, 52, 53, 702, 703, 16384].map(columnLetter)).toEqual(['A', 'B', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA', 'XFD']);
    expect(dateSerial(new Date('2026-11-13T00:00:00Z'))).toBe(46339);
    expect(dateSerial(new Date('2026-11-13T18:00:00Z'))).toBe(46339.75);
    expect(dateSerial(new Date('1900-03-01T00:00:00Z'))).toBe(61);
  });

  it('interns styles once per object: built-in formats by id, others from 164', () => {
    const styles = new StyleSheet();
    const text: CellStyle = { numFmt: '@', alignment: { vertical: 'top' } };
    const date: CellStyle = { numFmt: 'yyyy-mm-dd', alignment: { horizontal: 'center', vertical: 'top' } };
    const bold: CellStyle = { font: { bold: true }, fill: 'FFD9E1F2', border: true, alignment: { vertical: 'middle', wrapText: true } };
    expect(styles.id(undefined)).toBe(0);
    expect([styles.id(text), styles.id(date), styles.id(bold), styles.id(text), styles.id({ ...text })]).toEqual([1, 2, 3, 1, 1]);
    expect(styles.dxf({ fill: 'FFFFC7CE', font: 'FF9C0006' })).toBe(0);
    expect(styles.dxf({ fill: 'FFFFC7CE', font: 'FF9C0006' })).toBe(0);
    expect(styles.dxf({ bold: true })).toBe(1);
    const xml = styles.xml();
    expect(xml).toContain('<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>');
    expect(xml).toContain('<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>');
    expect(xml).toContain('<alignment vertical="center" wrapText="1"/>');
    expect(xml).toContain('<dxfs count="2"><dxf><font><color rgb="FF9C0006"/></font><fill><patternFill patternType="solid"><bgColor rgb="FFFFC7CE"/></patternFill></fill></dxf><dxf><font><b/></font></dxf></dxfs>');
  });
});
