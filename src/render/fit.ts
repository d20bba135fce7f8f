// How text breaks into lines and how wide a column must be, for every table docpack writes: Word
// tables (word/layout.ts, in twips) and both Excel writers (excel/render.ts, in character widths).
// One tokenizer and one line filler, each writer giving its own measure of a token; one column
// fitting for the sheets.

/** The width of an unbreakable piece of text in the caller's unit. */
export type Measure = (token: string) => number;

/**
 * The pieces a line can break between: a Chinese (or other non-ASCII) character, a run of white
 * space, a Chinese date (2026年11月25日), or a run of printable ASCII (a word, a number, a date, an
 * id), which breaks only after a '-' or '/' (ids such as GD-ZH-MSTP-20261103-01 and paths), never
 * inside a number or a date. (A scanner: every table cell of every document goes through it. It
 * gives what TOKEN_PATTERN's matches, ASCII runs split after '-' and '/', give; a test holds them equal.)
 */
export function tokens(line: string): string[] {
  const out: string[] = [];
  const length = line.length;
  let index = 0;
  while (index < length) {
    const code = line.charCodeAt(index);
    if (isPrintableAscii(code)) {
      const date = chineseDateEnd(line, index);
      if (date > 0) {
        out.push(line.slice(index, date));
        index = date;
        continue;
      }
      // A run of printable ASCII, in pieces that end after a '-' or '/' followed by more of the run.
      let start = index;
      let end = index;
      while (end < length && isPrintableAscii(line.charCodeAt(end))) {
        const char = line.charCodeAt(end);
        end += 1;
        if ((char === 0x2d || char === 0x2f) && end < length && isPrintableAscii(line.charCodeAt(end))) {
          out.push(line.slice(start, end));
          start = end;
        }
      }
      out.push(line.slice(start, end));
      index = end;
    } else if (isSpace(code)) {
      let end = index + 1;
      while (end < length && isSpace(line.charCodeAt(end))) end += 1;
      out.push(line.slice(index, end));
      index = end;
    } else {
      // One character: a surrogate pair is one.
      const end = code >= 0xd800 && code <= 0xdbff && index + 1 < length && isLowSurrogate(line.charCodeAt(index + 1)) ? index + 2 : index + 1;
      out.push(line.slice(index, end));
      index = end;
    }
  }
  return out;
}

/** The definition tokens() implements: a Chinese date (2026年11月25日, 2026年11月), an ASCII run, white space, one character. */
export const TOKEN_PATTERN = /\d{4}年\d{1,2}月(?:\d{1,2}日)?|[\x21-\x7e]+|\s+|[^\x21-\x7e\s]/gu;

/** Whether a character code is printable ASCII (U+0021..U+007E): what a word, number or id is made of. */
export const isPrintableAscii = (code: number): boolean => code >= 0x21 && code <= 0x7e;
const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** JavaScript's \s: ASCII white space, NBSP, the Unicode space separators, line and paragraph separators, BOM. */
export function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/** Where a Chinese date starting at `index` ends (\d{4}年\d{1,2}月, then \d{1,2}日 if there), or 0. */
function chineseDateEnd(line: string, index: number): number {
  let at = index;
  for (let count = 0; count < 4; count += 1, at += 1) if (!isDigit(line.charCodeAt(at))) return 0;
  if (line.charCodeAt(at) !== 0x5e74) return 0; // 年
  at = digitsThen(line, at + 1, 0x6708); // 月
  if (at === 0) return 0;
  const day = digitsThen(line, at, 0x65e5); // 日
  return day === 0 ? at : day;
}

/** After one or two digits at `index` followed by `mark`: the index past the mark, else 0. */
function digitsThen(line: string, index: number, mark: number): number {
  if (!isDigit(line.charCodeAt(index))) return 0;
  if (line.charCodeAt(index + 1) === mark) return index + 2;
  if (isDigit(line.charCodeAt(index + 1)) && line.charCodeAt(index + 2) === mark) return index + 3;
  return 0;
}

/** The widest piece of `text` that cannot break (0 for empty text). */
export function longestUnbreakable(text: string, measure: Measure): number {
  let widest = 0;
  for (const line of text.split('\n')) for (const token of tokens(line)) if (!isSpace(token.charCodeAt(0))) widest = Math.max(widest, measure(token));
  return widest;
}

/** A text as its explicit lines, each the widths of its tokens in order: measured once, filled at many widths. */
export function lineTokens(text: string, measure: Measure): number[][] {
  return text.split('\n').map((line) => tokens(line).map(measure));
}

