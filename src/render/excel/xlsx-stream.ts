// The streaming .xlsx writer of portfolio workbooks. Each row becomes <row>/<c> XML at once, with
// style ids interned once per style object (never looked up per cell), and goes into the zip as
// it is produced (zip.ts: zlib deflates on the thread pool while the next rows are built), so
// memory stays flat however many rows there are. Strings are inline (t="inlineStr"): no
// shared-string table to hold. Everything else a sheet has (columns, frozen header, autofilter,
// list validations, conditional formats, print setup and print titles) is written as ExcelJS
// writes it; the tests read these workbooks back with ExcelJS and LibreOffice.
import type { Book, BookProperties, BookSheet, CellStyle, HighlightFormat, RowOptions, SheetEnd, SheetSetup } from './book.ts';
import { BORDER_COLOUR, PAPER_SIZES, literalText } from './book.ts';
import type { CellValue } from './values.ts';
import { xmlAttribute, xmlText } from '../xml-safe.ts';
import { STREAM_DEFLATE_LEVEL, ZipEntryCache, ZipStream, type ZipEntry } from '../zip.ts';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const DOC_RELS_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_RELS_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const REL_TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument';

export { xmlAttribute, xmlText };

/** Excel column letters of a 1-based index: 1 → A, 27 → AA. */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

const DAY_MS = 86_400_000;
/** Days from Excel's day 0 (1899-12-30) to 1970-01-01. */
const EPOCH_SERIAL = 25569;

/** An Excel date serial of a Date whose UTC fields are the wall clock (as ExcelJS computes it). */
export function dateSerial(date: Date): number {
  return EPOCH_SERIAL + date.getTime() / DAY_MS;
}

/** Number formats Excel knows by id (locale-independent ones only); any other gets an id from 164 up. */
const BUILTIN_FORMATS: ReadonlyMap<string, number> = new Map([
  ['General', 0],
  ['0', 1],
  ['0.00', 2],
  ['#,##0', 3],
  ['#,##0.00', 4],
  ['0%', 9],
  ['0.00%', 10],
  ['0.00E+00', 11],
  ['@', 49],
]);

/** The sheets' font (SHEET_FONT in book.ts): 等线 with the GB2312 charset, a face with Chinese glyphs. */
const FONT_FACE = '<name val="等线"/><family val="2"/><charset val="134"/>';

/** Interns strings into a list: the index of each distinct one. */
class Interned {
  readonly items: string[] = [];
  private readonly index = new Map<string, number>();
  constructor(initial: readonly string[] = []) {
    for (const item of initial) this.id(item);
  }
  id(item: string): number {
    let found = this.index.get(item);
    if (found === undefined) {
      found = this.items.length;
      this.items.push(item);
      this.index.set(item, found);
    }
    return found;
  }
}

/** styles.xml, built as styles are asked for: each distinct style object is turned into XML once. */
export class StyleSheet {
  private readonly formats = new Map<string, number>();
  private readonly fonts = new Interned([`<font><sz val="11"/>${FONT_FACE}</font>`]);
  private readonly fills = new Interned(['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>']);
  private readonly borders = new Interned(['<border><left/><right/><top/><bottom/><diagonal/></border>']);
  private readonly xfs = new Interned(['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']);
  private readonly dxfs = new Interned();
  private readonly ids = new WeakMap<CellStyle, number>();

  /** The cellXfs index of a style (0: the default). */
  id(style: CellStyle | undefined): number {
    if (style === undefined) return 0;
    let id = this.ids.get(style);
    if (id === undefined) {
      id = this.intern(style);
      this.ids.set(style, id);
    }
    return id;
  }

  /** The dxfs index of a conditional format's style. */
  dxf(format: HighlightFormat): number {
    const font = format.font || format.bold ? `<font>${format.bold ? '<b/>' : ''}${format.font ? `<color rgb="${xmlAttribute(format.font)}"/>` : ''}</font>` : '';
    const fill = format.fill ? `<fill><patternFill patternType="solid"><bgColor rgb="${xmlAttribute(format.fill)}"/></patternFill></fill>` : '';
    return this.dxfs.id(`<dxf>${font}${fill}</dxf>`);
  }

