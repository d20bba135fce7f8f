import { readFileSync } from 'node:fs';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

const schemaUrl = new URL('../schemas/project.schema.json', import.meta.url);

/** Type names that would clash with TypeScript globals or read badly. */
const renamed: Record<string, string> = { date: 'DateString', dateTime: 'DateTimeString', text: 'ShortText' };

const pascal = (key: string): string => key.charAt(0).toUpperCase() + key.slice(1);

/**
 * json-schema-to-typescript declares a fresh type for every `$ref` that has sibling keywords
 * (our descriptions), which would give Person1..Person5. The siblings only document, so drop them.
 */
function stripRefSiblings(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripRefSiblings);
  if (node === null || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  if (typeof record.$ref === 'string') return { $ref: record.$ref };
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, stripRefSiblings(value)]));
}

/** Generates the TypeScript source of the record types from the record schema. */
export async function generateRecordTypes(): Promise<string> {
  const schema = stripRefSiblings(JSON.parse(readFileSync(schemaUrl, 'utf8'))) as JSONSchema & {
    $defs: Record<string, JSONSchema>;
  };
  schema.title = 'ProjectRecord';
  for (const [key, def] of Object.entries(schema.$defs)) def.title = renamed[key] ?? pascal(key);
  return compile(schema, 'ProjectRecord', {
    bannerComment:
      '/* Generated from src/schemas/project.schema.json by `npm run gen:types`. Do not edit by hand. */',
    additionalProperties: false,
    unreachableDefinitions: true,
    style: { singleQuote: true, printWidth: 100 },
    strictIndexSignatures: true,
  });
}

/**
 * The other JSON file formats, each generated into a `.gen.ts` beside the module that reads it: the
 * schema is the authority, the types follow it (`npm run gen:types`; test/records/types.test.ts fails
 * when one drifts). `names` titles the `$defs` whose types other code names; `external` types a `$ref`
 * to another schema file.
 */
export interface FormatTypes {
  schema: string;
  target: string;
  root: string;
  names?: Record<string, string>;
  external?: Record<string, string>;
}

export const FORMAT_TYPES: readonly FormatTypes[] = [
  { schema: 'rules/alerts/alert.schema.json', target: 'src/alerts/rule.gen.ts', root: 'AlertRuleFile', names: { condition: 'RuleCondition', topCondition: 'TopCondition', factRef: 'FactRef' } },
  {
    schema: 'rules/alerts/alert-test.schema.json',
    target: 'src/alerts/rule-test.gen.ts',
    root: 'RuleSuite',
    external: { '../../src/schemas/record-fragment.schema.json': 'Record<string, unknown>' },
  },
  { schema: 'rules/deadlines/deadline.schema.json', target: 'src/clocks/deadline.gen.ts', root: 'ClockDef', names: { variant: 'VariantDef' } },
  { schema: 'rules/calendars/calendar.schema.json', target: 'src/calendar/calendar-file.gen.ts', root: 'CalendarYear', names: { holiday: 'CalendarHoliday' } },
  {
    schema: 'templates/excel/sheet-spec.schema.json',
    target: 'src/render/excel/sheet-spec.gen.ts',
    root: 'WorkbookSpec',
    names: { sheet: 'SheetSpec', column: 'ColumnSpec', value: 'ValueSpec', highlight: 'HighlightSpec', summary: 'SummarySpec', print: 'PrintSpec' },
  },
  { schema: 'templates/pack.schema.json', target: 'src/pack/pack-spec.gen.ts', root: 'PackSpec', names: { entry: 'PackEntry' } },
  { schema: 'src/schemas/config.schema.json', target: 'src/pack/config.gen.ts', root: 'DocpackConfig' },
];

/**
 * Rewrites what json-schema-to-typescript renders poorly, in a copy of the schema: a `$ref` to another
 * file becomes its given type, and an object whose `oneOf` branches only list `required` properties (the
 * alert conditions: all, any, not, or fact+operator+value) becomes a union of objects, each with its own
 * required properties and the ones no branch requires; an object of at most one property (a duration)
 * becomes a union of one-property objects; and `prefixItems` becomes a tuple.
 */
