// What the renderer asks of a workbook writer, in its own small vocabulary, so that one code path
// (render.ts) lays out every sheet for two writers: ExcelJS's in-memory Workbook (per-project
// workbooks, and the reference the tests read everything back with) and xlsx-stream.ts, which
// writes the sheet XML itself and streams it into the zip (portfolio workbooks of any length).
import type ExcelJS from 'exceljs';
import type { CellValue } from './values.ts';
import { xmlSafe } from '../xml-safe.ts';

export type HorizontalAlignment = 'left' | 'center' | 'right';

/**
 * A cell or column style. Writers cache by object identity: build each style once and share it
 * (per column, per kind of row), never one object per cell.
 */
export interface CellStyle {
  /** Excel number format code; absent: General. */
  numFmt?: string;
  font?: { bold?: boolean; italic?: boolean; size?: number; /** ARGB */ color?: string };
  /** ARGB of a solid fill. */
  fill?: string;
  /** A thin border on all four sides, in BORDER_COLOUR. */
  border?: boolean;
  alignment?: { horizontal?: HorizontalAlignment; vertical?: 'top' | 'middle' | 'bottom'; wrapText?: boolean };
}

/** The differential style of a conditional format; colours are ARGB. */
export interface HighlightFormat {
  fill?: string;
  font?: string;
  bold?: boolean;
}

export const BORDER_COLOUR = 'FF8EA9DB';

const ESCAPE_LIKE = /_x([0-9A-Fa-f]{4})_/g;

/**
 * Cell text as it is stored: Excel reads _xHHHH_ in a cell's text as the character U+HHHH (how
 * OOXML carries characters XML cannot), so text that happens to contain one keeps it literally by
 * escaping its underscore (_x005F_). Both writers store every string cell through this.
 */
export function literalText(text: string): string {
  return text.includes('_x') ? text.replace(ESCAPE_LIKE, '_x005F_x$1_') : text;
}

/** Excel's paper size codes (ECMA-376 ST_PaperSize). */
export const PAPER_SIZES = { A4: 9, A3: 8 } as const;

export interface SheetSetup {
  name: string;
  paper: keyof typeof PAPER_SIZES;
  orientation: 'landscape' | 'portrait';
  fitToWidth: boolean;
  /** The row of column headers (1-based): the panes are frozen below it and it is repeated on every printed page; 0: none. */
  headerRow: number;
  /** Print header, left and right part (plain text: & is escaped by the writer's caller). */
  headerCode: string;
  footerCode: string;
  columns: readonly { width: number; style?: CellStyle }[];
}

export interface RowOptions {
  /** Row height in points; absent: the default height. */
  height?: number;
  /** Per-cell styles replacing the column's; an absent entry keeps the column style. */
  styles?: readonly (CellStyle | undefined)[];
}

export interface ListValidation {
  /** Range such as C2:C208. */
  ref: string;
  /** The list formula, e.g. "是,否" with its quotes. */
  formula: string;
  errorTitle: string;
  error: string;
}

export interface ConditionalFormat {
  ref: string;
  /** Excel formula relative to the first cell of `ref`. */
  formula: string;
  priority: number;
  format: HighlightFormat;
}

export interface SheetEnd {
  autoFilter?: string;
  /** Ranges merged into one cell (A1:H1): the top-left cell keeps the value and the style. */
  merges?: readonly string[];
  validations: readonly ListValidation[];
  highlights: readonly ConditionalFormat[];
}

export interface BookSheet {
  /** Writes the next row. True when the writer handed output on and the caller should `await drain()`. */
  addRow(values: readonly CellValue[], options?: RowOptions): boolean;
  /** Waits until the output has caught up (stream), or returns at once (memory). */
  drain(): Promise<void>;
  /** Validations, conditional formats and the autofilter; then the sheet is complete. */
  finish(end: SheetEnd): Promise<void>;
}

export interface BookProperties {
  title: string;
  subject: string;
  /** Created and modified: the as-of. */
  created: Date;
}

export interface Book {
  setProperties(properties: BookProperties): void;
  /** Sheets are written one after the other: finish one before adding the next. */
  addSheet(setup: SheetSetup): BookSheet;
}

const THIN = { style: 'thin' as const, color: { argb: BORDER_COLOUR } };

/**
 * The sheets' font: 等线 (DengXian), Excel's own font for Chinese, declared with the GB2312
 * charset so that a spreadsheet program picks a face with Chinese glyphs (Calibri has none).
 */
export const SHEET_FONT = { name: '等线', family: 2, charset: 134 } as const;

function excelStyle(style: CellStyle | undefined): Partial<ExcelJS.Style> {
  const out: Partial<ExcelJS.Style> = { font: { ...SHEET_FONT, size: 11 } };
  if (!style) return out;
  if (style.numFmt !== undefined) out.numFmt = style.numFmt;
  if (style.font) {
    const { bold, italic, size, color } = style.font;
    out.font = { ...(bold ? { bold: true } : {}), ...(italic ? { italic: true } : {}), size: size ?? 11, ...(color ? { color: { argb: color } } : {}), ...SHEET_FONT };
  }
  if (style.fill) out.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: style.fill } };
  if (style.border) out.border = { top: THIN, bottom: THIN, left: THIN, right: THIN };
  if (style.alignment) {
    const { horizontal, vertical, wrapText } = style.alignment;
    out.alignment = { ...(vertical ? { vertical } : {}), ...(horizontal ? { horizontal } : {}), ...(wrapText ? { wrapText: true } : {}) };
  }
  return out;
}

