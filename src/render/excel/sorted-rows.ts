import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CellValue } from './values.ts';

export type SortValue = number | string | null;

export interface SortKey {
  descending: boolean;
}

/** Numbers and dates by value, text by code point; blanks last in either direction. */
export function compareSortValues(a: SortValue, b: SortValue, descending: boolean): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  let order: number;
  if (typeof a === 'number' && typeof b === 'number') order = a - b;
  else {
    const x = String(a);
    const y = String(b);
    order = x < y ? -1 : x > y ? 1 : 0;
  }
  return descending ? -order : order;
}

/**
 * One sort key of every row, by row index. Numbers (dates as their time) and blanks go into a
 * Float64Array (a blank as NaN), 8 bytes a row instead of a boxed number in an array of each row's
 * keys; the first value of another kind (text, or a number that is NaN) moves the column to a plain
 * array. Compared as compareSortValues compares.
 */
class KeyColumn {
  private numbers: Float64Array | undefined = new Float64Array(256);
  private values: SortValue[] | undefined;
  private count = 0;

  constructor(private readonly descending: boolean) {}

  push(value: SortValue): void {
    const numbers = this.numbers;
    if (numbers) {
      const blank = value === null;
      if (blank || (typeof value === 'number' && !Number.isNaN(value))) {
        if (this.count === numbers.length) {
          this.numbers = new Float64Array(numbers.length * 2);
          this.numbers.set(numbers);
        }
        this.numbers![this.count++] = blank ? Number.NaN : value;
        return;
      }
      const values: SortValue[] = new Array<SortValue>(this.count);
      for (let i = 0; i < this.count; i++) values[i] = Number.isNaN(numbers[i]!) ? null : numbers[i]!;
      this.values = values;
      this.numbers = undefined;
    }
    this.values!.push(value);
    this.count += 1;
  }

  /** The order of rows a and b by this key (compareSortValues). */
  compare(a: number, b: number): number {
    const numbers = this.numbers;
    if (!numbers) return compareSortValues(this.values![a]!, this.values![b]!, this.descending);
    const x = numbers[a]!;
    const y = numbers[b]!;
    if (x === y) return 0;
    if (x !== x) return y !== y ? 0 : 1;
    if (y !== y) return -1;
    return this.descending ? y - x : x - y;
  }
}

/** Rows held in memory up to `inMemoryRows`; past it, the cells go to a scratch file and only the sort keys stay. (Tests lower it.) */
export const sortLimits = { inMemoryRows: 5_000 };

/** A cell as JSON: dates, -0 and non-finite numbers are tagged so that they come back as they were. */
export function encodeCell(value: CellValue): unknown {
  if (value instanceof Date) return { d: value.getTime() };
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) return { n: String(value === 0 ? '-0' : value) };
  return value;
}

export function decodeCell(value: unknown): CellValue {
  if (value === null || typeof value !== 'object') return value as CellValue;
  const tagged = value as { d?: number; n?: string };
  if (tagged.d !== undefined) return new Date(tagged.d);
  return tagged.n === '-0' ? -0 : Number(tagged.n);
}

/**
 * The rows of a sorted sheet: a stable sort on precomputed keys, without holding what the rows
 * were made from (records, findings). Small sheets keep their cells in memory; big ones (a
 * portfolio's quarter of a million findings) write each row's cells as a JSON line to a scratch
 * file, keep only the keys and the line's place, and read the lines back in sorted order, so that
 * memory grows by a few dozen bytes per row instead of by the records behind it.
 */
export class SortedRows {
  private readonly keys: KeyColumn[];
  private count = 0;
  private memory: CellValue[][] | undefined = [];
  private file: { dir: string; fd: number; offsets: number[]; lengths: number[]; size: number; pending: string[]; pendingBytes: number } | undefined;
  private order: Uint32Array | undefined;

  constructor(
    directions: readonly SortKey[],
    private readonly limit = sortLimits.inMemoryRows,
  ) {
    this.keys = directions.map((direction) => new KeyColumn(direction.descending));
  }

  get length(): number {
    return this.count;
  }

