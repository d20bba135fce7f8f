import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../write/atomic.ts';

export interface ManifestEntry {
  /** Path inside the pack, with forward slashes, e.g. projects/P2026-GOV-001/项目需求书.docx */
  path: string;
  sha256: string;
  bytes: number;
  /** The template or spec it came from, e.g. templates/word/requirements.md.hbs */
  template: string;
  /** Source record files; empty for run-level files such as findings.json. */
  sources: string[];
}

/** Writes one file of a pack below `staging` (atomically) and describes it for the manifest. */
export function writePackFile(staging: string, relativePath: string, data: Uint8Array | string, template: string, sources: string[]): ManifestEntry {
  const segments = relativePath.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..' || segment.includes('\\'))) {
    throw new Error(`refusing to write outside the pack: ${relativePath}`);
  }
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  writeFileAtomic(path.join(staging, ...segments), bytes);
  return { path: relativePath, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength, template, sources: [...sources].sort() };
}

/** Only safe names become directories: the record schema already limits ids, this is the last guard. */
export function safeSegment(name: string): string {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?!\.)){0,63}$/.test(name)) throw new Error(`unsafe path segment "${name}"`);
  return name;
}

/**
 * A pack being written: files go into a staging directory beside the target; `commit` swaps it in
 * with renames, so a run that fails leaves the previous pack as it was.
 */
export class PackOutput {
  readonly staging: string;
  private readonly entries: ManifestEntry[] = [];

  constructor(readonly target: string) {
    const parent = path.dirname(target);
    mkdirSync(parent, { recursive: true });
    this.staging = path.join(parent, `.${path.basename(target)}.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(this.staging, { recursive: true });
  }

  /** Writes one file of the pack and records it in the manifest. */
  write(relativePath: string, data: Uint8Array | string, template: string, sources: string[]): ManifestEntry {
    return this.add(writePackFile(this.staging, relativePath, data, template, sources));
  }

  /** Records a file written into the staging directory elsewhere (by a worker thread). */
  add(entry: ManifestEntry): ManifestEntry {
    this.entries.push(entry);
    return entry;
  }

  /** The manifest so far, sorted by path. */
  manifest(): ManifestEntry[] {
    return [...this.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Replaces the target with the staged pack. */
  commit(): void {
    const previous = existsSync(this.target) ? `${this.staging}.previous` : undefined;
    if (previous) renameSync(this.target, previous);
    try {
      renameSync(this.staging, this.target);
    } catch (error) {
      if (previous) renameSync(previous, this.target);
      throw error;
    }
    if (previous) rmSync(previous, { recursive: true, force: true });
  }

  /** Drops the staged files; the previous pack stays. */
  abandon(): void {
    rmSync(this.staging, { recursive: true, force: true });
  }
}
