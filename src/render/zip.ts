// The zip files docpack writes, Word and Excel alike: one writer, one DOS time.
// ZipStream is the one zip writer: fflate's Zip lays out the archive; a large entry (a worksheet)
// is deflated by Node's zlib (native, on the thread pool, so deflating overlaps with building the
// XML) as it is written, with nothing but the zlib backlog held in memory; a small one is deflated
// at once, or given already deflated (DeflatedEntry: Word parts that recur in every document are
// deflated once per process, ZipEntryCache).
// Entry times: ExcelJS zips with JSZip (in-memory Workbook) and fflate's Zip takes the entry times
// in the machine's time zone, so neither gives every entry the time we want. We rewrite the DOS
// time and date of every local and central directory header in place, to the as-of's Shanghai wall
// clock (zipTimeOf, the one DOS-time encoder). Only fixed-size header fields change, so sizes,
// offsets and CRCs stay valid; files are patched without being read whole.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import zlib from 'node:zlib';
import { Zip, type ZipInputFile } from 'fflate';
import type { DateTime } from 'luxon';
import { ZONE } from '../time.ts';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const EXTENDED_TIMESTAMP = 0x5455;

interface RandomAccess {
  size: number;
  read(offset: number, length: number): Buffer;
  write(offset: number, data: Buffer): void;
}

export interface ZipTime {
  dosTime: number;
  dosDate: number;
  /** Seconds since the epoch, for extended-timestamp extra fields. */
  unixSeconds: number;
}

/** The DOS time fields of the as-of's Shanghai wall clock (DOS times have no zone; years outside 1980-2107 are clamped). */
export function zipTimeOf(asOf: DateTime): ZipTime {
  const local = asOf.setZone(ZONE);
  const year = Math.min(2107, Math.max(1980, local.year));
  return {
    dosDate: ((year - 1980) << 9) | (local.month << 5) | local.day,
    dosTime: (local.hour << 11) | (local.minute << 5) | Math.floor(local.second / 2),
    unixSeconds: Math.floor(asOf.toSeconds()),
  };
}

