// Renders one workbook spec over row sources into an .xlsx. Two writers, one code path:
// the in-memory ExcelJS Workbook (per-project workbooks, small) and the streaming WorkbookWriter
// (portfolio workbooks: each row is committed and dropped, so the workbook does not grow in memory).
// Both take views, page setup and header/footer when the sheet is added, because the streaming
// writer writes them at once; validations, conditional formats and the autofilter at commit.
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { DateTime } from 'luxon';
import type { WorkingCalendar } from '../../calendar/types.ts';
import { DocpackError, type Problem } from '../../errors.ts';
import { ZONE } from '../../time.ts';
import { writeFileAtomic } from '../../write/atomic.ts';
import type { Labels } from '../labels.ts';
import type { ColumnSpec, HighlightSpec, HighlightStyle, SheetSpec, WorkbookSpec } from './spec.ts';
import type { RowSources } from './sources.ts';
import { cellWidth, compileCondition, compileValue, DEFAULT_FORMATS, displayWidth, labelGroup, toCell, type CellValue, type RowContext, type ValueEnv } from './values.ts';
import { fixZipTimes, fixZipTimesInFile, zipTimeOf } from './zip.ts';

export type WriterMode = 'memory' | 'stream';

export interface RenderInput {
  spec: WorkbookSpec;
  /** Spec file as the user knows it, named in problems. */
  specFile?: string;
  sources: RowSources;
  asOf: DateTime;
  calendar: WorkingCalendar;
  labels: Labels;
  /** Default: memory for project workbooks, stream for portfolio ones. */
  mode?: WriterMode;
  /** Shown after the title in the print header and document title, e.g. the project id and name. */
  subtitle?: string;
  /** Rows between yields to the event loop in stream mode, so the zip drains as rows are written. */
  yieldEvery?: number;
}

export interface RenderReport {
  /** Data rows written per sheet name. */
  rows: Record<string, number>;
  /** Values that could not be converted (the cell is left blank), with how often each happened. */
  problems: Problem[];
}

const DEFAULT_SPARE_ROWS = 200;
const MIN_WIDTH = 8;
const DEFAULT_MAX_WIDTH = 50;
const HEADER_FILL = 'FFD9E1F2';
const THIN = { style: 'thin' as const, color: { argb: 'FF8EA9DB' } };

const PALETTE: Record<Exclude<HighlightStyle, object>, { fill?: string; font?: string; bold?: boolean }> = {
  bad: { fill: 'FFC7CE', font: '9C0006' },
  warning: { fill: 'FFEB9C', font: '9C5700' },
  good: { fill: 'C6EFCE', font: '006100' },
  muted: { font: '808080' },
  critical: { fill: 'C00000', font: 'FFFFFF', bold: true },
};

interface PreparedColumn {
  spec: ColumnSpec;
  index: number;
  letter: string;
  header: string;
  get: (row: RowContext) => unknown;
  when?: (row: RowContext) => boolean;
}

/** Excel column letters of a 1-based index: 1 → A, 27 → AA. */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function formatAsOf(asOf: DateTime): string {
  return asOf.setZone(ZONE).toFormat('yyyy-MM-dd HH:mm');
}

/** Header/footer codes start with &: a literal & is written &&. */
function headerText(text: string): string {
  return text.replace(/&/g, '&&');
}

/** Collects conversion problems, one per distinct message, with a count. */
class ProblemLog {
  private readonly byKey = new Map<string, { problem: Problem; count: number }>();
  constructor(private readonly file: string | undefined) {}

  add(sheet: string, row: RowContext, error: DocpackError): void {
    const key = `${sheet}\u0000${error.problem.message}`;
    const found = this.byKey.get(key);
    if (found) {
      found.count += 1;
      return;
    }
    const project = (row.project as { id?: string } | undefined)?.id;
    this.byKey.set(key, {
      problem: { ...error.problem, severity: 'error', file: this.file, message: `sheet "${sheet}"${project ? `, project ${project}` : ''}: ${error.problem.message}` },
      count: 1,
    });
  }