function prepare(node: unknown, external: Record<string, string>): unknown {
  if (Array.isArray(node)) return node.map((item) => prepare(item, external));
  if (node === null || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  if (typeof record.$ref === 'string' && !record.$ref.startsWith('#')) {
    const type = external[record.$ref];
    if (!type) throw new Error(`no type given for the external $ref ${record.$ref}`);
    return { tsType: type };
  }
  const out = Object.fromEntries(
    Object.entries(record).map(([key, value]) => [key, key === 'properties' || key === '$defs' ? prepareEach(value, external) : prepare(value, external)]),
  ) as Record<string, unknown>;
  const branches = out.oneOf;
  const properties = out.properties as Record<string, unknown> | undefined;
  // Exactly one of several properties (a duration: workingDays, or calendarDays, or...): a union of them.
  if (out.type === 'object' && out.maxProperties === 1 && properties && out.required === undefined && branches === undefined) {
    const { properties: _properties, minProperties: _min, maxProperties: _max, ...rest } = out;
    return { ...rest, oneOf: Object.entries(properties).map(([key, value]) => ({ type: 'object', additionalProperties: false, required: [key], properties: { [key]: value } })) };
  }
  // Draft 2020-12's tuples: json-schema-to-typescript reads draft-07's form (items as a list).
  if (Array.isArray(out.prefixItems)) {
    const { prefixItems, ...others } = out;
    return { ...others, items: prefixItems, additionalItems: false };
  }
  // Any value ({ "description": ... } only) and any object ({ "type": "object" } only): json-schema-to-typescript
  // would render both as {} under additionalProperties: false.
  if (Object.keys(out).every((key) => ANNOTATIONS.has(key))) return { ...out, tsType: 'unknown' };
  if (out.type === 'object' && Object.keys(out).every((key) => key === 'type' || ANNOTATIONS.has(key))) return { ...out, tsType: 'Record<string, unknown>' };
  if (
    Array.isArray(branches) &&
    properties &&
    branches.every((branch) => branch !== null && typeof branch === 'object' && Object.keys(branch as object).join() === 'required')
  ) {
    const requiredSomewhere = new Set(branches.flatMap((branch) => (branch as { required: string[] }).required));
    const shared = Object.keys(properties).filter((key) => !requiredSomewhere.has(key));
    const { oneOf: _oneOf, properties: _properties, ...rest } = out;
    return {
      ...rest,
      oneOf: branches.map((branch) => {
        const required = (branch as { required: string[] }).required;
        return { type: 'object', additionalProperties: false, required, properties: Object.fromEntries([...required, ...shared].map((key) => [key, properties[key]])) };
      }),
    };
  }
  return out;
}

const ANNOTATIONS = new Set(['description', 'title', '$comment', 'examples', 'default']);

/** `properties` and `$defs` hold schemas by name: each is prepared, the map itself is not a schema. */
function prepareEach(map: unknown, external: Record<string, string>): unknown {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return map;
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, prepare(value, external)]));
}

/** Generates the TypeScript source of one file format's types from its schema. */
export async function generateFormatTypes(format: FormatTypes): Promise<string> {
  const raw = JSON.parse(readFileSync(new URL(`../../${format.schema}`, import.meta.url), 'utf8')) as Record<string, unknown>;
  const schema = stripRefSiblings(prepare(raw, format.external ?? {})) as JSONSchema & { $defs?: Record<string, JSONSchema> };
  schema.title = format.root;
  for (const [key, def] of Object.entries(schema.$defs ?? {})) def.title = format.names?.[key] ?? renamed[key] ?? pascal(key);
  return compile(schema, format.root, {
    bannerComment: `/* Generated from ${format.schema} by \`npm run gen:types\`. Do not edit by hand. */`,
    additionalProperties: false,
    unreachableDefinitions: true,
    style: { singleQuote: true, printWidth: 100 },
    strictIndexSignatures: true,
    // A bounded list is a list (PathList's maxItems 10 would otherwise be ten tuple types).
    maxItems: -1,
  });
}