  private format(code: string): number {
    const builtin = BUILTIN_FORMATS.get(code);
    if (builtin !== undefined) return builtin;
    let id = this.formats.get(code);
    if (id === undefined) this.formats.set(code, (id = 164 + this.formats.size));
    return id;
  }

  private intern(style: CellStyle): number {
    const numFmtId = style.numFmt === undefined ? 0 : this.format(style.numFmt);
    let fontId = 0;
    if (style.font) {
      const { bold, italic, size, color } = style.font;
      fontId = this.fonts.id(`<font>${bold ? '<b/>' : ''}${italic ? '<i/>' : ''}<sz val="${size ?? 11}"/>${color ? `<color rgb="${xmlAttribute(color)}"/>` : ''}${FONT_FACE}</font>`);
    }
    const fillId = style.fill ? this.fills.id(`<fill><patternFill patternType="solid"><fgColor rgb="${xmlAttribute(style.fill)}"/><bgColor indexed="64"/></patternFill></fill>`) : 0;
    const side = (name: string): string => `<${name} style="thin"><color rgb="${BORDER_COLOUR}"/></${name}>`;
    const borderId = style.border ? this.borders.id(`<border>${side('left')}${side('right')}${side('top')}${side('bottom')}<diagonal/></border>`) : 0;
    const { horizontal, vertical, wrapText } = style.alignment ?? {};
    const alignment =
      (horizontal ? ` horizontal="${horizontal}"` : '') + (vertical ? ` vertical="${vertical === 'middle' ? 'center' : vertical}"` : '') + (wrapText ? ' wrapText="1"' : '');
    const applied =
      (numFmtId ? ' applyNumberFormat="1"' : '') + (fontId ? ' applyFont="1"' : '') + (fillId ? ' applyFill="1"' : '') + (borderId ? ' applyBorder="1"' : '');
    const open = `<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="${fillId}" borderId="${borderId}" xfId="0"${applied}`;
    return this.xfs.id(alignment ? `${open} applyAlignment="1"><alignment${alignment}/></xf>` : `${open}/>`);
  }

  xml(): string {
    const list = (tag: string, items: readonly string[]): string => `<${tag} count="${items.length}">${items.join('')}</${tag}>`;
    const formats = [...this.formats].map(([code, id]) => `<numFmt numFmtId="${id}" formatCode="${xmlAttribute(code)}"/>`);
    return (
      `${DECLARATION}<styleSheet xmlns="${MAIN_NS}">` +
      (formats.length > 0 ? list('numFmts', formats) : '') +
      list('fonts', this.fonts.items) +
      list('fills', this.fills.items) +
      list('borders', this.borders.items) +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      list('cellXfs', this.xfs.items) +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      list('dxfs', this.dxfs.items) +
      '<tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
    );
  }
}

/** UTF-16 units of sheet XML gathered before they go to the zip (about 32-96 KiB of UTF-8). */
const FLUSH_UNITS = 1 << 15;

/** Starts <t> of an inline string; leading or trailing white space needs xml:space="preserve" to survive. */
function textOpen(text: string): string {
  return text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32 ? '<t xml:space="preserve">' : '<t>';
}

class StreamSheet implements BookSheet {
  private buffer: string;
  private rowNumber = 0;
  private readonly letters: string[] = [];
  /** ` s="n"` of each column's style ('' for the default style). */
  private readonly columnStyles: string[];
  /** Per column, the fixed parts of a cell around its row number: `<c r="B` and `" s="7"`. */
  private readonly cellOpen: string[];
  private readonly cellStyle: string[];