/**
 * The lines measured tokens take in `width` (the caller's unit, margins already taken off), filled
 * token by token as a word processor or spreadsheet does: a token that does not fit on the line
 * starts a new one, a token wider than a whole line is cut, every explicit line starts a line.
 * `lineWidths`, each line's tokens summed, lets a line that fits be counted without filling it.
 */
export function fillLines(lines: readonly (readonly number[])[], width: number, lineWidths?: readonly number[]): number {
  const available = Math.max(1, width);
  let count = 0;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as readonly number[];
    // A line whose tokens add up to no more than the width (`lineWidths`, when the caller has the sums) is one line.
    if (lineWidths !== undefined && (lineWidths[index] as number) <= available) {
      count += 1;
      continue;
    }
    let lineCount = 1;
    let total = 0;
    for (const size of line) total += size;
    if (total <= available) {
      // All on one line: nothing would wrap or be cut.
      count += 1;
      continue;
    }
    let used = 0;
    for (const size of line) {
      if (used > 0 && used + size > available) {
        lineCount += 1;
        used = 0;
      }
      if (size > available) {
        lineCount += Math.ceil(size / available) - 1;
        used = size % available;
      } else {
        used += size;
      }
    }
    count += lineCount;
  }
  return count;
}

/** The lines `text` takes in `width`: fillLines of its tokens. */
export function wrappedLines(text: string, width: number, measure: Measure): number {
  return fillLines(lineTokens(text, measure), width);
}

export interface ColumnNeeds {
  /** The width the column's content and header take on one line each (or its fixed width). */
  natural: number;
  /** Whether its cells' text may wrap onto more lines. */
  wraps: boolean;
  /**
   * The narrowest it may get: its longest unbreakable word (and a floor for readability); for a
   * column whose cells do not wrap, the widest cell (only its header may then take two lines).
   */
  minimum: number;
  /** How much text the column holds in all (e.g. the sum of its cells' widths): its share of the room. */
  content: number;
}

/**
 * Gives `rest` to the columns of `open`, by `weight`, none above its natural width; what a column
 * cannot use goes to the others. Returns what is left.
 */
function share(widths: number[], columns: readonly ColumnNeeds[], open: number[], weight: (column: ColumnNeeds) => number, rest: number): number {
  let left = rest;
  let candidates = open.filter((index) => widths[index]! < columns[index]!.natural - 1e-9);
  while (left > 1e-9 && candidates.length > 0) {
    const total = candidates.reduce((sum, index) => sum + Math.max(weight(columns[index]!), 1e-9), 0);
    let given = 0;
    for (const index of candidates) {
      const add = Math.min((left * Math.max(weight(columns[index]!), 1e-9)) / total, columns[index]!.natural - widths[index]!);
      widths[index] = widths[index]! + add;
      given += add;
    }
    left -= given;
    candidates = candidates.filter((index) => widths[index]! < columns[index]!.natural - 1e-9);
    if (given <= 1e-9) break;
  }
  return left;
}

/**
 * Column widths for a sheet that should fit `budget` (the width a page holds at a readable scale):
 * every column its natural width when they fit. Otherwise, first the headers of the one-line columns
 * take two lines (a header costs one row, wrapped text costs every row), sharing back what room there
 * is; if that is not enough, the wrapping columns narrow too, each to no less than its minimum (its
 * longest word), the rest of the budget shared among them by how much text each holds. When even the
 * minimums do not fit, the minimums (the page is then scaled to its width).
 */
export function fitColumnWidths(columns: readonly ColumnNeeds[], budget: number): number[] {
  const natural = columns.map((column) => column.natural);
  if (natural.reduce((sum, width) => sum + width, 0) <= budget) return natural;
  const indexes = columns.map((_, index) => index);
  const oneLine = indexes.filter((index) => !columns[index]!.wraps);
  const wrapping = indexes.filter((index) => columns[index]!.wraps);
  const widths = columns.map((column) => (column.wraps ? column.natural : Math.min(column.natural, column.minimum)));
  const rest = budget - widths.reduce((sum, width) => sum + width, 0);
  if (rest >= 0) {
    share(widths, columns, oneLine, (column) => column.natural - column.minimum, rest);
    return widths;
  }
  for (const index of wrapping) widths[index] = Math.min(columns[index]!.natural, columns[index]!.minimum);
  share(widths, columns, wrapping, (column) => column.content, budget - widths.reduce((sum, width) => sum + width, 0));
  return widths;
}
