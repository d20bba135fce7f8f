import type { AlignType, Html, List, ListItem, Paragraph, PhrasingContent, Root, RootContent, Table, TableCell, TableRow, Text } from 'mdast';

/**
 * A fast path for the GFM tables templates write, which are most of their Markdown and most of
 * micromark's time (its table tokenizer and resolver are the slowest part of a parse).
 *
 * `extractTables` takes out the tables it can read exactly, each replaced by a placeholder line
 * (and blank lines, so that later nodes keep their line numbers); micromark parses the rest; and
 * `placeTables` puts the tables in where their placeholders came out as paragraphs of their own
 * at the top level. A table is only taken when it is plainly a table whatever surrounds it: it
 * starts after a blank line or a one-line HTML comment (a directive), every line starts and ends
 * with `|`, the delimiter row has one cell per header cell, every row has that many cells, and
 * every cell holds only text, backslash escapes and `<br>`. Anything else (emphasis, code, links,
 * entities, autolink literals, ragged rows) is left to micromark. If a placeholder does not come
 * out as a top-level paragraph of its own (it was inside a code block, say), the caller parses the
 * whole Markdown with micromark instead, so the tree is always the one micromark would give.
 */

/** Private-use characters that mark a placeholder; Markdown that has them is not touched. */
const OPEN = '\uE000';
const CLOSE = '\uE001';

const placeholder = (index: number): string => `${OPEN}${index}${CLOSE}`;

export interface ExtractedTables {
  /** The Markdown with each table taken out replaced by a placeholder line and blank lines. */
  markdown: string;
  tables: Table[];
}

const BLANK = /^[ \t]*$/;
const ONE_LINE_COMMENT = /^<!--.*-->[ \t]*$/;
const DELIMITER_CELL = /^[ \t]*(:?)-+(:?)[ \t]*$/;
// Where micromark's GFM autolink literals (syntax or the mdast transform) could find a link.
const AUTOLINK = /@|www\.|https?:\/\//i;

/** Characters that are (or may start) inline syntax other than a backslash escape or `<br>`. */
const UNSAFE = new Uint8Array(128);
for (const character of '*_~`[]!<>&\t\r\0') UNSAFE[character.charCodeAt(0)] = 1;

function isAsciiPunctuation(code: number): boolean {
  return (code >= 0x21 && code <= 0x2f) || (code >= 0x3a && code <= 0x40) || (code >= 0x5b && code <= 0x60) || (code >= 0x7b && code <= 0x7e);
}

interface Row {
  /** Cell contents, trimmed of spaces and tabs. */
  cells: string[];
  /** 0-based column of each cell's content (after the trim), and where it ends. */
  starts: number[];
  ends: number[];
}

/** The cells of a `| a | b |` line, or null when it does not start and end with an unescaped pipe. */
function splitRow(line: string): Row | null {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end -= 1;
  if (line.charCodeAt(0) !== 124 || end < 2) return null;
  const row: Row = { cells: [], starts: [], ends: [] };
  let cellStart = 1;
  let index = 1;
  for (; index < end; index += 1) {
    const code = line.charCodeAt(index);
    if (code === 92) {
      index += 1;
      continue;
    }
    if (code !== 124) continue;
    let from = cellStart;
    let to = index;
    while (from < to && (line.charCodeAt(from) === 32 || line.charCodeAt(from) === 9)) from += 1;
    while (to > from && (line.charCodeAt(to - 1) === 32 || line.charCodeAt(to - 1) === 9)) to -= 1;
    row.cells.push(line.slice(from, to));
    row.starts.push(from);
    row.ends.push(to);
    cellStart = index + 1;
  }
  // The last character was a separator only if the scan stopped right after one.
  if (cellStart !== end || index !== end) return null;
  return row;
}

/** The alignment of each column, or null when `line` is not a delimiter row. */
function delimiterRow(line: string): AlignType[] | null {
  const row = splitRow(line);
  if (!row) return null;
  const align: AlignType[] = [];
  for (const cell of row.cells) {
    const match = DELIMITER_CELL.exec(cell);
    if (!match) return null;
    align.push(match[1] ? (match[2] ? 'center' : 'left') : match[2] ? 'right' : null);
  }
  return align;
}

