import { closeSync, constants as fsConstants, fstatSync, openSync, readSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Problem } from '../errors.ts';
import { DEFAULT_MAX_DEPTH, SourceMap, describeSyntaxError, locatePlaces, placeKey, positionAt, scanStructure, structureLooksClean } from './json-text.ts';
import { isSafeId } from './safe-id.ts';
import { checkSemantics } from './semantics.ts';
import { checkSizeLimits, describeSchemaErrors, recordValidator, type SchemaProblem } from './schema.ts';
import type { ProjectRecord } from './types.gen.ts';

/** A record that passed every check, with the file it came from. */
export interface LoadedRecord {
  file: string;
  record: ProjectRecord;
}

/** What happened to one input file. */
export interface FileOutcome {
  file: string;
  valid: boolean;
  /** The record's id when it could be read, even if the record is invalid. */
  id?: string;
  problems: Problem[];
}

export interface LoadOptions {
  /** Files larger than this are refused before they are read. Default 16 MiB. */
  maxFileBytes?: number;
  /** Containers nested deeper than this are refused. Default 64. */
  maxDepth?: number;
  /** Problems listed per file at most; the rest are counted. Default 100. */
  maxProblems?: number;
}

export interface LoadResult {
  records: LoadedRecord[];
  /** Every problem of every file, sorted by file, line and column. */
  problems: Problem[];
  files: FileOutcome[];
}

export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_PROBLEMS = 100;
/** Text length (UTF-16 units) above which a record's size limits are checked before the schema (about 5 ms of validation below it). */
export const SIZES_FIRST_FROM = 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Loads and validates project records from files, directories (every *.json below them) and
 * glob patterns. Bad files fail alone: their problems are returned, the other records load.
 */
export async function loadRecords(inputs: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const { files, problems: inputProblems } = await expandInputs(inputs);
  const outcomes = files.map((file) => loadFile(file, options));
  await markDuplicateIds(outcomes);
  const records: LoadedRecord[] = [];
  for (const outcome of outcomes) {
    if (outcome.valid && outcome.record) records.push({ file: outcome.file, record: outcome.record });
  }
  const files_ = outcomes.map(({ file, valid, id, problems }) => ({ file, valid, id, problems }));
  const problems = [...inputProblems, ...files_.flatMap((outcome) => outcome.problems)];
  return { records, problems, files: files_ };
}

type InternalOutcome = FileOutcome & { record?: ProjectRecord };

/**
 * Checks every input like loadRecords but keeps no record in memory: for runs over many projects,
 * whose records are read again one at a time when they are rendered.
 */
export async function scanRecords(inputs: readonly string[], options: LoadOptions = {}): Promise<{ files: FileOutcome[]; problems: Problem[] }> {
  const { files, problems: inputProblems } = await expandInputs(inputs);
  const outcomes = files.map((file) => {
    const outcome = loadFile(file, options);
    delete outcome.record;
    return outcome;
  });
  await markDuplicateIds(outcomes);
  return { files: outcomes, problems: [...inputProblems, ...outcomes.flatMap((outcome) => outcome.problems)] };
}

/** The problems of the inputs themselves (a path that matches nothing), not of any one file. */
export function inputLevelProblems(scanned: { files: readonly { file: string }[]; problems: readonly Problem[] }): Problem[] {
  const files = new Set(scanned.files.map((file) => file.file));
  return scanned.problems.filter((problem) => problem.file === undefined || !files.has(problem.file));
}

/** Reads and checks one record file; `record` is set when it is valid. */
export function loadRecordFile(file: string, options: LoadOptions = {}): FileOutcome & { record?: ProjectRecord } {
  return loadFile(file, options);
}

