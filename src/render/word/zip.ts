import { crc32 } from 'node:zlib';
import { deflateSync, strToU8 } from 'fflate';

/**
 * Deterministic zip files, laid out byte for byte as fflate's `zipSync(files, { level: 6, mtime })`
 * lays them out (the layout docpack's .docx files have always had), but with each entry's deflated
 * bytes kept: parts that come out the same in every document (styles, theme, settings...) are
 * deflated once per process instead of once per document.
 */

export interface ZipEntry {
  /** The entry's name, UTF-8. */
  name: Uint8Array;
  /** Whether the name has characters outside ASCII (the UTF-8 flag). */
  utf8Name: boolean;
  crc: number;
  size: number;
  deflated: Uint8Array;
}

const LEVEL = 6;

/** Deflates one entry as zipSync does. */
export function zipEntry(path: string, data: Uint8Array): ZipEntry {
  const name = strToU8(path);
  return { name, utf8Name: name.length !== path.length, crc: crc32(data), size: data.length, deflated: deflateSync(data, { level: LEVEL }) };
}

/**
 * Entries of parts that recur, by path and then by content. A part is looked up by its text, so a
 * cached entry is only ever used for the same bytes.
 */
export class ZipEntryCache {
  private readonly entries = new Map<string, Map<string, ZipEntry>>();
  private size = 0;

  constructor(private readonly capacity = 256) {}

  entry(path: string, text: string): ZipEntry {
    let byText = this.entries.get(path);
    const cached = byText?.get(text);
    if (cached) return cached;
    const entry = zipEntry(path, strToU8(text));
    if (this.size >= this.capacity) {
      this.entries.clear();
      this.size = 0;
      byText = undefined;
    }
    if (!byText) {
      byText = new Map();
      this.entries.set(path, byText);
    }
    byText.set(text, entry);
    this.size += 1;
    return entry;
  }
}

/** The MS-DOS date and time of a wall-clock time, as zip headers hold it. */
export function dosTime(wall: { year: number; month: number; day: number; hour: number; minute: number; second: number }): number {
  const year = wall.year - 1980;
  if (year < 0 || year > 119) throw new RangeError(`a zip file cannot hold the year ${wall.year}`);
  return ((year << 25) | (wall.month << 21) | (wall.day << 16) | (wall.hour << 11) | (wall.minute << 5) | (wall.second >> 1)) >>> 0;
}

/** The zip file of `entries`, in order, every one stamped with `time` (from `dosTime`). */
export function zipFile(entries: readonly ZipEntry[], time: number): Uint8Array {
  let localSize = 0;
  let centralSize = 0;
  for (const entry of entries) {
    localSize += 30 + entry.name.length + entry.deflated.length;
    centralSize += 46 + entry.name.length;
  }
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let local = 0;
  let central = localSize;
  const header = (at: number, entry: ZipEntry): number => {
    // version needed 2.0, flags (UTF-8 names), DEFLATE, time, CRC, sizes, name length, no extra field
    view.setUint16(at, 20, true);
    view.setUint16(at + 2, entry.utf8Name ? 0x800 : 0, true);
    view.setUint16(at + 4, 8, true);
    view.setUint32(at + 6, time, true);
    view.setUint32(at + 10, entry.crc >>> 0, true);
    view.setUint32(at + 14, entry.deflated.length, true);
    view.setUint32(at + 18, entry.size, true);
    view.setUint16(at + 22, entry.name.length, true);
    view.setUint16(at + 24, 0, true);
    return at + 26;
  };
  for (const entry of entries) {
    const offset = local;
    view.setUint32(local, 0x04034b50, true);
    local = header(local + 4, entry);
    out.set(entry.name, local);
    local += entry.name.length;
    out.set(entry.deflated, local);
    local += entry.deflated.length;

    view.setUint32(central, 0x02014b50, true);
    // version made by 2.0, MS-DOS
    view.setUint16(central + 4, 20, true);
    central = header(central + 6, entry);
    // comment length, disk, internal and external attributes: 0
    view.setUint32(central + 10, offset, true);
    central += 14;
    out.set(entry.name, central);
    central += entry.name.length;
  }
  view.setUint32(central, 0x06054b50, true);
  view.setUint16(central + 8, entries.length, true);
  view.setUint16(central + 10, entries.length, true);
  view.setUint32(central + 12, centralSize, true);
  view.setUint32(central + 16, localSize, true);
  return out;
}