  list(): Problem[] {
    return [...this.byKey.values()].map(({ problem, count }) => (count > 1 ? { ...problem, message: `${problem.message} (and ${count - 1} more like it; those cells are blank)` } : problem));
  }
}

class SheetPlan {
  readonly columns: PreparedColumn[];
  private readonly filter?: (row: RowContext) => boolean;
  /** Set when the sheet sorts: then the row contexts (small objects pointing into the records) are held. */
  private readonly sortedRows?: RowContext[];

  constructor(
    readonly sheet: SheetSpec,
    private readonly source: Iterable<RowContext>,
    private readonly env: ValueEnv,
    private readonly log: ProblemLog,
  ) {
    const asOfDate = env.asOf.setZone(ZONE).toISODate()!;
    this.columns = sheet.columns.map((spec, index) => ({
      spec,
      index: index + 1,
      letter: columnLetter(index + 1),
      header: spec.header.replace(/\{asOf\}/g, asOfDate),
      get: compileValue(spec.value, env),
      when: spec.when ? compileCondition(spec.when) : undefined,
    }));
    this.filter = sheet.filter ? compileCondition(sheet.filter) : undefined;
    if (sheet.sort && sheet.sort.length > 0) this.sortedRows = this.sorted([...this.filtered()]);
  }

  private *filtered(): Generator<RowContext> {
    for (const row of this.source) if (!this.filter || this.filter(row)) yield row;
  }

  /** The rows in sheet order. Unsorted sheets read the source again on each pass instead of holding it. */
  rows(): Iterable<RowContext> {
    return this.sortedRows ?? this.filtered();
  }

  column(key: string): PreparedColumn {
    const found = this.columns.find((column) => column.spec.key === key);
    if (!found) throw new DocpackError({ code: 'spec-invalid', message: `sheet "${this.sheet.name}" has no column "${key}"` });
    return found;
  }

  /** A cell's value; one that cannot be converted is blank, and reported when `report` (the writing pass, once per cell). */
  cell(column: PreparedColumn, row: RowContext, report = false): CellValue {
    try {
      if (column.when && !column.when(row)) return null;
      return toCell(column.spec, column.get(row), this.env.labels);
    } catch (error) {
      if (!(error instanceof DocpackError)) throw error;
      if (report) this.log.add(this.sheet.name, row, error);
      return null;
    }
  }

  /** The cells of a row as written. */
  cells(row: RowContext): CellValue[] {
    return this.columns.map((column) => this.cell(column, row, true));
  }

  /** Stable sort on the sort columns' cell values; only the keys are kept, not whole rows of cells. */
  private sorted(rows: RowContext[]): RowContext[] {
    const keys = this.sheet.sort ?? [];
    const columns = keys.map((key) => this.column(key.column));
    // Enum columns sort in the order of their label group (e.g. severity info < minor < major < critical).
    const ranks = columns.map((column) => {
      const group = labelGroup(column.spec);
      return group === undefined ? undefined : new Map(Object.values(this.env.labels[group] ?? {}).map((text, rank) => [text, rank]));
    });
    const key = (column: PreparedColumn, k: number, row: RowContext): SortValue => {
      const value = sortValue(this.cell(column, row));
      return typeof value === 'string' ? (ranks[k]?.get(value) ?? value) : value;
    };
    const decorated = rows.map((row, index) => ({ row, index, values: columns.map((column, k) => key(column, k, row)) }));
    decorated.sort((a, b) => {
      for (let k = 0; k < keys.length; k++) {
        const order = compareSortValues(a.values[k]!, b.values[k]!, keys[k]!.descending === true);
        if (order !== 0) return order;
      }
      return a.index - b.index;
    });
    return decorated.map((item) => item.row);
  }
}

type SortValue = number | string | null;

function sortValue(value: CellValue): SortValue {
  return value instanceof Date ? value.getTime() : value;
}