/** Parses and validates one record's text. Exposed for tests and for the benchmark. */
export function checkRecordText(file: string, text: string, options: LoadOptions = {}): InternalOutcome {
  const fail = (problems: Problem[], id?: string): InternalOutcome => ({ file, valid: false, id, problems: sortProblems(problems) });
  if (text.charCodeAt(0) === 0xfeff) {
    return fail([
      problem(file, {
        code: 'bom',
        line: 1,
        column: 1,
        message: 'the file starts with a byte order mark (BOM)',
        hint: 'save the file as UTF-8 without BOM',
      }),
    ]);
  }
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const tooDeep = scanStructure(text, maxDepth).find((item) => item.code === 'too-deep');
    if (tooDeep) {
      const { offset, ...rest } = tooDeep;
      return fail([problem(file, { ...rest, ...positionAt(text, offset) })]);
    }
    return fail([problem(file, describeSyntaxError(text, error))]);
  }
  if (!structureLooksClean(text, value, maxDepth)) {
    const structural = scanStructure(text, maxDepth);
    if (structural.length > 0) {
      return fail(structural.map(({ offset, ...rest }) => problem(file, { ...rest, ...positionAt(text, offset) })), idOf(value));
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail([
      problem(file, {
        code: 'not-a-record',
        line: 1,
        column: 1,
        message: `expected one project record (a JSON object), got ${Array.isArray(value) ? 'an array' : typeof value}`,
        hint: 'put one project per file',
      }),
    ]);
  }
  const validate = recordValidator();
  // Positions of all problems of the file in one pass over the text (no syntax tree of a large record).
  const placeAll = (found: readonly SchemaProblem[]): Problem[] => {
    const positions = locatePlaces(text, found);
    return found.map(({ key, ...rest }) => problem(file, { ...rest, ...positions.get(placeKey({ pointer: rest.pointer, key })) }));
  };
  const maxProblems = options.maxProblems ?? DEFAULT_MAX_PROBLEMS;
  // The size limits first for a large text, so that 100,000 circuits are refused at once rather than
  // validated one by one; a smaller record is validated first, and its sizes looked at only when it
  // fails (the schema holds the same limits, so a valid record has none over): the same problems either way.
  const sizesFirst = text.length > SIZES_FIRST_FROM;
  const oversized = sizesFirst ? checkSizeLimits(value, maxProblems) : [];
  if (oversized.length > 0) return fail(placeAll(oversized), idOf(value));
  if (!validate(value)) {
    const over = sizesFirst ? [] : checkSizeLimits(value, maxProblems);
    if (over.length > 0) return fail(placeAll(over), idOf(value));
    // Described and located only up to the cap: a file with 100,000 bad items says how many more there are.
    const described = describeSchemaErrors(validate.errors ?? []);
    const shown = sortProblems(placeAll(described.slice(0, maxProblems)));
    if (described.length > maxProblems) {
      shown.push(
        problem(file, {
          code: 'more-problems',
          message: `and ${described.length - maxProblems} more problems in this file (the first ${maxProblems} are listed)`,
          hint: 'fix these and check again; most likely one mistake repeated over many items',
        }),
      );
    }
    return { file, valid: false, id: idOf(value), problems: shown };
  }
  const semantic = checkSemantics(value);
  if (semantic.length > 0) return fail(placeAll(semantic), value.id);
  return { file, valid: true, id: value.id, problems: [], record: value };
}

// Synchronous reads: the work per file is CPU-bound, and the thread-pool round trips of
// fs/promises cost more than the reads themselves for many small records (measured in npm run bench).
function loadFile(file: string, options: LoadOptions): InternalOutcome {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  let bytes: Buffer;
  try {
    const read = readRegularFile(file, maxBytes);
    if (typeof read === 'object' && !Buffer.isBuffer(read)) return { file, valid: false, problems: [problem(file, read)] };
    bytes = read;
  } catch (error) {
    return { file, valid: false, problems: [problem(file, describeFsError(error))] };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    return {
      file,
      valid: false,
      problems: [problem(file, { code: 'not-utf8', ...positionAt(lenient, lenient.indexOf('\uFFFD')), message: 'the file is not valid UTF-8 (first bad byte here)', hint: 'save it as UTF-8 (not GBK or UTF-16)' })],
    };
  }
  return checkRecordText(file, text, options);
}

