import { fillLines, isPrintableAscii, isSpace, longestUnbreakable, tokens } from '../fit.ts';

/**
 * Page and type measures shared by the Markdown converter and the document builder.
 * Twips: 1/20 of a point; 567 twips = 1 cm. Font sizes in half-points (24 = 12 pt, 小四).
 */
export const PAGE = {
  width: 11906, // A4 210 mm
  height: 16838, // A4 297 mm
  marginTop: 1440, // 2.54 cm
  marginBottom: 1440,
  marginLeft: 1418, // 2.5 cm
  marginRight: 1418,
  header: 851, // 1.5 cm
  footer: 851,
} as const;

export const TEXT_WIDTH = PAGE.width - PAGE.marginLeft - PAGE.marginRight;

export const FONTS = {
  body: { ascii: 'Times New Roman', hAnsi: 'Times New Roman', cs: 'Times New Roman', eastAsia: 'SimSun' },
  heading: { ascii: 'Arial', hAnsi: 'Arial', cs: 'Arial', eastAsia: 'SimHei' },
  mono: { ascii: 'Consolas', hAnsi: 'Consolas', cs: 'Consolas', eastAsia: 'SimSun' },
} as const;

/** Table text: 五号 (10.5 pt). */
export const TABLE_FONT_SIZE = 21;
/** Left and right cell margin, twips. */
export const CELL_MARGIN = 70;
/** Cell margins left + right and a little slack for rounding in the layout engine, twips. */
export const CELL_PADDING = 2 * CELL_MARGIN + 30;

/**
 * Widths of the printable ASCII characters (U+0020..U+007E) in half-em units: DejaVu Serif's
 * advance widths (read from the font's hmtx table) + 5%, rounded up to 0.05. DejaVu Serif is what
 * LibreOffice on Linux puts in for Times New Roman, and is wider than it, so a width that fits here
 * fits in Word too. (Table headings are bold; they are mostly Chinese, and CELL_PADDING has slack.)
 */
const ASCII_WIDTHS: readonly number[] = [
  0.7, 0.85, 1, 1.8, 1.35, 2, 1.9, 0.6, 0.85, 0.85, 1.05, 1.8, 0.7, 0.75, 0.7, 0.75, 1.35, 1.35, 1.35, 1.35, 1.35, 1.35, 1.35, 1.35, 1.35, 1.35, 0.75, 0.75, 1.8, 1.8, 1.8, 1.15, 2.1, 1.55, 1.55, 1.65, 1.7, 1.55, 1.5, 1.7, 1.85, 0.85, 0.85, 1.6, 1.4, 2.2, 1.85, 1.75, 1.45, 1.75, 1.6, 1.45, 1.45, 1.8, 1.55, 2.2, 1.5, 1.4, 1.5, 0.85, 0.75, 0.85, 1.8, 1.05, 1.05, 1.3, 1.35, 1.2, 1.35, 1.25, 0.8, 1.35, 1.4, 0.7, 0.7, 1.3, 0.7, 2, 1.4, 1.3, 1.35, 1.35, 1.05, 1.1, 0.85, 1.4, 1.2, 1.8, 1.2, 1.2, 1.15, 1.35, 0.75, 1.35, 1.8,
];

/**
 * Display width in half-em units: CJK and full-width characters count 2, printable ASCII by the
 * table above, other characters 1.3. Word and LibreOffice put a quarter em between Chinese and
 * Latin letters or digits (autoSpaceDE/DN), counted as 0.5.
 */
export function displayWidth(text: string): number {
  let width = 0;
  let previousWide: boolean | undefined;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.codePointAt(index) as number;
    if (code > 0xffff) index += 1;
    const wide = code >= 0x2e80 || (code >= 0x1100 && code <= 0x115f);
    width += wide ? 2 : code >= 0x20 && code <= 0x7e ? (ASCII_WIDTHS[code - 0x20] as number) : 1.3;
    if (previousWide !== undefined && previousWide !== wide && code !== 0x20) width += 0.5;
    previousWide = code === 0x20 ? undefined : wide;
  }
  return width;
}