  constructor(
    private readonly entry: ZipEntry,
    private readonly styles: StyleSheet,
    private readonly setup: SheetSetup,
    private readonly done: () => void,
  ) {
    const ids = setup.columns.map((column) => styles.id(column.style));
    this.columnStyles = ids.map(styleAttribute);
    this.cellOpen = setup.columns.map((_, index) => `<c r="${this.letter(index)}`);
    this.cellStyle = this.columnStyles.map((style) => `"${style}`);
    const cols = setup.columns
      .map((column, index) => `<col min="${index + 1}" max="${index + 1}" width="${column.width}"${ids[index] ? ` style="${ids[index]}"` : ''} customWidth="1"/>`)
      .join('');
    const first = `A${setup.headerRow + 1}`;
    const views =
      setup.headerRow > 0
        ? `<sheetView workbookViewId="0"><pane ySplit="${setup.headerRow}" topLeftCell="${first}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="${first}" sqref="${first}"/></sheetView>`
        : '<sheetView workbookViewId="0"/>';
    this.buffer =
      `${DECLARATION}<worksheet xmlns="${MAIN_NS}" xmlns:r="${DOC_RELS_NS}">` +
      (setup.fitToWidth ? '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' : '') +
      `<sheetViews>${views}</sheetViews><sheetFormatPr defaultRowHeight="15"/>` +
      (cols ? `<cols>${cols}</cols>` : '') +
      '<sheetData>';
  }

  private letter(index: number): string {
    return (this.letters[index] ??= columnLetter(index + 1));
  }

  addRow(values: readonly CellValue[], options?: RowOptions): boolean {
    const r = ++this.rowNumber;
    const own = options?.styles;
    const xml = own === undefined && values.length <= this.cellOpen.length ? this.dataCells(values, String(r)) : this.styledCells(values, r, own);
    // A row with neither cells nor a height of its own is left out, as ExcelJS does.
    if (xml !== '' || options?.height !== undefined) {
      this.buffer += `${options?.height === undefined ? `<row r="${r}">` : `<row r="${r}" ht="${options.height}" customHeight="1">`}${xml}</row>`;
    }
    if (this.buffer.length < FLUSH_UNITS) return false;
    this.entry.write(this.buffer);
    this.buffer = '';
    return true;
  }

  /** The cells of a data row (column styles only), from the ready-made parts: the hot path. Blank cells are left out (the column style applies). */
  private dataCells(values: readonly CellValue[], row: string): string {
    let xml = '';
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value === null || value === undefined || value === '') continue;
      if (typeof value === 'string') {
        xml += this.cellOpen[i]! + row + this.cellStyle[i]! + ' t="inlineStr"><is>' + textOpen(value) + xmlText(literalText(value)) + '</t></is></c>';
      } else {
        const number = typeof value === 'number' ? value : dateSerial(value);
        if (Number.isFinite(number)) xml += this.cellOpen[i]! + row + this.cellStyle[i]! + '><v>' + number + '</v></c>';
      }
    }
    return xml;
  }

  /** The cells of any row, a cell's own style replacing its column's; blank cells with a style of their own are written. */
  private styledCells(values: readonly CellValue[], r: number, own: RowOptions['styles']): string {
    let xml = '';
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const cellStyle = own?.[i];
      const style = cellStyle === undefined ? (this.columnStyles[i] ?? '') : styleAttribute(this.styles.id(cellStyle));
      const ref = `${this.letter(i)}${r}`;
      if (typeof value === 'string' && value !== '') {
        xml += `<c r="${ref}"${style} t="inlineStr"><is>${textOpen(value)}${xmlText(literalText(value))}</t></is></c>`;
        continue;
      }
      const number = typeof value === 'number' ? value : value instanceof Date ? dateSerial(value) : Number.NaN;
      if (Number.isFinite(number)) xml += `<c r="${ref}"${style}><v>${number}</v></c>`;
      else if (cellStyle !== undefined) xml += `<c r="${ref}"${style}/>`;
    }
    return xml;
  }

  drain(): Promise<void> {
    return this.entry.drain();
  }

  async finish(end: SheetEnd): Promise<void> {
    const { setup, styles } = this;
    let xml = `${this.buffer}</sheetData>`;
    this.buffer = '';
    if (end.autoFilter) xml += `<autoFilter ref="${xmlAttribute(end.autoFilter)}"/>`;
    const merges = end.merges ?? [];
    if (merges.length > 0) xml += `<mergeCells count="${merges.length}">${merges.map((range) => `<mergeCell ref="${xmlAttribute(range)}"/>`).join('')}</mergeCells>`;
    for (const highlight of end.highlights) {
      xml +=
        `<conditionalFormatting sqref="${xmlAttribute(highlight.ref)}"><cfRule type="expression" dxfId="${styles.dxf(highlight.format)}" priority="${highlight.priority}">` +
        `<formula>${xmlText(highlight.formula)}</formula></cfRule></conditionalFormatting>`;
    }
    if (end.validations.length > 0) {
      xml += `<dataValidations count="${end.validations.length}">`;
      for (const validation of end.validations) {
        xml +=
          `<dataValidation type="list" allowBlank="1" showErrorMessage="1" errorStyle="stop" errorTitle="${xmlAttribute(validation.errorTitle)}" error="${xmlAttribute(validation.error)}" sqref="${xmlAttribute(validation.ref)}">` +
          `<formula1>${xmlText(validation.formula)}</formula1></dataValidation>`;
      }
      xml += '</dataValidations>';
    }
    xml +=
      '<printOptions horizontalCentered="1"/><pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>' +
      `<pageSetup paperSize="${PAPER_SIZES[setup.paper]}" orientation="${setup.orientation}" fitToWidth="1" fitToHeight="0"/>` +
      `<headerFooter><oddHeader>${xmlText(setup.headerCode)}</oddHeader><oddFooter>${xmlText(setup.footerCode)}</oddFooter></headerFooter></worksheet>`;
    this.entry.write(xml);
    await this.entry.end();
    this.done();
  }
}

