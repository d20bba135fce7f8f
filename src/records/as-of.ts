import { readFileSync } from 'node:fs';
import { dayOf, formatDay, parseDay, startOfDay, timeToEpochMs } from '../time.ts';
import { recordSchemaPath } from './schema.ts';
import type { ProjectRecord } from './types.gen.ts';

/**
 * The record as known at a moment T: every event recorded after T is absent, as if it had not
 * happened yet; planned dates stay. Which fields are events is said in the record schema itself,
 * by the annotation `x-asOf` on every date and time field (see ASOF_KEYWORD below), never in a list
 * here. Every stage after loading (clocks, alerts, documents, sheets) works on this record.
 */


interface EventField {
  field: string;
  /** The object itself did not exist before the event. */
  exists: boolean;
  with: string[];
  before: [field: string, from: unknown[], to: unknown][];
}

interface LatestOf {
  field: string;
  items: string;
  time: string;
  value: string;
}

interface ObjectPlan {
  kind: 'object';
  events: EventField[];
  latest: LatestOf[];
  children: [key: string, plan: NodePlan][];
}

interface ArrayPlan {
  kind: 'array';
  item: NodePlan;
}

type NodePlan = ObjectPlan | ArrayPlan;

type SchemaNode = Record<string, unknown>;

/** Compiles the schema's annotations into a tree that mirrors only the annotated parts of a record. */
export function compileAsOfPlan(schema: SchemaNode): NodePlan | undefined {
  const defs = (schema.$defs ?? {}) as Record<string, SchemaNode>;
  const resolve = (node: SchemaNode): SchemaNode => {
    let current = node;
    for (let guard = 0; typeof current.$ref === 'string' && guard < 20; guard += 1) {
      const name = current.$ref.replace(/^#\/\$defs\//, '');
      const target = defs[name];
      if (!target) throw new Error(`x-asOf: unresolved $ref ${current.$ref}`);
      current = { ...target, ...Object.fromEntries(Object.entries(current).filter(([key]) => key !== '$ref')) };
    }
    return current;
  };
  const visit = (raw: SchemaNode, seen: number): NodePlan | undefined => {
    if (seen > 40) return undefined;
    const node = resolve(raw);
    if (node.type === 'array' && node.items && typeof node.items === 'object') {
      const item = visit(node.items as SchemaNode, seen + 1);
      return item ? { kind: 'array', item } : undefined;
    }
    const properties = node.properties as Record<string, SchemaNode> | undefined;
    if (!properties) return undefined;
    const plan: ObjectPlan = { kind: 'object', events: [], latest: [], children: [] };
    for (const [key, property] of Object.entries(properties)) {
      const annotation = property['x-asOf'];
      if (annotation === 'event') plan.events.push({ field: key, exists: false, with: [], before: [] });
      else if (annotation && typeof annotation === 'object') {
        const spec = annotation as { event?: true; exists?: boolean; with?: string[]; before?: Record<string, { from: unknown[]; to: unknown }>; latestOf?: Omit<LatestOf, 'field'> };
        if (spec.event) {
          plan.events.push({
            field: key,
            exists: spec.exists ?? false,
            with: spec.with ?? [],
            before: Object.entries(spec.before ?? {}).map(([field, change]) => [field, change.from, change.to]),
          });
        }
        if (spec.latestOf) plan.latest.push({ field: key, ...spec.latestOf });
      }
      const child = visit(property, seen + 1);
      if (child) plan.children.push([key, child]);
    }
    return plan.events.length + plan.latest.length + plan.children.length > 0 ? plan : undefined;
  };
  return visit(schema, 0);
}

let recordPlan: NodePlan | undefined | null = null;

function planOfRecordSchema(): NodePlan | undefined {
  if (recordPlan === null) recordPlan = compileAsOfPlan(JSON.parse(readFileSync(recordSchemaPath, 'utf8')) as SchemaNode);
  return recordPlan;
}

/** The moment T in both forms the record uses: epoch ms for times, YYYY-MM-DD (Shanghai) for dates. */
interface Moment {
  ms: number;
  day: string;
}

/** A date-only event happened on its day: known at T when that day is T's day or earlier. */
function isAfter(value: unknown, at: Moment): boolean {
  if (typeof value !== 'string') return false;
  if (value.length === 10) return value > at.day;
  const ms = timeToEpochMs(value);
  return !Number.isNaN(ms) && ms > at.ms;
}

const ABSENT = Symbol('absent');

function applyNode(value: unknown, plan: NodePlan, at: Moment): unknown {
  if (plan.kind === 'array') {
    if (!Array.isArray(value)) return value;
    let out: unknown[] | undefined;
    value.forEach((element, index) => {
      const next = applyNode(element, plan.item, at);
      if (next !== element && !out) out = value.slice(0, index);
      if (out && next !== ABSENT) out.push(next);
    });
    return out ?? value;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const source = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  const edit = (): Record<string, unknown> => (copy ??= { ...source });
  for (const event of plan.events) {
    if (!isAfter(source[event.field], at)) continue;
    if (event.exists) return ABSENT;
    const target = edit();
    delete target[event.field];
    for (const field of event.with) delete target[field];
    for (const [field, from, to] of event.before) if (from.includes(target[field])) target[field] = to;
  }
  for (const [key, child] of plan.children) {
    if (!Object.prototype.hasOwnProperty.call(source, key)) continue;
    const next = applyNode(source[key], child, at);
    if (next === source[key]) continue;
    const target = edit();
    if (next === ABSENT) delete target[key];
    else target[key] = next;
  }
  for (const latest of plan.latest) {
    const before = source[latest.items];
    const after = (copy ?? source)[latest.items];
    if (!Array.isArray(before) || before === after) continue;
    // Entries were removed (they lie after T): the value is the latest remaining entry's, if one says it.
    let best: { time: string; value: unknown } | undefined;
    for (const entry of Array.isArray(after) ? (after as Record<string, unknown>[]) : []) {
      const time = entry[latest.time];
      if (entry[latest.value] === undefined || typeof time !== 'string') continue;
      if (!best || timeToEpochMs(time) >= timeToEpochMs(best.time)) best = { time, value: entry[latest.value] };
    }
    if (best) edit()[latest.field] = best.value;
  }
  return copy ?? value;
}

/**
 * The record as known at `asOfMs`: a new record without the events after it (unchanged parts are
 * shared, the input is never modified). Idempotent: applying it twice gives the same record.
 */
export function recordAsKnownAt(record: ProjectRecord, asOfMs: number, plan: NodePlan | undefined = planOfRecordSchema()): ProjectRecord {
  if (!plan) return record;
  const next = applyNode(record, plan, { ms: asOfMs, day: formatDay(dayOf(asOfMs)) });
  return (next === ABSENT ? record : next) as ProjectRecord;
}

/** Epoch ms of a record date (its start, Asia/Shanghai) or time; NaN when it is neither. */
function momentOf(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN;
  // A date is its 00:00 in Shanghai: what parsing `${value}T00:00:00+08:00` gives, without the text.
  return value.length === 10 ? startOfDay(parseDay(value)) : timeToEpochMs(value);
}

/**
 * When the part of the record at `pointer` came to exist: the latest of the times that created it
 * and its ancestors (an order's receipt for its circuits), by the schema's `"exists": true` events.
 * Undefined when nothing on the way says. No finding about a subject opens before this.
 */
export function existedSince(record: ProjectRecord, pointer: string, plan: NodePlan | undefined = planOfRecordSchema()): number | undefined {
  let since: number | undefined;
  let value: unknown = record;
  let node = plan;
  // The pointer's segments read in place (no split: this runs for every subject with a finding).
  let start = pointer === '' ? -1 : 1;
  for (;;) {
    if (node?.kind === 'object' && value !== null && typeof value === 'object') {
      for (const event of node.events) {
        if (!event.exists) continue;
        const ms = momentOf((value as Record<string, unknown>)[event.field]);
        if (!Number.isNaN(ms) && (since === undefined || ms > since)) since = ms;
      }
    }
    if (start === -1 || value === null || typeof value !== 'object') return since;
    let end = pointer.indexOf('/', start);
    if (end === -1) end = pointer.length;
    const segment = pointer.slice(start, end);
    start = end === pointer.length ? -1 : end + 1;
    value = (value as Record<string, unknown>)[segment];
    if (node?.kind === 'array') node = node.item;
    else if (node?.kind === 'object') node = childPlan(node, segment);
  }
}

function childPlan(plan: ObjectPlan, key: string): NodePlan | undefined {
  for (const [childKey, child] of plan.children) if (childKey === key) return child;
  return undefined;
}
