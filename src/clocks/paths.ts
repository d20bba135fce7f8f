// Paths and conditions of a clock definition, compiled once into closures so that evaluating a
// clock for a subject is a few property reads, never a parse of the definition.
import { DocpackError } from '../errors.ts';
import { MINUTE_MS, endOfDay, parseDateTime, parseDay, startOfDay } from '../time.ts';
import type { BurstDef, Condition, Scalar, TimeSource } from './types.ts';

/** What a clock's paths can see: the subject, its parent order (circuits) and the whole record. */
export interface EvalContext {
  subject: unknown;
  order: unknown;
  project: unknown;
}

export type Getter = (ctx: EvalContext) => unknown;
export type Predicate = (ctx: EvalContext) => boolean;
/** Epoch ms of the time at the path; undefined when absent; NaN when not a time (reported as bad-time). */
export type TimeGetter = (ctx: EvalContext) => number | undefined;

/** How a date-only value (YYYY-MM-DD) is read: an event happened that day (start) or a deadline ends it (end). */
export type DateRole = 'start-of-day' | 'end-of-day';

const INDEX = /^(0|[1-9]\d*)$/;

/** Splits "order.urgent" into its root (subject, order, project) and the remaining segments. */
export function splitPath(path: string): { root: 'subject' | 'order' | 'project'; segments: (string | number)[] } {
  const parts = path.split('.');
  let root: 'subject' | 'order' | 'project' = 'subject';
  if (parts[0] === 'project' || parts[0] === 'order') {
    root = parts[0];
    parts.shift();
  }
  return { root, segments: parts.map((part) => (INDEX.test(part) ? Number(part) : part)) };
}

function step(value: unknown, segment: string | number): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (typeof segment === 'number') return Array.isArray(value) ? value[segment] : undefined;
  return Object.hasOwn(value, segment) ? (value as Record<string, unknown>)[segment] : undefined;
}

/** Compiles a dotted path ("circuits.0.id", "order.urgent", "project.customer.tier") into a getter. */
export function compilePath(path: string): Getter {
  const { root, segments } = splitPath(path);
  const base: Getter = root === 'subject' ? (ctx) => ctx.subject : root === 'order' ? (ctx) => ctx.order : (ctx) => ctx.project;
  const [a, b, c] = segments;
  switch (segments.length) {
    case 0:
      return base;
    case 1:
      return (ctx) => step(base(ctx), a!);
    case 2:
      return (ctx) => step(step(base(ctx), a!), b!);
    case 3:
      return (ctx) => step(step(step(base(ctx), a!), b!), c!);
    default:
      return (ctx) => {
        let value = base(ctx);
        for (const segment of segments) value = step(value, segment);
        return value;
      };
  }
}

/** Reads a record time or date string as epoch ms (see DateRole); NaN when it is neither. */
export function timeOf(value: unknown, role: DateRole): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return NaN;
  if (value.length === 10) {
    const day = parseDay(value);
    return Number.isNaN(day) ? NaN : role === 'end-of-day' ? endOfDay(day) : startOfDay(day);
  }
  return parseDateTime(value);
}

export function compileTime(path: string, role: DateRole): TimeGetter {
  const get = compilePath(path);
  return (ctx) => timeOf(get(ctx), role);
}

/** The paths a time source reads, for checks and messages. */
export function timeSourcePaths(source: TimeSource): string[] {
  if (typeof source === 'string') return [source];
  if ('burst' in source) return [source.burst.items];
  return 'first' in source ? source.first : source.earliest;
}

