// The clocks stage: evaluates every deadline clock of rules/deadlines/ for every subject of a record.
// It knows nothing of any particular deadline; all of that is in the definitions.
import type { DateTime } from 'luxon';
import { DocpackError, pointerToField, type Problem } from '../errors.ts';
import type { WorkingCalendar } from '../calendar/types.ts';
import type { ProjectRecord } from '../records/types.gen.ts';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  addMonths,
  dayOf,
  endOfDay,
  formatDay,
  formatDue,
  formatInstant,
  isoWeekOf,
  parseDay,
  startOfDay,
  weekdayOf,
} from '../time.ts';
import {
  compileCondition,
  compilePath,
  compileTime,
  compileTimeSource,
  type EvalContext,
  type Getter,
  type Predicate,
  type TimeGetter,
} from './paths.ts';
import { expandPattern, isSubjectKind, subjectKindName } from './subjects.ts';
import type { ClockDef, ClockState, ClockStatus, Direction, Duration, DurationUnit, DueTime, ReportUnit, SubjectKind } from './types.ts';

interface Amount {
  unit: DurationUnit;
  n: number;
}

interface CompiledVariant {
  id: string;
  when?: Predicate;
  /** Replaces the clock's start in this variant. */
  start?: TimeGetter;
  target: Amount;
  anchor?: TimeGetter;
  notBefore?: TimeGetter;
  warning?: Amount;
  dueTime: DueTime;
  reportUnit: ReportUnit;
}

interface CompiledPeriod {
  reports: Getter;
  key: Getter;
  submittedAt: (report: unknown) => number | undefined;
}

interface CompiledClock {
  id: string;
  /** A kind (order, circuit...) or a subject pattern ("afterSale.cutovers[]"). */
  subject: string;
  /** What clock states call the subject's kind. */
  kind: string;
  applies?: Predicate;
  start?: TimeGetter;
  stop?: TimeGetter;
  cancelAt?: TimeGetter;
  cancelNotAfter?: TimeGetter;
  direction: Direction;
  /** Variants in file order, then the default (no `when`). */
  variants: CompiledVariant[];
  period?: CompiledPeriod;
  periodWarning?: Amount;
}

/** Clocks by kind, and clocks with a subject pattern by pattern (sorted). */
type CompiledSet = Record<SubjectKind, CompiledClock[]> & { patterns: [string, CompiledClock[]][] };

export interface ComputeOptions {
  /** Also return a not-applicable state for each clock whose `applies` is false. Default false. */
  includeNotApplicable?: boolean;
}

function amountOf(duration: Duration): Amount {
  const [unit, n] = Object.entries(duration)[0] as [DurationUnit, number];
  return { unit, n };
}

function reportUnitOf(unit: DurationUnit): ReportUnit {
  return unit === 'months' ? 'calendarDays' : unit;
}

function invalid(def: ClockDef, message: string): DocpackError {
  return new DocpackError({ code: 'clock-invalid', message: `clock "${def.id}": ${message}`, hint: 'load clocks with loadClockDefs(), which checks them' });
}

