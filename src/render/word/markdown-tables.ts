import type { AlignType, Html, PhrasingContent, Root, RootContent, Table, TableCell, TableRow, Text } from 'mdast';

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