function styleAttribute(id: number): string {
  return id === 0 ? '' : ` s="${id}"`;
}

/** Sheet name quoted for a formula reference: 'name' with ' doubled. */
function quotedSheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The package parts every workbook of a spec has alike (styles, workbook, relationships, content
 * types, app properties), deflated once per thread and level instead of once per workbook: a pack
 * writes 10,000 问题治理表 with the same parts. Looked up by their text, so only the same bytes are
 * reused; deflated at the workbook's level, as ZipStream.addFile would, so the file is the same.
 */
const packageParts = new Map<number, ZipEntryCache>();

function packagePart(zip: ZipStream, level: number, name: string, text: string): void {
  let cache = packageParts.get(level);
  if (!cache) packageParts.set(level, (cache = new ZipEntryCache(64, level)));
  zip.addDeflated(cache.entry(name, text));
}

/**
 * Writes an .xlsx into `sink` front to back: the worksheets as they are written, then styles,
 * workbook and package parts at close(). The zip entry times are placeholders: fix them with
 * fixZipTimes / fixZipTimesInFile.
 */
export class XlsxStreamWriter implements Book {
  private readonly zip: ZipStream;
  private readonly level: number;
  private readonly styles = new StyleSheet();
  private readonly sheets: { name: string; headerRow: number }[] = [];
  /** The entry of the sheet being written. */
  private current: ZipEntry | undefined;
  private properties: BookProperties = { title: '', subject: '', created: new Date(0) };

  constructor(sink: (chunk: Uint8Array) => void, level = STREAM_DEFLATE_LEVEL) {
    this.zip = new ZipStream(sink, level);
    this.level = level;
  }

  setProperties(properties: BookProperties): void {
    this.properties = properties;
  }

  addSheet(setup: SheetSetup): BookSheet {
    if (this.current) throw new Error(`sheet "${setup.name}" added before the previous sheet was finished`);
    if (this.sheets.some((sheet) => sheet.name.toLowerCase() === setup.name.toLowerCase())) throw new Error(`sheet name "${setup.name}" is used twice`);
    this.sheets.push({ name: setup.name, headerRow: setup.headerRow });
    const entry = (this.current = this.zip.open(`xl/worksheets/sheet${this.sheets.length}.xml`));
    return new StreamSheet(entry, this.styles, setup, () => {
      this.current = undefined;
    });
  }