/** Twips that `units` half-em units take at the table font size. */
export function unitsToTwips(units: number): number {
  return Math.ceil((units * TABLE_FONT_SIZE * 10) / 2);
}

/** Width of the longest run that cannot break: Latin words, numbers, phone numbers, e-mail addresses (ids break after '-' and '/'). */
function longestWord(text: string): number {
  return longestUnbreakable(text, displayWidth);
}

/** Dates, times and amounts up to this many half-em units (2026年12月15日 is 21.4) should not wrap. */
const SHORT_VALUE = 23;
/** Nor should words up to six Chinese characters (states, levels, names). */
const SHORT_TEXT = 12;
/** Nor identifiers people search for and copy: circuit and order ids (GD-ZH-MSTP-20261103-01 is 31), e-mail addresses. */
const SHORT_ID = 40;
const ID = /^(?:[A-Za-z0-9]+(?:[-_/][A-Za-z0-9]+)+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)$/;

/** Rows measured to lay out a table: enough to see its shape, few enough to stay fast on huge tables. */
const SAMPLE_ROWS = 100;

/** A cell as its explicit lines, each a list of tokens (a Chinese character, a word piece, a space) in twips. */
type CellTokens = number[][];

/**
 * A cell measured once: its lines of token widths in twips (a Latin piece gets the quarter em Word
 * puts between it and Chinese text), and its longest word in half-em units (longestWord).
 */
interface MeasuredCell {
  lines: CellTokens;
  longest: number;
}

const EMPTY_CELL: MeasuredCell = { lines: [[]], longest: 0 };

function measureCell(text: string): MeasuredCell {
  if (text === '') return EMPTY_CELL;
  let longest = 0;
  const lines = text.split('\n').map((line) =>
    tokens(line).map((token) => {
      const width = displayWidth(token);
      const first = token.charCodeAt(0);
      if (!isSpace(first) && width > longest) longest = width;
      return unitsToTwips(width + (isPrintableAscii(first) ? 0.5 : 0));
    }),
  );
  return { lines, longest };
}

/** Lines a cell takes at `width` twips, filling lines token by token as a word processor does. */
function cellLines(cell: CellTokens, width: number): number {
  return fillLines(cell, width - CELL_PADDING);
}

/**
 * Column widths (twips, summing to `total`) for a table whose cells hold `rows` (the first row is
 * the header). Every column first gets room for its header and its longest unbreakable word
 * (phone numbers; ids break after '-'), then short values (dates, states) their whole width while
 * the page allows. The rest goes, step by step, where it saves the most lines of table height per
 * twip. `weights` (from a template's <!-- table widths="..." -->) override all of this.
 */
