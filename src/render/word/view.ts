import { readFileSync } from 'node:fs';

/**
 * The data templates see. Handlebars' strict mode turns a misspelt field into an error, but it
 * also throws for an optional field that one record has and another lacks. So templates get a
 * *view* of the record: every property the schema declares is present, absent optional ones as
 * null, and `{{#if order.survey}}` works for every record while `{{order.survay}}` fails.
 *
 * View objects have a prototype with nothing but `toString`: `{{constructor}}` or `{{__proto__}}`
 * is then a missing field (an error), not a door to Object.prototype.
 */

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  $defs?: Record<string, JsonSchema>;
};

export type ViewValue = string | number | boolean | null | ViewObject | ViewValue[];
export interface ViewObject {
  [key: string]: ViewValue;
}

const VIEW_PROTOTYPE: object = Object.freeze(
  Object.create(null, { toString: { value: () => '[data]', enumerable: false } }) as object,
);

function newViewObject(): ViewObject {
  return Object.create(VIEW_PROTOTYPE) as ViewObject;
}

const SCHEMA_URL = new URL('../../schemas/project.schema.json', import.meta.url);
let projectSchema: JsonSchema | undefined;

function loadProjectSchema(): JsonSchema {
  projectSchema ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as JsonSchema;
  return projectSchema;
}

/** What each schema node resolves to, by root: the record schema's $refs are resolved once, not per value. */
const resolved = new WeakMap<JsonSchema, WeakMap<JsonSchema, { schema: JsonSchema | undefined; keys: string[] | undefined }>>();

function resolveCached(schema: JsonSchema | undefined, root: JsonSchema): { schema: JsonSchema | undefined; keys: string[] | undefined } | undefined {
  if (schema === undefined) return undefined;
  let byRoot = resolved.get(root);
  if (!byRoot) {
    byRoot = new WeakMap();
    resolved.set(root, byRoot);
  }
  let entry = byRoot.get(schema);
  if (!entry) {
    const target = resolve(schema, root);
    entry = { schema: target, keys: target?.properties ? Object.keys(target.properties) : undefined };
    byRoot.set(schema, entry);
  }
  return entry;
}

function resolve(schema: JsonSchema | undefined, root: JsonSchema): JsonSchema | undefined {
  let current = schema;
  for (let depth = 0; current?.$ref !== undefined && depth < 32; depth += 1) {
    const match = /^#\/\$defs\/(.+)$/.exec(current.$ref);
    current = match ? root.$defs?.[match[1] as string] : undefined;
  }
  return current;
}

/**
 * Copies `value` into view objects. Where `schema` declares properties, absent ones become null.
 * Values outside the schema (derived data) are copied as they are.
 */
export function toView(value: unknown, schema?: JsonSchema, root: JsonSchema = schema ?? {}): ViewValue {
  if (value === null || value === undefined) return null;
  // A view already (the record's, inside a document's context): views are never changed, so it is
  // taken as it is rather than copied again.
  if (schema === undefined && typeof value === 'object' && Object.getPrototypeOf(value) === VIEW_PROTOTYPE) return value as ViewObject;
  const entry = resolveCached(schema, root);
  const target = entry?.schema;
  if (Array.isArray(value)) return value.map((item) => toView(item, target?.items, root));
  if (typeof value === 'object') {
    const view = newViewObject();
    const properties = target?.properties;
    const keys = entry?.keys;
    if (keys) for (const key of keys) view[key] = null;
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item === undefined) continue;
      view[key] = toView(item, properties?.[key], root);
    }
    return view;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

const recordViews = new WeakMap<object, ViewObject>();

/**
 * The view of a whole project record, with every optional field present (null when absent). Made
 * once per record: every document of a project shows the same record.
 */
export function recordView(record: object): ViewObject {
  let view = recordViews.get(record);
  if (!view) {
    const schema = loadProjectSchema();
    view = toView(record, schema, schema) as ViewObject;
    recordViews.set(record, view);
  }
  return view;
}

/** The view of one value of a schema definition, e.g. `viewOf(order, 'order')`. */
const definitionRefs = new Map<string, JsonSchema>();

export function viewOf(value: unknown, definition: string): ViewValue {
  const schema = loadProjectSchema();
  let ref = definitionRefs.get(definition);
  if (!ref) {
    ref = { $ref: `#/$defs/${definition}` };
    definitionRefs.set(definition, ref);
  }
  return toView(value, ref, schema);
}

/** A view of derived data (not from the record), e.g. the document's own fields. */
export function plainView(value: Record<string, unknown>): ViewObject {
  return toView(value) as ViewObject;
}