/** The dxf of a conditional format as ExcelJS takes it. */
function excelHighlight(format: HighlightFormat): Partial<ExcelJS.Style> {
  const out: Partial<ExcelJS.Style> = {};
  if (format.fill) out.fill = { type: 'pattern', pattern: 'solid', bgColor: { argb: format.fill } };
  if (format.font || format.bold) out.font = { ...(format.font ? { color: { argb: format.font } } : {}), ...(format.bold ? { bold: true } : {}) };
  return out;
}

/** ExcelJS keeps sheet validations in `dataValidations` (address → rule); its typings omit it. */
function validationsOf(sheet: ExcelJS.Worksheet): { add(address: string, validation: ExcelJS.DataValidation): void } {
  return (sheet as unknown as { dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void } }).dataValidations;
}

/** The in-memory ExcelJS Workbook behind the Book interface. */
export class ExcelJsBook implements Book {
  /** ExcelJS style objects by CellStyle: one shared object per style, so that ExcelJS's style lookup hits its cache. */
  private readonly styles = new WeakMap<CellStyle, Partial<ExcelJS.Style>>();

  constructor(readonly workbook: ExcelJS.Workbook) {}

  private style(style: CellStyle): Partial<ExcelJS.Style> {
    let found = this.styles.get(style);
    if (!found) this.styles.set(style, (found = excelStyle(style)));
    return found;
  }

  setProperties(properties: BookProperties): void {
    const workbook = this.workbook;
    workbook.creator = 'docpack';
    workbook.lastModifiedBy = 'docpack';
    workbook.created = properties.created;
    workbook.modified = properties.created;
    workbook.title = xmlSafe(properties.title);
    workbook.subject = xmlSafe(properties.subject);
    workbook.company = '';
    workbook.manager = '';
    workbook.keywords = '';
    workbook.category = '';
    workbook.description = '';
  }

  addSheet(setup: SheetSetup): BookSheet {
    const sheet = this.workbook.addWorksheet(setup.name, {
      views: setup.headerRow > 0 ? [{ state: 'frozen', xSplit: 0, ySplit: setup.headerRow, topLeftCell: `A${setup.headerRow + 1}`, activeCell: `A${setup.headerRow + 1}` }] : [{ state: 'normal' }],
      pageSetup: {
        paperSize: PAPER_SIZES[setup.paper] as ExcelJS.PaperSize,
        orientation: setup.orientation,
        fitToPage: setup.fitToWidth,
        fitToWidth: 1,
        fitToHeight: 0,
        horizontalCentered: true,
        margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
        ...(setup.headerRow > 0 ? { printTitlesRow: `${setup.headerRow}:${setup.headerRow}` } : {}),
      },
      headerFooter: { oddHeader: xmlSafe(setup.headerCode), oddFooter: xmlSafe(setup.footerCode) },
    });
    const columnStyles = setup.columns.map((column) => (column.style ? this.style(column.style) : undefined));
    sheet.columns = setup.columns.map((column, index) => ({ width: column.width, ...(columnStyles[index] ? { style: columnStyles[index] } : {}) }));
    return {
      addRow: (values, options) => {
        const row = sheet.addRow(values.map((value) => (typeof value === 'string' ? literalText(xmlSafe(value)) : value)));
        if (options?.height !== undefined) row.height = options.height;
        const own = options?.styles;
        // Each cell gets the one shared style object of its column (or its own): ExcelJS would
        // otherwise give every cell a copy, and look each copy up by its XML when it writes.
        for (let index = 0; index < values.length; index++) {
          const mine = own?.[index];
          const style = mine ? this.style(mine) : columnStyles[index];
          if (style) row.getCell(index + 1).style = style;
        }
        return false;
      },
      drain: () => Promise.resolve(),
      finish: (end) => {
        if (end.autoFilter) sheet.autoFilter = end.autoFilter;
        for (const range of end.merges ?? []) sheet.mergeCells(range);
        for (const validation of end.validations) {
          validationsOf(sheet).add(validation.ref, {
            type: 'list',
            allowBlank: true,
            formulae: [validation.formula],
            showErrorMessage: true,
            errorStyle: 'stop',
            errorTitle: xmlSafe(validation.errorTitle),
            error: xmlSafe(validation.error),
          });
        }
        for (const highlight of end.highlights) {
          sheet.addConditionalFormatting({ ref: highlight.ref, rules: [{ type: 'expression', priority: highlight.priority, formulae: [highlight.formula], style: excelHighlight(highlight.format) }] });
        }
        return Promise.resolve();
      },
    };
  }
}