export function fitColumns(rows: readonly (readonly string[])[], total: number, weights?: readonly number[]): number[] {
  const columns = Math.max(0, ...rows.map((row) => row.length));
  if (columns === 0) return [];
  const sample = rows.length > SAMPLE_ROWS ? rows.slice(0, SAMPLE_ROWS) : rows;
  if (weights && weights.length === columns && weights.every((weight) => weight > 0)) {
    // The template's shares, but no column narrower than its longest word (a date, an id piece, a number).
    const words = Array.from({ length: columns }, (_, column) =>
      unitsToTwips(Math.min(Math.max(2, ...sample.map((row) => longestWord(row[column] ?? ''))), (total * 0.3) / unitsToTwips(1))) + CELL_PADDING,
    );
    return atLeast(distribute(weights, total), words, total);
  }
  const measured = sample.map((row) => Array.from({ length: columns }, (_, column) => measureCell(row[column] ?? '')));
  const cells = measured.map((row) => row.map((cell) => cell.lines));
  const hard = Array.from({ length: columns }, (_, column) => {
    const header = displayWidth(sample[0]?.[column] ?? '');
    const word = Math.min(Math.max(0, ...measured.map((row) => (row[column] as MeasuredCell).longest)), (total * 0.3) / unitsToTwips(1));
    return unitsToTwips(Math.max(4, header, word)) + CELL_PADDING;
  });
  if (hard.reduce((sum, width) => sum + width, 0) >= total) return distribute(hard, total);
  // Columns of short values (dates, states, amounts) stay on one line, those needing least first, as
  // far as the page allows; then identifier columns (people search for and copy ids), the same way.
  /** A column's values: how wide the widest is, whether all are short, whether all are identifiers. */
  const kinds = hard.map((_, column) => {
    const values = sample.slice(1).flatMap((row) => (row[column] ?? '').split('\n'));
    const widths = values.map(displayWidth);
    const isId = (value: string, width: number): boolean => ID.test(value) && width <= SHORT_ID;
    const short = values.every((value, index) => {
      const width = widths[index] as number;
      return width <= SHORT_TEXT || isId(value, width) || (/\d/.test(value) && width <= SHORT_VALUE);
    });
    return { widest: Math.max(0, ...widths), short, id: short && values.length > 0 && values.every((value, index) => isId(value, widths[index] as number)) };
  });
  const short = hard.map((width, column) => (kinds[column]!.short ? Math.max(width, unitsToTwips(kinds[column]!.widest) + CELL_PADDING) : width));
  const idColumn = kinds.map((kind) => kind.id);
  // Identifier columns come after: they get their whole width only if the columns of longer text
  // keep a share of the page (room for their widest text in two lines, up to a quarter of the width
  // each, 30% in all), so that a one-line id never squeezes an explanation into a sliver.
  const wanted = hard.reduce((sum, width, column) => (kinds[column]!.short ? sum : sum + Math.max(0, Math.min(unitsToTwips(kinds[column]!.widest / 2) + CELL_PADDING, total / 4) - width)), 0);
  const reserved = Math.min(wanted, total * 0.3);
  const widths = hard.slice();
  let used = hard.reduce((sum, width) => sum + width, 0);
  const extraOf = (column: number): number => (short[column] ?? 0) - (hard[column] ?? 0);
  const byExtra = [...short.keys()].sort((a, b) => Number(idColumn[a]) - Number(idColumn[b]) || extraOf(a) - extraOf(b) || a - b);
  for (const column of byExtra) {
    const extra = extraOf(column);
    if (used + extra > total - (idColumn[column] ? reserved : 0)) continue;
    widths[column] = short[column] ?? 0;
    used += extra;
  }
  // Table height in lines, plus a little for every wrapped cell so that ties between columns still move:
  // the sum over rows of the row's tallest cell + 0.2 × its cells' lines / columns. Trying a column at a
  // new width only changes that column's lines, so each row keeps its lines in total and its two
  // tallest cells, and a candidate is scored in one pass over the rows.
  const rowCount = cells.length;
  const lines = cells.map((row) => row.map((cell, column) => cellLines(cell, widths[column] ?? 0)));
  const rowSum = new Array<number>(rowCount);
  const top = new Array<number>(rowCount);
  const topColumn = new Array<number>(rowCount);
  const second = new Array<number>(rowCount);
  const summarize = (index: number): void => {
    const row = lines[index] as number[];
    let sum = 0;
    let first = 0;
    let firstColumn = -1;
    let next = 0;
    for (let column = 0; column < row.length; column += 1) {
      const value = row[column] as number;
      sum += value;
      if (value > first) {
        next = first;
        first = value;
        firstColumn = column;
      } else if (value > next) {
        next = value;
      }
    }
    rowSum[index] = sum;
    top[index] = first;
    topColumn[index] = firstColumn;
    second[index] = next;
  };
  for (let index = 0; index < rowCount; index += 1) summarize(index);
  /** The objective with `column` at `columnLines` (column -1: as the table is). */
  const objective = (column: number, columnLines: readonly number[]): number => {
    let sum = 0;
    for (let index = 0; index < rowCount; index += 1) {
      if (column < 0) {
        sum += Math.max(0, top[index] as number) + (0.2 * (rowSum[index] as number)) / columns;
        continue;
      }
      const value = columnLines[index] ?? 0;
      const others = topColumn[index] === column ? (second[index] as number) : (top[index] as number);
      const all = (rowSum[index] as number) - ((lines[index] as number[])[column] as number) + value;
      sum += (value > others ? value : others) + (0.2 * all) / columns;
    }
    return sum;
  };
  const deltas = [60, 120, 240, 480, 960, 1920];
  // A column's lines at each width tried: widths move in steps of 60 twips, so the next step's
  // candidates are mostly widths already tried.
  const linesAt: Map<number, number[]>[] = Array.from({ length: columns }, () => new Map<number, number[]>());
  let remaining = total - used;
  let current = objective(-1, []);
  for (let step = 0; step < 100 && remaining > 0; step += 1) {
    let best: { column: number; width: number; lines: number[]; value: number; gain: number } | undefined;
    for (let column = 0; column < columns; column += 1) {
      const width = widths[column] ?? 0;
      const kept = linesAt[column] as Map<number, number[]>;
      for (let deltaIndex = 0; deltaIndex < deltas.length; deltaIndex += 1) {
        const candidate = width + (deltas[deltaIndex] as number);
        if (candidate - width > remaining) continue;
        let columnLines = kept.get(candidate);
        if (!columnLines) {
          columnLines = new Array<number>(rowCount);
          for (let index = 0; index < rowCount; index += 1) columnLines[index] = cellLines((cells[index] as CellTokens[])[column] ?? [], candidate);
          kept.set(candidate, columnLines);
        }
        const value = objective(column, columnLines);
        const gain = (current - value) / (candidate - width);
        if (gain > 1e-9 && (!best || gain > best.gain)) best = { column, width: candidate, lines: columnLines, value, gain };
      }
    }
    if (!best) break;
    remaining -= best.width - (widths[best.column] ?? 0);
    widths[best.column] = best.width;
    for (let index = 0; index < rowCount; index += 1) {
      const row = lines[index];
      if (row) row[best.column] = best.lines[index] ?? 0;
      summarize(index);
    }
    current = best.value;
  }
  return distribute(widths, total);
}