/** Numbers and dates by value, text by code point; blanks last in either direction. */
function compareSortValues(a: SortValue, b: SortValue, descending: boolean): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  let order: number;
  if (typeof a === 'number' && typeof b === 'number') order = a - b;
  else {
    const x = String(a);
    const y = String(b);
    order = x < y ? -1 : x > y ? 1 : 0;
  }
  return descending ? -order : order;
}

interface Measured {
  rows: number;
  widths: number[];
  counts: Map<string, Map<string, { value: CellValue; count: number }>>;
}

/** One pass over the rows for what must be known before the first row is written: widths and summary counts. */
function measure(plan: SheetPlan): Measured {
  const widths = plan.columns.map((column) => displayWidth(column.header) + 3);
  const autoWidth = plan.columns.map((column) => column.spec.width === undefined);
  const summaryKeys = new Set(plan.sheet.summary?.by ?? []);
  const counts = new Map<string, Map<string, { value: CellValue; count: number }>>();
  for (const key of summaryKeys) counts.set(key, new Map());
  const needed = plan.columns.filter((column, index) => autoWidth[index] || summaryKeys.has(column.spec.key));
  let rows = 0;
  for (const row of plan.rows()) {
    rows += 1;
    for (const column of needed) {
      const value = plan.cell(column, row);
      const i = column.index - 1;
      if (autoWidth[i]) widths[i] = Math.max(widths[i]!, cellWidth(column.spec, value) + 2);
      const tally = counts.get(column.spec.key);
      if (tally) {
        const key = value === null ? '' : value instanceof Date ? `d${value.getTime()}` : `${typeof value}:${value}`;
        const entry = tally.get(key);
        if (entry) entry.count += 1;
        else tally.set(key, { value, count: 1 });
      }
    }
  }
  return { rows, widths, counts };
}

function finalWidth(column: ColumnSpec, measured: number): number {
  if (column.width !== undefined) return column.width;
  return Math.min(column.maxWidth ?? DEFAULT_MAX_WIDTH, Math.max(MIN_WIDTH, measured));
}

function defaultAlignment(column: ColumnSpec): 'left' | 'center' | 'right' | undefined {
  if (column.align) return column.align;
  if (column.type === 'enum' || column.type === 'boolean' || column.type === 'date' || column.type === 'datetime') return 'center';
  return undefined;
}

function argb(rgb: string): string {
  return `FF${rgb.toUpperCase()}`;
}

function dxfStyle(style: HighlightStyle): Partial<ExcelJS.Style> {
  const colours = typeof style === 'string' ? PALETTE[style] : style;
  const out: Partial<ExcelJS.Style> = {};
  if (colours.fill) out.fill = { type: 'pattern', pattern: 'solid', bgColor: { argb: argb(colours.fill) } };
  if (colours.font || colours.bold) out.font = { ...(colours.font ? { color: { argb: argb(colours.font) } } : {}), ...(colours.bold ? { bold: true } : {}) };
  return out;
}

