import { createHash, randomBytes } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, readlinkSync, renameSync, rmdirSync, rmSync, symlinkSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DocpackError } from '../errors.ts';
import { isSafeId } from '../records/safe-id.ts';
import { openFileAtomic, writeFileAtomicStream } from '../write/atomic.ts';

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

/**
 * Folders of the staging directory this thread last wrote into, made (or found) already: a pack's files
 * are written without asking again. Only one staging directory's: a long-lived process (a library user,
 * the tests) that builds pack after pack does not keep every pack's folders.
 */
const made: { staging: string; folders: Set<string> } = { staging: '', folders: new Set() };

/**
 * Writes a file of a staged pack. No temporary name and rename: the staging folder is the pack's own
 * until the commit swaps it in whole, and an interrupted run's staging folder is removed, so no reader
 * ever sees a file being written.
 */
function writeStagedFile(staging: string, file: string, bytes: Uint8Array): void {
  if (made.staging !== staging) {
    made.staging = staging;
    made.folders = new Set();
  }
  const folder = path.dirname(file);
  if (!made.folders.has(folder)) {
    mkdirSync(folder, { recursive: true });
    made.folders.add(folder);
  }
  try {
    writeFileSync(file, bytes);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    // A remembered folder that is gone (a staging directory removed and made again under its name): made again.
    mkdirSync(folder, { recursive: true });
    writeFileSync(file, bytes);
  }
}

/** The segments of a path inside the pack; one that would lead outside it is refused. */
function packSegments(relativePath: string): string[] {
  const segments = relativePath.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..' || segment.includes('\\'))) {
    throw new Error(`refusing to write outside the pack: ${relativePath}`);
  }
  return segments;
}

/** Writes one file of a pack below `staging` (a staging folder, swapped in whole by PackOutput.commit) and describes it for the manifest. */
export function writePackFile(staging: string, relativePath: string, data: Uint8Array | string, template: string, sources: string[]): ManifestEntry {
  const segments = packSegments(relativePath);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  writeStagedFile(staging, path.join(staging, ...segments), bytes);
  return { path: relativePath, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength, template, sources: [...sources].sort() };
}

const ITEMS_OPENING = '{\n  "items": [\n';
const ITEMS_CLOSING = '\n  ]\n}';

/**
 * Items of a JSON array as writeJsonArray lays them out (indented two levels), separated as it
 * separates them: one JSON.stringify of the array two levels in, its brackets cut off (the same text
 * as each item stringified and indented, without a regular expression over every line).
 */
export function formatJsonArrayItems(items: readonly unknown[]): string {
  if (items.length === 0) return '';
  const text = JSON.stringify({ items }, null, 2);
  return text.slice(ITEMS_OPENING.length, text.length - ITEMS_CLOSING.length);
}

/** A JSON array file being written as its items arrive (PackOutput.openJsonArray). */
export interface JsonArrayWriter {
  /** Appends items already formatted (formatJsonArrayItems), `count` of them. */
  add: (chunk: { text: string; count: number }) => void;
  /** Closes the file and records it in the manifest; returns how many items it holds. */
  finish: (template: string, sources: string[]) => number;
  /** Drops the unfinished file. */
  abort: () => void;
}

/** Only safe names become directories: the record schema already limits ids, this is the last guard. */
export function safeSegment(name: string): string {
  if (!isSafeId(name)) throw new Error(`unsafe path segment "${name}"`);
  return name;
}

/** Where a pack's folders live beside the packs of an output folder: `out/.docpack/`. */
export const STORE_DIR = '.docpack';
const LOCK_FILE = 'lock';

export interface PackOutputOptions {
  /** The command line of the run, shown to a second run that finds the output locked. */
  command?: string;
  /** What the user should know that does not stop the run: leftovers cleaned, an old pack not removed. */
  onNotice?: (message: string) => void;
}

/** Who holds an output folder's lock: written into `.docpack/lock`. */
interface LockHolder {
  pid: number;
  host: string;
  command: string;
  started: string;
}

