// Renders one workbook spec over row sources into an .xlsx. Two writers, one code path (book.ts):
// the in-memory ExcelJS Workbook (per-project workbooks, small) and the streaming writer of
// xlsx-stream.ts (portfolio workbooks: each row becomes XML and goes into the zip at once, so memory
// does not grow with the rows). Both take views, page setup, header/footer and the columns when the
// sheet is added, because the streaming writer writes them at once; validations, conditional
// formats and the autofilter when the sheet is finished. Each sheet is read twice: a measuring pass
// (widths, summary counts), then the writing pass.
import type { DateTime } from 'luxon';
import type { WorkingCalendar } from '../../calendar/types.ts';
import { DocpackError, type Problem } from '../../errors.ts';
import { ZONE } from '../../time.ts';
import { dateFormat, formatDate, type Labels } from '../../labels.ts';
import { fillLines, fitColumnWidths, longestUnbreakable, tokens, wrappedLines, type ColumnNeeds } from '../fit.ts';
import { ExcelJsBook, type Book, type BookSheet, type CellStyle, type ConditionalFormat, type HighlightFormat, type ListValidation, type SheetSetup } from './book.ts';
import type { Scalar } from '../../clocks/types.ts';
import type { ColumnSpec, HighlightSpec, HighlightStyle, SheetSpec, WorkbookSpec } from './spec.ts';
import type { RowSources } from './sources.ts';
import { cellWidth, compileCondition, compileValue, DEFAULT_FORMATS, displayWidth, labelGroup, toCell, type CellValue, type RowContext, type ValueEnv } from './values.ts';
import { columnLetter, XlsxStreamWriter } from './xlsx-stream.ts';
import { SortedRows, compareSortValues, encodeCell, type SortValue } from './sorted-rows.ts';
import { fixZipTimes, zipTimeOf } from '../zip.ts';

export { columnLetter };

export type WriterMode = 'memory' | 'stream';

export interface RenderInput {
  spec: WorkbookSpec;
  /** Spec file as the user knows it, named in problems. */
  specFile?: string;
  sources: RowSources;
  /**
   * Each sheet's rows already worked out (sheetRows, e.g. per project on worker threads), by sheet
   * index: the sheet then reads these cells instead of its row source, and its filter already held.
   */
  precomputed?: readonly PrecomputedSheet[];
  asOf: DateTime;
  calendar: WorkingCalendar;
  labels: Labels;
  /** Default: memory for project workbooks, stream for portfolio ones. */
  mode?: WriterMode;
  /** Shown after the title in the print header and document title, e.g. the project id and name. */
  subtitle?: string;
  /** Rows between yields to the event loop at most, in stream mode (it also yields whenever a piece of XML went to the zip). */
  yieldEvery?: number;
  /** zlib level of the stream mode's sheets, 1 (fastest) to 9 (smallest); default STREAM_DEFLATE_LEVEL. */
  deflateLevel?: number;
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
/** Excel refuses a validation error message over 255 characters. */
const MAX_ERROR_MESSAGE = 255;

// Styles of the fixed parts, one object each (writers cache by identity).
const HEADER_STYLE: CellStyle = { numFmt: 'General', font: { bold: true }, fill: HEADER_FILL, border: true, alignment: { horizontal: 'center', vertical: 'middle', wrapText: true } };
const SUMMARY_TITLE: CellStyle = { font: { bold: true, size: 14 } };
const SUMMARY_NOTE: CellStyle = { font: { color: 'FF595959' } };
const SUMMARY_HEADER: CellStyle = { font: { bold: true }, border: true, fill: HEADER_FILL };
const SUMMARY_TOTAL: CellStyle = { font: { bold: true }, border: true };
const SUMMARY_COUNT: CellStyle = { border: true };
const SUMMARY_VALUE: CellStyle = { border: true, alignment: { horizontal: 'left' } };
const summaryValueStyles = new Map<string, CellStyle>();
/** The value cell of a summary row, with the date format of its column if it has one. */
function summaryValueStyle(format: string | undefined): CellStyle {
  if (format === undefined) return SUMMARY_VALUE;
  let found = summaryValueStyles.get(format);
  if (!found) summaryValueStyles.set(format, (found = { ...SUMMARY_VALUE, numFmt: format }));
  return found;
}

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

function formatAsOf(asOf: DateTime): string {
  return asOf.setZone(ZONE).toFormat('yyyy-MM-dd HH:mm');
}

/** Header/footer codes start with &: a literal & is written &&. */
function headerText(text: string): string {
  return text.replace(/&/g, '&&');
}

/** Excel refuses a print header or footer longer than this (the whole code: &L, &R and escapes included). */
export const EXCEL_HEADER_MAX = 255;

/**
 * The print header `&L<left>&R<right>`, within Excel's 255 characters: the left part (title, project
 * name, sheet) is shortened with "…" when a long project name would pass the limit (Excel calls such
 * a file damaged). Cut between code points and never inside an escaped "&&".
 */
export function headerCode(left: string, right: string): string {
  const rightCode = `&R${headerText(right)}`;
  const full = `&L${headerText(left)}`;
  if (full.length + rightCode.length <= EXCEL_HEADER_MAX) return full + rightCode;
  const budget = EXCEL_HEADER_MAX - rightCode.length - '&L'.length - '…'.length;
  let kept = '';
  for (const character of left) {
    const piece = headerText(character);
    if (kept.length + piece.length > budget) break;
    kept += piece;
  }
  return `&L${kept}…${rightCode}`;
}

/** A conversion problem of one sheet as the log keeps it: its first occurrence and how often it happened. */
export interface LoggedProblem {
  sheet: string;
  /** The message without the sheet and project: the key it is counted by. */
  key: string;
  problem: Problem;
  count: number;
}

/**
 * One sheet's rows as written (the filter held, each row's cells worked out) and the problems met on
 * the way: as an iterable read on each pass, or already collected (and sorted, when the sheet sorts)
 * in a SortedRows (collectedSheet, filled by addEncodedRows as the parts arrive).
 */
export type PrecomputedSheet =
  | { rows: Iterable<CellValue[]>; problems: readonly LoggedProblem[] }
  | {
      collected: SortedRows;
      problems: readonly LoggedProblem[];
      /**
       * The collected rows' measures, merged from each part's as the parts were added (mergeMeasured):
       * the rows are then read once, to be written, instead of once more to be measured first.
       */
      measured?: Measured;
    };

/** Collects conversion problems, one per distinct message, with a count. */
class ProblemLog {
  private readonly byKey = new Map<string, { sheet: string; key: string; problem: Problem; count: number }>();
  constructor(private readonly file: string | undefined) {}