function quoted(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** The Excel formula of a highlight test, relative to the first data row. Built from the spec only, never from record data. */
function highlightFormula(plan: SheetPlan, highlight: HighlightSpec, labels: Labels, firstRow: number): string {
  const column = plan.column(highlight.when.column);
  const ref = `$${column.letter}${firstRow}`;
  const group = labelGroup(column.spec);
  const literal = (value: unknown): string => {
    if (group !== undefined) return quoted(labels[group]![String(value)]!);
    if (typeof value === 'number') return String(value);
    if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
    return quoted(String(value ?? ''));
  };
  const test = highlight.when;
  if (test.equals !== undefined) return test.equals === null ? `LEN(${ref})=0` : `${ref}=${literal(test.equals)}`;
  if (test.in !== undefined) return `OR(${test.in.map((value) => `${ref}=${literal(value)}`).join(',')})`;
  if (test.greaterThan !== undefined) return `AND(ISNUMBER(${ref}),${ref}>${test.greaterThan})`;
  if (test.lessThan !== undefined) return `AND(ISNUMBER(${ref}),${ref}<${test.lessThan})`;
  if (test.lessThanColumn !== undefined) {
    const other = `$${plan.column(test.lessThanColumn).letter}${firstRow}`;
    return `AND(ISNUMBER(${ref}),ISNUMBER(${other}),${ref}<${other})`;
  }
  return test.blank ? `LEN(${ref})=0` : `LEN(${ref})>0`;
}

type AnyWorkbook = ExcelJS.Workbook | ExcelJS.stream.xlsx.WorkbookWriter;

interface SheetOptions {
  orientation: 'landscape' | 'portrait';
  fitToWidth: boolean;
  frozenHeader: boolean;
  headerLeft: string;
  headerRight: string;
}

function addSheet(workbook: AnyWorkbook, name: string, options: SheetOptions): ExcelJS.Worksheet {
  return workbook.addWorksheet(name, {
    views: options.frozenHeader ? [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }] : [{ state: 'normal' }],
    pageSetup: {
      paperSize: 9 as ExcelJS.PaperSize, // A4
      orientation: options.orientation,
      fitToPage: options.fitToWidth,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
      ...(options.frozenHeader ? { printTitlesRow: '1:1' } : {}),
    },
    headerFooter: {
      oddHeader: `&L${headerText(options.headerLeft)}&R${headerText(options.headerRight)}`,
      oddFooter: '&C第 &P 页，共 &N 页',
    },
  });
}

const LINE_HEIGHT = 15;

/**
 * Height of a row whose wrapped cells need more than one line, estimated from the display width:
 * neither Excel nor LibreOffice grows rows to fit wrapped text when they open a file. Undefined
 * (the default height) for one line.
 */
function rowHeight(cells: [CellValue, number][]): number | undefined {
  let lines = 1;
  for (const [value, width] of cells) {
    if (typeof value !== 'string' || value === '') continue;
    const usable = Math.max(1, width - 1);
    let count = 0;
    for (const paragraph of value.split('\n')) count += Math.max(1, Math.ceil(displayWidth(paragraph) / usable));
    lines = Math.max(lines, count);
  }
  return lines > 1 ? Math.min(409, lines * LINE_HEIGHT + 2) : undefined;
}

/** Both writers keep sheet validations in `dataValidations` (address → rule); ExcelJS's typings omit it. */
function validationsOf(sheet: ExcelJS.Worksheet): { add(address: string, validation: ExcelJS.DataValidation): void } {
  return (sheet as unknown as { dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void } }).dataValidations;
}

/** The streaming writer's sheets are committed (written out); the in-memory Worksheet has no commit. */
function commitSheet(sheet: ExcelJS.Worksheet): void {
  const commit = (sheet as { commit?: () => void }).commit;
  if (typeof commit === 'function') commit.call(sheet);
}

const BACKLOG_LIMIT = 1 << 20;

/** archiver's input is a readable-stream v2 PassThrough: no writableLength getter, only the states. */
interface PipeState {
  _writableState?: { length?: number };
  _readableState?: { length?: number };
}

/**
 * Waits until the zip has taken what the sheet wrote. ExcelJS's sheet stream ignores backpressure:
 * it pushes each 64 KiB block into archiver's input (a PassThrough) at once, so without this the
 * whole sheet could pile up there while deflate catches up. In-memory sheets have no stream.
 */
