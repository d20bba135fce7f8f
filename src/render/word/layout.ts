import { fillLines, isPrintableAscii, isSpace, tokens } from '../fit.ts';

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
 * puts between it and Chinese text) and each line's sum of them, the widest of those, its longest
 * word in half-em units (the widest piece that cannot break, as fit.ts's longestUnbreakable measures it), and each explicit line's display width and kind (ColumnValue).
 */
interface MeasuredCell {
  lines: CellTokens;
  lineTwips: number[];
  widest: number;
  longest: number;
  values: ColumnValue[];
}

/** An explicit line of a cell as a column value: how wide, whether short (a date, a state), whether an identifier. */
interface ColumnValue {
  width: number;
  short: boolean;
  id: boolean;
}

const EMPTY_CELL: MeasuredCell = { lines: [[]], lineTwips: [0], widest: 0, longest: 0, values: [columnValue('')] };

/** Cells measured, by text: tables repeat names, units, dates and states within a project and across projects. */
const measuredCells = new Map<string, MeasuredCell>();

function measureCell(text: string): MeasuredCell {
  if (text === '') return EMPTY_CELL;
  let cell = measuredCells.get(text);
  if (cell === undefined) {
    if (measuredCells.size >= 20_000) measuredCells.clear();
    cell = measureText(text);
    measuredCells.set(text, cell);
  }
  return cell;
}

function measureText(text: string): MeasuredCell {
  let longest = 0;
  let widest = 0;
  const explicit = text.split('\n');
  const lineTwips: number[] = [];
  const lines = explicit.map((line) => {
    let lineWidth = 0;
    const widths = tokens(line).map((token) => {
      const width = displayWidth(token);
      const first = token.charCodeAt(0);
      if (!isSpace(first) && width > longest) longest = width;
      const twips = unitsToTwips(width + (isPrintableAscii(first) ? 0.5 : 0));
      lineWidth += twips;
      return twips;
    });
    lineTwips.push(lineWidth);
    if (lineWidth > widest) widest = lineWidth;
    return widths;
  });
  return { lines, lineTwips, widest, longest, values: explicit.map(columnValue) };
}

function columnValue(value: string): ColumnValue {
  const width = displayWidth(value);
  const id = ID.test(value) && width <= SHORT_ID;
  return { width, short: width <= SHORT_TEXT || id || (/\d/.test(value) && width <= SHORT_VALUE), id };
}

/**
 * Lines a cell takes at `width` twips, filling lines token by token as a word processor does. A cell
 * whose every line fits takes its explicit lines: what fillLines gives then, without filling.
 */
function cellLines(cell: MeasuredCell, width: number): number {
  return cell.widest <= Math.max(1, width - CELL_PADDING) ? cell.lines.length : fillLines(cell.lines, width - CELL_PADDING, cell.lineTwips);
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
      unitsToTwips(Math.min(Math.max(2, ...sample.map((row) => measureCell(row[column] ?? '').longest)), (total * 0.3) / unitsToTwips(1))) + CELL_PADDING,
    );
    return atLeast(distribute(weights, total), words, total);
  }
  const measured = sample.map((row) => Array.from({ length: columns }, (_, column) => measureCell(row[column] ?? '')));
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
    const values = measured.slice(1).flatMap((row) => (row[column] as MeasuredCell).values);
    const short = values.every((value) => value.short);
    return { widest: Math.max(0, ...values.map((value) => value.width)), short, id: short && values.length > 0 && values.every((value) => value.id) };
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
  return distribute(widenForLines(measured, widths, total - used), total);
}

/**
 * Table height in lines, plus a little for every wrapped cell so that ties between columns still move:
 * the sum over rows of the row's tallest cell + 0.2 × its cells' lines / columns. Step by step, the
 * column widened by 60 to 1,920 twips that saves the most of it per twip gets the room, while
 * `remaining` twips last (100 steps at most). Trying a column at a new width only changes that
 * column's lines, so each row keeps its lines in total and its two tallest cells, and a candidate is
 * scored in one pass over the rows. Returns `widths`, widened.
 */
function widenForLines(measured: readonly (readonly MeasuredCell[])[], widths: number[], remaining: number): number[] {
  const rowCount = measured.length;
  const columns = widths.length;
  // lines[row * columns + column]: the cell's lines at its column's width.
  const lines = new Int32Array(rowCount * columns);
  for (let index = 0; index < rowCount; index += 1) {
    const row = measured[index] as readonly MeasuredCell[];
    for (let column = 0; column < columns; column += 1) lines[index * columns + column] = cellLines(row[column] as MeasuredCell, widths[column] as number);
  }
  const rowSum = new Int32Array(rowCount);
  const top = new Int32Array(rowCount);
  const topColumn = new Int32Array(rowCount);
  const second = new Int32Array(rowCount);
  const summarize = (index: number): void => {
    let sum = 0;
    let first = 0;
    let firstColumn = -1;
    let next = 0;
    for (let column = 0; column < columns; column += 1) {
      const value = lines[index * columns + column] as number;
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
  let current = 0;
  for (let index = 0; index < rowCount; index += 1) current += Math.max(0, top[index] as number) + (0.2 * (rowSum[index] as number)) / columns;
  /** The objective with `column` at `columnLines`. */
  const objective = (column: number, columnLines: Int32Array): number => {
    let sum = 0;
    for (let index = 0; index < rowCount; index += 1) {
      const value = columnLines[index] as number;
      const others = topColumn[index] === column ? (second[index] as number) : (top[index] as number);
      const all = (rowSum[index] as number) - (lines[index * columns + column] as number) + value;
      sum += (value > others ? value : others) + (0.2 * all) / columns;
    }
    return sum;
  };
  const deltas = [60, 120, 240, 480, 960, 1920];
  // A column's lines at each width tried: widths move in steps of 60 twips, so the next step's
  // candidates are mostly widths already tried.
  const linesAt = Array.from({ length: columns }, () => new Map<number, Int32Array>());
  for (let step = 0; step < 100 && remaining > 0; step += 1) {
    let bestColumn = -1;
    let bestWidth = 0;
    let bestLines: Int32Array | undefined;
    let bestValue = 0;
    let bestGain = 0;
    for (let column = 0; column < columns; column += 1) {
      const width = widths[column] as number;
      const kept = linesAt[column] as Map<number, Int32Array>;
      for (const delta of deltas) {
        if (delta > remaining) continue;
        const candidate = width + delta;
        let columnLines = kept.get(candidate);
        if (!columnLines) {
          columnLines = new Int32Array(rowCount);
          for (let index = 0; index < rowCount; index += 1) columnLines[index] = cellLines((measured[index] as readonly MeasuredCell[])[column] as MeasuredCell, candidate);
          kept.set(candidate, columnLines);
        }
        const value = objective(column, columnLines);
        const gain = (current - value) / delta;
        if (gain > 1e-9 && (bestLines === undefined || gain > bestGain)) {
          bestColumn = column;
          bestWidth = candidate;
          bestLines = columnLines;
          bestValue = value;
          bestGain = gain;
        }
      }
    }
    if (bestLines === undefined) break;
    remaining -= bestWidth - (widths[bestColumn] as number);
    widths[bestColumn] = bestWidth;
    for (let index = 0; index < rowCount; index += 1) {
      lines[index * columns + bestColumn] = bestLines[index] as number;
      summarize(index);
    }
    current = bestValue;
  }
  return widths;
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
