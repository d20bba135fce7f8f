import { parse as parseAst, type AnyNode, type DocumentNode } from '@humanwhocodes/momoa';
import type { Problem } from '../errors.ts';
import { escapePointerSegment, pointerToField } from '../errors.ts';

/** Nesting deeper than this is refused before anything recurses over the value. */
export const DEFAULT_MAX_DEPTH = 64;

export interface Position {
  line: number;
  column: number;
}

/** Maps a UTF-16 offset in `text` to a 1-based line and column. */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

type StructuralProblem = Omit<Problem, 'file' | 'severity'> & { offset: number };

/**
 * One pass over JSON text that finds what JSON.parse silently accepts or cannot survive:
 * nesting deeper than `maxDepth`, duplicate keys (JSON.parse keeps the last one) and
 * `__proto__` keys (a prototype-pollution vector for any code that merges objects).
 * It assumes the text is valid JSON or reports only what it saw up to the first oddity.
 */
export function scanStructure(text: string, maxDepth = DEFAULT_MAX_DEPTH): StructuralProblem[] {
  const problems: StructuralProblem[] = [];
  // One frame per open container: the keys seen so far (objects) or null (arrays), and the pointer.
  const keys: (Set<string> | null)[] = [];
  const pointers: string[] = [''];
  const counters: number[] = [];
  let expectingKey = false;
  let lastKey = '';
  const length = text.length;
  for (let index = 0; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x22 /* " */) {
      const end = endOfString(text, index);
      if (end === -1) return problems;
      const frame = keys[keys.length - 1];
      if (expectingKey && frame) {
        const raw = text.slice(index + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(index, end + 1)) as string) : raw;
        const pointer = `${pointers[pointers.length - 1]}/${escapePointerSegment(key)}`;
        if (key === '__proto__') {
          problems.push({
            code: 'forbidden-key',
            offset: index,
            pointer,
            field: pointerToField(pointer),
            message: 'the key "__proto__" is not allowed',
            hint: 'remove it: "__proto__" can change the prototype of objects built from this record',
          });
        } else if (frame.has(key)) {
          problems.push({
            code: 'duplicate-key',
            offset: index,
            pointer,
            field: pointerToField(pointer),
            message: `duplicate key "${key}"`,
            hint: 'a JSON object may name each key once; remove or merge the repeated one',
          });
        }
        frame.add(key);
        lastKey = key;
        expectingKey = false;
      }
      index = end;
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      const parentFrame = keys[keys.length - 1];
      let pointer = pointers[pointers.length - 1] ?? '';
      if (keys.length > 0) {
        pointer += parentFrame ? `/${escapePointerSegment(lastKey)}` : `/${counters[counters.length - 1] ?? 0}`;
      }
      if (keys.length >= maxDepth) {
        problems.push({
          code: 'too-deep',
          offset: index,
          pointer,
          field: pointerToField(pointer),
          message: `nesting is deeper than ${maxDepth} levels`,
          hint: 'a project record nests a few levels; check for a generated or corrupted file',
        });
        return problems;
      }
      keys.push(code === 0x7b ? new Set<string>() : null);
      pointers.push(pointer);
      counters.push(0);
      expectingKey = code === 0x7b;
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      keys.pop();
      pointers.pop();
      counters.pop();
      expectingKey = false;
    } else if (code === 0x2c /* , */) {
      const frame = keys[keys.length - 1];
      if (frame) expectingKey = true;
      else if (counters.length > 0) counters[counters.length - 1] = (counters[counters.length - 1] ?? 0) + 1;
    }
  }
  return problems;
}

/**
 * The fast path of the structural checks, for the common case of a clean record: walks the parsed
 * value without recursion (depth, "__proto__" keys, key count) and counts `":` in the text.
 * When the counts agree there is no duplicate key (JSON.parse would have dropped one). Returns
 * false whenever it cannot be sure; the caller then runs the precise `scanStructure`.
 */