async function drain(sheet: ExcelJS.Worksheet): Promise<void> {
  const pipes = (sheet as unknown as { stream?: { pipes?: PipeState[] } }).stream?.pipes ?? [];
  const backlog = (): number => pipes.reduce((sum, pipe) => sum + (pipe._writableState?.length ?? 0) + (pipe._readableState?.length ?? 0), 0);
  do await yieldToLoop();
  while (backlog() > BACKLOG_LIMIT);
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function writeSummary(workbook: AnyWorkbook, plan: SheetPlan, measured: Measured, input: RenderInput, sheetOptions: SheetOptions): Promise<void> {
  const summary = plan.sheet.summary!;
  const sheet = addSheet(workbook, summary.name, { ...sheetOptions, orientation: 'portrait', frozenHeader: false, headerLeft: `${workbookTitle(input)} — ${summary.name}` });
  let widest = [displayWidth(summary.name), 8];
  const rows: { values: CellValue[]; kind: 'title' | 'note' | 'header' | 'data' | 'total' | 'blank'; format?: string }[] = [];
  const title = `${input.spec.title}${input.subtitle ? ` ${input.subtitle}` : ''} — ${plan.sheet.name}统计`;
  rows.push({ values: [title], kind: 'title' });
  rows.push({ values: [`截至 ${formatAsOf(input.asOf)}，共 ${measured.rows} 行`], kind: 'note' });
  rows.push({ values: [], kind: 'blank' });
  for (const key of summary.by) {
    const column = plan.column(key);
    const tally = measured.counts.get(key)!;
    rows.push({ values: [column.header, '数量'], kind: 'header' });
    const group = labelGroup(column.spec);
    const entries: { value: CellValue; count: number }[] = [];
    if (group !== undefined) {
      // Every label of the group in the labels file's order, zero counts included: a stable layout.
      for (const text of Object.values(input.labels[group]!)) entries.push({ value: text, count: tally.get(`string:${text}`)?.count ?? 0 });
      for (const [tallyKey, entry] of tally) if (tallyKey !== '' && !entries.some((known) => known.value === entry.value)) entries.push(entry);
    } else {
      const values = [...tally.entries()].filter(([tallyKey]) => tallyKey !== '').map(([, entry]) => entry);
      values.sort((a, b) => compareSortValues(sortValue(a.value), sortValue(b.value), false));
      entries.push(...values);
    }
    const blank = tally.get('')?.count ?? 0;
    if (blank > 0) entries.push({ value: '（空）', count: blank });
    const format = column.spec.type === 'date' || column.spec.type === 'datetime' ? (column.spec.format ?? DEFAULT_FORMATS[column.spec.type]) : undefined;
    for (const entry of entries) {
      rows.push({ values: [entry.value, entry.count], kind: 'data', format });
      widest = [Math.max(widest[0]!, cellWidth(column.spec, entry.value) + 2), widest[1]!];
    }
    rows.push({ values: ['合计', entries.reduce((sum, entry) => sum + entry.count, 0)], kind: 'total' });
    rows.push({ values: [], kind: 'blank' });
    widest = [Math.max(widest[0]!, displayWidth(column.header) + 2), widest[1]!];
  }
  sheet.columns = [{ width: Math.min(60, Math.max(14, widest[0]!)) }, { width: 10 }];
  for (const entry of rows) {
    const row = sheet.addRow(entry.values);
    if (entry.kind === 'title') row.getCell(1).font = { bold: true, size: 14 };
    if (entry.kind === 'note') row.getCell(1).font = { color: { argb: 'FF595959' } };
    if (entry.kind === 'header' || entry.kind === 'total') {
      for (const index of [1, 2]) {
        const cell = row.getCell(index);
        cell.font = { bold: true };
        cell.border = { top: THIN, bottom: THIN, left: THIN, right: THIN };
        if (entry.kind === 'header') cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
      }
    }
    if (entry.kind === 'data') {
      for (const index of [1, 2]) row.getCell(index).border = { top: THIN, bottom: THIN, left: THIN, right: THIN };
      if (entry.format) row.getCell(1).numFmt = entry.format;
      row.getCell(1).alignment = { horizontal: 'left' };
    }
    row.commit();
  }
  commitSheet(sheet);
  await yieldToLoop();
}

async function writeDataSheet(workbook: AnyWorkbook, plan: SheetPlan, measured: Measured, input: RenderInput, sheetOptions: SheetOptions, yieldEvery: number): Promise<void> {
  const { sheet: spec, columns } = plan;
  const sheet = addSheet(workbook, spec.name, sheetOptions);
  sheet.columns = columns.map((column, i) => {
    const format = column.spec.format ?? DEFAULT_FORMATS[column.spec.type];
    const horizontal = defaultAlignment(column.spec);
    const alignment: Partial<ExcelJS.Alignment> = { vertical: 'top', ...(horizontal ? { horizontal } : {}), ...(column.spec.wrap ? { wrapText: true } : {}) };
    return { key: column.spec.key, width: finalWidth(column.spec, measured.widths[i]!), style: { ...(format ? { numFmt: format } : {}), alignment } };
  });
  const header = sheet.addRow(columns.map((column) => column.header));
  header.height = Math.max(24, rowHeight(columns.map((column, i) => [column.header, finalWidth(column.spec, measured.widths[i]!)])) ?? 0);
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
    cell.border = { top: THIN, bottom: THIN, left: THIN, right: THIN };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.numFmt = 'General';
  });
  header.commit();
  const widths = sheet.columns.map((column) => column.width ?? MIN_WIDTH);
  const wrapped = columns.filter((column) => column.spec.wrap);
  let written = 0;
  for (const row of plan.rows()) {
    const cells = plan.cells(row);
    const added = sheet.addRow(cells);
    const height = rowHeight(wrapped.map((column) => [cells[column.index - 1] ?? null, widths[column.index - 1]!]));
    if (height !== undefined) added.height = height;
    added.commit();
    written += 1;
    if (written % yieldEvery === 0) await drain(sheet);
  }
  const lastRow = written + 1;
  if (written === 0 && spec.emptyNote) {
    const note = sheet.addRow([spec.emptyNote]);
    note.getCell(1).font = { italic: true, color: { argb: 'FF808080' } };
    note.getCell(1).numFmt = '@';
    note.commit();
  }
  const lastLetter = columnLetter(columns.length);
  sheet.autoFilter = `A1:${lastLetter}${lastRow}`;
  const bottom = lastRow + (spec.spareRows ?? DEFAULT_SPARE_ROWS);
  if (bottom >= 2) {
    for (const column of columns) {
      const group = labelGroup(column.spec);
      if (!column.spec.dropdown || group === undefined) continue;
      const choices = Object.values(input.labels[group]!);
      validationsOf(sheet).add(`${column.letter}2:${column.letter}${bottom}`, {
        type: 'list',
        allowBlank: true,
        formulae: [quoted(choices.join(','))],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: '无效的值',
        error: `请从下拉列表中选择：${choices.join('、')}`,
      });
    }
    (spec.highlight ?? []).forEach((highlight, index) => {
      const column = plan.column(highlight.when.column);
      const ref = highlight.target === 'cell' ? `${column.letter}2:${column.letter}${bottom}` : `A2:${lastLetter}${bottom}`;
      sheet.addConditionalFormatting({
        ref,
        rules: [{ type: 'expression', priority: index + 1, formulae: [highlightFormula(plan, highlight, input.labels, 2)], style: dxfStyle(highlight.style) }],
      });
    });
  }
  commitSheet(sheet);
  await yieldToLoop();
}

