import {
  AlignmentType,
  BorderStyle,
  HeadingLevel,
  HeightRule,
  PageBreak,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type FileChild,
  type IParagraphOptions,
  type ParagraphChild,
} from 'docx';
import type { AlignType, Nodes, PhrasingContent, Root, RootContent, Table as MdTable, List as MdList } from 'mdast';
import { fromMarkdown, type Options as FromMarkdownOptions } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { DocpackError } from '../../errors.ts';
import { CELL_MARGIN, FONTS, TEXT_WIDTH, fitColumns } from './layout.ts';
import { extractTables, parseSimpleDocument, placeTables } from './markdown-tables.ts';

/**
 * Markdown (CommonMark + GFM tables) to docx blocks. Besides Markdown, templates may write these
 * directives, each an HTML comment on its own line:
 *
 *   <!-- pagebreak -->                       start a new page
 *   <!-- endcover -->                        end the cover: what follows is a new section with
 *                                            the header and footer (the cover has neither)
 *   <!-- style: Title -->                    give the next paragraph or heading a paragraph style
 *   <!-- table widths="1,3,2" header="no" borders="none" rowHeight="12mm" -->
 *                                            options of the next table
 *
 * Other HTML comments are comments. `<br>` is a line break (record text uses it for its own line
 * breaks, also inside table cells). Any other HTML, images and footnotes are errors.
 *
 * Two steps: `markdownBlocks` reads the Markdown into plain block descriptions (directives, styles,
 * column widths: docpack's own work), and `docxBlocks` turns those into docx's paragraphs and
 * tables. The benchmark's floor builds the same docx objects from the same descriptions.
 */

export const BULLET_REFERENCE = 'docpack-bullet';
export const ORDERED_REFERENCE = 'docpack-ordered';

/** Paragraph styles templates may name in `<!-- style: ... -->`. */
export const TEMPLATE_STYLES = ['Title', 'CoverTitle', 'Subtitle', 'Center', 'Right', 'NoIndent', 'Note', 'CoverInfo', 'Signature'] as const;

export interface ConvertedMarkdown {
  /** Blocks before `<!-- endcover -->`, or null when the document has no cover. */
  cover: FileChild[] | null;
  body: FileChild[];
}

/** A run: text with its marks, a code line's text, a line break or a page break. */
export type RunSpec =
  | { kind: 'text'; text: string; bold?: boolean; italics?: boolean; strike?: boolean; mono?: boolean }
  | { kind: 'code'; text: string }
  | { kind: 'break' }
  | { kind: 'pageBreak' };

/** A paragraph: docx's paragraph options, and its runs. */
export interface ParagraphSpec {
  type: 'paragraph';
  options: Omit<IParagraphOptions, 'children'>;
  runs: RunSpec[];
}

/** A table, its column widths fitted; a row's cell is null where the row has fewer cells. */
export interface TableSpec {
  type: 'table';
  widths: number[];
  header: boolean;
  borders: boolean;
  rowHeight?: number;
  /** Keep the whole table on one page (a signature block): every row but the last keeps with the next. */
  keepTogether?: boolean;
  align: (AlignType | undefined)[];
  columns: number;
  rows: (RunSpec[] | null)[][];
}

export type BlockSpec = ParagraphSpec | TableSpec;

export interface MarkdownBlocks {
  /** Blocks before `<!-- endcover -->`, or null when the document has no cover. */
  cover: BlockSpec[] | null;
  body: BlockSpec[];
}

interface TableOptions {
  widths?: number[];
  header: boolean;
  borders: boolean;
  rowHeight?: number;
  keepTogether?: boolean;
}

interface Marks {
  bold?: boolean;
  italics?: boolean;
  strike?: boolean;
  code?: boolean;
}

interface Directive {
  name: string;
  value: string;
  attributes: Record<string, string>;
}

const COMMENT = /^<!--([\s\S]*?)-->\s*$/;
const BREAK_TAG = /^<br\s*\/?>$/i;

