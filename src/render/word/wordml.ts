import { FONTS, CELL_MARGIN } from './layout.ts';
import type { BlockSpec, ParagraphSpec, RunSpec, TableSpec } from './markdown.ts';
import { xmlTextAsDocx as escapeXml } from '../xml-safe.ts';

/**
 * WordprocessingML for block descriptions, written as text: the same bytes docx's Formatter and
 * stringifier give for the docx objects `docxBlocks` builds (a differential test holds the two
 * together on every shipped template and on random blocks), at a fraction of the cost. docx still
 * writes everything else in the package (styles, numbering, header, properties, section
 * properties); only the blocks are written here.
 *
 * It knows exactly the paragraph options the Markdown converter gives. For anything else
 * `blocksSupported` says no, and the document goes through docx as a whole.
 */

/** The list a numbered paragraph belongs to: docx's key for it, `reference-instance`. */
export function listKey(numbering: { reference: string | { reference: string }; instance?: number }): string {
  const reference = typeof numbering.reference === 'string' ? numbering.reference : numbering.reference.reference;
  return `${reference}-${numbering.instance ?? 0}`;
}

const PARAGRAPH_OPTIONS = new Set(['style', 'heading', 'pageBreakBefore', 'keepNext', 'numbering', 'indent', 'border', 'alignment']);

function paragraphSupported(options: ParagraphSpec['options']): boolean {
  for (const key in options) {
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (!PARAGRAPH_OPTIONS.has(key)) return false;
  }
  const { numbering, indent, border } = options;
  if (numbering !== undefined && (typeof numbering !== 'object' || typeof numbering.reference !== 'string' || 'restart' in numbering || 'custom' in numbering)) return false;
  if (indent !== undefined && (Object.keys(indent).length !== 1 || typeof indent.left !== 'number')) return false;
  if (border !== undefined) {
    if (Object.keys(border).length !== 1 || !border.bottom) return false;
    const { style, size, color, space } = border.bottom;
    if (typeof style !== 'string' || typeof size !== 'number' || typeof color !== 'string' || typeof space !== 'number') return false;
  }
  return true;
}

/** Whether every block is one this writer writes as docx would. */
export function blocksSupported(blocks: readonly BlockSpec[]): boolean {
  for (const block of blocks) if (block.type === 'paragraph' && !paragraphSupported(block.options)) return false;
  return true;
}

/** The lists the blocks use, in the order docx creates them (first use, in document order). */
export function listsInOrder(blocks: readonly BlockSpec[], into: string[] = []): string[] {
  for (const block of blocks) {
    if (block.type !== 'paragraph' || !block.options.numbering) continue;
    const key = listKey(block.options.numbering);
    if (!into.includes(key)) into.push(key);
  }
  return into;
}

// The one XML escaper (render/xml-safe.ts), in docx's form; docx.ts imports it from here.
export { escapeXml };

function onOff(name: string, value: boolean | undefined): string {
  if (value === undefined) return '';
  return value === true ? `<${name}/>` : `<${name} w:val="${value}"/>`;
}

function fontsXml(font: { ascii: string; hAnsi: string; cs: string; eastAsia: string }): string {
  return `<w:rFonts w:ascii="${escapeXml(font.ascii)}" w:cs="${escapeXml(font.cs)}" w:eastAsia="${escapeXml(font.eastAsia)}" w:hAnsi="${escapeXml(font.hAnsi)}"/>`;
}

const MONO = fontsXml(FONTS.mono);

function runXml(run: RunSpec): string {
  switch (run.kind) {
    case 'break':
      return '<w:r><w:br/></w:r>';
    case 'pageBreak':
      return '<w:r><w:br w:type="page"/></w:r>';
    case 'code':
      return `<w:r><w:rPr>${MONO}</w:rPr><w:t xml:space="preserve">${escapeXml(run.text)}</w:t></w:r>`;
    case 'text': {
      const properties =
        (run.mono ? MONO : '') +
        (run.bold === undefined ? '' : onOff('w:b', run.bold) + onOff('w:bCs', run.bold)) +
        (run.italics === undefined ? '' : onOff('w:i', run.italics) + onOff('w:iCs', run.italics)) +
        onOff('w:strike', run.strike);
      return `<w:r>${properties ? `<w:rPr>${properties}</w:rPr>` : ''}<w:t xml:space="preserve">${escapeXml(run.text)}</w:t></w:r>`;
    }
  }
}

function runsXml(runs: readonly RunSpec[]): string {
  let xml = '';
  for (const run of runs) xml += runXml(run);
  return xml;
}