function workbookTitle(input: RenderInput): string {
  return input.subtitle ? `${input.spec.title} ${input.subtitle}` : input.spec.title;
}

function setProperties(workbook: AnyWorkbook, input: RenderInput): void {
  const when = input.asOf.toJSDate();
  workbook.creator = 'docpack';
  workbook.lastModifiedBy = 'docpack';
  workbook.created = when;
  workbook.modified = when;
  workbook.title = workbookTitle(input);
  workbook.subject = input.spec.description ?? '';
  workbook.company = '';
  workbook.manager = '';
  workbook.keywords = '';
  workbook.category = '';
  workbook.description = '';
}

async function fill(workbook: AnyWorkbook, input: RenderInput, yieldEvery: number): Promise<RenderReport> {
  const log = new ProblemLog(input.specFile);
  const env: ValueEnv = { asOf: input.asOf, calendar: input.calendar, labels: input.labels };
  const rows: Record<string, number> = {};
  for (const sheet of input.spec.sheets) {
    const source = input.sources[sheet.rows];
    if (!source) throw new DocpackError({ code: 'spec-invalid', file: input.specFile, message: `sheet "${sheet.name}": no row source "${sheet.rows}"`, hint: `sources: ${Object.keys(input.sources).join(', ')}` });
    const plan = new SheetPlan(sheet, source, env, log);
    const measured = measure(plan);
    const options: SheetOptions = {
      orientation: sheet.print?.orientation ?? 'landscape',
      fitToWidth: sheet.print?.fitToWidth ?? true,
      frozenHeader: true,
      headerLeft: `${workbookTitle(input)} — ${sheet.name}`,
      headerRight: `截至 ${formatAsOf(input.asOf)}`,
    };
    if (sheet.summary) await writeSummary(workbook, plan, measured, input, options);
    await writeDataSheet(workbook, plan, measured, input, options, yieldEvery);
    rows[sheet.name] = measured.rows;
  }
  return { rows, problems: log.list() };
}

