// Pieces of output that come in one order and are printed in another: `check` reads records in file
// order (once each) and prints them by project id once every file is known (a later file may carry the
// same id, which makes both invalid). Held in memory up to a limit, then in a temporary file, so memory
// stays flat whatever the portfolio's size (check --json on 10,000 projects prints about 600 MB).
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const DEFAULT_SPILL_BYTES = 64 * 1024 * 1024;

export interface SpilledPiece {
  offset: number;
  length: number;
  /** Set while the piece is still in memory. */
  bytes?: Uint8Array;
}

export class OutputSpill {
  private held = 0;
  private readonly pieces: SpilledPiece[] = [];
  private dir: string | undefined;
  private fd: number | undefined;
  private written = 0;

  /** `limit`: bytes kept in memory before every piece goes to a temporary file. */
  constructor(private readonly limit = DEFAULT_SPILL_BYTES) {}

  add(bytes: Uint8Array): SpilledPiece {
    const piece: SpilledPiece = { offset: -1, length: bytes.length, bytes };
    this.pieces.push(piece);
    this.held += bytes.length;
    if (this.held > this.limit) this.flush();
    return piece;
  }

  /** The bytes of a piece, from memory or read back from the file. */
  read(piece: SpilledPiece): Uint8Array {
    if (piece.bytes) return piece.bytes;
    const buffer = Buffer.allocUnsafe(piece.length);
    let done = 0;
    while (done < piece.length) {
      const count = readSync(this.fd as number, buffer, done, piece.length - done, piece.offset + done);
      if (count === 0) throw new Error(`the temporary output file ended early (at ${piece.offset + done} bytes)`);
      done += count;
    }
    return buffer;
  }

  /** Removes the temporary file, if any. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.fd = undefined;
    this.dir = undefined;
  }

  /** The temporary file, once pieces went there. */
  get file(): string | undefined {
    return this.dir === undefined ? undefined : path.join(this.dir, 'output');
  }

  private flush(): void {
    try {
      this.write();
    } catch (error) {
      // writeSync's error names no file: say which one (main.ts turns ENOSPC and the like into exit 2).
      if (error instanceof Error && (error as NodeJS.ErrnoException).path === undefined) (error as NodeJS.ErrnoException).path = this.dir === undefined ? tmpdir() : path.join(this.dir, 'output');
      throw error;
    }
  }

  private write(): void {
    if (this.fd === undefined) {
      this.dir = mkdtempSync(path.join(tmpdir(), 'docpack-check-'));
      this.fd = openSync(path.join(this.dir, 'output'), 'w+');
    }
    for (const piece of this.pieces) {
      if (!piece.bytes) continue;
      let done = 0;
      while (done < piece.bytes.length) done += writeSync(this.fd, piece.bytes, done, piece.bytes.length - done, this.written + done);
      piece.offset = this.written;
      this.written += piece.bytes.length;
      delete piece.bytes;
    }
    this.held = 0;
  }
}
