import { strFromU8, unzipSync } from 'fflate';

/**
 * The text of a .docx, for golden tests and for reading documents back: the properties, the
 * header and footer, then paragraphs and table rows in order. Headings are marked with #,
 * list items with -, table rows as | a | b |, page breaks as [分页], fields as {PAGE}.
 */

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(Number.parseInt(code, 16)))
    .replace(/&amp;/g, '&');
}

const TOKEN = /<(\/?)(w:p|w:tbl|w:tr|w:tc|w:t|w:tab|w:br|w:instrText|w:pStyle|w:numPr|w:ilvl|w:pageBreakBefore|w:sectPr)\b([^>]*?)(\/?)>|<[^>]+>|([^<]+)/g;

/** Lines of one WordprocessingML part (document, header or footer). */
export function partText(xml: string): string[] {
  const lines: string[] = [];
  let paragraph: { text: string; style?: string; list?: number; pageBreak?: boolean } | undefined;
  let inText = false;
  let inInstr = false;
  const tables: { rows: string[][]; row?: string[]; cell?: string[] }[] = [];
  const emit = (line: string): void => {
    const table = tables.at(-1);
    if (table?.cell) table.cell.push(line);
    else lines.push(line);
  };
  for (const match of xml.matchAll(TOKEN)) {
    const [, closing, name, attributes = '', selfClosing, text] = match;
    if (text !== undefined) {
      if (paragraph && inText) paragraph.text += decode(text);
      if (paragraph && inInstr) paragraph.text += `{${decode(text).trim().split(/\s+/)[0] ?? ''}}`;
      continue;
    }
    if (!name) continue;
    const open = !closing;
    switch (name) {
      case 'w:p':
        if (open && !selfClosing) paragraph = { text: '' };
        else if (open && selfClosing) emit('');
        else if (paragraph) {
          let prefix = '';
          const heading = /^Heading(\d)$/.exec(paragraph.style ?? '');
          if (heading) prefix = `${'#'.repeat(Number(heading[1]))} `;
          else if (paragraph.style === 'Title' || paragraph.style === 'CoverTitle') prefix = '= ';
          else if (paragraph.style === 'Subtitle') prefix = '== ';
          else if (paragraph.list !== undefined) prefix = `${'  '.repeat(paragraph.list)}- `;
          if (paragraph.pageBreak) emit('[分页]');
          const body = `${prefix}${paragraph.text}`.replace(/\s+$/, '');
          if (body !== '' || tables.length > 0) emit(body);
          paragraph = undefined;
        }
        break;
      case 'w:t':
        inText = open && !selfClosing;
        break;
      case 'w:instrText':
        inInstr = open && !selfClosing;
        break;
      case 'w:tab':
        // <w:tab w:val=... w:pos=.../> inside <w:tabs> defines a tab stop; only a run's <w:tab/> is a tab.
        if (paragraph && open && !/w:val=/.test(attributes)) paragraph.text += '  ';
        break;
      case 'w:br':
        if (paragraph && open) {
          if (/w:type="page"/.test(attributes)) paragraph.pageBreak = true;
          else paragraph.text += '\n';
        }
        break;
      case 'w:pStyle':
        if (paragraph && open) paragraph.style = /w:val="([^"]*)"/.exec(attributes)?.[1];
        break;
      case 'w:numPr':
        if (paragraph && open) paragraph.list = paragraph.list ?? 0;
        break;
      case 'w:ilvl':
        if (paragraph && open) paragraph.list = Number(/w:val="(\d+)"/.exec(attributes)?.[1] ?? 0);
        break;
      case 'w:pageBreakBefore':
        if (paragraph && open && !/w:val="(false|0)"/.test(attributes)) paragraph.pageBreak = true;
        break;
      case 'w:sectPr':
        if (open && paragraph) lines.push('[分节]');
        break;
      case 'w:tbl':
        if (open) tables.push({ rows: [] });
        else {
          const table = tables.pop();
          for (const row of table?.rows ?? []) emit(`| ${row.join(' | ')} |`);
        }
        break;
      case 'w:tr': {
        const table = tables.at(-1);
        if (!table) break;
        if (open) table.row = [];
        else if (table.row) {
          table.rows.push(table.row);
          table.row = undefined;
        }
        break;
      }
      case 'w:tc': {
        const table = tables.at(-1);
        if (!table) break;
        if (open) table.cell = [];
        else if (table.cell) {
          table.row?.push(table.cell.filter((line) => line !== '').join(' / ').replace(/\n/g, ' / '));
          table.cell = undefined;
        }
        break;
      }
      default:
        break;
    }
  }
  return lines;
}

function property(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`).exec(xml);
  return match ? decode(match[1] ?? '') : undefined;
}

/** All the text of a .docx, as lines. */
export function docxText(bytes: Uint8Array): string {
  const files = unzipSync(bytes);
  const read = (name: string): string | undefined => (files[name] ? strFromU8(files[name]) : undefined);
  const lines: string[] = [];
  const core = read('docProps/core.xml') ?? '';
  for (const [tag, label] of [
    ['dc:title', '标题'],
    ['dc:subject', '主题'],
    ['dc:creator', '作者'],
    ['dc:description', '备注'],
  ] as const) {
    const value = property(core, tag);
    if (value !== undefined) lines.push(`[属性] ${label}: ${value}`);
  }
  const names = Object.keys(files).sort();
  for (const name of names.filter((file) => /^word\/header\d*\.xml$/.test(file))) {
    const text = partText(read(name) ?? '').join(' / ');
    if (text) lines.push(`[页眉] ${text}`);
  }
  for (const name of names.filter((file) => /^word\/footer\d*\.xml$/.test(file))) {
    const text = partText(read(name) ?? '').join(' / ');
    if (text) lines.push(`[页脚] ${text}`);
  }
  lines.push('');
  lines.push(...partText(read('word/document.xml') ?? ''));
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