/** `sectionProperties`: the w:sectPr of the section this paragraph ends, if it ends one. */
function paragraphXml(block: ParagraphSpec, numIds: ReadonlyMap<string, number>, sectionProperties = ''): string {
  const { options } = block;
  let properties = '';
  if (options.heading) properties += `<w:pStyle w:val="${escapeXml(options.heading)}"/>`;
  if (options.numbering && !options.style && !options.heading) properties += '<w:pStyle w:val="ListParagraph"/>';
  if (options.style) properties += `<w:pStyle w:val="${escapeXml(options.style)}"/>`;
  properties += onOff('w:keepNext', options.keepNext);
  if (options.pageBreakBefore) properties += '<w:pageBreakBefore/>';
  if (options.numbering) {
    const numId = numIds.get(listKey(options.numbering));
    if (numId === undefined) throw new Error(`no list id for ${listKey(options.numbering)}`);
    properties += `<w:numPr><w:ilvl w:val="${options.numbering.level}"/><w:numId w:val="${numId}"/></w:numPr>`;
  }
  const bottom = options.border?.bottom;
  if (bottom) {
    properties += `<w:pBdr><w:bottom w:val="${escapeXml(bottom.style)}" w:color="${escapeXml(String(bottom.color))}" w:sz="${bottom.size}" w:space="${bottom.space}"/></w:pBdr>`;
  }
  if (options.indent) properties += `<w:ind w:left="${options.indent.left}"/>`;
  if (options.alignment) properties += `<w:jc w:val="${escapeXml(options.alignment)}"/>`;
  properties += sectionProperties;
  const content = (properties ? `<w:pPr>${properties}</w:pPr>` : '') + runsXml(block.runs);
  return content ? `<w:p>${content}</w:p>` : '<w:p/>';
}

function border(on: boolean): string {
  return on ? 'w:val="single" w:color="000000" w:sz="4"' : 'w:val="none" w:color="FFFFFF" w:sz="0"';
}

const HEADER_SHADING = '<w:shd w:fill="E7E6E6" w:color="auto" w:val="clear"/>';

function tableXml(table: TableSpec): string {
  const edge = border(table.borders);
  let xml =
    `<w:tbl><w:tblPr><w:tblW w:type="dxa" w:w="${table.widths.reduce((sum, width) => sum + width, 0)}"/><w:tblBorders>` +
    `<w:top ${edge}/><w:left ${edge}/><w:bottom ${edge}/><w:right ${edge}/><w:insideH ${edge}/><w:insideV ${edge}/></w:tblBorders>` +
    `<w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:type="dxa" w:w="30"/><w:left w:type="dxa" w:w="${CELL_MARGIN}"/>` +
    `<w:bottom w:type="dxa" w:w="30"/><w:right w:type="dxa" w:w="${CELL_MARGIN}"/></w:tblCellMar></w:tblPr><w:tblGrid>`;
  for (const width of table.widths) xml += `<w:gridCol w:w="${width}"/>`;
  xml += '</w:tblGrid>';
  const height = table.rowHeight ? `<w:trHeight w:val="${table.rowHeight}" w:hRule="atLeast"/>` : '';
  table.rows.forEach((row, rowIndex) => {
    const isHeader = table.header && rowIndex === 0;
    const keep = table.keepTogether === true && rowIndex < table.rows.length - 1;
    xml += `<w:tr><w:trPr>${isHeader || table.keepTogether === true ? '<w:cantSplit/>' : ''}${isHeader ? '<w:tblHeader/>' : '<w:tblHeader w:val="off"/>'}${height}</w:trPr>`;
    for (let column = 0; column < table.columns; column += 1) {
      const cell = row[column];
      const align = table.align[column];
      const alignment = isHeader || align === 'center' ? 'center' : align === 'right' ? 'right' : 'left';
      xml +=
        `<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${table.widths[column] ?? 0}"/>${isHeader && table.borders ? HEADER_SHADING : ''}<w:vAlign w:val="center"/></w:tcPr>` +
        `<w:p><w:pPr><w:pStyle w:val="${isHeader ? 'TableHeading' : 'TableText'}"/>${keep ? '<w:keepNext/>' : ''}<w:jc w:val="${alignment}"/></w:pPr>${cell ? runsXml(cell) : ''}</w:p></w:tc>`;
    }
    xml += '</w:tr>';
  });
  return `${xml}</w:tbl>`;
}

/** docxTable follows every table with a TableGap paragraph, which may end a section. */
const TABLE_GAP = '<w:p><w:pPr><w:pStyle w:val="TableGap"/></w:pPr></w:p>';
const TABLE_GAP_OPEN = '<w:p><w:pPr><w:pStyle w:val="TableGap"/>';

/**
 * The XML of the blocks of one section. `sectionProperties` (a w:sectPr) goes into the last
 * paragraph's properties, as docx places a section's properties when the section is not the last.
 */
export function blocksXml(blocks: readonly BlockSpec[], numIds: ReadonlyMap<string, number>, sectionProperties = ''): string {
  let xml = '';
  const last = blocks.length - 1;
  blocks.forEach((block, index) => {
    const ends = index === last ? sectionProperties : '';
    if (block.type === 'paragraph') {
      xml += paragraphXml(block, numIds, ends);
      return;
    }
    xml += tableXml(block);
    xml += ends ? `${TABLE_GAP_OPEN}${ends}</w:pPr></w:p>` : TABLE_GAP;
  });
  return xml;
}
