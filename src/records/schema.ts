import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { closest, distance } from 'fastest-levenshtein';
import { escapePointerSegment, pointerToField, type Problem } from '../errors.ts';
import { MIN_YEAR, daysInMonth, isIsoDate } from '../time.ts';
import type { ProjectRecord } from './types.gen.ts';
import { unsafeIdHint } from './safe-id.ts';
import { schemaValidator } from '../validators.ts';

export { createAjv } from '../validators.ts';

export const recordSchemaPath = new URL('../schemas/project.schema.json', import.meta.url);

/** The record validator, compiled once per process (or ahead of time by the build: validators.ts). */
export function recordValidator(): ValidateFunction<ProjectRecord> {
  return schemaValidator<ProjectRecord>('project');
}

interface LimitSchema {
  $ref?: string;
  properties?: Record<string, LimitSchema>;
  items?: LimitSchema;
  maxItems?: number;
  maxLength?: number;
  $defs?: Record<string, LimitSchema>;
}

let limitRoot: LimitSchema | undefined;

/** One node of the walk: the pointer is built from the parents only when a problem needs it. */
interface LimitNode {
  value: unknown;
  schema: LimitSchema;
  parent: LimitNode | undefined;
  key: string | number;
}

function pointerOf(node: LimitNode): string {
  const segments: string[] = [];
  for (let at: LimitNode | undefined = node; at?.parent !== undefined; at = at.parent) segments.push(escapePointerSegment(at.key));
  return segments.length === 0 ? '' : `/${segments.reverse().join('/')}`;
}

/**
 * The schema's size limits (maxItems, maxLength) checked before the schema itself, in one linear walk
 * without recursion: a record with 100,000 circuits is refused for its size at once, instead of after
 * every circuit was validated. Returns the first `max` problems found. Only the parts of the record
 * whose schema has a limit somewhere below are walked.
 */
export function checkSizeLimits(value: unknown, max = 100): SchemaProblem[] {
  limitRoot ??= JSON.parse(readFileSync(recordSchemaPath, 'utf8')) as LimitSchema;
  const defs = limitRoot.$defs ?? {};
  const resolve = (schema: LimitSchema | undefined): LimitSchema | undefined => {
    let current = schema;
    for (let guard = 0; current?.$ref !== undefined && guard < 16; guard += 1) current = defs[current.$ref.replace('#/$defs/', '')];
    return current;
  };
  const limited = limitedSchemas(resolve);
  const problems: SchemaProblem[] = [];
  const root = resolve(limitRoot);
  const stack: LimitNode[] = root && limited(root) ? [{ value, schema: root, parent: undefined, key: '' }] : [];
  while (stack.length > 0 && problems.length < max) {
    const node = stack.pop() as LimitNode;
    const { value: item, schema } = node;
    if (typeof item === 'string' && schema.maxLength !== undefined && item.length > schema.maxLength) {
      // String length as JSON Schema counts it (code points) only matters near the limit.
      const length = [...item].length;
      const pointer = pointerOf(node);
      if (length > schema.maxLength) problems.push({ code: 'out-of-range', pointer, field: pointerToField(pointer) || '(record)', message: `is ${length} characters long; at most ${schema.maxLength} allowed`, hint: 'shorten the text' });
    } else if (Array.isArray(item)) {
      if (schema.maxItems !== undefined && item.length > schema.maxItems) {
        const pointer = pointerOf(node);
        problems.push({
          code: 'out-of-range',
          pointer,
          field: pointerToField(pointer) || '(record)',
          message: `has ${item.length} items; at most ${schema.maxItems} allowed`,
          hint: 'split the project into several records, or the list into several entries (e.g. one order per batch of circuits)',
        });
        continue; // its items are not looked at: the record is refused for its size
      }
      const items = resolve(schema.items);
      if (!items || !limited(items)) continue;
      for (let index = item.length - 1; index >= 0; index -= 1) stack.push({ value: item[index], schema: items, parent: node, key: index });
    } else if (item !== null && typeof item === 'object' && schema.properties) {
      const keys = Object.keys(item);
      for (let index = keys.length - 1; index >= 0; index -= 1) {
        const key = keys[index] as string;
        const childSchema = Object.prototype.hasOwnProperty.call(schema.properties, key) ? resolve(schema.properties[key]) : undefined;
        if (childSchema && limited(childSchema)) stack.push({ value: (item as Record<string, unknown>)[key], schema: childSchema, parent: node, key });
      }
    }
  }
  return problems;
}

const limitedBySchema = new WeakMap<LimitSchema, boolean>();