  /** Counts problems logged elsewhere (a part of the rows worked out apart), in the order they were met there. */
  merge(entries: Iterable<LoggedProblem>): void {
    for (const entry of entries) {
      const key = `${entry.sheet}\u0000${entry.key}`;
      const found = this.byKey.get(key);
      if (found) found.count += entry.count;
      else this.byKey.set(key, { ...entry });
    }
  }

  entries(sheet: string): LoggedProblem[] {
    return [...this.byKey.values()].filter((entry) => entry.sheet === sheet).map((entry) => ({ ...entry }));
  }

  add(sheet: string, row: RowContext, error: DocpackError): void {
    const key = `${sheet}\u0000${error.problem.message}`;
    const found = this.byKey.get(key);
    if (found) {
      found.count += 1;
      return;
    }
    const project = (row.project as { id?: string } | undefined)?.id;
    this.byKey.set(key, {
      sheet,
      key: error.problem.message,
      problem: { ...error.problem, severity: 'error', file: this.file, message: `sheet "${sheet}"${project ? `, project ${project}` : ''}: ${error.problem.message}` },
      count: 1,
    });
  }

  list(): Problem[] {
    return [...this.byKey.values()].map(({ problem, count }) => (count > 1 ? { ...problem, message: `${problem.message} (and ${count - 1} more like it; those cells are blank)` } : problem));
  }
}

/** A row as a sheet reads it: the row context, or (sorted sheets) the cells already worked out. */
type PlanRow = RowContext | CellValue[];

/** A sheet's columns and filter compiled for an environment, kept for the next project's rows (sheetRows runs once per project). */
const prepared = new WeakMap<SheetSpec, { asOf: string; calendar: WorkingCalendar; labels: Labels; columns: PreparedColumn[]; filter?: (row: RowContext) => boolean }>();

function preparedSheet(sheet: SheetSpec, env: ValueEnv): { columns: PreparedColumn[]; filter?: (row: RowContext) => boolean } {
  const asOf = env.asOf.toISO() ?? '';
  const known = prepared.get(sheet);
  if (known && known.asOf === asOf && known.calendar === env.calendar && known.labels === env.labels) return known;
  const asOfDate = env.asOf.setZone(ZONE).toISODate()!;
  const columns = sheet.columns.map((spec, index) => ({
    spec,
    index: index + 1,
    letter: columnLetter(index + 1),
    header: spec.header.replace(/\{asOf\}/g, asOfDate),
    get: compileValue(spec.value, env),
    when: spec.when ? compileCondition(spec.when) : undefined,
  }));
  const filter = sheet.filter ? compileCondition(sheet.filter) : undefined;
  prepared.set(sheet, { asOf, calendar: env.calendar, labels: env.labels, columns, ...(filter ? { filter } : {}) });
  return { columns, ...(filter ? { filter } : {}) };
}

class SheetPlan {
  readonly columns: PreparedColumn[];
  private readonly filter?: (row: RowContext) => boolean;
  /** Set when the sheet sorts: the rows' cells in order, without the row contexts (and records) behind them. */
  private readonly sortedRows?: SortedRows;

  constructor(
    readonly sheet: SheetSpec,
    /** Row contexts, or rows already worked out (PrecomputedSheet: filtered, cells as written). */
    private readonly source: Iterable<PlanRow>,
    private readonly env: ValueEnv,
    private readonly log: ProblemLog,
    sort = true,
    /** The rows already collected and sorted (collectedSheet): the source is not read. */
    collected?: SortedRows,
  ) {
    ({ columns: this.columns, filter: this.filter } = preparedSheet(sheet, env));
    if (collected) this.sortedRows = collected;
    else if (sort && sheet.sort && sheet.sort.length > 0) this.sortedRows = this.sorted();
  }

  /** The sort keys of a row's cells (enum columns by the rank of their label), or undefined when the sheet does not sort. */
  sortKeys(): ((cells: readonly CellValue[]) => SortValue[]) | undefined {
    const keys = this.sheet.sort ?? [];
    if (keys.length === 0) return undefined;
    const columns = keys.map((key) => this.column(key.column));
    // Enum columns sort in the order of their label group (e.g. severity info < minor < major < critical).
    const ranks = columns.map((column) => {
      const group = labelGroup(column.spec);
      return group === undefined ? undefined : new Map(Object.values(this.env.labels[group] ?? {}).map((text, rank) => [text, rank]));
    });
    return (cells) =>
      columns.map((column, k) => {
        const value = sortValue(cells[column.index - 1] ?? null);
        return typeof value === 'string' ? (ranks[k]?.get(value) ?? value) : value;
      });
  }