function parseDirective(html: string): Directive | null {
  const match = COMMENT.exec(html.trim());
  if (!match) return null;
  const text = (match[1] ?? '').trim();
  const head = /^([A-Za-z][\w-]*)\s*(:?)\s*([\s\S]*)$/.exec(text);
  if (!head) return { name: '', value: text, attributes: {} };
  const attributes: Record<string, string> = {};
  for (const pair of (head[3] ?? '').matchAll(/([A-Za-z][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))/g)) {
    attributes[pair[1] as string] = pair[2] ?? pair[3] ?? pair[4] ?? '';
  }
  return { name: (head[1] ?? '').toLowerCase(), value: (head[3] ?? '').trim(), attributes };
}

/** 12mm, 0.5cm, 340 (twips) -> twips */
function lengthToTwips(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(mm|cm|pt|twip|twips)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  switch (match[2]) {
    case 'mm':
      return Math.round(value * 56.7);
    case 'cm':
      return Math.round(value * 567);
    case 'pt':
      return Math.round(value * 20);
    default:
      return Math.round(value);
  }
}

/** Plain text of a node, for column widths and error messages. */
export function plainText(node: Nodes): string {
  if (node.type === 'text' || node.type === 'inlineCode') return node.value;
  if (node.type === 'break') return '\n';
  if (node.type === 'html') return BREAK_TAG.test(node.value.trim()) ? '\n' : '';
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  return '';
}

export interface ConvertOptions {
  /** Names the template in errors about the Markdown it produced. */
  template: string;
  /** Twips between the page margins, the tables' width; default TEXT_WIDTH (A4 portrait with our margins). */
  textWidth?: number;
}

const HEADING_LEVELS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6];
const BOLD: Marks = { bold: true };
const NO_MARKS: Marks = {};

class Converter {
  private cover: BlockSpec[] | null = null;
  private body: BlockSpec[] = [];
  private pendingStyle: string | undefined;
  private pendingTable: TableOptions | undefined;
  private pendingPageBreak = false;
  private orderedInstance = 0;

  constructor(private readonly options: ConvertOptions) {}

  fail(node: Nodes, message: string, hint?: string): never {
    const line = node.position?.start.line;
    throw new DocpackError({
      code: 'template-bad-markdown',
      file: this.options.template,
      message: `${message}${line ? ` (line ${line} of the Markdown the template produced)` : ''}`,
      hint: hint ?? 'see the README section on Word templates for the Markdown and directives they may use',
    });
  }

  convert(root: Root): MarkdownBlocks {
    for (const node of root.children) this.block(node, this.body);
    if (this.cover) keepLeadInsWithTables(this.cover);
    keepLeadInsWithTables(this.body);
    return { cover: this.cover, body: this.body };
  }

  private takeParagraphOptions(): { style?: string; pageBreakBefore?: boolean } {
    const options: { style?: string; pageBreakBefore?: boolean } = {};
    if (this.pendingStyle) options.style = this.pendingStyle;
    if (this.pendingPageBreak) options.pageBreakBefore = true;
    this.pendingStyle = undefined;
    this.pendingPageBreak = false;
    return options;
  }

  private directive(node: Nodes & { type: 'html' }, out: BlockSpec[]): void {
    const directive = parseDirective(node.value);
    if (!directive) this.fail(node, `HTML is not supported in Word templates: ${node.value.trim().slice(0, 60)}`);
    switch (directive.name) {
      case 'pagebreak':
        this.pendingPageBreak = true;
        return;
      case 'endcover':
        if (this.cover !== null) this.fail(node, 'a second <!-- endcover -->');
        this.cover = this.body;
        this.body = [];
        this.pendingPageBreak = false;
        return;
      case 'style': {
        const style = directive.value.trim();
        if (!(TEMPLATE_STYLES as readonly string[]).includes(style)) {
          this.fail(node, `unknown paragraph style "${style}"`, `styles: ${TEMPLATE_STYLES.join(', ')}`);
        }
        this.pendingStyle = style;
        return;
      }
      case 'table': {
        const { widths, header, borders, rowHeight, keep } = directive.attributes;
        if (keep !== undefined && keep !== 'together') this.fail(node, `table keep="${keep}" is not known`, 'write keep="together" to keep the table on one page');
        const parsedWidths = widths?.split(/[,\s]+/).filter(Boolean).map(Number);
        if (parsedWidths && parsedWidths.some((width) => !(width > 0))) this.fail(node, `table widths="${widths}" must be positive numbers`);
        const height = rowHeight === undefined ? undefined : lengthToTwips(rowHeight);
        if (rowHeight !== undefined && height === undefined) this.fail(node, `table rowHeight="${rowHeight}" is not a length (e.g. 12mm)`);
        this.pendingTable = {
          widths: parsedWidths,
          header: header !== 'no' && header !== 'none' && header !== 'false',
          borders: borders !== 'none' && borders !== 'no',
          rowHeight: height,
          ...(keep === 'together' ? { keepTogether: true } : {}),
        };
        return;
      }
      default:
        // Any other comment is a comment for the people who edit the template.
        void out;
    }
  }