/** The phrasing content micromark gives a cell of text, escapes and `<br>`, or null for anything else. */
function cellChildren(content: string): PhrasingContent[] | null {
  if (content === '') return [];
  if (content.includes('\\') ? AUTOLINK.test(content.replace(/\\/g, '')) : AUTOLINK.test(content)) return null;
  const children: PhrasingContent[] = [];
  let text = '';
  let runStart = 0;
  for (let index = 0; index < content.length; index += 1) {
    const code = content.charCodeAt(index);
    if (code === 92) {
      const next = content.charCodeAt(index + 1);
      if (isAsciiPunctuation(next)) {
        text += content.slice(runStart, index);
        runStart = index + 1;
        index += 1;
      }
      continue;
    }
    if (code === 60 && content.startsWith('<br>', index)) {
      text += content.slice(runStart, index);
      if (text !== '') children.push({ type: 'text', value: text } satisfies Text);
      children.push({ type: 'html', value: '<br>' } satisfies Html);
      text = '';
      index += 3;
      runStart = index + 1;
      continue;
    }
    if (code < 128 && UNSAFE[code] === 1) return null;
    if (code === 0xe000 || code === 0xe001) return null;
  }
  text += content.slice(runStart);
  if (text !== '') children.push({ type: 'text', value: text } satisfies Text);
  return children;
}

function point(line: number, column: number, offset: number): { line: number; column: number; offset: number } {
  return { line, column: column + 1, offset: offset + column };
}

/**
 * Takes out the tables that can be read here; null when none can (or the Markdown has the
 * placeholder characters), so the caller parses the Markdown as it is.
 */
export function extractTables(markdown: string): ExtractedTables | null {
  if (!markdown.includes('\n|') && !markdown.startsWith('|')) return null;
  if (markdown.includes(OPEN) || markdown.includes(CLOSE)) return null;
  const lines = markdown.split('\n');
  const offsets: number[] = new Array<number>(lines.length);
  for (let index = 0, offset = 0; index < lines.length; index += 1) {
    offsets[index] = offset;
    offset += (lines[index] as string).length + 1;
  }
  const out: string[] = [];
  const tables: Table[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as string;
    const table =
      line.charCodeAt(0) === 124 && (index === 0 || BLANK.test(lines[index - 1] as string) || ONE_LINE_COMMENT.test(lines[index - 1] as string))
        ? readTable(lines, offsets, index)
        : null;
    if (!table) {
      out.push(line);
      continue;
    }
    out.push(placeholder(tables.length));
    tables.push(table.node);
    for (let skipped = index + 1; skipped < table.next; skipped += 1) out.push('');
    index = table.next - 1;
  }
  return tables.length === 0 ? null : { markdown: out.join('\n'), tables };
}

/** The table starting at line `first`, and the index of the line after it; null if it is not one to take. */
function readTable(lines: readonly string[], offsets: readonly number[], first: number): { node: Table; next: number } | null {
  const delimiter = lines[first + 1];
  if (delimiter === undefined || delimiter.charCodeAt(0) !== 124) return null;
  const align = delimiterRow(delimiter);
  if (!align) return null;
  const rows: TableRow[] = [];
  const columns = align.length;
  let index = first;
  for (; index < lines.length; index += 1) {
    if (index === first + 1) continue;
    const line = lines[index] as string;
    if (BLANK.test(line)) break;
    if (line.charCodeAt(0) !== 124) return null;
    const row = splitRow(line);
    if (!row || row.cells.length !== columns) return null;
    const cells: TableCell[] = [];
    for (let column = 0; column < columns; column += 1) {
      const children = cellChildren(row.cells[column] as string);
      if (!children) return null;
      cells.push({
        type: 'tableCell',
        children,
        position: { start: point(index + 1, row.starts[column] as number, offsets[index] as number), end: point(index + 1, row.ends[column] as number, offsets[index] as number) },
      });
    }
    rows.push({ type: 'tableRow', children: cells, position: { start: point(index + 1, 0, offsets[index] as number), end: point(index + 1, line.length, offsets[index] as number) } });
  }
  const last = index - 1;
  const node: Table = {
    type: 'table',
    align,
    children: rows,
    position: { start: point(first + 1, 0, offsets[first] as number), end: point(last + 1, (lines[last] as string).length, offsets[last] as number) },
  };
  return { node, next: index };
}

/**
 * Puts the tables in for their placeholders. False when a placeholder is not a top-level
 * paragraph of its own, so the tables' places were not what they seemed.
 */
export function placeTables(root: Root, tables: readonly Table[]): boolean {
  let placed = 0;
  const children: RootContent[] = root.children;
  for (let index = 0; index < children.length; index += 1) {
    const node = children[index] as RootContent;
    if (node.type !== 'paragraph' || node.children.length !== 1) continue;
    const only = node.children[0] as PhrasingContent;
    if (only.type !== 'text' || only.value.charCodeAt(0) !== 0xe000) continue;
    if (only.value !== placeholder(placed)) return false;
    children[index] = tables[placed] as Table;
    placed += 1;
  }
  return placed === tables.length;
}

