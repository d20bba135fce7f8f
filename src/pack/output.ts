import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { isSafeId } from '../records/safe-id.ts';
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
  if (!isSafeId(name)) throw new Error(`unsafe path segment "${name}"`);
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

  /**
   * Writes `{ ...head, [key]: [items] }` exactly as JSON.stringify(value, null, 2) + newline would,
   * streaming the items to disk so a run with 250,000 findings never holds the text. Returns the count.
   */
  writeJsonArray(relativePath: string, head: Record<string, string | number | boolean>, key: string, items: Iterable<unknown>, template: string, sources: string[]): number {
    const target = path.join(this.staging, ...relativePath.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w');
    const hash = createHash('sha256');
    let bytes = 0;
    const put = (text: string): void => {
      const chunk = Buffer.from(text, 'utf8');
      writeSync(fd, chunk);
      hash.update(chunk);
      bytes += chunk.byteLength;
    };
    let count = 0;
    try {
      put('{\n');
      for (const [name, value] of Object.entries(head)) put(`  ${JSON.stringify(name)}: ${JSON.stringify(value)},\n`);
      put(`  ${JSON.stringify(key)}: [`);
      for (const item of items) {
        put(`${count === 0 ? '' : ','}\n${JSON.stringify(item, null, 2).replace(/^/gm, '    ')}`);
        count += 1;
      }
      put(count === 0 ? ']\n}\n' : '\n  ]\n}\n');
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
    this.add({ path: relativePath, sha256: hash.digest('hex'), bytes, template, sources: [...sources].sort() });
    return count;
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

  /** Replaces the target with the staged pack (scratch files removed). */
  commit(): void {
    rmSync(path.join(this.staging, '.work'), { recursive: true, force: true });
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