/**
 * A pack being written. Each output folder keeps its packs in `.docpack/`: a run writes into a new
 * folder there (`.docpack/<name>.<pid>-<random>`), and `commit` makes `<out>/<name>` a symbolic link
 * to it by renaming a new link over the old one: one atomic step, so a reader (or a crash) sees the
 * old pack or the new one, never none. Runs into one output folder take turns (`.docpack/lock`), and
 * each run first removes what an interrupted run left (staging folders, old packs not removed) and
 * puts back a pack an interrupted run had moved aside.
 */
export class PackOutput {
  readonly staging: string;
  private readonly entries: ManifestEntry[] = [];
  private readonly store: string;
  private readonly releaseLock: () => void;
  private readonly notice: (message: string) => void;

  constructor(
    readonly target: string,
    options: PackOutputOptions = {},
  ) {
    const parent = path.dirname(target);
    mkdirSync(parent, { recursive: true });
    this.store = path.join(parent, STORE_DIR);
    makeDirectory(this.store);
    this.notice = options.onNotice ?? (() => undefined);
    this.releaseLock = acquireLock(this.store, options.command ?? process.argv.slice(1).join(' '));
    try {
      for (const message of recoverLeftovers(parent, this.store)) this.notice(message);
      this.staging = path.join(this.store, `${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}`);
      mkdirSync(this.staging);
    } catch (error) {
      this.releaseLock();
      throw error;
    }
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
    const chunks = {
      *[Symbol.iterator]() {
        for (const item of items) yield { text: formatJsonArrayItems([item]), count: 1 };
      },
    };
    return this.writeJsonArrayChunks(relativePath, head, key, chunks, template, sources);
  }

  /**
   * writeJsonArray with the items already formatted (formatJsonArrayItems, e.g. by the worker thread
   * that computed them), a run of them per chunk: the file is the same, byte for byte.
   */
  writeJsonArrayChunks(relativePath: string, head: Record<string, string | number | boolean>, key: string, chunks: Iterable<{ text: string; count: number }>, template: string, sources: string[]): number {
    const target = path.join(this.staging, ...relativePath.split('/'));
    const hash = createHash('sha256');
    let bytes = 0;
    const count = writeFileAtomicStream(target, (write) => {
      const put = (text: string): void => {
        const chunk = Buffer.from(text, 'utf8');
        write(chunk);
        hash.update(chunk);
        bytes += chunk.byteLength;
      };
      let written = 0;
      put('{\n');
      for (const [name, value] of Object.entries(head)) put(`  ${JSON.stringify(name)}: ${JSON.stringify(value)},\n`);
      put(`  ${JSON.stringify(key)}: [`);
      for (const chunk of chunks) {
        if (chunk.count === 0) continue;
        put(`${written === 0 ? '' : ','}\n${chunk.text}`);
        written += chunk.count;
      }
      put(written === 0 ? ']\n}\n' : '\n  ]\n}\n');
      return written;
    });
    this.add({ path: relativePath, sha256: hash.digest('hex'), bytes, template, sources: [...sources].sort() });
    return count;
  }

  /**
   * writeJsonArrayChunks for chunks that arrive over time (each project's findings as its render
   * comes back): `add` appends a chunk, `finish` closes the file, records it in the manifest and
   * returns the count; `abort` drops it. The file is the same, byte for byte.
   */
  openJsonArray(relativePath: string, head: Record<string, string | number | boolean>, key: string): JsonArrayWriter {
    const file = openFileAtomic(path.join(this.staging, ...relativePath.split('/')));
    const hash = createHash('sha256');
    let bytes = 0;
    let written = 0;
    const put = (text: string): void => {
      const chunk = Buffer.from(text, 'utf8');
      file.put(chunk);
      hash.update(chunk);
      bytes += chunk.byteLength;
    };
    let opening = '{\n';
    for (const [name, value] of Object.entries(head)) opening += `  ${JSON.stringify(name)}: ${JSON.stringify(value)},\n`;
    put(`${opening}  ${JSON.stringify(key)}: [`);
    return {
      add: (chunk) => {
        if (chunk.count === 0) return;
        put(`${written === 0 ? '' : ','}\n${chunk.text}`);
        written += chunk.count;
      },
      finish: (template, sources) => {
        put(written === 0 ? ']\n}\n' : '\n  ]\n}\n');
        file.commit();
        this.add({ path: relativePath, sha256: hash.digest('hex'), bytes, template, sources: [...sources].sort() });
        return written;
      },
      abort: () => file.abort(),
    };
  }

