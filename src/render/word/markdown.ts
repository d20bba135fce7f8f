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
  type ParagraphChild,
} from 'docx';
import type { Nodes, PhrasingContent, Root, RootContent, Table as MdTable, List as MdList } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { DocpackError } from '../../errors.ts';
import { CELL_MARGIN, FONTS, TEXT_WIDTH, fitColumns } from './layout.ts';

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

interface TableOptions {
  widths?: number[];
  header: boolean;
  borders: boolean;
  rowHeight?: number;
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
}

class Converter {
  private cover: FileChild[] | null = null;
  private body: FileChild[] = [];
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

  convert(root: Root): ConvertedMarkdown {
    for (const node of root.children) this.block(node, this.body);
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

  private directive(node: Nodes & { type: 'html' }, out: FileChild[]): void {
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
        const { widths, header, borders, rowHeight } = directive.attributes;
        const parsedWidths = widths?.split(/[,\s]+/).filter(Boolean).map(Number);
        if (parsedWidths && parsedWidths.some((width) => !(width > 0))) this.fail(node, `table widths="${widths}" must be positive numbers`);
        const height = rowHeight === undefined ? undefined : lengthToTwips(rowHeight);
        if (rowHeight !== undefined && height === undefined) this.fail(node, `table rowHeight="${rowHeight}" is not a length (e.g. 12mm)`);
        this.pendingTable = {
          widths: parsedWidths,
          header: header !== 'no' && header !== 'none' && header !== 'false',
          borders: borders !== 'none' && borders !== 'no',
          rowHeight: height,
        };
        return;
      }
      default:
        // Any other comment is a comment for the people who edit the template.
        void out;
    }
  }

  private block(node: RootContent, out: FileChild[], listLevel = -1): void {
    switch (node.type) {
      case 'heading': {
        const levels = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6];
        const options = this.takeParagraphOptions();
        out.push(
          new Paragraph({
            ...(options.style ? { style: options.style } : { heading: levels[node.depth - 1] }),
            pageBreakBefore: options.pageBreakBefore,
            keepNext: true,
            children: this.inline(node.children, {}),
          }),
        );
        return;
      }
      case 'paragraph': {
        const options = this.takeParagraphOptions();
        out.push(new Paragraph({ ...options, children: this.inline(node.children, {}) }));
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
          if (child.type === 'paragraph') out.push(new Paragraph({ style: 'Note', ...this.takeParagraphOptions(), children: this.inline(child.children, {}) }));
          else this.block(child, out, listLevel);
        }
        return;
      case 'code':
        for (const line of node.value.split('\n')) {
          out.push(new Paragraph({ style: 'NoIndent', ...this.takeParagraphOptions(), children: [new TextRun({ text: line, font: FONTS.mono })] }));
        }
        return;
      case 'thematicBreak':
        out.push(
          new Paragraph({
            style: 'NoIndent',
            ...this.takeParagraphOptions(),
            border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '808080', space: 1 } },
            children: [],
          }),
        );
        return;
      case 'definition':
        return;
      default:
        this.fail(node, `${node.type} is not supported in Word templates`);
    }
  }

  private list(node: MdList, out: FileChild[], level: number): void {
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
        const children = this.inline(child.children, {});
        if (first) {
          out.push(
            new Paragraph({
              ...options,
              numbering: ordered ? { reference: ORDERED_REFERENCE, level, instance } : { reference: BULLET_REFERENCE, level },
              children,
            }),
          );
        } else {
          out.push(new Paragraph({ ...options, style: 'NoIndent', indent: { left: 420 * (level + 1) }, children }));
        }
        first = false;
      }
    }
  }

  private table(node: MdTable, out: FileChild[]): void {
    const options: TableOptions = this.pendingTable ?? { header: true, borders: true };
    this.pendingTable = undefined;
    if (this.pendingPageBreak || this.pendingStyle) {
      out.push(new Paragraph({ style: 'NoIndent', ...this.takeParagraphOptions(), children: [] }));
    }
    const texts = node.children.map((row) => row.children.map((cell) => plainText(cell)));
    const columns = Math.max(...node.children.map((row) => row.children.length));
    if (options.widths && options.widths.length !== columns) {
      this.fail(node, `table widths="${options.widths.join(',')}" names ${options.widths.length} columns, the table has ${columns}`);
    }
    const widths = fitColumns(options.header ? texts : [texts[0]?.map(() => '') ?? [], ...texts], TEXT_WIDTH, options.widths);
    const line = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
    const none = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
    const border = options.borders ? line : none;
    const rows = node.children.map((row, rowIndex) => {
      const isHeader = options.header && rowIndex === 0;
      const cells: TableCell[] = [];
      for (let column = 0; column < columns; column += 1) {
        const cell = row.children[column];
        const align = node.align?.[column];
        const alignment = isHeader || align === 'center' ? AlignmentType.CENTER : align === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT;
        cells.push(
          new TableCell({
            width: { size: widths[column] ?? 0, type: WidthType.DXA },
            verticalAlign: VerticalAlignTable.CENTER,
            shading: isHeader && options.borders ? { type: ShadingType.CLEAR, color: 'auto', fill: 'E7E6E6' } : undefined,
            children: [
              new Paragraph({
                style: isHeader ? 'TableHeading' : 'TableText',
                alignment,
                children: cell ? this.inline(cell.children, isHeader ? { bold: true } : {}) : [],
              }),
            ],
          }),
        );
      }
      return new TableRow({
        tableHeader: isHeader,
        cantSplit: true,
        height: options.rowHeight ? { value: options.rowHeight, rule: HeightRule.ATLEAST } : undefined,
        children: cells,
      });
    });
    out.push(
      new Table({
        rows,
        width: { size: TEXT_WIDTH, type: WidthType.DXA },
        columnWidths: widths,
        layout: TableLayoutType.FIXED,
        margins: { left: CELL_MARGIN, right: CELL_MARGIN, top: 30, bottom: 30 },
        borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
      }),
    );
    // A little air after a table, which Word otherwise glues to the next paragraph.
    out.push(new Paragraph({ style: 'TableGap', children: [] }));
  }

  private inline(nodes: readonly PhrasingContent[], marks: Marks): ParagraphChild[] {
    const runs: ParagraphChild[] = [];
    for (const node of nodes) {
      switch (node.type) {
        case 'text':
          runs.push(this.run(node.value, marks));
          break;
        case 'strong':
          runs.push(...this.inline(node.children, { ...marks, bold: true }));
          break;
        case 'emphasis':
          runs.push(...this.inline(node.children, { ...marks, italics: true }));
          break;
        case 'delete':
          runs.push(...this.inline(node.children, { ...marks, strike: true }));
          break;
        case 'inlineCode':
          runs.push(this.run(node.value, { ...marks, code: true }));
          break;
        case 'break':
          runs.push(new TextRun({ break: 1 }));
          break;
        case 'link':
          runs.push(...this.inline(node.children, marks));
          break;
        case 'html': {
          const value = node.value.trim();
          if (BREAK_TAG.test(value)) {
            runs.push(new TextRun({ break: 1 }));
            break;
          }
          const directive = parseDirective(value);
          if (directive?.name === 'pagebreak') runs.push(new PageBreak());
          else if (!directive) this.fail(node, `HTML is not supported in Word templates: ${value.slice(0, 60)}`);
          break;
        }
        default:
          this.fail(node, `${node.type} is not supported in Word templates`);
      }
    }
    return runs;
  }

  private run(text: string, marks: Marks): TextRun {
    return new TextRun({
      text,
      bold: marks.bold,
      italics: marks.italics,
      strike: marks.strike,
      font: marks.code ? FONTS.mono : undefined,
    });
  }
}

export function parseMarkdown(markdown: string): Root {
  return fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

/** Converts the Markdown a template produced into the blocks of the cover and the body. */
export function convertMarkdown(markdown: string, options: ConvertOptions): ConvertedMarkdown {
  return new Converter(options).convert(parseMarkdown(markdown));
}