  private *filtered(): Generator<PlanRow> {
    for (const row of this.source) if (Array.isArray(row) || !this.filter || this.filter(row)) yield row;
  }

  /** The rows in sheet order. Unsorted sheets read the source again on each pass instead of holding it. */
  rows(): Iterable<PlanRow> {
    return this.sortedRows ? this.sortedRows.rows() : this.filtered();
  }

  /** Lets go of the sorted rows' scratch file. */
  close(): void {
    this.sortedRows?.close();
  }

  /** The rows summary.where keeps, as a test of one column's cell (enum values compared by their labels). */
  summaryWhere(): { column: PreparedColumn; test: (value: CellValue) => boolean } | undefined {
    const where = this.sheet.summary?.where;
    if (!where) return undefined;
    const column = this.column(where.column);
    const group = labelGroup(column.spec);
    const shown = (value: Scalar): CellValue => (group !== undefined ? (this.env.labels[group]?.[String(value)] ?? String(value)) : (value as CellValue));
    const wanted = new Set((where.in ?? [where.equals ?? null]).map(shown));
    return { column, test: (value) => wanted.has(value) };
  }

  column(key: string): PreparedColumn {
    const found = this.columns.find((column) => column.spec.key === key);
    if (!found) throw new DocpackError({ code: 'spec-invalid', message: `sheet "${this.sheet.name}" has no column "${key}"` });
    return found;
  }

  /** A cell's value; one that cannot be converted is blank, and reported when `report` (once per cell). */
  cell(column: PreparedColumn, row: PlanRow, report = false): CellValue {
    if (Array.isArray(row)) return row[column.index - 1] ?? null;
    try {
      if (column.when && !column.when(row)) return null;
      return toCell(column.spec, column.get(row), this.env.labels);
    } catch (error) {
      if (!(error instanceof DocpackError)) throw error;
      if (report) this.log.add(this.sheet.name, row, error);
      return null;
    }
  }

  /** The cells of a row as written; problems are reported here (a sorted sheet's when it was sorted). */
  cells(row: PlanRow): CellValue[] {
    if (Array.isArray(row)) return row.length > this.columns.length ? row.slice(0, this.columns.length) : row;
    return this.columns.map((column) => this.cell(column, row, true));
  }

  /** The columns whose text wraps, in order: a precomputed row carries its text measures of each (TEXT_MEASURES). */
  get wrapColumns(): PreparedColumn[] {
    return (this.wrapping ??= this.columns.filter((column) => column.spec.wrap === true));
  }
  private wrapping?: PreparedColumn[];

  /** A precomputed row's measures of a wrapped column's text, when it carries them (precomputeTextMeasures). */
  textMeasures(column: PreparedColumn, row: PlanRow): TextMeasures | undefined {
    if (!Array.isArray(row) || row.length <= this.columns.length) return undefined;
    const at = this.columns.length + TEXT_MEASURES * this.wrapColumns.indexOf(column);
    const longest = row[at];
    const content = row[at + 1];
    const lines = row[at + 2];
    if (typeof longest !== 'number' || typeof content !== 'number' || typeof lines !== 'string') return undefined;
    return { longest, content, lines };
  }

