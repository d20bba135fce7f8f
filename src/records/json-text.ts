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
  let colons = 0;
  for (let index = text.indexOf('":'); index !== -1; index = text.indexOf('":', index + 2)) colons += 1;
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