/** The burst time source: sorts the matching items' times and finds the first full window. */
function compileBurst(burst: BurstDef, role: DateRole): TimeGetter {
  const items = compilePath(burst.items);
  const where = burst.where ? compileCondition(burst.where) : undefined;
  const timeGet = compileTime(burst.time, role);
  const keyGet = burst.distinct !== undefined ? compilePath(burst.distinct) : undefined;
  const window = burst.withinMinutes * MINUTE_MS;
  return checked(burst.items, (ctx) => {
    const list = items(ctx);
    if (!Array.isArray(list)) return undefined;
    const events: { time: number; key: unknown }[] = [];
    list.forEach((item, index) => {
      const itemCtx: EvalContext = { subject: item, order: ctx.order, project: ctx.project };
      if (where && !where(itemCtx)) return;
      const time = timeGet(itemCtx);
      // Without `distinct` every item is its own key; with it, items with one value count once.
      if (time !== undefined) events.push({ time, key: keyGet ? keyGet(itemCtx) : index });
    });
    events.sort((a, b) => a.time - b.time);
    // Sliding window over the reports: the first report at which `count` distinct keys lie within the window.
    const inWindow = new Map<unknown, number>();
    let first = 0;
    for (const event of events) {
      inWindow.set(event.key, (inWindow.get(event.key) ?? 0) + 1);
      while (event.time - (events[first] as { time: number }).time > window) {
        const old = (events[first] as { key: unknown }).key;
        const left = (inWindow.get(old) as number) - 1;
        if (left === 0) inWindow.delete(old);
        else inWindow.set(old, left);
        first += 1;
      }
      if (inWindow.size >= burst.count) return event.time;
    }
    return undefined;
  });
}

/** A path, the first present of several, or the earliest present of several. */
export function compileTimeSource(source: TimeSource, role: DateRole): TimeGetter {
  if (typeof source === 'string') return checked(source, compileTime(source, role));
  if ('burst' in source) return compileBurst(source.burst, role);
  const earliest = !('first' in source);
  const getters = ('first' in source ? source.first : source.earliest).map((path) => checked(path, compileTime(path, role)));
  if (!earliest) {
    return (ctx) => {
      for (const get of getters) {
        const value = get(ctx);
        if (value !== undefined) return value;
      }
      return undefined;
    };
  }
  return (ctx) => {
    let best: number | undefined;
    for (const get of getters) {
      const value = get(ctx);
      if (value !== undefined && (best === undefined || value < best)) best = value;
    }
    return best;
  };
}

/** Turns an unreadable time into a DocpackError naming the path (records are validated, so this is rare). */
function checked(path: string, get: TimeGetter): TimeGetter {
  return (ctx) => {
    const value = get(ctx);
    if (value !== undefined && Number.isNaN(value)) {
      throw new DocpackError({
        code: 'bad-time',
        message: `${path} is not a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:mm[:ss][+08:00])`,
        hint: 'validate the record with `docpack validate`',
      });
    }
    return value;
  };
}

/** Compiles a declarative condition into one predicate. */
export function compileCondition(condition: Condition): Predicate {
  if ('all' in condition) {
    const parts = condition.all.map(compileCondition);
    return (ctx) => parts.every((part) => part(ctx));
  }
  if ('any' in condition) {
    const parts = condition.any.map(compileCondition);
    return (ctx) => parts.some((part) => part(ctx));
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not);
    return (ctx) => !inner(ctx);
  }
  const get = compilePath(condition.path);
  if ('equals' in condition) {
    const expected: Scalar = condition.equals;
    return (ctx) => get(ctx) === expected;
  }
  if ('in' in condition) {
    const allowed = new Set<unknown>(condition.in);
    return (ctx) => allowed.has(get(ctx));
  }
  if ('exists' in condition) {
    const wanted = condition.exists;
    return (ctx) => {
      const value = get(ctx);
      return (value !== undefined && value !== null) === wanted;
    };
  }
  if ('some' in condition) {
    const inner = compileCondition(condition.some);
    return (ctx) => {
      const items = get(ctx);
      if (!Array.isArray(items)) return false;
      const itemCtx: EvalContext = { subject: undefined, order: ctx.order, project: ctx.project };
      for (const item of items) {
        itemCtx.subject = item;
        if (inner(itemCtx)) return true;
      }
      return false;
    };
  }
  if ('within' in condition) {
    const a = compileTime(condition.path, 'start-of-day');
    const b = compileTime(condition.within.of, 'start-of-day');
    const limit = condition.within.minutes * MINUTE_MS;
    return (ctx) => {
      const x = a(ctx);
      const y = b(ctx);
      return x !== undefined && y !== undefined && Math.abs(x - y) <= limit;
    };
  }
  throw new DocpackError({ code: 'clock-invalid', message: `unknown condition ${JSON.stringify(condition)}` });
}