/** Compiles one definition: every path and condition becomes a closure, once. */
export function compileClock(def: ClockDef): CompiledClock {
  const compiled: CompiledClock = {
    id: def.id,
    subject: def.subject,
    kind: subjectKindName(def.subject),
    applies: def.applies ? compileCondition(def.applies) : undefined,
    start: def.start ? compileTimeSource(def.start, 'start-of-day') : undefined,
    stop: def.stop ? compileTimeSource(def.stop, 'start-of-day') : undefined,
    cancelAt: def.cancel ? compileTimeSource(def.cancel.at, 'start-of-day') : undefined,
    cancelNotAfter: def.cancel?.notAfter ? compileTimeSource(def.cancel.notAfter, 'end-of-day') : undefined,
    direction: def.direction ?? 'after',
    variants: [],
  };
  if (def.period) {
    if (!def.start) throw invalid(def, 'a periodic clock needs "start"');
    const submitted = compileTime(def.period.submittedAt, 'start-of-day');
    compiled.period = {
      reports: compilePath(def.period.reports),
      key: compilePath(def.period.key),
      submittedAt: (report) => submitted({ subject: report, order: undefined, project: undefined }),
    };
    compiled.periodWarning = def.warning ? amountOf(def.warning) : undefined;
    compiled.variants.push({ id: 'default', target: { unit: 'workingDays', n: 0 }, dueTime: 'end-of-day', reportUnit: 'workingDays', warning: compiled.periodWarning });
    return compiled;
  }
  if (!def.target) throw invalid(def, 'needs "target" (or "period")');
  if (compiled.direction === 'after' && !def.start) throw invalid(def, 'direction "after" needs "start"');
  const build = (id: string, over: Partial<ClockDef> & { when?: ClockDef['applies'] }): CompiledVariant => {
    const target = amountOf(over.target ?? def.target!);
    const anchor = over.anchor ?? def.anchor;
    const notBefore = over.notBefore ?? def.notBefore;
    const warning = over.warning ?? def.warning;
    if (compiled.direction === 'before' && !anchor) throw invalid(def, 'direction "before" needs "anchor"');
    return {
      id,
      when: over.when ? compileCondition(over.when) : undefined,
      start: over.start ? compileTimeSource(over.start, 'start-of-day') : undefined,
      target,
      anchor: anchor ? compileTimeSource(anchor, 'end-of-day') : undefined,
      notBefore: notBefore ? compileTimeSource(notBefore, 'end-of-day') : undefined,
      warning: warning ? amountOf(warning) : undefined,
      dueTime: over.dueTime ?? def.dueTime ?? (target.unit === 'workingDays' ? 'end-of-day' : 'exact'),
      reportUnit: reportUnitOf(target.unit),
    };
  };
  for (const variant of def.variants ?? []) compiled.variants.push(build(variant.id, variant));
  compiled.variants.push(build('default', {}));
  return compiled;
}

const compiledSets = new WeakMap<readonly ClockDef[], CompiledSet>();