  /** Keeps a row's sort keys (a missing one is blank). */
  private pushKeys(keys: readonly SortValue[]): void {
    for (let k = 0; k < this.keys.length; k++) this.keys[k]!.push(keys[k] ?? null);
    this.count += 1;
  }

  /** The scratch file the rows went to, if they spilled (until `close`). */
  get scratchFile(): string | undefined {
    return this.file ? path.join(this.file.dir, 'rows.jsonl') : undefined;
  }

  add(cells: CellValue[], keys: SortValue[]): void {
    if (this.order) throw new Error('rows added after sorting');
    this.pushKeys(keys);
    if (this.memory) {
      this.memory.push(cells);
      if (this.memory.length > this.limit) this.spill();
      return;
    }
    this.append(cells);
  }

  /**
   * `add` for a row that comes encoded: the JSON line of its cells (encodeCell each), as a worker
   * thread that worked the row out sends it. Past the in-memory limit the line goes to the scratch
   * file as it is, without being parsed here.
   */
  addEncoded(line: string, keys: SortValue[]): void {
    if (this.order) throw new Error('rows added after sorting');
    if (this.memory) {
      this.add((JSON.parse(line) as unknown[]).map(decodeCell), keys);
      return;
    }
    this.pushKeys(keys);
    this.appendLine(line);
  }

  private spill(): void {
    const dir = mkdtempSync(path.join(tmpdir(), 'docpack-sort-'));
    this.file = { dir, fd: openSync(path.join(dir, 'rows.jsonl'), 'w+'), offsets: [], lengths: [], size: 0, pending: [], pendingBytes: 0 };
    const held = this.memory ?? [];
    this.memory = undefined;
    for (const cells of held) this.append(cells);
  }

  private append(cells: CellValue[]): void {
    this.appendLine(JSON.stringify(cells.map(encodeCell)));
  }

  private appendLine(line: string): void {
    const file = this.file!;
    const bytes = Buffer.byteLength(line);
    file.offsets.push(file.size + file.pendingBytes);
    file.lengths.push(bytes);
    file.pending.push(line);
    file.pendingBytes += bytes;
    if (file.pendingBytes >= 1 << 20) this.flush();
  }

  private flush(): void {
    const file = this.file!;
    if (file.pendingBytes === 0) return;
    const chunk = Buffer.from(file.pending.join(''));
    for (let at = 0; at < chunk.length; ) at += writeSync(file.fd, chunk, at, chunk.length - at, file.size + at);
    file.size += chunk.length;
    file.pending = [];
    file.pendingBytes = 0;
  }

  /** Sorts (stable: equal keys keep the order they were added in). */
  sort(): void {
    if (this.file) this.flush();
    const { keys } = this;
    const order = Uint32Array.from({ length: this.count }, (_, index) => index);
    order.sort((a, b) => {
      for (let k = 0; k < keys.length; k++) {
        const compared = keys[k]!.compare(a, b);
        if (compared !== 0) return compared;
      }
      return a - b;
    });
    this.order = order;
  }

  /** The rows' cells in sorted order; may be read any number of times until `close`. */
  *rows(): Generator<CellValue[]> {
    const order = this.order;
    if (!order) throw new Error('rows read before sorting');
    if (this.memory) {
      for (const index of order) yield this.memory[index]!;
      return;
    }
    const file = this.file!;
    let buffer = Buffer.alloc(64 * 1024);
    for (const index of order) {
      const length = file.lengths[index]!;
      if (length > buffer.length) buffer = Buffer.alloc(length * 2);
      let read = 0;
      while (read < length) {
        const got = readSync(file.fd, buffer, read, length - read, file.offsets[index]! + read);
        if (got === 0) throw new Error('sort scratch file ended early');
        read += got;
      }
      yield (JSON.parse(buffer.toString('utf8', 0, length)) as unknown[]).map(decodeCell);
    }
  }

  /** Removes the scratch file, if any. */
  close(): void {
    if (!this.file) return;
    closeSync(this.file.fd);
    rmSync(this.file.dir, { recursive: true, force: true });
    this.file = undefined;
  }
}
