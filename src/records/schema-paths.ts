// Paths over the record schema, for the checks of rule and deadline files: which fields exist at a
// place (for did-you-mean) and what values a field holds (its JSON types, enum and date format).
import { readFileSync } from 'node:fs';
import { closest, distance } from 'fastest-levenshtein';
import { recordSchemaPath } from './schema.ts';

export type SchemaNode = { readonly [key: string]: unknown };

export type JsonType = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'null';

/** The values a field may hold. `types` empty: anything. Integers are numbers. */
export interface ValueType {
  types: readonly JsonType[];
  enum?: readonly unknown[];
  /** A date (YYYY-MM-DD) or a time (ISO 8601) written as a string. */
  format?: 'date' | 'dateTime';
  /** The elements of an array. */
  items?: ValueType;
}

let cached: SchemaNode | undefined;

/** The record schema (src/schemas/project.schema.json), read once. */
export function recordSchema(): SchemaNode {
  cached ??= JSON.parse(readFileSync(recordSchemaPath, 'utf8')) as SchemaNode;
  return cached;
}

/** A $defs entry of the record schema ({} when absent). */
export function schemaDefinition(name: string): SchemaNode {
  return ((recordSchema().$defs as Record<string, SchemaNode> | undefined)?.[name] ?? {}) as SchemaNode;
}

/** Follows $ref chains, collecting the names of the $defs passed through. */
export function resolveSchema(node: SchemaNode): { node: SchemaNode; refs: string[] } {
  const refs: string[] = [];
  let current = node;
  for (let guard = 0; guard < 20 && typeof current.$ref === 'string'; guard++) {
    const name = current.$ref.replace('#/$defs/', '');
    refs.push(name);
    current = schemaDefinition(name);
  }
  return { node: current, refs };
}

export interface SchemaWalk {
  /** The schema of the field, when every segment names one. */
  node?: SchemaNode;
  /** The index of the first segment that is not a field, and the fields there were. */
  failedAt: number;
  choices: string[];
}

/** Walks field names (and numeric array indices) from `base`. */
export function walkSchema(base: SchemaNode, segments: readonly (string | number)[]): SchemaWalk {
  let node = base;
  for (const [index, segment] of segments.entries()) {
    const resolved = resolveSchema(node).node;
    if (typeof segment === 'number' || /^\d+$/.test(segment)) {
      const items = resolved.items as SchemaNode | undefined;
      if (!items) return { failedAt: index, choices: [] };
      node = items;
    } else {
      const properties = (resolved.properties ?? {}) as Record<string, SchemaNode>;
      const next = Object.hasOwn(properties, segment) ? properties[segment] : undefined;
      if (!next) return { failedAt: index, choices: Object.keys(properties) };
      node = next;
    }
  }
  return { node, failedAt: -1, choices: [] };
}

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? type : 'object';
}

/** The values a schema node allows. */
export function valueTypeOf(node: SchemaNode): ValueType {
  const { node: resolved, refs } = resolveSchema(node);
  const format = refs.includes('date') || resolved.format === 'date' ? 'date' : refs.includes('dateTime') || resolved.format === 'date-time' || resolved.format === 'local-date-time' ? 'dateTime' : undefined;
  const declared = resolved.type;
  let types: JsonType[] = [];
  if (typeof declared === 'string' || Array.isArray(declared)) {
    types = [...new Set(([] as string[]).concat(declared).map((type) => (type === 'integer' ? 'number' : type) as JsonType))];
  } else if (Array.isArray(resolved.enum)) {
    types = [...new Set(resolved.enum.map(jsonTypeOf))];
  } else if (Object.hasOwn(resolved, 'const')) {
    types = [jsonTypeOf(resolved.const)];
  }
  const allowed = Array.isArray(resolved.enum) ? (resolved.enum as unknown[]) : Object.hasOwn(resolved, 'const') ? [resolved.const] : undefined;
  const items = resolved.items as SchemaNode | undefined;
  return { types, ...(allowed ? { enum: allowed } : {}), ...(format ? { format } : {}), ...(items ? { items: valueTypeOf(items) } : {}) };
}

/** The type of a constant (a rule parameter). */
export function valueTypeOfConstant(value: unknown): ValueType {
  const type = jsonTypeOf(value);
  return { types: [type], ...(type === 'array' && (value as unknown[]).length > 0 ? { items: valueTypeOfConstant((value as unknown[])[0]) } : {}) };
}

/** "a date (YYYY-MM-DD)", "one of "open", "closed"", "a number": what a type holds, for messages. */
export function describeValueType(type: ValueType): string {
  if (type.enum) return `one of ${type.enum.map((value) => JSON.stringify(value)).join(', ')}`;
  if (type.format === 'date') return 'a date (YYYY-MM-DD)';
  if (type.format === 'dateTime') return 'a time (ISO 8601)';
  const names: Record<JsonType, string> = { string: 'a text', number: 'a number', boolean: 'true or false', array: 'a list', object: 'an object', null: 'null' };
  return type.types.map((name) => names[name]).join(' or ') || 'anything';
}

/** Does a constant fit the type? (null fits only a type that says null; an absent field is not null.) */
export function constantFits(value: unknown, type: ValueType): boolean {
  if (type.types.length === 0) return true;
  if (type.enum) return type.enum.some((allowed) => allowed === value);
  return type.types.includes(jsonTypeOf(value));
}

/** `did you mean "x"?` when a name is close to one of the choices (a third of its letters at most), else undefined. */
export function didYouMean(name: string, choices: readonly string[]): string | undefined {
  if (choices.length === 0 || name === '') return undefined;
  const near = closest(name, [...choices]);
  return distance(name.toLowerCase(), near.toLowerCase()) <= Math.max(2, Math.floor(name.length / 3)) ? near : undefined;
}