  private block(node: RootContent, out: BlockSpec[], listLevel = -1): void {
    switch (node.type) {
      case 'heading': {
        const options = this.takeParagraphOptions();
        out.push({
          type: 'paragraph',
          options: { ...(options.style ? { style: options.style } : { heading: HEADING_LEVELS[node.depth - 1] }), pageBreakBefore: options.pageBreakBefore, keepNext: true },
          runs: this.inline(node.children, NO_MARKS),
        });
        return;
      }
      case 'paragraph': {
        const options = this.takeParagraphOptions();
        out.push({ type: 'paragraph', options, runs: this.inline(node.children, NO_MARKS) });
        return;
      }
      case 'html':
        this.directive(node, out);
        return;
      case 'list':
        this.list(node, out, listLevel + 1);
        return;
      case 'table':
        this.table(node, out);
        return;
      case 'blockquote':
        for (const child of node.children) {
          if (child.type === 'paragraph') out.push({ type: 'paragraph', options: { style: 'Note', ...this.takeParagraphOptions() }, runs: this.inline(child.children, NO_MARKS) });
          else this.block(child, out, listLevel);
        }
        return;
      case 'code':
        for (const line of node.value.split('\n')) {
          out.push({ type: 'paragraph', options: { style: 'NoIndent', ...this.takeParagraphOptions() }, runs: [{ kind: 'code', text: line }] });
        }
        return;
      case 'thematicBreak':
        out.push({
          type: 'paragraph',
          options: {
            style: 'NoIndent',
            ...this.takeParagraphOptions(),
            border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '808080', space: 1 } },
          },
          runs: [],
        });
        return;
      case 'definition':
        return;
      default:
        this.fail(node, `${node.type} is not supported in Word templates`);
    }
  }

  private list(node: MdList, out: BlockSpec[], level: number): void {
    if (level > 8) this.fail(node, 'lists are nested too deeply');
    const ordered = node.ordered === true;
    const instance = ordered ? ++this.orderedInstance : 0;
    for (const item of node.children) {
      let first = true;
      for (const child of item.children) {
        if (child.type === 'list') {
          this.list(child, out, level + 1);
          continue;
        }
        if (child.type !== 'paragraph') {
          this.block(child, out, level);
          continue;
        }
        const options = this.takeParagraphOptions();
        const runs = this.inline(child.children, NO_MARKS);
        if (first) {
          out.push({
            type: 'paragraph',
            options: { ...options, numbering: ordered ? { reference: ORDERED_REFERENCE, level, instance } : { reference: BULLET_REFERENCE, level } },
            runs,
          });
        } else {
          out.push({ type: 'paragraph', options: { ...options, style: 'NoIndent', indent: { left: 420 * (level + 1) } }, runs });
        }
        first = false;
      }
    }
  }

  private table(node: MdTable, out: BlockSpec[]): void {
    const options: TableOptions = this.pendingTable ?? { header: true, borders: true };
    this.pendingTable = undefined;
    if (this.pendingPageBreak || this.pendingStyle) {
      out.push({ type: 'paragraph', options: { style: 'NoIndent', ...this.takeParagraphOptions() }, runs: [] });
    }
    const texts = node.children.map((row) => row.children.map((cell) => plainText(cell)));
    let columns = -Infinity;
    for (const row of node.children) if (row.children.length > columns) columns = row.children.length;
    if (options.widths && options.widths.length !== columns) {
      this.fail(node, `table widths="${options.widths.join(',')}" names ${options.widths.length} columns, the table has ${columns}`);
    }
    const widths = fitColumns(options.header ? texts : [texts[0]?.map(() => '') ?? [], ...texts], this.options.textWidth ?? TEXT_WIDTH, options.widths);
    const rows = node.children.map((row, rowIndex) => {
      const isHeader = options.header && rowIndex === 0;
      const cells: (RunSpec[] | null)[] = [];
      for (let column = 0; column < columns; column += 1) {
        const cell = row.children[column];
        cells.push(cell ? this.inline(cell.children, isHeader ? BOLD : NO_MARKS) : null);
      }
      return cells;
    });
    out.push({ type: 'table', widths, header: options.header, borders: options.borders, rowHeight: options.rowHeight, ...(options.keepTogether ? { keepTogether: true } : {}), align: node.align ?? [], columns, rows });
  }

  private inline(nodes: readonly PhrasingContent[], marks: Marks, runs: RunSpec[] = []): RunSpec[] {
    for (const node of nodes) {
      switch (node.type) {
        case 'text':
          runs.push(run(node.value, marks));
          break;
        case 'strong':
          this.inline(node.children, { ...marks, bold: true }, runs);
          break;
        case 'emphasis':
          this.inline(node.children, { ...marks, italics: true }, runs);
          break;
        case 'delete':
          this.inline(node.children, { ...marks, strike: true }, runs);
          break;
        case 'inlineCode':
          runs.push(run(node.value, { ...marks, code: true }));
          break;
        case 'break':
          runs.push({ kind: 'break' });
          break;
        case 'link':
          this.inline(node.children, marks, runs);
          break;
        case 'html': {
          const value = node.value.trim();
          if (BREAK_TAG.test(value)) {
            runs.push({ kind: 'break' });
            break;
          }
          const directive = parseDirective(value);
          if (directive?.name === 'pagebreak') runs.push({ kind: 'pageBreak' });
          else if (!directive) this.fail(node, `HTML is not supported in Word templates: ${value.slice(0, 60)}`);
          break;
        }
        default:
          this.fail(node, `${node.type} is not supported in Word templates`);
      }
    }
    return runs;
  }
}