export function structureLooksClean(text: string, value: unknown, maxDepth = DEFAULT_MAX_DEPTH): boolean {
  let keys = 0;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const node = stack.pop();
    const depth = depths.pop() ?? 1;
    if (node === null || typeof node !== 'object') continue;
    if (depth > maxDepth) return false;
    if (Array.isArray(node)) {
      for (const element of node) {
        if (element !== null && typeof element === 'object') {
          stack.push(element);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    const record = node as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(record, '__proto__')) return false;
    for (const key in record) {
      keys += 1;
      const child = record[key];
      if (child !== null && typeof child === 'object') {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  // Every key in the text ends with `":` when written by JSON.stringify or a usual editor; a string
  // value containing `":` or a key written `"a" :` makes the counts differ, and then we look closely.
  // Counted by looking for each colon and the quote before it (a fifth faster than looking for `":`).
  let colons = 0;
  for (let index = text.indexOf(':'); index !== -1; index = text.indexOf(':', index + 1)) if (text.charCodeAt(index - 1) === 0x22) colons += 1;
  return colons === keys;
}

/** Index of the quote that closes the string opened at `start`, or -1. */
function endOfString(text: string, start: number): number {
  let index = text.indexOf('"', start + 1);
  while (index !== -1) {
    let backslashes = 0;
    for (let back = index - 1; text.charCodeAt(back) === 0x5c; back -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return index;
    index = text.indexOf('"', index + 1);
  }
  return -1;
}

/** Describes a JSON.parse failure at a line and column, using an AST parser for the position. */
export function describeSyntaxError(text: string, error: unknown): Omit<Problem, 'file' | 'severity'> {
  let position: Position | undefined;
  let detail = error instanceof Error ? error.message : String(error);
  try {
    parseAst(text);
  } catch (astError) {
    const located = astError as { line?: number; column?: number; message?: string };
    if (typeof located.line === 'number' && typeof located.column === 'number') {
      position = { line: located.line, column: located.column };
      detail = (located.message ?? detail).replace(/\s*\(\d+:\d+\)$/, '');
    }
  }
  if (!position) {
    const offset = /position (\d+)/.exec(detail);
    if (offset) position = positionAt(text, Number(offset[1]));
    detail = detail.replace(/\s*in JSON at position \d+.*$/, '');
  }
  return {
    code: 'not-json',
    ...position,
    message: `not valid JSON: ${detail.replace(/\.$/, '')}`,
    hint: 'check for a missing comma or quote, a trailing comma, or a comment (JSON allows none)',
  };
}

/** Finds source positions of values and keys by JSON pointer, parsing the text once on demand. */
export class SourceMap {
  private document: DocumentNode | undefined;

  constructor(private readonly text: string) {}

  /** Position of the value at `pointer`; with `key`, of the member name instead. Falls back to the nearest ancestor. */
  locate(pointer: string, key?: string): Position | undefined {
    this.document ??= parseAst(this.text, { mode: 'json' });
    let node: AnyNode = this.document.body;
    const segments = pointer === '' ? [] : pointer.slice(1).split('/').map(unescapeSegment);
    for (const segment of segments) {
      const child = childOf(node, segment);
      if (!child) break;
      node = child.value;
    }
    if (key !== undefined && node.type === 'Object') {
      const member = node.members.find((candidate) => nameOf(candidate.name) === key);
      if (member) return { line: member.name.loc.start.line, column: member.name.loc.start.column };
    }
    return { line: node.loc.start.line, column: node.loc.start.column };
  }

  /**
   * Position of the character at `index` of the string value at `pointer` (escapes counted as the
   * text writes them): the column of a misspelt name inside a path or a message. The value's own
   * position when `pointer` is not a string.
   */
  locateInString(pointer: string, index: number): Position | undefined {
    const start = this.locate(pointer);
    let node: AnyNode | undefined = this.document?.body;
    for (const segment of pointer === '' ? [] : pointer.slice(1).split('/').map(unescapeSegment)) node = node ? childOf(node, segment)?.value : undefined;
    if (!start || node?.type !== 'String') return start;
    let raw = node.loc.start.offset + 1;
    for (let decoded = 0; decoded < index && raw < node.loc.end.offset - 1; decoded += 1) raw += this.text[raw] !== '\\' ? 1 : this.text[raw + 1] === 'u' ? 6 : 2;
    return { line: node.loc.start.line, column: node.loc.start.column + (raw - node.loc.start.offset) };
  }
}

function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function nameOf(name: AnyNode): string {
  return name.type === 'String' ? name.value : name.type === 'Identifier' ? name.name : '';
}

function childOf(node: AnyNode, segment: string): { value: AnyNode } | undefined {
  if (node.type === 'Object') {
    // The last duplicate wins, as in JSON.parse.
    const matches = node.members.filter((member) => nameOf(member.name) === segment);
    return matches[matches.length - 1];
  }
  if (node.type === 'Array') return node.elements[Number(segment)];
  return undefined;
}

/** Where to look: the value at `pointer`, or with `key` the name of that member of the object at `pointer`. */
export interface PlaceWanted {
  pointer: string;
  key?: string;
}

/**
 * Positions of many places in one pass over the text, without building a syntax tree (a 14 MB record's
 * tree took 600 MB): what SourceMap.locate gives for each, for text that JSON.parse accepted. A place
 * that does not exist falls back to its nearest existing ancestor, as SourceMap does. Keyed by
 * `placeKey(wanted)`.
 */
export function locatePlaces(text: string, places: readonly PlaceWanted[]): Map<string, Position> {
  // Offsets of values by pointer, and of member names by `pointer\u0000key` (the last duplicate wins, as in JSON.parse).
  const wantedValues = new Set<string>();
  const wantedKeys = new Set<string>();
  const prefixes = new Set<string>();
  for (const place of places) {
    const segments = place.pointer === '' ? [] : place.pointer.slice(1).split('/');
    let prefix = '';
    prefixes.add('');
    for (const segment of segments) {
      prefix += `/${segment}`;
      prefixes.add(prefix);
      wantedValues.add(prefix);
    }
    wantedValues.add(place.pointer);
    if (place.key !== undefined) wantedKeys.add(`${place.pointer}\u0000${place.key}`);
  }
  const offsets = new Map<string, number>();
  // One frame per open container: its pointer (null when nothing below it is wanted), whether it is an object, the next index.
  const pointers: (string | null)[] = [];
  const isObject: boolean[] = [];
  const indexes: number[] = [];
  let pendingKey: string | null = null; // pointer of the member whose value comes next
  let expectingKey = false;
  /** The pointer of a value starting here, or null when not wanted below. */
  const valuePointer = (): string | null => {
    const depth = pointers.length;
    if (depth === 0) return '';
    const parent = pointers[depth - 1];
    if (parent === null || parent === undefined) return null;
    if (isObject[depth - 1]) return pendingKey;
    const index = indexes[depth - 1] ?? 0;
    const pointer = `${parent}/${index}`;
    return prefixes.has(pointer) || wantedValues.has(pointer) ? pointer : null;
  };
  const startValue = (offset: number): string | null => {
    const pointer = valuePointer();
    if (pointer !== null && wantedValues.has(pointer)) offsets.set(pointer, offset);
    return pointer;
  };
  const length = text.length;
  for (let index = 0; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) continue;
    if (code === 0x22 /* " */) {
      const end = endOfString(text, index);
      if (end === -1) break;
      const depth = pointers.length;
      if (expectingKey && depth > 0) {
        const parent = pointers[depth - 1];
        if (parent !== null && parent !== undefined) {
          const raw = text.slice(index + 1, end);
          const key = raw.includes('\\') ? (JSON.parse(text.slice(index, end + 1)) as string) : raw;
          const child = `${parent}/${escapePointerSegment(key)}`;
          if (wantedKeys.has(`${parent}\u0000${key}`)) offsets.set(`${parent}\u0000${key}`, index);
          pendingKey = prefixes.has(child) || wantedValues.has(child) ? child : null;
        } else pendingKey = null;
        expectingKey = false;
      } else {
        startValue(index);
      }
      index = end;
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      const pointer = startValue(index);
      pointers.push(pointer !== null && prefixes.has(pointer) ? pointer : null);
      isObject.push(code === 0x7b);
      indexes.push(0);
      expectingKey = code === 0x7b;
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      pointers.pop();
      isObject.pop();
      indexes.pop();
      expectingKey = false;
    } else if (code === 0x2c /* , */) {
      const depth = pointers.length;
      if (isObject[depth - 1]) expectingKey = true;
      else if (depth > 0) indexes[depth - 1] = (indexes[depth - 1] ?? 0) + 1;
    } else if (code === 0x3a /* : */) {
      continue;
    } else {
      // A number, true, false or null: its first character.
      startValue(index);
      while (index + 1 < length && !/[\s,\]}]/.test(text.charAt(index + 1))) index += 1;
    }
  }
  const lineStarts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  const position = (offset: number): Position => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
  };
  const found = new Map<string, Position>();
  for (const place of places) {
    let offset = place.key !== undefined ? offsets.get(`${place.pointer}\u0000${place.key}`) : undefined;
    for (let pointer = place.pointer; offset === undefined; pointer = pointer.slice(0, pointer.lastIndexOf('/'))) {
      offset = offsets.get(pointer);
      if (pointer === '') break;
    }
    found.set(placeKey(place), position(offset ?? 0));
  }
  return found;
}

export function placeKey(place: PlaceWanted): string {
  return place.key === undefined ? place.pointer : `${place.pointer}\u0000${place.key}`;
}