/** Whether a (resolved) schema has a maxLength or maxItems at it or below; a schema that refers to itself counts as limited. */
function limitedSchemas(resolve: (schema: LimitSchema | undefined) => LimitSchema | undefined): (schema: LimitSchema) => boolean {
  const limited = (schema: LimitSchema): boolean => {
    const known = limitedBySchema.get(schema);
    if (known !== undefined) return known;
    limitedBySchema.set(schema, true); // while it is being looked at (a cycle): walk, to be safe
    const items = resolve(schema.items);
    const result =
      schema.maxLength !== undefined ||
      schema.maxItems !== undefined ||
      (items !== undefined && limited(items)) ||
      Object.values(schema.properties ?? {}).some((child) => {
        const resolved = resolve(child);
        return resolved !== undefined && limited(resolved);
      });
    limitedBySchema.set(schema, result);
    return result;
  };
  return limited;
}

/** A schema problem before a source position is attached: `key` marks problems about a member name. */
export type SchemaProblem = Omit<Problem, 'file' | 'severity'> & { pointer: string; key?: string };

const TYPE_HINTS: Record<string, string> = {
  boolean: 'write true or false, without quotes',
  number: 'write a number without quotes, e.g. 12 or 1234.5',
  integer: 'write a whole number without quotes',
  string: 'put the value in double quotes',
  array: 'write a list in square brackets: [ ... ]',
  object: 'write an object in braces: { ... }',
};

const HINTS_BY_PATTERN: Record<string, string> = {
  safeId: 'use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit; no "/", spaces or ".."',
  bandwidth: 'write a number and a unit, e.g. "100M", "1G" or "10G"',
  week: 'write an ISO week, e.g. "2026-W48"',
  phone: 'digits, spaces, "+" and "-" only',
};

/** Turns Ajv's errors into problems a person can act on: what is wrong, where, and what to do. */
export function describeSchemaErrors(errors: readonly ErrorObject[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const error of errors) {
    const problem = describeOne(error);
    if (problem) problems.push(problem);
  }
  // A misspelt key shows up twice: as an unknown field and as the missing one it was meant to be.
  // Keep the unknown field, whose hint names the fix.
  const meant = new Set(
    problems
      .filter((problem) => problem.code === 'unknown-field' && problem.hint?.startsWith('did you mean'))
      .map((problem) => `${problem.pointer}/${escapePointerSegment(/"(.*)"/.exec(problem.hint ?? '')?.[1] ?? '')}`),
  );
  return problems.filter(
    (problem) => !(problem.code === 'missing-field' && meant.has(`${problem.pointer}/${escapePointerSegment(/"(.*)"/.exec(problem.message)?.[1] ?? '')}`)),
  );
}