function compileSet(defs: readonly ClockDef[]): CompiledSet {
  let set = compiledSets.get(defs);
  if (!set) {
    set = { project: [], order: [], circuit: [], problem: [], resourceCheck: [], resourceReserve: [], fault: [], patterns: [] };
    const sorted = [...defs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const patterns = new Map<string, CompiledClock[]>();
    for (const def of sorted) {
      if (isSubjectKind(def.subject)) set[def.subject].push(compileClock(def));
      else patterns.set(def.subject, [...(patterns.get(def.subject) ?? []), compileClock(def)]);
    }
    set.patterns = [...patterns].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    compiledSets.set(defs, set);
  }
  return set;
}

// Day numbers to ISO dates and back, memoised: the calendar speaks YYYY-MM-DD and the same few
// hundred dates recur across thousands of circuits.
const isoCache = new Map<number, string>();
function iso(day: number): string {
  let text = isoCache.get(day);
  if (text === undefined) {
    if (isoCache.size > 50_000) isoCache.clear();
    text = formatDay(day);
    isoCache.set(day, text);
  }
  return text;
}

/** One evaluation run: the calendar, the as-of time and the output list. */
class Evaluator {
  readonly out: ClockState[] = [];
  readonly asOfDay: number;
  /** Whether the state being computed counted a day of a provisional year; reset by each state emitted. */
  private touched = false;
  private readonly anyProvisional: boolean;

  constructor(
    readonly calendar: WorkingCalendar,
    readonly asOf: number,
    readonly projectId: string,
    readonly includeNotApplicable: boolean,
  ) {
    this.asOfDay = dayOf(asOf);
    this.anyProvisional = calendar.provisionalYears.length > 0;
  }

  /** Notes that the days from `fromDay` to `toDay` were counted on the calendar (provisional or not). */
  private counted(fromDay: number, toDay: number): void {
    if (this.anyProvisional && !this.touched && this.calendar.touchesProvisional(iso(fromDay), iso(toDay))) this.touched = true;
  }

  /** A time `amount` after (sign 1) or before (sign -1) `base`, rounded by dueTime. */
  shift(base: number, amount: Amount, sign: 1 | -1, dueTime: DueTime): number {
    let due: number;
    switch (amount.unit) {
      case 'workingDays': {
        const day = parseDay(this.calendar.addWorkingDays(iso(dayOf(base)), sign * amount.n));
        this.counted(dayOf(base), day);
        due = endOfDay(day);
        break;
      }
      case 'calendarDays':
        due = base + sign * amount.n * DAY_MS;
        break;
      case 'months':
        due = addMonths(base, sign * amount.n);
        break;
      case 'hours':
        due = base + sign * amount.n * HOUR_MS;
        break;
      case 'minutes':
        due = base + sign * amount.n * MINUTE_MS;
        break;
    }
    if (dueTime === 'end-of-day') return endOfDay(dayOf(due));
    if (dueTime === 'start-of-day') return startOfDay(dayOf(due));
    return due;
  }

  /** Start of the warning lead before `due`. */
  warnFrom(due: number, lead: Amount): number {
    if (lead.unit === 'workingDays') {
      const dueDay = dayOf(due);
      if (lead.n === 0) return startOfDay(dueDay);
      const day = parseDay(this.calendar.addWorkingDays(iso(dueDay), -lead.n));
      this.counted(day, dueDay);
      return startOfDay(day);
    }
    if (lead.unit === 'months') return addMonths(due, -lead.n);
    const unitMs = lead.unit === 'calendarDays' ? DAY_MS : lead.unit === 'hours' ? HOUR_MS : MINUTE_MS;
    return due - lead.n * unitMs;
  }

  /** Time from `from` to `to` in the report unit (whole working or calendar days; hours and minutes to 0.01). */
  between(from: number, to: number, unit: ReportUnit): number {
    switch (unit) {
      case 'workingDays':
        this.counted(dayOf(from), dayOf(to));
        return this.calendar.workingDaysBetween(iso(dayOf(from)), iso(dayOf(to)));
      case 'calendarDays':
        return dayOf(to) - dayOf(from);
      case 'hours':
        return Math.round(((to - from) / HOUR_MS) * 100) / 100;
      case 'minutes':
        return Math.round(((to - from) / MINUTE_MS) * 100) / 100;
    }
  }

  emit(
    clock: CompiledClock,
    pointer: string,
    label: string,
    variant: CompiledVariant,
    state: ClockStatus,
    start: number | undefined,
    due: number | undefined,
    stopped: number | undefined,
    remaining: number | null,
    overdue: number | null,
    occurrence?: string,
  ): void {
    const result: ClockState = {
      project: this.projectId,
      clock: clock.id,
      subjectKind: clock.kind,
      subject: pointer,
      label,
      variant: variant.id,
      state,
      start: start === undefined ? null : formatInstant(start),
      due: due === undefined ? null : formatDue(due),
      stoppedAt: stopped === undefined ? null : formatInstant(stopped),
      dueMs: due ?? null,
      unit: variant.reportUnit,
      remaining,
      overdue,
    };
    if (occurrence !== undefined) result.occurrence = occurrence;
    if (this.touched) result.provisional = true;
    this.touched = false;
    this.out.push(result);
  }

  emitError(clock: CompiledClock, pointer: string, label: string, variantId: string, error: DocpackError, occurrence?: string): void {
    const problem: Problem = {
      ...error.problem,
      pointer,
      field: pointerToField(pointer) || '(record)',
      message: `clock ${clock.id} for ${label}${occurrence ? ` (${occurrence})` : ''}: ${error.problem.message}`,
    };
    const result: ClockState = {
      project: this.projectId,
      clock: clock.id,
      subjectKind: clock.kind,
      subject: pointer,
      label,
      variant: variantId,
      state: 'error',
      start: null,
      due: null,
      stoppedAt: null,
      dueMs: null,
      unit: 'workingDays',
      remaining: null,
      overdue: null,
      problem,
    };
    if (occurrence !== undefined) result.occurrence = occurrence;
    this.touched = false;
    this.out.push(result);
  }

  /** Evaluates every clock of one subject. */
  subject(clocks: readonly CompiledClock[], ctx: EvalContext, pointer: string, label: string): void {
    for (const clock of clocks) {
      this.touched = false;
      let variant: CompiledVariant | undefined;
      try {
        if (clock.applies && !clock.applies(ctx)) {
          if (this.includeNotApplicable) {
            const fallback = clock.variants[clock.variants.length - 1]!;
            this.emit(clock, pointer, label, fallback, 'not-applicable', undefined, undefined, undefined, null, null);
          }
          continue;
        }
        variant = pick(clock.variants, ctx);
        if (clock.period) this.periodic(clock, variant, ctx, pointer, label);
        else this.single(clock, variant, ctx, pointer, label);
      } catch (error) {
        if (!(error instanceof DocpackError)) throw error;
        this.emitError(clock, pointer, label, variant?.id ?? 'default', error);
      }
    }
  }

  single(clock: CompiledClock, variant: CompiledVariant, ctx: EvalContext, pointer: string, label: string): void {
    const asOf = this.asOf;
    let start: number | undefined;
    let started = true;
    const startOf = variant.start ?? clock.start;
    if (startOf) {
      start = startOf(ctx);
      started = start !== undefined && start <= asOf;
    }
    let due: number | undefined;
    if (clock.direction === 'after') {
      if (start !== undefined) due = this.shift(start, variant.target, 1, variant.dueTime);
    } else {
      const anchor = variant.anchor!(ctx);
      if (anchor !== undefined) due = this.shift(anchor, variant.target, -1, variant.dueTime);
    }
    if (due !== undefined && variant.notBefore) {
      const floor = variant.notBefore(ctx);
      if (floor !== undefined && floor > due) due = floor;
    }
    if (!started || due === undefined) {
      const remaining = due !== undefined && due >= asOf ? this.between(asOf, due, variant.reportUnit) : null;
      this.emit(clock, pointer, label, variant, 'not-started', start, due, undefined, remaining, null);
      return;
    }
    this.settle(clock, variant, ctx, pointer, label, start, due, clock.stop ? clock.stop(ctx) : undefined);
  }

  /** Decides the state of a started clock with a known due, given its stop time (if any). */
  settle(
    clock: CompiledClock,
    variant: CompiledVariant,
    ctx: EvalContext,
    pointer: string,
    label: string,
    start: number | undefined,
    due: number,
    stopTime: number | undefined,
    occurrence?: string,
  ): void {
    const asOf = this.asOf;
    const stop = stopTime !== undefined && stopTime <= asOf ? stopTime : undefined;
    let cancel = clock.cancelAt ? clock.cancelAt(ctx) : undefined;
    if (cancel !== undefined && cancel > asOf) cancel = undefined;
    if (cancel !== undefined && clock.cancelNotAfter) {
      const limit = clock.cancelNotAfter(ctx);
      if (limit === undefined || cancel > limit) cancel = undefined;
    }
    const unit = variant.reportUnit;
    if (cancel !== undefined && (stop === undefined || cancel <= stop)) {
      this.emit(clock, pointer, label, variant, 'stopped', start, due, cancel, null, null, occurrence);
    } else if (stop !== undefined) {
      if (stop <= due) this.emit(clock, pointer, label, variant, 'met', start, due, stop, this.between(stop, due, unit), null, occurrence);
      else this.emit(clock, pointer, label, variant, 'breached', start, due, stop, null, this.between(due, stop, unit), occurrence);
    } else if (asOf > due) {
      this.emit(clock, pointer, label, variant, 'breached', start, due, undefined, null, this.between(due, asOf, unit), occurrence);
    } else {
      const soon = variant.warning !== undefined && asOf >= this.warnFrom(due, variant.warning);
      this.emit(clock, pointer, label, variant, soon ? 'due-soon' : 'running', start, due, undefined, this.between(asOf, due, unit), null, occurrence);
    }
  }

  /**
   * A recurring clock: one occurrence per ISO week from the week of the start up to the as-of week,
   * due at the end of the week's last working day (weeks without a working day have none).
   * A week counts when its due is after the start and not after the stop (e.g. delivery):
   * the report of the delivery week is not owed when delivery came before its due.
   * Each occurrence is stopped by the earliest report whose key names that week.
   */
  periodic(clock: CompiledClock, variant: CompiledVariant, ctx: EvalContext, pointer: string, label: string): void {
    const period = clock.period!;
    const start = clock.start!(ctx);
    if (start === undefined || start > this.asOf) {
      this.emit(clock, pointer, label, variant, 'not-started', start, undefined, undefined, null, null);
      return;
    }
    const stopTime = clock.stop ? clock.stop(ctx) : undefined;
    const end = stopTime !== undefined && stopTime <= this.asOf ? stopTime : undefined;
    const submitted = new Map<unknown, number>();
    const reports = period.reports(ctx);
    if (Array.isArray(reports)) {
      for (const report of reports) {
        const key = period.key({ subject: report, order: undefined, project: undefined });
        const at = period.submittedAt(report);
        if (key === undefined || at === undefined || Number.isNaN(at)) continue;
        const earlier = submitted.get(key);
        if (earlier === undefined || at < earlier) submitted.set(key, at);
      }
    }
    const startDay = dayOf(start);
    const lastMonday = this.asOfDay - weekdayOf(this.asOfDay) + 1;
    for (let monday = startDay - weekdayOf(startDay) + 1; monday <= lastMonday; monday += 7) {
      const week = isoWeekOf(monday);
      try {
        let lastWorking = -1;
        for (let day = monday + 6; day >= monday; day--) {
          if (this.calendar.isWorkingDay(iso(day))) {
            lastWorking = day;
            break;
          }
        }
        if (lastWorking < 0) continue;
        const due = endOfDay(lastWorking);
        if (due <= start) continue;
        if (end !== undefined && due > end) break;
        this.touched = false;
        this.counted(lastWorking, monday + 6); // the days looked at to find the week's last working day
        this.settle(clock, variant, ctx, pointer, label, start, due, submitted.get(week), week);
      } catch (error) {
        if (!(error instanceof DocpackError)) throw error;
        this.emitError(clock, pointer, label, variant.id, error, week);
        return;
      }
    }
  }
}

function pick(variants: readonly CompiledVariant[], ctx: EvalContext): CompiledVariant {
  for (const variant of variants) if (!variant.when || variant.when(ctx)) return variant;
  return variants[variants.length - 1]!;
}

/**
 * Evaluates every clock in `defs` for every subject of `record` at `asOf`. Pure: no I/O, no system
 * clock. A clock that cannot be evaluated for one subject (a date outside the calendar's years,
 * code "calendar-coverage") gives a state "error" carrying a Problem; the other clocks still run.
 * Definitions are compiled once per `defs` array (treat it as immutable).
 */
export function computeClocks(
  record: ProjectRecord,
  defs: readonly ClockDef[],
  calendar: WorkingCalendar,
  asOf: DateTime | number,
  options: ComputeOptions = {},
): ClockState[] {
  const set = compileSet(defs);
  const asOfMs = typeof asOf === 'number' ? asOf : asOf.toMillis();
  const run = new Evaluator(calendar, asOfMs, record.id, options.includeNotApplicable ?? false);
  const ctx: EvalContext = { subject: record, order: undefined, project: record };

  if (set.project.length > 0) run.subject(set.project, ctx, '', record.id);
  const each = <T extends { id: string }>(clocks: CompiledClock[], items: readonly T[] | undefined, base: string): void => {
    if (clocks.length === 0 || !items) return;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      ctx.subject = item;
      run.subject(clocks, ctx, `${base}/${i}`, item.id);
    }
  };
  each(set.problem, record.problems, '/problems');
  each(set.resourceCheck, record.resourceChecks, '/resourceChecks');
  each(set.resourceReserve, record.resourceReserves, '/resourceReserves');
  const orders = record.orders ?? [];
  if (set.order.length > 0 || set.circuit.length > 0) {
    for (let i = 0; i < orders.length; i++) {
      const order = orders[i]!;
      ctx.order = order;
      if (set.order.length > 0) {
        ctx.subject = order;
        run.subject(set.order, ctx, `/orders/${i}`, order.id);
      }
      if (set.circuit.length > 0) {
        const circuits = order.circuits;
        for (let j = 0; j < circuits.length; j++) {
          const circuit = circuits[j]!;
          ctx.subject = circuit;
          run.subject(set.circuit, ctx, `/orders/${i}/circuits/${j}`, circuit.id);
        }
      }
    }
    ctx.order = undefined;
  }
  each(set.fault, record.afterSale?.faults, '/afterSale/faults');
  for (const [pattern, clocks] of set.patterns) {
    for (const found of expandPattern(record, pattern)) {
      ctx.subject = found.value;
      ctx.order = found.order;
      run.subject(clocks, ctx, found.pointer, found.label);
    }
  }
  ctx.order = undefined;
  return run.out;
}