  /** After a failure: stops the sheet being written, so that nothing is left running. */
  abort(): void {
    this.current?.abort();
    this.current = undefined;
  }

  /** Writes the parts that know every sheet and style, and the zip's central directory. */
  close(): void {
    if (this.current) throw new Error('the last sheet was not finished');
    const { sheets, properties } = this;
    const zip = this.zip;
    const addFile = (name: string, text: string): void => packagePart(zip, this.level, name, text);
    addFile('xl/styles.xml', this.styles.xml());
    const definedNames = sheets
      .map((sheet, index) => (sheet.headerRow > 0 ? `<definedName name="_xlnm.Print_Titles" localSheetId="${index}">${xmlText(`${quotedSheet(sheet.name)}!$${sheet.headerRow}:$${sheet.headerRow}`)}</definedName>` : ''))
      .join('');
    addFile(
      'xl/workbook.xml',
      `${DECLARATION}<workbook xmlns="${MAIN_NS}" xmlns:r="${DOC_RELS_NS}"><bookViews><workbookView/></bookViews><sheets>` +
        sheets.map((sheet, index) => `<sheet name="${xmlAttribute(sheet.name)}" sheetId="${index + 1}" r:id="rId${index + 1}"/>`).join('') +
        `</sheets>${definedNames ? `<definedNames>${definedNames}</definedNames>` : ''}</workbook>`,
    );
    addFile(
      'xl/_rels/workbook.xml.rels',
      `${DECLARATION}<Relationships xmlns="${PACKAGE_RELS_NS}">` +
        sheets.map((_, index) => `<Relationship Id="rId${index + 1}" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet${index + 1}.xml"/>`).join('') +
        `<Relationship Id="rId${sheets.length + 1}" Type="${REL_TYPE}/styles" Target="styles.xml"/></Relationships>`,
    );
    addFile(
      '[Content_Types].xml',
      `${DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        `<Override PartName="/xl/workbook.xml" ContentType="${CONTENT_TYPE}.spreadsheetml.sheet.main+xml"/>` +
        sheets.map((_, index) => `<Override PartName="/xl/worksheets/sheet${index + 1}.xml" ContentType="${CONTENT_TYPE}.spreadsheetml.worksheet+xml"/>`).join('') +
        `<Override PartName="/xl/styles.xml" ContentType="${CONTENT_TYPE}.spreadsheetml.styles+xml"/>` +
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
        `<Override PartName="/docProps/app.xml" ContentType="${CONTENT_TYPE}.extended-properties+xml"/></Types>`,
    );
    addFile(
      '_rels/.rels',
      `${DECLARATION}<Relationships xmlns="${PACKAGE_RELS_NS}"><Relationship Id="rId1" Type="${REL_TYPE}/officeDocument" Target="xl/workbook.xml"/>` +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
        `<Relationship Id="rId3" Type="${REL_TYPE}/extended-properties" Target="docProps/app.xml"/></Relationships>`,
    );
    const when = isoSeconds(properties.created);
    zip.addFile(
      'docProps/core.xml',
      `${DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
        `<dc:creator>docpack</dc:creator><dc:title>${xmlText(properties.title)}</dc:title><dc:subject>${xmlText(properties.subject)}</dc:subject>` +
        `<cp:lastModifiedBy>docpack</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified></cp:coreProperties>`,
    );
    addFile(
      'docProps/app.xml',
      `${DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
        `<Application>docpack</Application><HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>${sheets.length}</vt:i4></vt:variant></vt:vector></HeadingPairs>` +
        `<TitlesOfParts><vt:vector size="${sheets.length}" baseType="lpstr">${sheets.map((sheet) => `<vt:lpstr>${xmlText(sheet.name)}</vt:lpstr>`).join('')}</vt:vector></TitlesOfParts></Properties>`,
    );
    zip.end();
  }
}