  /**
   * Stable sort on the sort columns' cell values. Each row's cells are worked out once, here, and
   * kept (in memory, or past a few thousand rows in a scratch file) with its keys.
   */
  private sorted(): SortedRows {
    const keysOf = this.sortKeys() ?? (() => []);
    const sorted = collectedSheet(this.sheet);
    try {
      for (const row of this.filtered()) {
        // A precomputed row is kept whole: its wrapped texts' measures follow its cells.
        const cells = Array.isArray(row) ? row : this.cells(row);
        sorted.add(cells, keysOf(cells));
      }
      sorted.sort();
    } catch (error) {
      sorted.close();
      throw error;
    }
    return sorted;
  }
}

function sortValue(value: CellValue): SortValue {
  return value instanceof Date ? value.getTime() : value;
}

/** What one pass over a sheet's rows finds out before the first row is written (measure); plain data, it crosses threads. */
export interface Measured {
  rows: number;
  /** Rows the summary counts (summary.where). */
  counted: number;
  /** The widest cell of each column (without its header), in characters. */
  widths: number[];
  /** Per wrapped column: its longest unbreakable word, and the width of all its text (its share when the page is short). */
  longestWords: number[];
  content: number[];
  counts: Map<string, Map<string, { value: CellValue; count: number }>>;
}

/**
 * One pass over the rows for what must be known before the first row is written: widths and
 * summary counts. A column is read only while its final width can still change: not once its
 * width reached its cap, nor, for a date column, once it has a date (all dates have one width).
 */
function measure(plan: SheetPlan): Measured {
  // The cells' widths; the header's is added when the sheet is laid out (a header may wrap).
  const widths = plan.columns.map(() => 0);
  const autoWidth = plan.columns.map((column) => column.spec.width === undefined);
  const wraps = plan.columns.filter((column) => column.spec.wrap === true && column.spec.width === undefined);
  /** Per column, whether this row's cell width was measured with its wrapped text. */
  const widthDone = plan.columns.map(() => false);
  const longestWords = plan.columns.map((column) => longestUnbreakable(column.header, displayWidth));
  const content = plan.columns.map(() => 0);
  const caps = plan.columns.map((column) => column.spec.maxWidth ?? DEFAULT_MAX_WIDTH);
  const summaryKeys = new Set(plan.sheet.summary?.by ?? []);
  const counts = new Map<string, Map<string, { value: CellValue; count: number }>>();
  for (const key of summaryKeys) counts.set(key, new Map());
  const where = plan.summaryWhere();
  if (where) summaryKeys.add(where.column.spec.key);
  let needed = plan.columns.filter((column, index) => autoWidth[index] || summaryKeys.has(column.spec.key));
  let rows = 0;
  let counted = 0;
  for (const row of plan.rows()) {
    rows += 1;
    const inSummary = !where || where.test(plan.cell(where.column, row));
    if (inSummary) counted += 1;
    let settled = false;
    for (const column of wraps) {
      const value = plan.cell(column, row);
      const i = column.index - 1;
      // A wrapped column's cell width is its text's display width (cellWidth), measured here once; a blank's is 0.
      const text = typeof value === 'string' || value === null;
      widthDone[i] = text;
      if (typeof value !== 'string' || value === '') {
        if (text && autoWidth[i]) widths[i] = Math.max(widths[i]!, 2);
        continue;
      }
      const known = plan.textMeasures(column, row);
      const width = known ? known.content : displayWidth(value);
      longestWords[i] = Math.max(longestWords[i]!, known ? known.longest : longestUnbreakable(value, displayWidth));
      content[i] = content[i]! + width;
      if (autoWidth[i]) widths[i] = Math.max(widths[i]!, width + 2);
    }
    for (const column of needed) {
      const i = column.index - 1;
      const tally = counts.get(column.spec.key);
      if (widthDone[i] && !tally) {
        // Its width went up with the wrapped texts above; it settles at its cap.
        if (autoWidth[i] && widths[i]! >= caps[i]!) {
          autoWidth[i] = false;
          settled = true;
        }
        continue;
      }
      const value = plan.cell(column, row);
      if (autoWidth[i]) {
        widths[i] = Math.max(widths[i]!, cellWidth(column.spec, value) + 2);
        if (!tally && (widths[i]! >= caps[i]! || value instanceof Date)) {
          autoWidth[i] = false;
          settled = true;
        }
      }
      if (tally && inSummary) {
        const key = value === null ? '' : value instanceof Date ? `d${value.getTime()}` : `${typeof value}:${value}`;
        const entry = tally.get(key);
        if (entry) entry.count += 1;
        else tally.set(key, { value, count: 1 });
      }
    }
    if (settled) needed = needed.filter((column) => autoWidth[column.index - 1] || summaryKeys.has(column.spec.key));
  }
  return { rows, counted, widths, longestWords, content, counts };
}

/**
 * Column widths (characters) a printed page holds at about 85% scale, so that text fitted to the
 * page width stays readable (9 pt and up): A4 landscape about 160, A3 landscape 230.
 */
const PAGE_WIDTH_BUDGET: Record<string, number> = { 'A4 landscape': 160, 'A4 portrait': 112, 'A3 landscape': 230, 'A3 portrait': 160 };
/** A wrapped column is not narrowed below this (or its longest word), so that its text still reads as lines, not as a column of characters. */
const MIN_WRAP_WIDTH = 14;

/**
 * The columns' widths on paper (fit.ts's one column fitting): when the sheet is wider than its
 * paper holds at a readable scale, wrapped text columns narrow (they take more lines instead), each
 * to no less than its longest word, sharing the room by how much text each holds; fixed-width and
 * one-line columns keep their widths. Widths are rounded to a tenth of a character.
 */
function fitToPaper(plan: SheetPlan, measured: Measured, options: Pick<SheetOptions, 'paper' | 'orientation' | 'fitToWidth'>): number[] {
  const needs: ColumnNeeds[] = plan.columns.map((column, i) => {
    // A header on one line, or (when the page is short) on two lines, but never narrower than its longest word.
    const header = displayWidth(column.header);
    const headerMinimum = Math.max(Math.ceil(header / 2), longestUnbreakable(column.header, displayWidth)) + 3;
    const natural = finalWidth(column.spec, Math.max(measured.widths[i]!, header + 3));
    const wraps = column.spec.wrap === true && column.spec.width === undefined;
    const minimum = column.spec.width !== undefined
      ? natural
      : wraps
        ? Math.max(MIN_WRAP_WIDTH, measured.longestWords[i]! + 2, headerMinimum)
        : Math.max(finalWidth(column.spec, measured.widths[i]!), headerMinimum);
    return { natural, wraps, minimum: Math.min(natural, minimum), content: measured.content[i]! };
  });
  if (!options.fitToWidth) return needs.map((need) => need.natural);
  const budget = PAGE_WIDTH_BUDGET[`${options.paper} ${options.orientation}`] ?? 160;
  return fitColumnWidths(needs, budget).map((width) => Math.floor(width * 10 + 1e-6) / 10);
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

function highlightFormat(style: HighlightStyle): HighlightFormat {
  const colours = typeof style === 'string' ? PALETTE[style] : style;
  return { ...(colours.fill ? { fill: argb(colours.fill) } : {}), ...(colours.font ? { font: argb(colours.font) } : {}), ...(colours.bold ? { bold: true } : {}) };
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

interface SheetOptions {
  paper: SheetSetup['paper'];
  orientation: 'landscape' | 'portrait';
  fitToWidth: boolean;
  /** The row of column headers, frozen and repeated on every printed page; 0: none. */
  headerRow: number;
  headerLeft: string;
  headerRight: string;
}

function sheetSetup(name: string, options: SheetOptions, columns: SheetSetup['columns']): SheetSetup {
  return {
    name,
    paper: options.paper,
    orientation: options.orientation,
    fitToWidth: options.fitToWidth,
    headerRow: options.headerRow,
    headerCode: headerCode(options.headerLeft, options.headerRight),
    footerCode: '&C第 &P 页，共 &N 页',
    columns,
  };
}

/** Points per line of 11 pt text (Chinese faces such as 等线 or Noto Sans CJK set it about 1.4 high), and the row's padding. */
const LINE_HEIGHT = 16;
const ROW_PADDING = 4;
/** Excel's largest row height, points. */
const MAX_ROW_HEIGHT = 409;

/**
 * Height of a row whose wrapped cells need more than one line: neither Excel nor LibreOffice grows
 * rows to fit wrapped text when they open a file. Each wrapped cell's lines are filled word by word
 * in its column's width less a character of padding (fit.ts: Chinese characters count 2, numbers,
 * dates and ids do not break, explicit newlines start lines). Undefined (the default height) for one line.
 */
export function rowHeight(cells: readonly CellValue[], wrapped: readonly { index: number; width: number; measures?: (cells: readonly CellValue[]) => TextMeasures | undefined }[]): number | undefined {
  let lines = 1;
  for (const { index, width, measures } of wrapped) {
    const value = cells[index];
    if (typeof value !== 'string' || value === '') continue;
    const known = measures?.(cells);
    lines = Math.max(lines, known ? fillLines(decodeLines(known.lines), width - 1) : wrappedLines(value, width - 1, displayWidth));
  }
  return lines > 1 ? Math.min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + ROW_PADDING) : undefined;
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function writeSummary(book: Book, plan: SheetPlan, measured: Measured, input: RenderInput, sheetOptions: SheetOptions): Promise<void> {
  const summary = plan.sheet.summary!;
  let widest = [displayWidth(summary.name), 8];
  const rows: { values: CellValue[]; styles?: CellStyle[] }[] = [];
  const title = `${input.spec.title}${input.subtitle ? ` ${input.subtitle}` : ''} — ${plan.sheet.name}统计`;
  rows.push({ values: [title], styles: [SUMMARY_TITLE] });
  const counted = summary.where ? `；以下统计其中 ${measured.counted} 行（${summary.where.note}）` : '';
  rows.push({ values: [`截至 ${formatAsOf(input.asOf)}，共 ${measured.rows} 行${counted}`], styles: [SUMMARY_NOTE] });
  rows.push({ values: [] });
  for (const key of summary.by) {
    const column = plan.column(key);
    const tally = measured.counts.get(key)!;
    rows.push({ values: [column.header, '数量'], styles: [SUMMARY_HEADER, SUMMARY_HEADER] });
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
    const valueStyles = [summaryValueStyle(format), SUMMARY_COUNT];
    for (const entry of entries) {
      rows.push({ values: [entry.value, entry.count], styles: valueStyles });
      widest = [Math.max(widest[0]!, cellWidth(column.spec, entry.value) + 2), widest[1]!];
    }
    rows.push({ values: ['合计', entries.reduce((sum, entry) => sum + entry.count, 0)], styles: [SUMMARY_TOTAL, SUMMARY_TOTAL] });
    rows.push({ values: [] });
    widest = [Math.max(widest[0]!, displayWidth(column.header) + 2), widest[1]!];
  }
  const options = { ...sheetOptions, paper: 'A4' as const, orientation: 'portrait' as const, headerRow: 0, headerLeft: `${workbookTitle(input)} — ${summary.name}` };
  const sheet = book.addSheet(sheetSetup(summary.name, options, [{ width: Math.min(60, Math.max(14, widest[0]!)) }, { width: 10 }]));
  for (const row of rows) sheet.addRow(row.values, row.styles ? { styles: row.styles } : undefined);
  await sheet.finish({ validations: [], highlights: [] });
  await yieldToLoop();
}

/** The style of a data column: its number format and alignment, shared by every cell of it. */
function columnStyle(column: ColumnSpec): CellStyle {
  const format = column.format ?? DEFAULT_FORMATS[column.type];
  const horizontal = defaultAlignment(column);
  return { ...(format ? { numFmt: format } : {}), border: true, alignment: { vertical: 'top', ...(horizontal ? { horizontal } : {}), ...(column.wrap ? { wrapText: true } : {}) } };
}

/** Rows above the data: the sheet's title, then the column headers. */
const TITLE_ROW = 1;
const HEADER_ROW = 2;
const FIRST_DATA_ROW = HEADER_ROW + 1;
const TITLE_STYLE: CellStyle = { font: { bold: true, size: 14 }, alignment: { horizontal: 'center', vertical: 'middle' } };
const TITLE_HEIGHT = 28;

/** The title row's text: the workbook (with its project), the sheet when it says more, and the as-of date. */
function sheetTitle(input: RenderInput, sheetName: string): string {
  const date = formatDate(input.asOf.setZone(ZONE).toISODate() ?? '', dateFormat(input.labels, 'date'));
  const sheet = sheetName === input.spec.title ? '' : ` — ${sheetName}`;
  return `${workbookTitle(input)}${sheet}（截至${date}）`;
}

async function writeDataSheet(book: Book, plan: SheetPlan, measured: Measured, input: RenderInput, sheetOptions: SheetOptions, yieldEvery: number): Promise<void> {
  const { sheet: spec, columns } = plan;
  const widths = fitToPaper(plan, measured, sheetOptions);
  const styles = columns.map((column) => columnStyle(column.spec));
  const sheet: BookSheet = book.addSheet(sheetSetup(spec.name, sheetOptions, columns.map((_, i) => ({ width: widths[i]!, style: styles[i] }))));
  const lastLetter = columnLetter(columns.length);
  // Every cell of the merged title gets the title's style, as ExcelJS gives a merged range's cells.
  sheet.addRow([sheetTitle(input, spec.name), ...columns.slice(1).map(() => null)], { height: TITLE_HEIGHT, styles: columns.map(() => TITLE_STYLE) });
  const headers = columns.map((column) => column.header);
  sheet.addRow(headers, {
    height: Math.max(24, rowHeight(headers, columns.map((_, index) => ({ index, width: widths[index]! }))) ?? 0),
    styles: columns.map(() => HEADER_STYLE),
  });
  const wrapped = plan.wrapColumns.map((column) => ({ index: column.index - 1, width: widths[column.index - 1]!, measures: (cells: readonly CellValue[]) => plan.textMeasures(column, cells as CellValue[]) }));
  let written = 0;
  let sinceYield = 0;
  for (const row of plan.rows()) {
    const cells = plan.cells(row);
    const height = wrapped.length > 0 ? rowHeight(Array.isArray(row) ? row : cells, wrapped) : undefined;
    const flushed = sheet.addRow(cells, height === undefined ? undefined : { height });
    written += 1;
    if (flushed || ++sinceYield >= yieldEvery) {
      sinceYield = 0;
      await sheet.drain();
    }
  }
  const lastRow = written + HEADER_ROW;
  if (written === 0 && spec.emptyNote) {
    sheet.addRow([spec.emptyNote], { styles: [{ ...styles[0], font: { italic: true, color: 'FF808080' }, numFmt: '@' }] });
  }
  const bottom = lastRow + (spec.spareRows ?? DEFAULT_SPARE_ROWS);
  const validations: ListValidation[] = [];
  const highlights: ConditionalFormat[] = [];
  if (bottom >= FIRST_DATA_ROW) {
    for (const column of columns) {
      const group = labelGroup(column.spec);
      if (!column.spec.dropdown || group === undefined) continue;
      const choices = Object.values(input.labels[group]!);
      validations.push({
        ref: `${column.letter}${FIRST_DATA_ROW}:${column.letter}${bottom}`,
        formula: quoted(choices.join(',')),
        errorTitle: '无效的值',
        error: `请从下拉列表中选择：${choices.join('、')}`.slice(0, MAX_ERROR_MESSAGE),
      });
    }
    for (const [index, highlight] of (spec.highlight ?? []).entries()) {
      const column = plan.column(highlight.when.column);
      highlights.push({
        ref: highlight.target === 'cell' ? `${column.letter}${FIRST_DATA_ROW}:${column.letter}${bottom}` : `A${FIRST_DATA_ROW}:${lastLetter}${bottom}`,
        formula: highlightFormula(plan, highlight, input.labels, FIRST_DATA_ROW),
        priority: index + 1,
        format: highlightFormat(highlight.style),
      });
    }
  }
  const merges = columns.length > 1 ? [`A${TITLE_ROW}:${lastLetter}${TITLE_ROW}`] : [];
  await sheet.finish({ autoFilter: `A${HEADER_ROW}:${lastLetter}${lastRow}`, merges, validations, highlights });
  await yieldToLoop();
}

function workbookTitle(input: RenderInput): string {
  return input.subtitle ? `${input.spec.title} ${input.subtitle}` : input.spec.title;
}

async function fill(book: Book, input: RenderInput, yieldEvery: number): Promise<RenderReport> {
  // The spec's description is for template editors (English, handbook sections): the file says what it holds and as of when.
  book.setProperties({ title: workbookTitle(input), subject: `${workbookTitle(input)}（数据截至${formatAsOf(input.asOf)}）`, created: input.asOf.toJSDate() });
  const log = new ProblemLog(input.specFile);
  const env: ValueEnv = { asOf: input.asOf, calendar: input.calendar, labels: input.labels };
  const rows: Record<string, number> = {};
  for (const [index, sheet] of input.spec.sheets.entries()) {
    const precomputed = input.precomputed?.[index];
    if (precomputed) log.merge(precomputed.problems);
    const collected = precomputed && 'collected' in precomputed ? precomputed.collected : undefined;
    const source = collected ? [] : precomputed && 'rows' in precomputed ? precomputed.rows : sheetSource(input, sheet);
    const plan = new SheetPlan(sheet, source, env, log, true, collected);
    try {
      const merged = precomputed && 'measured' in precomputed ? precomputed.measured : undefined;
      const measured = merged && mergedMeasureHolds(plan, merged, input.labels) ? merged : measure(plan);
      const options: SheetOptions = {
        paper: sheet.print?.paper ?? 'A4',
        orientation: sheet.print?.orientation ?? 'landscape',
        fitToWidth: sheet.print?.fitToWidth ?? true,
        headerRow: HEADER_ROW,
        headerLeft: `${workbookTitle(input)} — ${sheet.name}`,
        headerRight: `截至 ${formatAsOf(input.asOf)}`,
      };
      if (sheet.summary) await writeSummary(book, plan, measured, input, options);
      await writeDataSheet(book, plan, measured, input, options, yieldEvery);
      rows[sheet.name] = measured.rows;
    } finally {
      plan.close();
    }
  }
  return { rows, problems: log.list() };
}

function sheetSource(input: Pick<RenderInput, 'sources' | 'specFile'>, sheet: SheetSpec): Iterable<RowContext> {
  const source = input.sources[sheet.rows];
  if (!source) throw new DocpackError({ code: 'spec-invalid', file: input.specFile, message: `sheet "${sheet.name}": no row source "${sheet.rows}"`, hint: `sources: ${Object.keys(input.sources).join(', ')}` });
  return source;
}

/** What a wrapped cell's text needs for the column widths and the row's height, measured once where the row was worked out. */
interface TextMeasures {
  /** Its longest unbreakable piece (longestUnbreakable). */
  longest: number;
  /** Its width on one line (displayWidth). */
  content: number;
  /** Its tokens' widths line by line (lineTokens), encoded by encodeLines. */
  lines: string;
}

/** Values a precomputed row carries after its cells for each wrapped column: longest, content, lines. */
const TEXT_MEASURES = 3;
/** Token widths are stored as characters from U+0100 (one per token, lines separated by a space); wider tokens are not stored. */
const WIDTH_BASE = 0x100;
const MAX_STORED_WIDTH = 0xd000;

function encodeLines(lines: readonly (readonly number[])[]): string | null {
  let text = '';
  for (const [index, line] of lines.entries()) {
    if (index > 0) text += ' ';
    for (const width of line) {
      if (width > MAX_STORED_WIDTH) return null;
      text += String.fromCharCode(WIDTH_BASE + width);
    }
  }
  return text;
}

function decodeLines(text: string): number[][] {
  return text.split(' ').map((line) => {
    const widths = new Array<number>(line.length);
    for (let i = 0; i < line.length; i++) widths[i] = line.charCodeAt(i) - WIDTH_BASE;
    return widths;
  });
}

/**
 * A row's cells followed by the measures of each wrapped column's text (TEXT_MEASURES values each;
 * null for a blank cell): the tokenizing that widths and row heights need, done where the row is
 * worked out (a worker thread) instead of on the thread that writes the workbook.
 */
function withTextMeasures(cells: CellValue[], wrapColumns: readonly PreparedColumn[]): CellValue[] {
  const row = cells.slice();
  for (const column of wrapColumns) {
    const value = cells[column.index - 1];
    if (typeof value !== 'string' || value === '') {
      row.push(null, null, null);
      continue;
    }
    // One tokenizing for all three: longestUnbreakable's widest piece (white space aside), lineTokens'
    // widths, and displayWidth's widest line (the tokens of a line are the whole line).
    let longest = 0;
    let widest = 0;
    const lines = value.split('\n').map((line) => {
      let width = 0;
      const widths = tokens(line).map((token) => {
        const tokenWidth = displayWidth(token);
        width += tokenWidth;
        if (tokenWidth > longest && !startsWithSpace(token)) longest = tokenWidth;
        return tokenWidth;
      });
      if (width > widest) widest = width;
      return widths;
    });
    row.push(longest, widest, encodeLines(lines));
  }
  return row;
}

/** /^\s/.test(text), without a regular expression for the printable ASCII and CJK most tokens start with. */
function startsWithSpace(text: string): boolean {
  const code = text.charCodeAt(0);
  if (code > 0x20 && code < 0x7f) return false;
  return /^\s/.test(text);
}

/**
 * Each sheet's rows over `input.sources` as the sheet writes them (filtered, cells worked out, not
 * sorted; each followed by its wrapped texts' measures) with the conversion problems met: a part of a workbook worked out apart (one project's
 * rows of a portfolio workbook, on a worker thread), then given to renderWorkbook as `precomputed`
 * in project order. The cells are those renderWorkbook would write from the sources itself.
 */
export function sheetRows(input: Omit<RenderInput, 'precomputed' | 'mode' | 'subtitle' | 'yieldEvery' | 'deflateLevel'>): { rows: CellValue[][]; problems: LoggedProblem[] }[] {
  const log = new ProblemLog(input.specFile);
  const env: ValueEnv = { asOf: input.asOf, calendar: input.calendar, labels: input.labels };
  return input.spec.sheets.map((sheet) => {
    const plan = new SheetPlan(sheet, sheetSource(input, sheet), env, log, false);
    const rows: CellValue[][] = [];
    const wrapColumns = plan.wrapColumns;
    for (const row of plan.rows()) rows.push(wrapColumns.length > 0 ? withTextMeasures(plan.cells(row), wrapColumns) : plan.cells(row));
    return { rows, problems: log.entries(sheet.name) };
  });
}

/** One sheet's rows as sheetRows works them out, each encoded as its JSON line (encodeCell), with its sort keys: plain data that crosses threads. */
export interface EncodedSheetRows {
  lines: string[];
  /** The rows' measures (measure), merged with the other parts' where the rows are collected (mergeMeasured). */
  measured: Measured;
  /** Each row's sort keys; absent when the sheet does not sort. */
  keys?: SortValue[][];
  problems: LoggedProblem[];
}

/**
 * sheetRows with each row encoded and its sort keys worked out (on the worker thread that renders
 * the project): the thread that assembles the workbook adds them to its collectedSheet as they are
 * (addEncodedRows), without parsing a row it does not have to hold.
 */
export function encodedSheetRows(input: Omit<RenderInput, 'precomputed' | 'mode' | 'subtitle' | 'yieldEvery' | 'deflateLevel'>): EncodedSheetRows[] {
  const env: ValueEnv = { asOf: input.asOf, calendar: input.calendar, labels: input.labels };
  return sheetRows(input).map((sheet, index) => {
    const spec = input.spec.sheets[index]!;
    const keysOf = new SheetPlan(spec, [], env, new ProblemLog(input.specFile), false).sortKeys();
    return {
      lines: sheet.rows.map((cells) => JSON.stringify(cells.map(encodeCell))),
      measured: measure(new SheetPlan(spec, sheet.rows, env, new ProblemLog(input.specFile), false)),
      ...(keysOf ? { keys: sheet.rows.map(keysOf) } : {}),
      problems: sheet.problems,
    };
  });
}

/** Where a sheet's rows are collected, in the order given, to be sorted (stable) by the sheet's sort keys, if any. */
export function collectedSheet(sheet: SheetSpec): SortedRows {
  return new SortedRows((sheet.sort ?? []).map((key) => ({ descending: key.descending === true })));
}

/**
 * Adds a part's measures to those of the parts before it (undefined: none yet), as measure would
 * have found them over all their rows: rows and content add up, widths and longest words are the
 * larger. Each summary count adds up, its values in the order first met part by part (which
 * mergedMeasureHolds checks does not matter).
 */
export function mergeMeasured(into: Measured | undefined, part: Measured): Measured {
  if (!into) return part;
  into.rows += part.rows;
  into.counted += part.counted;
  for (let i = 0; i < into.widths.length; i++) {
    into.widths[i] = Math.max(into.widths[i]!, part.widths[i] ?? 0);
    into.longestWords[i] = Math.max(into.longestWords[i]!, part.longestWords[i] ?? 0);
    into.content[i] = into.content[i]! + (part.content[i] ?? 0);
  }
  for (const [key, counts] of part.counts) {
    let tally = into.counts.get(key);
    if (!tally) into.counts.set(key, (tally = new Map()));
    for (const [valueKey, entry] of counts) {
      const known = tally.get(valueKey);
      if (known) known.count += entry.count;
      else tally.set(valueKey, { ...entry });
    }
  }
  return into;
}

/**
 * Whether measures merged part by part (mergeMeasured) are exactly what one pass over the sorted
 * rows finds. The widths, longest words, content and counts always are: the larger of the larger,
 * sums of sums. Where widths differ (a column measure stopped reading once at its cap, or at its
 * first date), the sheet's final widths do not: a capped column is as wide as its cap, and every date
 * of a column has one width. What could differ is the order of a summary's values, which follows
 * the order they were first met in: not for a column of labels, listed in the labels' order, unless
 * a value is not among them; nor for values of one kind, listed sorted; but for a column mixing
 * kinds (text and numbers that sort alike). Then the rows are measured again, in one more pass.
 */
function mergedMeasureHolds(plan: SheetPlan, measured: Measured, labels: Labels): boolean {
  if (measured.widths.length !== plan.columns.length) return false;
  for (const [key, tally] of measured.counts) {
    const column = plan.column(key);
    const group = labelGroup(column.spec);
    if (group !== undefined) {
      const known = new Set(Object.values(labels[group] ?? {}).map((text) => `string:${text}`));
      for (const valueKey of tally.keys()) if (valueKey !== '' && !known.has(valueKey)) return false;
      continue;
    }
    let kind: string | undefined;
    for (const entry of tally.values()) {
      if (entry.value === null) continue;
      const of = entry.value instanceof Date ? 'date' : typeof entry.value;
      if (kind !== undefined && of !== kind) return false;
      kind = of;
    }
  }
  return true;
}

/** Adds a part of a sheet's rows (encodedSheetRows) to its collectedSheet. */
export function addEncodedRows(collected: SortedRows, part: Pick<EncodedSheetRows, 'lines' | 'keys'>): void {
  for (const [index, line] of part.lines.entries()) collected.addEncoded(line, part.keys?.[index] ?? []);
}

/**
 * The writer a workbook gets unless `mode` says: docpack's stream writer, a project's workbook as a
 * portfolio's (about twice as fast as ExcelJS in a pack); ExcelJS in memory stays the reference the
 * tests read every template back against, cell by cell.
 */
export function defaultMode(input: RenderInput): WriterMode {
  return input.mode ?? 'stream';
}

/** The in-memory ExcelJS workbook: loaded on first use, so that streaming does not pay for it. */
async function renderInMemory(input: RenderInput): Promise<{ data: Buffer; report: RenderReport }> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  const report = await fill(new ExcelJsBook(workbook), input, Number.POSITIVE_INFINITY);
  const data = Buffer.from(await workbook.xlsx.writeBuffer());
  return { data: fixZipTimes(data, zipTimeOf(input.asOf)), report };
}

/** Streams the workbook into `sink` (stream mode); the zip entry times are fixed by the caller (fixZipTimesInFile). */
export async function renderStream(input: RenderInput, sink: (chunk: Uint8Array) => void): Promise<RenderReport> {
  const book = new XlsxStreamWriter(sink, input.deflateLevel);
  try {
    const report = await fill(book, input, input.yieldEvery ?? 200);
    book.close();
    return report;
  } catch (error) {
    book.abort();
    throw error;
  }
}

/** Renders the workbook into memory and returns the .xlsx bytes, with fixed zip entry times. */
export async function renderWorkbook(input: RenderInput): Promise<{ data: Buffer; report: RenderReport }> {
  if (defaultMode(input) === 'memory') return renderInMemory(input);
  const chunks: Uint8Array[] = [];
  const report = await renderStream(input, (chunk) => chunks.push(chunk));
  return { data: fixZipTimes(Buffer.concat(chunks), zipTimeOf(input.asOf)), report };
}