function defaultMode(input: RenderInput): WriterMode {
  return input.mode ?? (input.spec.scope === 'portfolio' ? 'stream' : 'memory');
}

function streamWriter(stream: NodeJS.WritableStream): ExcelJS.stream.xlsx.WorkbookWriter {
  // Inline strings (no shared-string table): memory stays flat however many distinct texts there are.
  return new ExcelJS.stream.xlsx.WorkbookWriter({ stream: stream as unknown as import('node:stream').Stream, useStyles: true, useSharedStrings: false });
}

/** Renders the workbook into memory and returns the .xlsx bytes, with fixed zip entry times. */
export async function renderWorkbook(input: RenderInput): Promise<{ data: Buffer; report: RenderReport }> {
  const time = zipTimeOf(input.asOf);
  if (defaultMode(input) === 'memory') {
    const workbook = new ExcelJS.Workbook();
    setProperties(workbook, input);
    const report = await fill(workbook, input, Number.POSITIVE_INFINITY);
    const data = Buffer.from(await workbook.xlsx.writeBuffer());
    return { data: fixZipTimes(data, time), report };
  }
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const workbook = streamWriter(sink);
  setProperties(workbook, input);
  const report = await fill(workbook, input, input.yieldEvery ?? 200);
  await workbook.commit();
  return { data: fixZipTimes(Buffer.concat(chunks), time), report };
}

/**
 * Renders the workbook to `file` atomically. Memory mode: writeFileAtomic. Stream mode: the same
 * pattern without holding the bytes — stream into a temporary file next to the target, fix its zip
 * entry times in place, then rename it over the target.
 */
export async function renderWorkbookToFile(input: RenderInput, file: string): Promise<RenderReport> {
  if (defaultMode(input) === 'memory') {
    const rendered = await renderWorkbook(input);
    writeFileAtomic(file, rendered.data);
    return rendered.report;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let out: WriteStream | undefined;
  try {
    out = createWriteStream(temporary);
    const closed = new Promise<void>((resolve, reject) => {
      out!.on('close', resolve);
      out!.on('error', reject);
    });
    // Awaited below; after a failure elsewhere it must not become an unhandled rejection.
    closed.catch(() => undefined);
    const workbook = streamWriter(out);
    setProperties(workbook, input);
    const report = await fill(workbook, input, input.yieldEvery ?? 200);
    await workbook.commit();
    await closed;
    fixZipTimesInFile(temporary, zipTimeOf(input.asOf));
    renameSync(temporary, file);
    return report;
  } catch (error) {
    out?.destroy();
    rmSync(temporary, { force: true });
    throw error;
  }
}