/**
 * The whole tree of a document made only of what templates mostly write, built here without
 * micromark: blank lines, one-line HTML comments (directives), ATX headings, paragraphs, tight
 * lists of one-line items (`1. …` or `- …`), block quotes, and the tables above; null for anything
 * else, which micromark then parses. Text must be plain (see isPlainText), except that a paragraph
 * may open with `**strong**`. Each block must stand between blank lines or comments where
 * CommonMark would otherwise let it run on (a paragraph's lazy lines, a list's next item). The tree
 * is micromark's, positions included (table cells aside); a property test holds them equal.
 */
export function parseSimpleDocument(markdown: string): Root | null {
  if (markdown.includes(OPEN) || markdown.includes(CLOSE) || markdown.includes('\r')) return null;
  const lines = markdown.split('\n');
  const offsets: number[] = new Array<number>(lines.length);
  for (let index = 0, offset = 0; index < lines.length; index += 1) {
    offsets[index] = offset;
    offset += (lines[index] as string).length + 1;
  }
  const at = (index: number, column: number): Point => point(index + 1, column, offsets[index] as number);
  const lineEnd = (index: number): Point => at(index, (lines[index] as string).length);
  /** Whether the line before `index` ends whatever came before it (a blank line, a comment, the start). */
  const freshStart = (index: number): boolean => index === 0 || BLANK.test(lines[index - 1] as string) || isOneLineComment(lines[index - 1] as string);
  /** Whether nothing can run on after line `index`: the end, or a blank line. */
  const closed = (index: number): boolean => index + 1 >= lines.length || BLANK.test(lines[index + 1] as string);
  const children: RootContent[] = [];
  let paragraphStart = -1;
  const endParagraph = (end: number): boolean => {
    if (paragraphStart < 0) return true;
    const paragraph = paragraphOf(lines, paragraphStart, end - 1, 0, at);
    paragraphStart = -1;
    if (!paragraph) return false;
    children.push(paragraph);
    return true;
  };
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as string;
    if (BLANK.test(line)) {
      if (!endParagraph(index)) return null;
      continue;
    }
    if (isOneLineComment(line)) {
      if (!endParagraph(index)) return null;
      children.push({ type: 'html', value: line, position: { start: at(index, 0), end: lineEnd(index) } });
      continue;
    }
    const first = line.charCodeAt(0);
    if (first === 124) {
      // A table is taken only after a blank line or a comment, as extractTables does.
      if (!freshStart(index)) return null;
      const table = readTable(lines, offsets, index);
      if (!table) return null;
      children.push(table.node);
      index = table.next - 1;
      continue;
    }
    const depth = headingDepth(line);
    if (depth > 0) {
      if (!endParagraph(index)) return null;
      const content = line.slice(depth + 1);
      if (!isPlainText(content)) return null;
      children.push({
        type: 'heading',
        depth: depth as 1 | 2 | 3 | 4 | 5 | 6,
        children: [{ type: 'text', value: content, position: { start: at(index, depth + 1), end: lineEnd(index) } }],
        position: { start: at(index, 0), end: lineEnd(index) },
      });
      continue;
    }
    if (first === 62) {
      // A block quote: `> ` lines, one paragraph, between blank lines (or a comment before it).
      if (paragraphStart >= 0 || !freshStart(index)) return null;
      let last = index;
      while (last + 1 < lines.length && (lines[last + 1] as string).charCodeAt(0) === 62) last += 1;
      if (!closed(last)) return null;
      for (let quoted = index; quoted <= last; quoted += 1) if (!(lines[quoted] as string).startsWith('> ')) return null;
      const paragraph = paragraphOf(lines, index, last, 2, at);
      if (!paragraph) return null;
      children.push({ type: 'blockquote', children: [paragraph], position: { start: at(index, 0), end: lineEnd(last) } });
      index = last;
      continue;
    }
    const marker = listMarker(line);
    if (marker) {
      // A tight list: one-line items of one kind, between blank lines (or a comment before it).
      if (paragraphStart >= 0 || !freshStart(index)) return null;
      const items: ListItem[] = [];
      let last = index;
      for (let item = index; item < lines.length; item += 1) {
        const itemMarker = listMarker(lines[item] as string);
        if (!itemMarker || itemMarker.ordered !== marker.ordered) break;
        const paragraph = paragraphOf(lines, item, item, itemMarker.width, at);
        if (!paragraph) return null;
        items.push({ type: 'listItem', spread: false, checked: null, children: [paragraph], position: { start: at(item, 0), end: lineEnd(item) } });
        last = item;
      }
      if (!closed(last)) return null;
      // After blank lines, an item of the same kind would continue this list (loosely).
      let next = last + 1;
      while (next < lines.length && BLANK.test(lines[next] as string)) next += 1;
      if (next < lines.length && listMarker(lines[next] as string)?.ordered === marker.ordered) return null;
      const list: List = { type: 'list', ordered: marker.ordered, start: marker.start, spread: false, children: items, position: { start: at(index, 0), end: lineEnd(last) } };
      children.push(list);
      index = last;
      continue;
    }
    // A paragraph's line: paragraphOf checks its lines (plain; the first may open with **strong**) when it ends.
    if (paragraphStart < 0) paragraphStart = index;
  }
  if (!endParagraph(lines.length)) return null;
  return { type: 'root', children, position: { start: { line: 1, column: 1, offset: 0 }, end: lineEnd(lines.length - 1) } };
}