/**
 * The bytes of a regular file, at most `maxBytes`: a FIFO, a device (a link to /dev/zero) or a
 * folder is refused without being read, and the limit holds while reading, whatever the size the
 * file system reported. Opened without blocking (a FIFO would wait for a writer) and checked on the
 * open descriptor, so a file swapped after a check is still caught. The bytes are the reader's own
 * buffer's: decode them before the next read (exported for its tests).
 */
export function readRegularFile(file: string, maxBytes: number): Buffer | Omit<Problem, 'file' | 'severity'> {
  const tooLarge = (size: string): Omit<Problem, 'file' | 'severity'> => ({
    code: 'too-large',
    message: `the file is ${size}; a record may be at most ${formatBytes(maxBytes)}`,
    hint: 'split the portfolio into one file per project, or raise --max-file-size',
  });
  const fd = openSync(file, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!info.isFile()) {
      const kind = info.isFIFO() ? 'a named pipe (FIFO)' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : 'not a regular file';
      return { code: 'not-a-file', message: `is ${kind}, not a regular file`, hint: 'records are read from regular files only' };
    }
    if (info.size > maxBytes) return tooLarge(formatBytes(info.size));
    // The size is only a first guess: a file may grow while read, and some report 0 (/proc): the
    // limit is checked on what was read. Read into one buffer kept between files (its bytes are
    // decoded before the next file is read): no allocation per file.
    let buffer = scratchOf(Math.min(maxBytes + 1, info.size + 1));
    // Never more than one byte over the limit is read, however large the buffer.
    let capacity = Math.min(buffer.length, maxBytes + 1);
    let length = 0;
    for (;;) {
      if (length === capacity) {
        if (length > maxBytes) return tooLarge(`over ${formatBytes(maxBytes)}`);
        buffer = scratchOf(Math.min(maxBytes + 1, capacity * 2 + 65_536), buffer, length);
        capacity = Math.min(buffer.length, maxBytes + 1);
      }
      const count = readSync(fd, buffer, length, capacity - length, null);
      if (count === 0) return buffer.subarray(0, length);
      length += count;
      // All the bytes fstat reported, with room for more left: a regular file read in full, without
      // a last read to see the end (a file whose size is not what fstat says, one that grew or one
      // of /proc or /sys, reads on until a read gives nothing).
      if (length === info.size && length < capacity) return buffer.subarray(0, length);
    }
  } finally {
    closeSync(fd);
  }
}

/** Bytes up to this size stay in the reader's buffer between files; a larger file gets its own. */
const SCRATCH_KEPT = 1024 * 1024;
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * A buffer of at least `size` bytes: the reader's own when large enough, else a larger one that
 * holds the first `keep` bytes of `current` (what was read so far).
 */
function scratchOf(size: number, current: Buffer = scratch, keep = 0): Buffer {
  if (current.length >= size) return current;
  const bigger = Buffer.allocUnsafe(Math.max(size, Math.min(SCRATCH_KEPT, current.length * 2)));
  current.copy(bigger, 0, 0, keep);
  if (bigger.length <= SCRATCH_KEPT) scratch = bigger;
  return bigger;
}

function describeFsError(error: unknown): Omit<Problem, 'file' | 'severity'> {
  const code = (error as { code?: string }).code;
  const messages: Record<string, [string, string]> = {
    ENOENT: ['no such file', 'check the path; directories and glob patterns such as "records/*.json" also work'],
    EACCES: ['permission denied', 'make the file readable by this user'],
    EPERM: ['permission denied', 'make the file readable by this user'],
    EISDIR: ['is a directory', 'give the directory itself as an input to load every *.json below it'],
  };
  const [message, hint] = messages[code ?? ''] ?? [`cannot read the file (${code ?? String(error)})`, 'check the path and permissions'];
  return { code: 'unreadable', message, hint };
}

