// What the record schema says about the parts of a record beyond their shape, for the alert rules:
// which fields refer to another part (x-ref: a progress report's warning names a circuit) and which field
// names a list element that has no id (x-key: a progress report is named by its week). Also the one
// reading of subject patterns ("orders[].circuits[]"), which clocks and rules share.
import { recordSchema, resolveSchema, walkSchema, type SchemaNode } from './schema-paths.ts';

/** A field of a subject that holds the id of another part of the record. */
export interface Reference {
  /** The field holding the id ("circuitId"). */
  field: string;
  /** The subject pattern of the part referred to ("orders[].circuits[]"). */
  target: string;
  /** The fact the rules read it as: the target's last list in the singular ("circuit"). */
  fact: string;
}

export interface PatternStep {
  key: string;
  iterate: boolean;
}

const patternSteps = new Map<string, readonly PatternStep[]>();

/** "orders[].circuits[]" -> [{ key: orders, iterate }, { key: circuits, iterate }]; read once per pattern (frozen: shared by every caller). */
export function parseSubjectPattern(pattern: string): readonly PatternStep[] {
  let steps = patternSteps.get(pattern);
  if (!steps) {
    steps = Object.freeze(pattern === '' ? [] : pattern.split('.').map((part) => Object.freeze({ key: part.replace(/\[\]$/, ''), iterate: part.endsWith('[]') })));
    if (patternSteps.size >= 10_000) patternSteps.clear();
    patternSteps.set(pattern, steps);
  }
  return steps;
}

/** "orders" -> "order", "propertyIssues" -> "propertyIssue", "afterSale.faults" -> "fault". */
export function singular(key: string): string {
  return key.endsWith('ies') ? `${key.slice(0, -3)}y` : key.endsWith('s') ? key.slice(0, -1) : key;
}

/** The subject pattern a pointer is an instance of: "/orders/0/progressReports/2" -> "orders[].progressReports[]". */
export function patternOfPointer(pointer: string): string {
  const parts: string[] = [];
  for (const segment of pointer === '' ? [] : pointer.slice(1).split('/')) {
    if (/^\d+$/.test(segment) && parts.length > 0) parts[parts.length - 1] += '[]';
    else parts.push(segment);
  }
  return parts.join('.');
}

/** The schemas a pattern passes through: for each step, the element schema (lists) or the field schema. */
function stepSchemas(pattern: string): (SchemaNode | undefined)[] {
  const out: (SchemaNode | undefined)[] = [];
  let node: SchemaNode | undefined = recordSchema();
  for (const step of parseSubjectPattern(pattern)) {
    const walked: SchemaNode | undefined = node ? walkSchema(node, [step.key]).node : undefined;
    node = walked && step.iterate ? ((resolveSchema(walked).node.items as SchemaNode | undefined) ?? undefined) : walked;
    out.push(node);
  }
  return out;
}

const keyFieldCache = new Map<string, readonly (string | undefined)[]>();

/** For each step of a subject pattern, the x-key field naming its list's elements (undefined: "id", else the position). */
export function keyFieldsOf(pattern: string): readonly (string | undefined)[] {
  let fields = keyFieldCache.get(pattern);
  if (!fields) {
    fields = stepSchemas(pattern).map((node) => {
      const key = node ? resolveSchema(node).node['x-key'] : undefined;
      return typeof key === 'string' ? key : undefined;
    });
    keyFieldCache.set(pattern, fields);
  }
  return fields;
}

/** The key of a list element in finding labels: its id, else its x-key field, else its 1-based position ("#2"). */
export function elementKey(element: unknown, index: number, keyField?: string): string {
  if (element !== null && typeof element === 'object') {
    const id = (element as { id?: unknown }).id;
    if (typeof id === 'string') return id;
    const named = keyField === undefined ? undefined : (element as Record<string, unknown>)[keyField];
    if (typeof named === 'string' && named !== '') return named;
  }
  return `#${index + 1}`;
}

const referenceCache = new Map<string, readonly Reference[]>();

/** The fields of a pattern's subject that refer to other parts of the record (x-ref), with the fact each becomes. */
export function referencesOf(pattern: string): readonly Reference[] {
  let references = referenceCache.get(pattern);
  if (!references) {
    const schemas = stepSchemas(pattern);
    const subject = pattern === '' ? recordSchema() : schemas[schemas.length - 1];
    const properties = subject ? ((resolveSchema(subject).node.properties as Record<string, SchemaNode> | undefined) ?? {}) : {};
    references = Object.entries(properties).flatMap(([field, node]): Reference[] => {
      const target = node['x-ref'];
      if (typeof target !== 'string') return [];
      const last = parseSubjectPattern(target).at(-1);
      return last ? [{ field, target, fact: last.iterate ? singular(last.key) : last.key }] : [];
    });
    referenceCache.set(pattern, references);
  }
  return references;
}

/** The schema of the part a reference leads to (for checking the paths rules read on it). */
export function referenceTargetSchema(reference: Reference): SchemaNode | undefined {
  return stepSchemas(reference.target).at(-1);
}