function run(text: string, marks: Marks): RunSpec {
  return { kind: 'text', text, bold: marks.bold, italics: marks.italics, strike: marks.strike, mono: marks.code };
}

function docxRun(spec: RunSpec): ParagraphChild {
  switch (spec.kind) {
    case 'text':
      return new TextRun({ text: spec.text, bold: spec.bold, italics: spec.italics, strike: spec.strike, font: spec.mono ? FONTS.mono : undefined });
    case 'code':
      return new TextRun({ text: spec.text, font: FONTS.mono });
    case 'break':
      return new TextRun({ break: 1 });
    case 'pageBreak':
      return new PageBreak();
  }
}

function docxRuns(specs: readonly RunSpec[]): ParagraphChild[] {
  const children: ParagraphChild[] = new Array<ParagraphChild>(specs.length);
  for (let index = 0; index < specs.length; index += 1) children[index] = docxRun(specs[index] as RunSpec);
  return children;
}

const LINE = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };

function docxTable(spec: TableSpec, out: FileChild[]): void {
  const { widths, columns } = spec;
  const border = spec.borders ? LINE : NONE;
  const rows = spec.rows.map((row, rowIndex) => {
    const isHeader = spec.header && rowIndex === 0;
    const cells: TableCell[] = [];
    for (let column = 0; column < columns; column += 1) {
      const cell = row[column];
      const align = spec.align[column];
      const alignment = isHeader || align === 'center' ? AlignmentType.CENTER : align === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT;
      cells.push(
        new TableCell({
          width: { size: widths[column] ?? 0, type: WidthType.DXA },
          verticalAlign: VerticalAlignTable.CENTER,
          shading: isHeader && spec.borders ? { type: ShadingType.CLEAR, color: 'auto', fill: 'E7E6E6' } : undefined,
          children: [
            new Paragraph({
              style: isHeader ? 'TableHeading' : 'TableText',
              ...(spec.keepTogether && rowIndex < spec.rows.length - 1 ? { keepNext: true } : {}),
              alignment,
              children: cell ? docxRuns(cell) : [],
            }),
          ],
        }),
      );
    }
    return new TableRow({
      tableHeader: isHeader,
      // Rows are kept whole only in the header and in keep="together" tables: LibreOffice drops the
      // rows of a table of unsplittable rows that has to break at a page's end (实施方案's circuit table).
      ...(isHeader || spec.keepTogether ? { cantSplit: true } : {}),
      height: spec.rowHeight ? { value: spec.rowHeight, rule: HeightRule.ATLEAST } : undefined,
      children: cells,
    });
  });
  out.push(
    new Table({
      rows,
      width: { size: widths.reduce((sum, width) => sum + width, 0), type: WidthType.DXA },
      columnWidths: widths,
      layout: TableLayoutType.FIXED,
      margins: { left: CELL_MARGIN, right: CELL_MARGIN, top: 30, bottom: 30 },
      borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
    }),
  );
  // A little air after a table, which Word otherwise glues to the next paragraph.
  out.push(new Paragraph({ style: 'TableGap', children: [] }));
}