/**
 * What a directory input skips: installed packages, the files of docpack's own packs (so that
 * `docpack build .` does not read its previous output as records) and the usual project files.
 * Files and glob patterns given explicitly are taken as given.
 */
export const DIRECTORY_IGNORES = [
  '**/node_modules/**',
  '**/manifest.json',
  '**/findings.json',
  '**/shard.json',
  '**/docpack.config.json',
  '**/package.json',
  '**/package-lock.json',
  '**/tsconfig.json',
] as const;

/**
 * Whether fast-glob could read `input` as a pattern: only with one of these characters (its own test,
 * utils/pattern.js, needs one). A plain file name then costs no fast-glob load (~0.1 s at start).
 */
const MAYBE_PATTERN = /[\\*?[({]|^!/;

/** Expands files, directories and globs into a sorted, de-duplicated list of files. */
export async function expandInputs(inputs: readonly string[]): Promise<{ files: string[]; problems: Problem[] }> {
  const files = new Set<string>();
  const problems: Problem[] = [];
  const glob = async (): Promise<typeof import('fast-glob')> => (await import('fast-glob')).default;
  for (const input of inputs) {
    let found: string[];
    if (MAYBE_PATTERN.test(input) && (await glob()).isDynamicPattern(input)) {
      const fg = await glob();
      found = await fg(input.replace(/\\/g, '/'), { onlyFiles: true, dot: false });
    } else {
      let isDirectory = false;
      try {
        isDirectory = (await stat(input)).isDirectory();
      } catch {
        // A missing path is reported when the file is loaded, with its reason.
      }
      found = isDirectory
        ? (await (await glob())('**/*.json', { cwd: input, onlyFiles: true, dot: false, ignore: [...DIRECTORY_IGNORES] })).map((name) => path.join(input, name))
        : [input];
    }
    if (found.length === 0) {
      problems.push(problem(input, { code: 'no-records', message: 'matches no *.json file', hint: 'check the path or pattern' }));
    }
    for (const file of found) files.add(path.normalize(file));
  }
  return { files: [...files].sort(), problems };
}

/** Two files with the same project id would write to the same pack directory: both are invalid (their problems say so). */
export async function markDuplicateIds(outcomes: (FileOutcome & { record?: ProjectRecord })[]): Promise<void> {
  // Ids differing only in case name one folder on Windows and macOS: grouped case-insensitively.
  const byId = new Map<string, (FileOutcome & { record?: ProjectRecord })[]>();
  for (const outcome of outcomes) {
    if (outcome.id === undefined) continue;
    const key = outcome.id.toLowerCase();
    byId.set(key, [...(byId.get(key) ?? []), outcome]);
  }
  for (const group of byId.values()) {
    if (group.length < 2) continue;
    for (const outcome of group) {
      const id = outcome.id as string;
      const others = group.filter((other) => other !== outcome).map((other) => (other.id === id ? other.file : `${other.file} (as "${other.id}": ids differing only in case name one folder on Windows and macOS)`));
      outcome.valid = false;
      delete outcome.record;
      const position = await readFile(outcome.file, 'utf8').then(
        (text) => new SourceMap(text).locate('/id'),
        () => undefined,
      );
      outcome.problems.push(
        problem(outcome.file, {
          ...position,
          code: 'duplicate-project-id',
          pointer: '/id',
          field: 'id',
          message: `project id "${id}" is also used by ${others.join(', ')}`,
          hint: 'each project needs its own id: it names the project directory in the pack',
        }),
      );
    }
  }
}

function idOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const id = (value as { id?: unknown }).id;
  return isSafeId(id) ? id : undefined;
}

/** Orders problems by position so a reader can walk the file from top to bottom. */
export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    // Messages by code unit, never localeCompare: the order (and so stderr and --json) must not depend on LANG/LC_ALL.
    (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

function problem(file: string, rest: Omit<Problem, 'file' | 'severity'>): Problem {
  return { severity: 'error', file, ...rest };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