/**
 * Raises every column below its minimum to it, taking the twips from the columns above theirs in
 * proportion to what each has to spare; the sum stays `total`. When the minimums do not fit, scales them.
 */
function atLeast(widths: number[], minimums: readonly number[], total: number): number[] {
  const needed = minimums.reduce((sum, width) => sum + width, 0);
  if (needed >= total) return distribute(minimums, total);
  const short = widths.reduce((sum, width, column) => sum + Math.max(0, (minimums[column] ?? 0) - width), 0);
  if (short === 0) return widths;
  const spare = widths.map((width, column) => Math.max(0, width - (minimums[column] ?? 0)));
  const spareTotal = spare.reduce((sum, width) => sum + width, 0);
  return distribute(
    widths.map((width, column) => (width < (minimums[column] ?? 0) ? (minimums[column] ?? 0) : width - (short * (spare[column] ?? 0)) / spareTotal)),
    total,
  );
}

/** Scales `weights` to whole twips that add up to exactly `total`. */
function distribute(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((acc, weight) => acc + weight, 0) || 1;
  const widths = weights.map((weight) => Math.floor((weight / sum) * total));
  let rest = total - widths.reduce((acc, width) => acc + width, 0);
  for (let index = 0; rest > 0; index = (index + 1) % widths.length, rest -= 1) widths[index] = (widths[index] ?? 0) + 1;
  return widths;
}
