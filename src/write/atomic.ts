import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes a file so that readers see either the old content or the new, never half:
 * write to a temporary name in the same directory, then rename over the target.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw withPath(error, file);
  }
}

/** A failed write(2) carries no path: name the file, so the user reads which disk is full. */
export function withPath(error: unknown, file: string): unknown {
  const failure = error as NodeJS.ErrnoException | null;
  if (failure && typeof failure === 'object' && typeof failure.code === 'string' && failure.path === undefined) failure.path = file;
  return error;
}