  /**
   * Where a file of the pack is written by a streaming writer (a portfolio workbook of 10,000
   * projects, 30 MB and more, is never held whole); recordStagedFile then adds it to the manifest.
   */
  stagedPath(relativePath: string): string {
    return path.join(this.staging, ...packSegments(relativePath));
  }

  /** Records a file already written at stagedPath(relativePath), hashing it in chunks. */
  recordStagedFile(relativePath: string, template: string, sources: string[]): ManifestEntry {
    const hash = createHash('sha256');
    const fd = openSync(this.stagedPath(relativePath), 'r');
    let bytes = 0;
    try {
      const buffer = Buffer.allocUnsafe(1 << 20);
      for (let got = readSync(fd, buffer); got > 0; got = readSync(fd, buffer)) {
        hash.update(buffer.subarray(0, got));
        bytes += got;
      }
    } finally {
      closeSync(fd);
    }
    return this.add({ path: relativePath, sha256: hash.digest('hex'), bytes, template, sources: [...sources].sort() });
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

  /**
   * Puts the staged pack in place of the previous one with one rename of a symbolic link, then
   * removes the previous pack. Failing to remove it does not undo the run: the new pack is in place,
   * so it is a notice, and the next run removes it.
   */
  commit(): void {
    rmSync(path.join(this.staging, '.work'), { recursive: true, force: true });
    const parent = path.dirname(this.target);
    const temporary = path.join(this.store, `link.${process.pid}-${randomBytes(4).toString('hex')}`);
    // A relative link keeps working when the output folder is moved; Windows needs a junction (absolute).
    if (process.platform === 'win32') symlinkSync(path.resolve(this.staging), temporary, 'junction');
    else symlinkSync(path.relative(parent, this.staging), temporary, 'dir');
    const existing = lstatOrUndefined(this.target);
    let previous: string | undefined;
    let movedAside = false;
    try {
      if (existing?.isSymbolicLink()) {
        previous = path.resolve(parent, readlinkSync(this.target));
      } else if (existing) {
        // A real folder (a pack of an older docpack): moved aside first, put back at the next start if we die here.
        previous = path.join(this.store, `${path.basename(this.target)}.previous`);
        rmSync(previous, { recursive: true, force: true });
        renameSync(this.target, previous);
        movedAside = true;
      }
      renameSync(temporary, this.target);
    } catch (error) {
      rmSync(temporary, { force: true });
      if (movedAside && previous) renameSync(previous, this.target);
      this.releaseLock();
      throw error;
    }
    // Only what docpack itself keeps in .docpack/ is removed: a link the user pointed elsewhere is left alone.
    if (previous && path.dirname(previous) === path.resolve(this.store) && previous !== path.resolve(this.staging)) {
      try {
        rmSync(previous, { recursive: true, force: true });
      } catch (error) {
        this.notice(`the new pack is in place, but the previous one (${previous}) could not be removed (${errorCode(error)}); the next run into ${parent} removes it`);
      }
    }
    this.releaseLock();
  }

  /** Drops the staged files; the previous pack stays. Never throws over the error that made the run fail. */
  abandon(): void {
    try {
      rmSync(this.staging, { recursive: true, force: true });
    } catch (error) {
      this.notice(`could not remove the unfinished pack ${this.staging} (${errorCode(error)}); the next run into ${path.dirname(this.target)} removes it`);
    }
    this.releaseLock();
    // A first run that failed leaves no empty .docpack/ behind (one that holds packs stays).
    try {
      rmdirSync(this.store);
    } catch {
      // not empty, or not ours to remove
    }
  }
}

function errorCode(error: unknown): string {
  return (error as { code?: string } | null)?.code ?? String(error);
}

function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** mkdir that is content with an existing folder, and says EROFS/EACCES where recursive mkdir says ENOENT. */
function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
  }
}