/**
 * A paragraph just before a table (its caption or lead-in sentence, "以下问题…：") keeps with the
 * table, so that it is never left alone at the foot of a page.
 */
function keepLeadInsWithTables(blocks: BlockSpec[]): void {
  for (let index = 0; index + 1 < blocks.length; index += 1) {
    const block = blocks[index] as BlockSpec;
    if (block.type === 'paragraph' && blocks[index + 1]?.type === 'table' && block.runs.length > 0) block.options = { ...block.options, keepNext: true };
  }
}

/** docx's paragraphs and tables for block descriptions. */
export function docxBlocks(blocks: readonly BlockSpec[]): FileChild[] {
  const out: FileChild[] = [];
  for (const block of blocks) {
    if (block.type === 'paragraph') out.push(new Paragraph({ ...block.options, children: docxRuns(block.runs) }));
    else docxTable(block, out);
  }
  return out;
}

const PARSE_OPTIONS: FromMarkdownOptions = { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] };

/**
 * What any GFM construct needs in the text: a table's '|', strikethrough's '~', a footnote's or a
 * task item's '[', an autolink literal's www., http(s)://, '@' of an e-mail, mailto: or xmpp:.
 * Markdown without any of them parses to the same tree with CommonMark alone, about twice as fast
 * (the remainder of a document once its tables are taken out rarely has any; a test holds the
 * trees equal).
 */
const GFM_SYNTAX = /[|~[@]|www\.|http|mailto:|xmpp:/i;

/** micromark with GFM, or CommonMark alone when the text cannot hold GFM syntax. */
function micromarkTree(markdown: string): Root {
  return GFM_SYNTAX.test(markdown) ? fromMarkdown(markdown, PARSE_OPTIONS) : fromMarkdown(markdown);
}

/**
 * The mdast of CommonMark + GFM, as micromark gives it. The tables micromark is slowest at are
 * read by a fast path that gives the same nodes, or left to micromark (see markdown-tables.ts).
 */
export function parseMarkdown(markdown: string): Root {
  const simple = parseSimpleDocument(markdown);
  if (simple) return simple;
  const extracted = extractTables(markdown);
  if (extracted) {
    const root = micromarkTree(extracted.markdown);
    if (placeTables(root, extracted.tables)) {
      // The placeholders are shorter than the tables: the document still ends where the Markdown does.
      const lines = markdown.split('\n');
      if (root.position) root.position.end = { line: lines.length, column: (lines[lines.length - 1] ?? '').length + 1, offset: markdown.length };
      return root;
    }
  }
  return micromarkTree(markdown);
}

/** Reads the Markdown a template produced into descriptions of the cover's and the body's blocks. */
export function markdownBlocks(markdown: string, options: ConvertOptions): MarkdownBlocks {
  return new Converter(options).convert(parseMarkdown(markdown));
}

/** Converts the Markdown a template produced into the blocks of the cover and the body. */
export function convertMarkdown(markdown: string, options: ConvertOptions): ConvertedMarkdown {
  const blocks = markdownBlocks(markdown, options);
  return { cover: blocks.cover === null ? null : docxBlocks(blocks.cover), body: docxBlocks(blocks.body) };
}
