import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Writes a chunk into the file being written. */
export type Put = (chunk: Uint8Array) => void;

/** A temporary name beside `file` (same directory, so the rename is atomic), hidden and unique to the process. */
function temporaryFor(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function failed(temporary: string, file: string, error: unknown): unknown {
  rmSync(temporary, { force: true });
  return withPath(error, file);
}

/**
 * Writes a file so that readers see either the old content or the new, never half:
 * write to a temporary name in the same directory, then rename over the target.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const temporary = temporaryFor(file);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch (error) {
    throw failed(temporary, file, error);
  }
}

/** Streams `fill`'s chunks into a temporary file and closes it; the caller renames it. */
function streamInto<T>(temporary: string, fill: (put: Put) => T): { result: T; close: () => void } {
  const fd = openSync(temporary, 'w');
  let open = true;
  const close = (): void => {
    if (open) closeSync(fd);
    open = false;
  };
  try {
    const result = fill((chunk) => {
      for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
    });
    return { result, close };
  } catch (error) {
    close();
    throw error;
  }
}

/**
 * writeFileAtomic for content too big to hold: `fill` writes it chunk by chunk through `put`;
 * `beforeRename` may still change the temporary file in place (a streamed workbook's zip entry
 * times). On any failure the temporary file is removed and the error names `file`.
 */
export function writeFileAtomicStream<T>(file: string, fill: (put: Put) => T, beforeRename?: (temporary: string) => void): T {
  const temporary = temporaryFor(file);
  try {
    const { result, close } = streamInto(temporary, fill);
    close();
    beforeRename?.(temporary);
    renameSync(temporary, file);
    return result;
  } catch (error) {
    throw failed(temporary, file, error);
  }
}

/** A file being written atomically, chunk by chunk, over time: `commit` renames it into place, `abort` removes it. */
export interface AtomicFile {
  put: Put;
  commit: () => void;
  abort: () => void;
}

/**
 * writeFileAtomicStream for content that arrives over time (findings.json, appended as each project's
 * render comes back): the temporary file stays open until `commit` or `abort`. On a failed write the
 * temporary file is removed and the error names `file`.
 */
export function openFileAtomic(file: string): AtomicFile {
  const temporary = temporaryFor(file);
  let fd: number | undefined = openSync(temporary, 'w');
  const close = (): void => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  const abort = (): void => {
    close();
    rmSync(temporary, { force: true });
  };
  return {
    put: (chunk) => {
      if (fd === undefined) throw new Error(`${file}: written after it was closed`);
      try {
        for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
      } catch (error) {
        abort();
        throw withPath(error, file);
      }
    },
    commit: () => {
      try {
        close();
        renameSync(temporary, file);
      } catch (error) {
        abort();
        throw withPath(error, file);
      }
    },
    abort,
  };
}

/** writeFileAtomicStream for a `fill` that writes asynchronously (a workbook streamed as its rows are rendered). */
export async function writeFileAtomicStreamAsync<T>(file: string, fill: (put: Put) => Promise<T>, beforeRename?: (temporary: string) => void): Promise<T> {
  const temporary = temporaryFor(file);
  let close: (() => void) | undefined;
  try {
    const streamed = streamInto(temporary, fill);
    close = streamed.close;
    const result = await streamed.result;
    close();
    beforeRename?.(temporary);
    renameSync(temporary, file);
    return result;
  } catch (error) {
    close?.();
    throw failed(temporary, file, error);
  }
}

/** A failed write(2) carries no path: name the file, so the user reads which disk is full. */
function withPath(error: unknown, file: string): unknown {
  const failure = error as NodeJS.ErrnoException | null;
  if (failure && typeof failure === 'object' && typeof failure.code === 'string' && failure.path === undefined) failure.path = file;
  return error;
}