function describeOne(error: ErrorObject): SchemaProblem | undefined {
  const pointer = error.instancePath;
  const field = pointerToField(pointer) || '(record)';
  const value: unknown = error.data;
  const parentSchema = (error.parentSchema ?? {}) as { description?: string; properties?: Record<string, unknown> };
  switch (error.keyword) {
    case 'if':
      return undefined; // The failing `then` branch reports the real problem.
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      const childPointer = `${pointer}/${escapePointerSegment(missing)}`;
      const described = describeProperty(parentSchema.properties?.[missing]);
      return {
        code: 'missing-field',
        pointer,
        field: pointerToField(childPointer),
        message: `missing required field "${missing}"`,
        hint: `add "${missing}"${described ? `: ${described}` : ''}`,
      };
    }
    case 'additionalProperties': {
      const unknown = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(parentSchema.properties ?? {});
      const suggestion = allowed.length > 0 ? closest(unknown, allowed) : undefined;
      const near = suggestion !== undefined && distance(unknown.toLowerCase(), suggestion.toLowerCase()) <= Math.max(2, Math.floor(unknown.length / 3));
      return {
        code: 'unknown-field',
        pointer,
        key: unknown,
        field: pointerToField(`${pointer}/${escapePointerSegment(unknown)}`),
        message: `unknown field "${unknown}"`,
        hint: near ? `did you mean "${suggestion}"?` : `allowed fields here: ${allowed.join(', ')}`,
      };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
      const strings = allowed.filter((item): item is string => typeof item === 'string');
      const suggestion = typeof value === 'string' && strings.length > 0 ? closest(value, strings) : undefined;
      return {
        code: 'bad-enum',
        pointer,
        field,
        message: `${show(value)} is not one of ${allowed.map((item) => show(item, 200)).join(', ')}`,
        hint: suggestion ? `did you mean ${show(suggestion)}?` : undefined,
      };
    }
    case 'const': {
      const expected = (error.params as { allowedValue: unknown }).allowedValue;
      return { code: 'bad-value', pointer, field, message: `must be ${show(expected)}, got ${show(value)}`, hint: `write ${show(expected)}` };
    }
    case 'format':
      return describeFormat(error, pointer, field, value);
    case 'type': {
      const expected = String((error.params as { type: string }).type);
      return {
        code: 'wrong-type',
        pointer,
        field,
        message: `expected ${article(expected)}, got ${typeName(value)}${isScalar(value) ? ` ${show(value)}` : ''}`,
        hint: TYPE_HINTS[expected],
      };
    }
    case 'pattern': {
      const kind = patternKind(error.schemaPath, String((error.params as { pattern: string }).pattern));
      return {
        code: kind === 'safeId' ? 'unsafe-id' : 'bad-pattern',
        pointer,
        field,
        message: kind === 'safeId' ? `${show(value)} is not a safe id` : `${show(value)} is not in the expected form`,
        hint: kind === 'safeId' ? unsafeIdHint(value) : ((kind && HINTS_BY_PATTERN[kind]) ?? parentSchema.description),
      };
    }
    case 'minLength':
      return { code: 'empty', pointer, field, message: 'must not be empty', hint: 'fill it in or remove the field if it is optional' };
    case 'maxItems':
    case 'minItems': {
      const limit = (error.params as { limit: number }).limit;
      const count = Array.isArray(value) ? value.length : 0;
      const most = error.keyword === 'maxItems';
      return {
        code: 'out-of-range',
        pointer,
        field,
        message: `has ${count} item${count === 1 ? '' : 's'}; ${most ? 'at most' : 'at least'} ${limit} allowed`,
        hint: most ? 'split the project into several records, or the list into several entries (e.g. one order per batch of circuits)' : 'add the missing items',
      };
    }
    case 'maxLength':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { code: 'out-of-range', pointer, field, message: `${show(value, 60)} ${error.message ?? 'is out of range'}` };
    case 'uniqueItems':
      return { code: 'duplicate-item', pointer, field, message: 'has a repeated item', hint: 'list each item once' };
    case 'multipleOf':
    default:
      return { code: 'schema', pointer, field, message: error.message ?? `fails ${error.keyword}` };
  }
}

function describeFormat(error: ErrorObject, pointer: string, field: string, value: unknown): SchemaProblem {
  const format = String((error.params as { format: string }).format);
  const text = String(value);
  if (format === 'date') {
    return { code: 'bad-date', pointer, field, message: `${show(value)} is not a date (YYYY-MM-DD)`, hint: dateHint(text) };
  }
  if (format === 'local-date-time') {
    return {
      code: 'bad-time',
      pointer,
      field,
      message: `${show(value)} is not a time (YYYY-MM-DDTHH:mm[:ss][+08:00])`,
      hint: isIsoDate(text)
        ? `a time is needed here, e.g. "${text}T09:00:00+08:00"`
        : (dateHint(text.slice(0, 10)) ?? (/[+-]\d{2}:\d{2}$/.test(text) ? 'the offset must be a real one, from -12:00 to +14:00 (e.g. +08:00)' : 'e.g. "2026-11-24T09:30:00+08:00"; without an offset it is read in Asia/Shanghai')),
    };
  }
  return { code: 'bad-format', pointer, field, message: `${show(value)} is not a valid ${format}` };
}

function dateHint(text: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) return 'write the date as YYYY-MM-DD, e.g. "2026-11-24"';
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < MIN_YEAR) return `years start at ${MIN_YEAR} (Excel holds no earlier date)`;
  if (month < 1 || month > 12) return `there is no month ${month}`;
  const last = daysInMonth(year, month);
  if (day < 1 || day > last) return `${match[1]}-${match[2]} has ${last} days`;
  return undefined;
}

function patternKind(schemaPath: string, pattern: string): string | undefined {
  if (schemaPath.includes('safeId')) return 'safeId';
  if (schemaPath.includes('/week/')) return 'week';
  if (pattern.includes('(K|M|G|T)')) return 'bandwidth';
  if (pattern.includes('0-9+')) return 'phone';
  return undefined;
}

function describeProperty(schema: unknown): string | undefined {
  if (schema === null || typeof schema !== 'object') return undefined;
  const described = schema as { description?: string; $ref?: string };
  if (described.description) return stripTrailingDot(described.description);
  if (described.$ref) return `see ${described.$ref.replace('#/$defs/', '')} in the schema`;
  return undefined;
}

function stripTrailingDot(text: string): string {
  return text.replace(/\.$/, '');
}

function show(value: unknown, limit = 80): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return article(typeof value);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
