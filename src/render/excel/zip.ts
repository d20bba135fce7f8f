// Deterministic zip entries. ExcelJS zips with JSZip (in-memory Workbook) or archiver (streaming
// WorkbookWriter) and neither lets us choose every entry's time: each entry is stamped with the
// current time, archiver's in the machine's time zone. We rewrite the DOS time and date of every
// local and central directory header in place, to the as-of's Shanghai wall clock. Only fixed-size
// header fields change, so sizes, offsets and CRCs stay valid; files are patched without being read whole.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import type { DateTime } from 'luxon';
import { ZONE } from '../../time.ts';

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

/** The DOS time fields of the as-of's Shanghai wall clock (DOS times have no zone). */
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