function patch(zip: RandomAccess, time: ZipTime): void {
  const tailLength = Math.min(zip.size, 22 + 0xffff);
  const tail = zip.read(zip.size - tailLength, tailLength);
  let end = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip file: no end of central directory');
  const entries = tail.readUInt16LE(end + 10);
  const directorySize = tail.readUInt32LE(end + 12);
  const directoryOffset = tail.readUInt32LE(end + 16);
  if (entries === 0xffff || directoryOffset === 0xffffffff) throw new Error('zip64 archives are not supported');
  const directory = zip.read(directoryOffset, directorySize);
  let at = 0;
  for (let entry = 0; entry < entries; entry++) {
    if (directory.readUInt32LE(at) !== CENTRAL_HEADER) throw new Error(`bad central directory entry ${entry}`);
    directory.writeUInt16LE(time.dosTime, at + 12);
    directory.writeUInt16LE(time.dosDate, at + 14);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    patchExtra(directory, at + 46 + nameLength, extraLength, time);
    const localOffset = directory.readUInt32LE(at + 42);
    const local = zip.read(localOffset, 30);
    if (local.readUInt32LE(0) !== LOCAL_HEADER) throw new Error(`bad local header of entry ${entry}`);
    local.writeUInt16LE(time.dosTime, 10);
    local.writeUInt16LE(time.dosDate, 12);
    const localExtraLength = local.readUInt16LE(28);
    zip.write(localOffset + 10, local.subarray(10, 14));
    if (localExtraLength > 0) {
      const extraOffset = localOffset + 30 + local.readUInt16LE(26);
      const extra = zip.read(extraOffset, localExtraLength);
      patchExtra(extra, 0, localExtraLength, time);
      zip.write(extraOffset, extra);
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  zip.write(directoryOffset, directory);
}

/** Extended timestamp fields (0x5455) carry Unix times: set every one to the as-of. */
function patchExtra(buffer: Buffer, start: number, length: number, time: ZipTime): void {
  let at = start;
  while (at + 4 <= start + length) {
    const id = buffer.readUInt16LE(at);
    const size = buffer.readUInt16LE(at + 2);
    if (id === EXTENDED_TIMESTAMP) {
      for (let field = at + 5; field + 4 <= at + 4 + size; field += 4) buffer.writeUInt32LE(time.unixSeconds >>> 0, field);
    }
    at += 4 + size;
  }
}

/** Sets every entry time of a zip held in memory; returns the same buffer. */
export function fixZipTimes(zip: Buffer, time: ZipTime): Buffer {
  patch(
    {
      size: zip.length,
      read: (offset, length) => zip.subarray(offset, offset + length),
      write: (offset, data) => {
        if (data.buffer !== zip.buffer || data.byteOffset !== zip.byteOffset + offset) data.copy(zip, offset);
      },
    },
    time,
  );
  return zip;
}

/** Sets every entry time of a zip file in place, reading only its headers. */
export function fixZipTimesInFile(file: string, time: ZipTime): void {
  const fd = openSync(file, 'r+');
  try {
    patch(
      {
        size: fstatSync(fd).size,
        read: (offset, length) => {
          const buffer = Buffer.alloc(length);
          readSync(fd, buffer, 0, length, offset);
          return buffer;
        },
        write: (offset, data) => {
          writeSync(fd, data, 0, data.length, offset);
        },
      },
      time,
    );
  } finally {
    closeSync(fd);
  }
}

/**
 * Deflate level of the streaming writer. On the bench's 100k rows (`bench/stages/excel.ts levels`)
 * level 1 and 3 cost about the same (zlib keeps up with the XML on its own thread) and 3 is 16%
 * smaller; from 6 on, zlib is what the writer waits for.
 */
export const STREAM_DEFLATE_LEVEL = 3;
/** Bytes of XML waiting for zlib before a writer has to wait. */
const BACKLOG_LIMIT = 1 << 20;
/** A fixed entry time: every time is rewritten by fixZipTimes afterwards; fflate only must not read the clock. */
const PLACEHOLDER_TIME = new Date(2000, 0, 1);

/** fflate's general purpose flag bits 1-2 for a deflate level (as its ZipDeflate sets them). */
function levelFlag(level: number): number {
  return level === 1 ? 3 : level < 6 ? 2 : level === 9 ? 1 : 0;
}

type Sink = (chunk: Uint8Array) => void;

/**
 * A zip written front to back into `sink` (a file descriptor's writeSync, or an array of chunks).
 * Entries are written one at a time: finish one (await its end()) before opening the next.
 */
export class ZipStream {
  private readonly zip: Zip;
  private failure: unknown;
  private finished = false;

  constructor(sink: Sink, private readonly level = STREAM_DEFLATE_LEVEL) {
    if (!Number.isInteger(level) || level < 0 || level > 9) throw new RangeError(`deflate level ${level} is not 0 to 9`);
    this.zip = new Zip((error, chunk, final) => {
      if (error) {
        this.failure ??= error;
        return;
      }
      if (this.failure !== undefined) return;
      try {
        sink(chunk);
      } catch (failure) {
        // Called from zlib's callbacks too: an exception there would be uncaught, so keep it for the writer.
        this.failure = failure;
      }
      if (final) this.finished = true;
    });
  }

  /** Throws what went wrong in the sink or the zip, if anything did. */
  check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private file(name: string): ZipInputFile {
    return { filename: name, size: 0, crc: 0, compression: 8, flag: levelFlag(this.level), mtime: PLACEHOLDER_TIME, os: 0, attrs: 0 };
  }

  /** An entry deflated beforehand (deflateEntry), e.g. taken from a ZipEntryCache. */
  addDeflated(entry: DeflatedEntry): void {
    this.check();
    const file: ZipInputFile = { ...this.file(entry.name), flag: levelFlag(entry.level), size: entry.size, crc: entry.crc };
    this.zip.add(file);
    file.ondata!(null, entry.deflated as Uint8Array<ArrayBuffer>, true);
    this.check();
  }

  /** A small entry, deflated at once. */
  addFile(name: string, text: string): void {
    this.check();
    const data = Buffer.from(text, 'utf8');
    const file = this.file(name);
    file.size = data.length;
    file.crc = zlib.crc32(data);
    this.zip.add(file);
    file.ondata!(null, zlib.deflateRawSync(data, { level: this.level }), true);
    this.check();
  }

  /** An entry written piece by piece (a worksheet). */
  open(name: string): ZipEntry {
    this.check();
    const file = this.file(name);
    this.zip.add(file);
    return new ZipEntry(file, this.level, this);
  }

  /** Writes the central directory. */
  end(): void {
    this.check();
    this.zip.end();
    this.check();
    if (!this.finished) throw new Error('zip not finished: an entry is still open');
  }

  /** @internal */
  fail(error: unknown): void {
    this.failure ??= error;
  }
}

export class ZipEntry {
  private readonly deflate: zlib.DeflateRaw;
  private crc = 0;
  private size = 0;
  private readonly ended: Promise<void>;

  constructor(
    private readonly file: ZipInputFile,
    level: number,
    private readonly zip: ZipStream,
  ) {
    this.deflate = zlib.createDeflateRaw({ level, chunkSize: 1 << 16 });
    this.ended = new Promise<void>((resolve, reject) => {
      this.deflate.on('data', (chunk: Buffer) => file.ondata!(null, chunk as Uint8Array<ArrayBuffer>, false));
      this.deflate.on('error', (error) => {
        zip.fail(error);
        reject(error);
      });
      this.deflate.on('end', () => {
        file.size = this.size;
        file.crc = this.crc;
        file.ondata!(null, new Uint8Array(0), true);
        resolve();
      });
    });
    // A failure is reported by end(); until then it must not be an unhandled rejection.
    this.ended.catch(() => undefined);
  }

  write(text: string): void {
    this.zip.check();
    const data = Buffer.from(text, 'utf8');
    this.size += data.length;
    if (this.size > 0xffffffff) throw new Error(`${this.file.filename} is over 4 GiB, which needs zip64`);
    this.crc = zlib.crc32(data, this.crc);
    this.deflate.write(data);
  }

  /** Gives zlib's callbacks a turn, and waits while more than BACKLOG_LIMIT bytes wait to be deflated. */
  async drain(): Promise<void> {
    if (this.deflate.writableLength > BACKLOG_LIMIT) await Promise.race([new Promise<void>((resolve) => this.deflate.once('drain', resolve)), this.ended]);
    else await new Promise<void>((resolve) => setImmediate(resolve));
    this.zip.check();
  }

  async end(): Promise<void> {
    this.deflate.end();
    await this.ended;
    this.zip.check();
  }

  /** Stops deflating (after a failure elsewhere); the zip is not usable afterwards. */
  abort(): void {
    this.zip.fail(new Error(`${this.file.filename} was not finished`));
    this.deflate.destroy();
  }
}

/** One entry, deflated: its name, CRC, size and raw DEFLATE bytes. */
export interface DeflatedEntry {
  name: string;
  level: number;
  crc: number;
  size: number;
  deflated: Uint8Array;
}

/** Deflates one entry (raw DEFLATE, as zip holds it). */
export function deflateEntry(name: string, data: Uint8Array, level = 6): DeflatedEntry {
  return { name, level, crc: zlib.crc32(data), size: data.length, deflated: zlib.deflateRawSync(data, { level }) };
}

/**
 * Deflated entries of parts that recur, by path and then by content. A part is looked up by its
 * text, so a cached entry is only ever used for the same bytes.
 */
export class ZipEntryCache {
  private readonly entries = new Map<string, Map<string, DeflatedEntry>>();
  private size = 0;

  /** `level`: the deflate level of every entry (6, what docx's parts use; the stream writer's workbooks use their own). */
  constructor(
    private readonly capacity = 256,
    private readonly level = 6,
  ) {}

  entry(path: string, text: string): DeflatedEntry {
    let byText = this.entries.get(path);
    const cached = byText?.get(text);
    if (cached) return cached;
    const entry = deflateEntry(path, Buffer.from(text, 'utf8'), this.level);
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

/** The zip of `entries`, in order, every entry stamped with the as-of's time: the whole file in memory. */
export function zipEntries(entries: readonly DeflatedEntry[], time: ZipTime): Buffer {
  const chunks: Uint8Array[] = [];
  const zip = new ZipStream((chunk) => chunks.push(chunk));
  for (const entry of entries) zip.addDeflated(entry);
  zip.end();
  return fixZipTimes(Buffer.concat(chunks), time);
}