type Point = { line: number; column: number; offset: number };

/**
 * The paragraph of lines first..last, each read from column `indent` (after `> ` or a list marker):
 * plain text, which may open with `**strong**`; null for anything else.
 */
function paragraphOf(lines: readonly string[], first: number, last: number, indent: number, at: (index: number, column: number) => Point): Paragraph | null {
  const texts: string[] = [];
  for (let index = first; index <= last; index += 1) {
    const text = (lines[index] as string).slice(indent);
    if (!isPlainLineStart(text) && !(index === first && opensWithStrong(text))) return null;
    texts.push(text);
  }
  const value = texts.join('\n');
  const start = at(first, indent);
  const end = at(last, (lines[last] as string).length);
  const children: PhrasingContent[] = [];
  let rest = value;
  let restStart = start;
  if (value.startsWith('**')) {
    // `**X**` opening the paragraph: X plain, on the first line, not starting with white space nor
    // ending with white space or punctuation (so that the closing ** can close whatever follows it).
    const close = value.indexOf('**', 2);
    const strong = close > 2 ? value.slice(2, close) : '';
    if (strong === '' || strong.includes('\n') || strong.includes('*') || !isPlainText(strong) || /^\s/u.test(strong) || /[\s\p{P}\p{S}]$/u.test(strong)) return null;
    const afterOpen = at(first, indent + 2);
    const afterText = at(first, indent + 2 + strong.length);
    restStart = at(first, indent + 4 + strong.length);
    children.push({ type: 'strong', children: [{ type: 'text', value: strong, position: { start: afterOpen, end: afterText } }], position: { start, end: restStart } });
    rest = value.slice(close + 2);
  }
  if (rest.includes('*') || !isPlainText(rest)) return null;
  if (rest !== '') children.push({ type: 'text', value: rest, position: { start: { ...restStart }, end: { ...end } } });
  return { type: 'paragraph', children, position: { start: { ...start }, end: { ...end } } };
}

/** A line that opens with `**` and does not end with white space (paragraphOf checks the rest). */
function opensWithStrong(line: string): boolean {
  return line.startsWith('**') && !/\s$/.test(line);
}

/** `1. text` (a number of up to nine digits, '.', one space) or `- text`; null for anything else. */
function listMarker(line: string): { ordered: boolean; start: number | null; width: number } | null {
  if (line.startsWith('- ')) return { ordered: false, start: null, width: 2 };
  const match = /^(\d{1,9})\. /.exec(line);
  return match ? { ordered: true, start: Number(match[1]), width: (match[1] as string).length + 2 } : null;
}

/** `<!-- … -->` alone on its line, from its first column, nothing after it: an HTML block of its own. */
function isOneLineComment(line: string): boolean {
  return line.startsWith('<!--') && line.length >= 7 && line.endsWith('-->') && line.indexOf('-->', 4) === line.length - 3;
}

/** 1–6 for `# text` … `###### text` with one space and text that neither starts nor ends with space nor holds '#'; else 0. */
function headingDepth(line: string): number {
  let depth = 0;
  while (depth < line.length && line.charCodeAt(depth) === 35) depth += 1;
  if (depth === 0 || depth > 6 || line.charCodeAt(depth) !== 32) return 0;
  const content = line.slice(depth + 1);
  if (content === '' || content.includes('#') || /^\s|\s$/.test(content)) return -1;
  return depth;
}

/** A line that starts a paragraph (or continues one) whatever came before: no indent, block marker or list number; plain text. */
function isPlainLineStart(line: string): boolean {
  const code = line.charCodeAt(0);
  if (line === '' || (code < 128 && (isAsciiPunctuation(code) || code <= 32))) return false;
  return !/^\s|\s$/.test(line) && !/^\d{1,9}[.)]/.test(line) && isPlainText(line);
}

/** Text in which nothing is inline Markdown: no emphasis, code, link, HTML, entity, escape, GFM syntax. */
function isPlainText(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 128 && (UNSAFE[code] === 1 || code === 92 || code === 124 || code === 35 || (code < 32 && code !== 10))) return false;
  }
  return !/www\.|http|mailto:|xmpp:|@|~|\[/i.test(text);
}
