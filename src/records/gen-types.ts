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
