// The schema of a record *fragment*, as rule cases write one (rules/alerts/*.test.json "record" and
// "fragments"): merged over a base record and shared fragments (objects key by key, array elements
// by id), so any object may leave out required fields that the base or a fragment gives. Everything
// else (field names, types, enums, formats) is the record schema's; the merged record is then
// checked whole.
// Derived from src/schemas/project.schema.json; src/schemas/record-fragment.schema.json is this
// function's output for editors (npm run gen:types writes it, a test checks it is current).

import { readFileSync } from 'node:fs';
import { recordSchemaPath } from './schema.ts';

type Node = Record<string, unknown>;

const FRAGMENT_SUFFIX = 'Fragment';

function isObjectSchema(node: Node): boolean {
  return node.type === 'object' && typeof node.properties === 'object' && node.properties !== null;
}

/** Builds the fragment schema from the record schema. Pure; the input is not changed. */
export function recordFragmentSchema(recordSchema: Node): Node {
  const defs = (recordSchema.$defs ?? {}) as Record<string, Node>;
  const fragmentDefs: Record<string, Node> = {};

  const fragmentOf = (node: Node): Node => {
    if (typeof node.$ref === 'string') {
      const name = node.$ref.replace('#/$defs/', '');
      const target = defs[name];
      if (!target || !isObjectSchema(target)) return node;
      const fragmentName = `${name}${FRAGMENT_SUFFIX}`;
      if (!fragmentDefs[fragmentName]) {
        fragmentDefs[fragmentName] = {}; // placeholder against cycles
        fragmentDefs[fragmentName] = fragmentOf(target);
      }
      return { ...node, $ref: `#/$defs/${fragmentName}` };
    }
    if (node.type === 'array' && node.items !== null && typeof node.items === 'object') return { ...node, items: fragmentOf(node.items as Node) };
    if (!isObjectSchema(node)) return node;
    const { required: _required, then, ...rest } = node;
    const properties: Record<string, Node> = {};
    for (const [key, value] of Object.entries(node.properties as Record<string, Node>)) properties[key] = fragmentOf(value);
    const out: Node = { ...rest, properties };
    // A conditional requirement ("signed needs signedOn") may be met by the base record: kept out of fragments.
    if (then !== undefined) {
      const { required: _thenRequired, ...thenRest } = then as Node;
      if (Object.keys(thenRest).length > 0) out.then = thenRest;
      else delete out.if;
    }
    return out;
  };

  const root = fragmentOf({ ...recordSchema, $defs: undefined });
  delete root.$defs;
  return {
    ...root,
    $id: 'https://docpack.dev/schemas/record-fragment.schema.json',
    title: 'docpack project record fragment',
    description:
      'Part of a project record, as rule cases write one: merged over rules/alerts/_test-base.json and shared fragments (objects merge key by key, elements of arrays with ids merge by id, other arrays replace). Required fields may be left out here; the merged record is checked whole.',
    $defs: { ...defs, ...fragmentDefs },
  };
}

/** The text of src/schemas/record-fragment.schema.json, from the current record schema. */
export function recordFragmentText(): string {
  return `${JSON.stringify(recordFragmentSchema(JSON.parse(readFileSync(recordSchemaPath, 'utf8')) as Node), null, 2)}\n`;
}