/** Whether a process with this id runs on this machine (EPERM: it does, as another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof holder.pid === 'number' && typeof holder.host === 'string' ? { pid: holder.pid, host: holder.host, command: String(holder.command ?? ''), started: String(holder.started ?? '') } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the output folder's lock (a file created exclusively) or throws a DocpackError naming the
 * run that holds it. A lock left by a process that no longer runs on this machine is taken over.
 * Returns the release function.
 */
function acquireLock(store: string, command: string): () => void {
  const file = path.join(store, LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, host: os.hostname(), command, started: new Date().toISOString() };
  for (let attempt = 0; ; attempt += 1) {
    try {
      writeFileSync(file, `${JSON.stringify(holder)}\n`, { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const current = readHolder(file);
        if (current?.pid === holder.pid && current.host === holder.host) rmSync(file, { force: true });
      };
    } catch (error) {
      if (errorCode(error) !== 'EEXIST' || attempt > 0) throw error;
      const other = readHolder(file);
      const ageMs = Date.now() - (lstatOrUndefined(file)?.mtimeMs ?? Date.now());
      // A lock file without a holder is one being written this instant, or one a crash cut short.
      const stale = other ? other.host === holder.host && !processAlive(other.pid) : ageMs > 10_000;
      if (stale) {
        rmSync(file, { force: true });
        continue;
      }
      const who = other ? `process ${other.pid} on ${other.host}${other.command ? ` (${other.command})` : ''}${other.started ? `, started ${other.started}` : ''}` : 'another run';
      throw new DocpackError({
        code: 'output-locked',
        file: path.dirname(store),
        message: `another docpack run is writing this output folder: ${who}`,
        hint: `wait for it to finish, or give another --out; if that run is gone (another machine, a reused process id), delete ${file}`,
      });
    }
  }
}

/**
 * Removes what interrupted runs left in an output folder, under its lock: staging folders and
 * previous packs not removed (anything in .docpack/ no link points to), and the staging folders of
 * older docpack versions (`.<name>.staging-*`). A pack an interrupted run had moved aside while its
 * name was free is put back. Returns notices for the user.
 */
export function recoverLeftovers(parent: string, store: string): string[] {
  const notices: string[] = [];
  const referenced = new Set<string>();
  const names = readdirSync(parent);
  for (const name of names) {
    const info = lstatOrUndefined(path.join(parent, name));
    if (info?.isSymbolicLink()) referenced.add(path.resolve(parent, readlinkSync(path.join(parent, name))));
  }
  const restore = (from: string, name: string): boolean => {
    const target = path.join(parent, name);
    if (lstatOrUndefined(target) !== undefined) return false;
    renameSync(from, target);
    notices.push(`put back ${target}, which an interrupted run had moved aside`);
    return true;
  };
  let removed = 0;
  // Older docpack versions staged beside the target and moved the previous pack to <staging>.previous.
  for (const name of names) {
    const legacy = /^\.(.+)\.staging-\d+-[0-9a-f]+(\.previous)?$/.exec(name);
    if (!legacy?.[1]) continue;
    if (legacy[2] && restore(path.join(parent, name), legacy[1])) continue;
    rmSync(path.join(parent, name), { recursive: true, force: true });
    removed += 1;
  }
  for (const name of readdirSync(store)) {
    const full = path.join(store, name);
    if (name === LOCK_FILE || referenced.has(path.resolve(full))) continue;
    const moved = /^(.+)\.previous$/.exec(name);
    if (moved?.[1] && restore(full, moved[1])) continue;
    rmSync(full, { recursive: true, force: true });
    if (!name.startsWith('link.')) removed += 1;
  }
  if (removed > 0) notices.push(`removed ${removed} folder${removed === 1 ? '' : 's'} left in ${parent} by interrupted runs (unfinished packs or previous packs not removed)`);
  return notices;
}