/** The problems of the states that could not be evaluated. */
export function clockProblems(states: readonly ClockState[]): Problem[] {
  const problems: Problem[] = [];
  for (const state of states) if (state.problem) problems.push(state.problem);
  return problems;
}

/** Orders states by project id, subject pointer (numeric segments numerically), clock id, occurrence. */
export function compareClockStates(a: ClockState, b: ClockState): number {
  return (
    compareText(a.project, b.project) ||
    comparePointers(a.subject, b.subject) ||
    compareText(a.clock, b.clock) ||
    compareText(a.occurrence ?? '', b.occurrence ?? '')
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * JSON pointers segment by segment, numeric segments (array positions) as numbers: the same result
 * as comparing their `split('/')` segments (comparePointersBySegments), without splitting. Findings
 * and clock states are sorted by it, a few hundred comparisons per record.
 */
export function comparePointers(a: string, b: string): number {
  if (a === b) return 0;
  // The texts agree up to `at`, so every segment that ends before it is equal in both.
  const shorter = Math.min(a.length, b.length);
  let at = 0;
  while (at < shorter && a.charCodeAt(at) === b.charCodeAt(at)) at += 1;
  const start = at === 0 ? 0 : a.lastIndexOf('/', at - 1) + 1;
  let endA = a.indexOf('/', start);
  if (endA === -1) endA = a.length;
  let endB = b.indexOf('/', start);
  if (endB === -1) endB = b.length;
  if (endA === endB && endA === at) {
    // One pointer ends where the other's next segment starts: the segments agree, the shorter list comes first.
    return slashCount(a) - slashCount(b);
  }
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  const numeric = DIGITS.test(x) && DIGITS.test(y);
  return numeric ? Number(x) - Number(y) : compareText(x, y);
}

const DIGITS = /^\d+$/;

function slashCount(pointer: string): number {
  let count = 0;
  for (let index = pointer.indexOf('/'); index !== -1; index = pointer.indexOf('/', index + 1)) count += 1;
  return count;
}

/** comparePointers as it reads: the pointers split into segments (the reference its tests compare it with). */
export function comparePointersBySegments(a: string, b: string): number {
  if (a === b) return 0;
  const left = a.split('/');
  const right = b.split('/');
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const x = left[i]!;
    const y = right[i]!;
    if (x === y) continue;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    return numeric ? Number(x) - Number(y) : compareText(x, y);
  }
  return left.length - right.length;
}

/**
 * Clock states by subject pointer, then by `prefix` + clock id; a recurring clock (the weekly
 * report's) keeps its latest occurrence. The alerts name them "clock:<id>", the sheets "<id>".
 */
export function latestClockStates(states: readonly ClockState[], prefix = ''): Map<string, Record<string, ClockState>> {
  const index = new Map<string, Record<string, ClockState>>();
  const keys = new Map<string, string>();
  for (const state of states) {
    let entry = index.get(state.subject);
    if (!entry) index.set(state.subject, (entry = Object.create(null) as Record<string, ClockState>));
    // One key string per clock id, not one per state: a record has a few ids and many states.
    let key = keys.get(state.clock);
    if (key === undefined) keys.set(state.clock, (key = `${prefix}${state.clock}`));
    const previous = entry[key];
    if (!previous || (state.occurrence ?? '') >= (previous.occurrence ?? '')) entry[key] = state;
  }
  return index;
}
