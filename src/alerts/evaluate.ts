import { hash } from 'node:crypto';
import { provisionalNote } from '../calendar/note.ts';
import type { WorkingCalendar } from '../calendar/types.ts';
import { comparePointers, latestClockStates } from '../clocks/compute.ts';
import { parseSubjectPattern, singular, type PatternStep } from '../clocks/subjects.ts';
import { dayOf, endOfDay, formatDay, formatInstant, parseDay, startOfDay } from '../time.ts';
import type { ClockState } from '../clocks/types.ts';
import { DocpackError, pointerToField, type Problem } from '../errors.ts';
import type { Labels } from '../labels.ts';
import { existedSince } from '../records/as-of.ts';
import { elementKey, keyFieldsOf, patternOfPointer, referencesOf } from '../records/references.ts';
import type { Level, Order, ProjectRecord } from '../records/types.gen.ts';
import { schedulePlan } from '../clocks/plan-schedule.ts';
import { timeToEpochMs } from '../time.ts';
import { collectEvidence, compileCondition, compileFactGetter, type CompiledCondition, type Facts } from './conditions.ts';
import { defaultAlertsDir } from './load.ts';
import { renderMessage } from './message.ts';
import { compileRecipients, loadRoles, type RoleSources } from './roles.ts';
import type { AlertRule, EscalationStep, FactRef, Finding, Recipient } from './types.ts';

/** One thing a rule is evaluated for: an array element of the record (or the record), with its ancestors. */
export interface SubjectInstance {
  pointer: string;
  value: unknown;
  /** Array elements on the way, by the singular of their array's name: { order, circuit }. */
  chain: Record<string, unknown>;
  /** Ids (or 1-based positions) of those elements, outermost first: the stable key of the subject. */
  keys: string[];
  label: string;
  /** For each element on the way, by the same names as `chain`: whether it is the last of its list (fact "last:<name>"). */
  last: Record<string, boolean>;
  /** The subject pattern it is an instance of ("orders[].circuits[]"). */
  pattern: string;
}

type Step = PatternStep;

export const LEVELS: readonly Level[] = ['local', 'province', 'group'];

/** One reading of subject patterns for clocks and rules. */
export { parseSubjectPattern, singular };

/** Expands a subject pattern ("orders[].circuits[]") over a record into its instances. */
export function expandSubjects(record: ProjectRecord, pattern: string): SubjectInstance[] {
  const steps = parseSubjectPattern(pattern);
  const keyFields = keyFieldsOf(pattern);
  // The element names ("circuit") once per pattern, not once per element.
  const names = steps.map((step) => (step.iterate ? singular(step.key) : ''));
  const out: SubjectInstance[] = [];
  const walk = (value: unknown, stepIndex: number, pointer: string, chain: Record<string, unknown>, keys: string[], last: Record<string, boolean>): void => {
    if (stepIndex === steps.length) {
      out.push({ pointer, value, chain, keys, label: keys.length > 0 ? labelOf(keys) : record.id, last, pattern });
      return;
    }
    const step = steps[stepIndex] as Step;
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, step.key)) return;
    const child = (value as Record<string, unknown>)[step.key];
    const childPointer = `${pointer}/${step.key}`;
    if (!step.iterate) return walk(child, stepIndex + 1, childPointer, chain, keys, last);
    if (!Array.isArray(child)) return;
    const name = names[stepIndex] as string;
    child.forEach((element, index) => {
      walk(element, stepIndex + 1, `${childPointer}/${index}`, { ...chain, [name]: element }, [...keys, elementKey(element, index, keyFields[stepIndex])], { ...last, [name]: index === child.length - 1 });
    });
  };
  walk(record, 0, '', {}, [], {});
  return out;
}

/** The instance at a pointer (for clock-subject rules): the same chain as the pattern would give. */
export function subjectAt(record: ProjectRecord, pointer: string): SubjectInstance | undefined {
  const chain: Record<string, unknown> = {};
  const last: Record<string, boolean> = {};
  const keys: string[] = [];
  const segments = pointer === '' ? [] : pointer.slice(1).split('/');
  // The pattern of the pointer ("/orders/0/progressReports/2" -> "orders[].progressReports[]"), for the keys' x-key fields.
  const pattern = patternOfPointer(pointer);
  const keyFields = keyFieldsOf(pattern);
  let value: unknown = record;
  let arrayKey = '';
  let step = 0;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    if (Array.isArray(value)) {
      const index = Number(segment);
      const list = value;
      value = list[index];
      const name = singular(arrayKey);
      chain[name] = value;
      last[name] = index === list.length - 1;
      keys.push(elementKey(value, index, keyFields[step - 1]));
    } else {
      if (!Object.prototype.hasOwnProperty.call(value, segment)) return undefined;
      value = (value as Record<string, unknown>)[segment];
      arrayKey = segment;
      step += 1;
    }
  }
  return { pointer, value, chain, keys, label: keys.length > 0 ? labelOf(keys) : record.id, last, pattern };
}

/** The innermost id; a position (#2) is qualified by its parent: "ORD-1 #2". */
function labelOf(keys: string[]): string {
  const last = keys[keys.length - 1] as string;
  return last.startsWith('#') && keys.length > 1 ? `${keys[keys.length - 2]} ${last}` : last;
}

export interface CompiledRule {
  rule: AlertRule;
  predicate: CompiledCondition;
  due?: (facts: Facts) => unknown;
  openedAt?: (facts: Facts) => unknown;
  closedAt?: (facts: Facts) => unknown;
  /** The people told, by the roles of rules/alerts/_roles.json. */
  recipients: (facts: Facts) => Recipient[];
}

export interface RuleSet {
  rules: CompiledRule[];
  /** Rules grouped by subject pattern, so facts are built once per subject. */
  bySubject: Map<string, CompiledRule[]>;
  /** Rules evaluated per clock state, by clock id. */
  byClock: Map<string, CompiledRule[]>;
  /** Who each role is (rules/alerts/_roles.json), for compiling a subset of the rules again. */
  roles: RoleSources;
  /** Some rule reads the fact planSchedule: only then are plans scheduled (once per plan and calendar). */
  usesPlanSchedule: boolean;
}

const getter = (ref: FactRef | undefined): ((facts: Facts) => unknown) | undefined => (ref ? compileFactGetter(ref.fact, ref.path) : undefined);

/** Compiles rule conditions into plain functions, once per run; `roles` says who each notified role is. */
export function compileRules(rules: readonly AlertRule[], roles: RoleSources = loadRoles(defaultAlertsDir())): RuleSet {
  const compiled = rules.map((rule): CompiledRule => ({ rule, predicate: compileCondition(rule.conditions), due: getter(rule.due), openedAt: getter(rule.openedAt ?? rule.due), closedAt: getter(rule.closedAt), recipients: compileRecipients(rule.notify, roles) }));
  const bySubject = new Map<string, CompiledRule[]>();
  const byClock = new Map<string, CompiledRule[]>();
  for (const entry of compiled) {
    const { subject } = entry.rule;
    if (typeof subject === 'string') bySubject.set(subject, [...(bySubject.get(subject) ?? []), entry]);
    else byClock.set(subject.clock, [...(byClock.get(subject.clock) ?? []), entry]);
  }
  return { rules: compiled, bySubject, byClock, roles, usesPlanSchedule: rules.some((rule) => usesFact(rule, 'planSchedule')) };
}

export interface AlertInput {
  record: ProjectRecord;
  /** The record's clock states at the as-of (computeClocks). */
  clocks: readonly ClockState[];
  calendar: WorkingCalendar;
  asOfMs: number;
  labels: Labels;
}

export interface AlertOutput {
  findings: Finding[];
  problems: Problem[];
}

/** The facts a rule sees for one subject; `params` is set per rule. */
export function buildFacts(
  input: AlertInput,
  instance: SubjectInstance,
  clocksAtPointer: Record<string, ClockState> | undefined,
  clock?: ClockState,
  asOf: AsOfFact = asOfFact(input.asOfMs),
  withPlanSchedule = false,
): Record<string, unknown> {
  const order = withPlanSchedule ? ((instance.chain.order ?? (instance.pointer.match(/^\/orders\/\d+$/) ? instance.value : undefined)) as Order | undefined) : undefined;
  const planSchedule = order ? planScheduleOf(order, input.calendar) : undefined;
  // Assigned one by one in the order (and with the overriding) of an object literal with spreads:
  // spreading the clocks' null-prototype index cost more than the rules that read the facts.
  const facts: Record<string, unknown> = {};
  if (clocksAtPointer) {
    // Object.keys, not for-in: the index's objects have no prototype (dictionary mode), where for-in checks each key again.
    for (const key of Object.keys(clocksAtPointer)) facts[key] = clocksAtPointer[key];
  }
  for (const key of Object.keys(instance.chain)) facts[key] = instance.chain[key];
  facts.project = input.record;
  facts.subject = instance.value;
  facts.asOf = asOf;
  if (clock) facts.clock = clock;
  if (planSchedule && 'fact' in planSchedule) facts.planSchedule = planSchedule.fact;
  facts.params = {};
  for (const name of Object.keys(instance.last)) facts[lastFact(name)] = instance.last[name];
  // A field that names another part of the record (x-ref in the schema) gives that part as a fact: a warning's circuitId -> "circuit".
  const subject = instance.value;
  if (subject !== null && typeof subject === 'object') {
    for (const reference of referencesOf(instance.pattern)) {
      if (Object.prototype.hasOwnProperty.call(instance.chain, reference.fact)) continue;
      const id = (subject as Record<string, unknown>)[reference.field];
      if (typeof id === 'string') facts[reference.fact] = partsById(input.record, reference.target).get(id);
    }
  }
  return facts;
}

const lastFacts = new Map<string, string>();

/** "last:<name>", made once per element name. */
function lastFact(name: string): string {
  let key = lastFacts.get(name);
  if (key === undefined) lastFacts.set(name, (key = `last:${name}`));
  return key;
}

const partsByIdCache = new WeakMap<object, Map<string, Map<string, unknown>>>();

/** The parts of a record a pattern names, by id (built once per record and pattern). */
function partsById(record: ProjectRecord, pattern: string): Map<string, unknown> {
  let byPattern = partsByIdCache.get(record);
  if (!byPattern) partsByIdCache.set(record, (byPattern = new Map()));
  let byId = byPattern.get(pattern);
  if (!byId) {
    byId = new Map();
    for (const instance of expandSubjects(record, pattern)) {
      const id = (instance.value as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && !byId.has(id)) byId.set(id, instance.value);
    }
    byPattern.set(pattern, byId);
  }
  return byId;
}

/** The fact "planSchedule": when the order's implementation plan ends on the calendar (§2.2.3). */
export interface PlanScheduleFact {
  /** The plan's last working day, its end (23:59:59) and that end in epoch ms, for comparisons with clock dues. */
  end: string;
  endAt: string;
  endMs: number;
  totalWorkingDays: number;
  spanWorkingDays: number;
}

const planSchedules = new WeakMap<WorkingCalendar, WeakMap<object, { fact: PlanScheduleFact } | { problem: DocpackError } | { none: true }>>();

/** The order's plan on the calendar, once per plan and calendar (schedulePlan, segments in parallel where the record says). */
function planScheduleOf(order: Order, calendar: WorkingCalendar): { fact: PlanScheduleFact } | { problem: DocpackError } | { none: true } {
  let byPlan = planSchedules.get(calendar);
  if (!byPlan) planSchedules.set(calendar, (byPlan = new WeakMap()));
  const plan = order.plan;
  if (!plan) return { none: true };
  const known = byPlan.get(plan);
  if (known) return known;
  let result: { fact: PlanScheduleFact } | { problem: DocpackError } | { none: true };
  try {
    const schedule = schedulePlan(plan, calendar);
    if (schedule.end === null) result = { none: true };
    else {
      const endMs = endOfDay(parseDay(schedule.end));
      result = { fact: { end: schedule.end, endAt: formatInstant(endMs), endMs, totalWorkingDays: schedule.totalWorkingDays, spanWorkingDays: schedule.spanWorkingDays } };
    }
  } catch (error) {
    if (!(error instanceof DocpackError)) throw error;
    result = { problem: error };
  }
  byPlan.set(plan, result);
  return result;
}

/** Rules that read the fact `name` somewhere in their conditions or references. */
function usesFact(rule: AlertRule, name: string): boolean {
  const visit = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.some(visit);
    if (node === null || typeof node !== 'object') return false;
    const record = node as Record<string, unknown>;
    if (record.fact === name) return true;
    return Object.values(record).some(visit);
  };
  return visit(rule.conditions) || visit(rule.due) || visit(rule.openedAt) || visit(rule.closedAt);
}

export interface AsOfFact {
  time: string;
  date: string;
  ms: number;
}

/** The fact "asOf": built once per evaluation and shared by every subject's facts. */
export function asOfFact(asOfMs: number): AsOfFact {
  const time = formatInstant(asOfMs);
  return { time, date: time.slice(0, 10), ms: asOfMs };
}

/** Clock states of a record by subject pointer, as facts "clock:<id>" (recurring clocks: the latest occurrence). */
export function indexClocks(states: readonly ClockState[]): Map<string, Record<string, ClockState>> {
  return latestClockStates(states, 'clock:');
}

/** Evaluates every rule for every subject of one record. Pure: no I/O, no system clock. */
export function evaluateAlerts(input: AlertInput, ruleSet: RuleSet): AlertOutput {
  const findings: Finding[] = [];
  const problems: Problem[] = [];
  const clockIndex = indexClocks(input.clocks);
  const asOf = asOfFact(input.asOfMs);
  const fire = (entry: CompiledRule, facts: Record<string, unknown>, instance: SubjectInstance, occurrence?: string): void => {
    facts.params = entry.rule.params ?? {};
    if (!entry.predicate(facts)) return;
    try {
      findings.push(makeFinding(input, entry, facts, instance, occurrence));
    } catch (error) {
      if (!(error instanceof DocpackError)) throw error;
      problems.push({ ...error.problem, pointer: instance.pointer, field: pointerToField(instance.pointer) || '(record)', message: `rule ${entry.rule.id}, ${input.record.id} ${instance.label}${occurrence ? ` ${occurrence}` : ''}: ${error.problem.message}` });
    }
  };
  // A plan the calendar cannot schedule (a day past its years) is a problem of the record, never a silent miss.
  if (ruleSet.usesPlanSchedule) {
    (input.record.orders ?? []).forEach((order, index) => {
      const schedule = planScheduleOf(order, input.calendar);
      if ('problem' in schedule) {
        problems.push({ ...schedule.problem.problem, pointer: `/orders/${index}/plan`, message: `${input.record.id} ${order.id} plan: ${schedule.problem.problem.message}` });
      }
    });
  }
  for (const [pattern, entries] of ruleSet.bySubject) {
    for (const instance of expandSubjects(input.record, pattern)) {
      const facts = buildFacts(input, instance, clockIndex.get(instance.pointer), undefined, asOf, ruleSet.usesPlanSchedule);
      for (const entry of entries) fire(entry, facts, instance);
    }
  }
  // A recurring clock (the weekly report's) has a state per occurrence on one subject: its instance once.
  const instances = new Map<string, SubjectInstance | undefined>();
  for (const [clockId, entries] of ruleSet.byClock) {
    for (const state of input.clocks) {
      if (state.clock !== clockId) continue;
      let instance = instances.get(state.subject);
      if (instance === undefined && !instances.has(state.subject)) instances.set(state.subject, (instance = subjectAt(input.record, state.subject)));
      if (!instance) continue;
      const facts = buildFacts(input, instance, clockIndex.get(state.subject), state, asOf, ruleSet.usesPlanSchedule);
      for (const entry of entries) fire(entry, facts, instance, state.occurrence);
    }
  }
  return { findings: findings.sort(compareFindings), problems };
}

const timeTexts = new Map<string, string | null>();

function asTime(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return formatInstant(value);
  if (typeof value !== 'string') return null;
  // Most are written as formatInstant writes them already (the clocks' dues, the record's times): themselves.
  if (isInstantText(value)) return value;
  // Remembered: the same dues and times come back for finding after finding.
  let text = timeTexts.get(value);
  if (text === undefined) {
    if (timeTexts.size >= 100_000) timeTexts.clear();
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) text = `${value}T23:59:59+08:00`;
    else {
      const ms = timeToEpochMs(value);
      text = Number.isNaN(ms) ? null : formatInstant(ms);
    }
    timeTexts.set(value, text);
  }
  return text;
}

/**
 * Whether `text` is a time exactly as formatInstant writes it: 2026-10-09T23:59:59+08:00, a real
 * date and time (parseDateTime checks the fields), whole seconds; formatInstant(parse(text)) is then text.
 */
function isInstantText(text: string): boolean {
  return text.length === 25 && text.charCodeAt(19) === 43 /* + */ && text.endsWith('+08:00') && !Number.isNaN(timeToEpochMs(text));
}

const existenceByRecord = new WeakMap<ProjectRecord, Map<string, number | undefined>>();

/** existedSince once per record and subject: a subject's rules ask it for each of their findings. */
function existedSinceOnce(record: ProjectRecord, pointer: string): number | undefined {
  let byPointer = existenceByRecord.get(record);
  if (!byPointer) existenceByRecord.set(record, (byPointer = new Map()));
  if (byPointer.has(pointer)) return byPointer.get(pointer);
  const since = existedSince(record, pointer);
  byPointer.set(pointer, since);
  return since;
}

/** No finding opens before its subject existed (a circuit's warning not before its order was received). */
function notBeforeExistence(openedAt: string | null, record: ProjectRecord, pointer: string): string | null {
  if (openedAt === null) return null;
  const since = existedSinceOnce(record, pointer);
  return since !== undefined && timeToEpochMs(openedAt) < since ? formatInstant(since) : openedAt;
}

function makeFinding(input: AlertInput, entry: CompiledRule, facts: Record<string, unknown>, instance: SubjectInstance, occurrence?: string): Finding {
  const { rule } = entry;
  const due = asTime(entry.due?.(facts));
  const openedAt = notBeforeExistence(asTime(entry.openedAt?.(facts)), input.record, instance.pointer);
  const closedAt = asTime(entry.closedAt?.(facts));
  const escalation = escalateOnce(rule, openedAt, input.calendar, closedAt === null ? input.asOfMs : Math.min(input.asOfMs, timeToEpochMs(closedAt)));
  const level = escalation.length > 0 ? (escalation[escalation.length - 1] as EscalationStep).level : rule.level;
  let subjectKey = instance.keys[0] ?? '';
  for (let index = 1; index < instance.keys.length; index += 1) subjectKey += `/${instance.keys[index]}`;
  const id = findingId(`${input.record.id}\u0000${rule.id}\u0000${subjectKey}\u0000${occurrence ?? ''}`);
  const provisional = isProvisional(input, rule, facts, openedAt, closedAt);
  const message = renderMessage(rule.message, facts, input.labels, { due, openedAt, closedAt, level });
  return {
    id,
    ruleId: rule.id,
    title: rule.title,
    type: escalation.length > 0 ? 'escalation' : rule.type,
    severity: rule.severity,
    level,
    project: input.record.id,
    projectName: input.record.name,
    subject: { pointer: instance.pointer, label: occurrence ? `${instance.label} ${occurrence}` : instance.label, ...(occurrence ? { occurrence } : {}) },
    due,
    openedAt,
    closedAt,
    // A deadline on a provisional calendar year says so wherever the message goes (check, summary, documents).
    message: provisional ? `${message}（${provisionalNote(input.calendar.provisionalYears)}）` : message,
    recipients: entry.recipients(facts),
    evidence: collectEvidence(rule.conditions, facts),
    escalation,
    ...(provisional ? { provisional: true as const } : {}),
  };
}

/** The first 16 hex digits of the SHA-256 of the finding's key (crypto.hash: one call, Node ≥ 20.12, instead of a Hash object per finding). */
function findingId(key: string): string {
  return hash('sha256', key, 'hex').slice(0, 16);
}

const clockFactsByRule = new WeakMap<AlertRule, string[]>();

/** The clock facts a rule reads anywhere (conditions, due, openedAt, closedAt, message), once per rule. */
function clockFactsOf(rule: AlertRule): string[] {
  let names = clockFactsByRule.get(rule);
  if (!names) {
    const found = new Set<string>(typeof rule.subject === 'string' ? [] : ['clock']);
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) for (const item of value) walk(item);
      else if (value !== null && typeof value === 'object') {
        for (const [key, item] of Object.entries(value)) {
          if (key === 'fact' && typeof item === 'string' && (item === 'clock' || item.startsWith('clock:'))) found.add(item);
          else walk(item);
        }
      }
    };
    walk([rule.conditions, rule.due, rule.openedAt, rule.closedAt]);
    for (const match of rule.message.matchAll(/\{\{\s*(clock(?::[^.|}\s]+)?)/g)) found.add(match[1]!);
    names = [...found];
    clockFactsByRule.set(rule, names);
  }
  return names;
}

/** Whether a clock the rule reads was computed on a provisional year, or its escalation counted one. */
function isProvisional(input: AlertInput, rule: AlertRule, facts: Record<string, unknown>, openedAt: string | null, closedAt: string | null): boolean {
  if (input.calendar.provisionalYears.length === 0) return false;
  for (const name of clockFactsOf(rule)) if ((facts[name] as ClockState | undefined)?.provisional === true) return true;
  if (!rule.escalation || openedAt === null) return false;
  const end = closedAt === null ? input.asOfMs : Math.min(input.asOfMs, timeToEpochMs(closedAt));
  return input.calendar.touchesProvisional(formatDay(dayOf(timeToEpochMs(openedAt))), formatDay(dayOf(end)));
}

/**
 * A finding stays at a level for `escalation[level]` working days, counted like every deadline
 * ("within N working days of T" ends at 23:59:59 of the N-th working day after T's date), and
 * climbs to the next level right after: local → province → group, never skipping one (§2.2.5 逐级上报).
 * The next level counts from the day it was reached. `asOfMs` is the end of the open period:
 * the as-of, or the close time when earlier.
 */
export function escalate(rule: AlertRule, openedAt: string | null, input: Pick<AlertInput, 'calendar' | 'asOfMs'>): EscalationStep[] {
  if (!rule.escalation || openedAt === null) return [];
  const steps: EscalationStep[] = [];
  let day = formatDay(dayOf(timeToEpochMs(openedAt)));
  for (let index = LEVELS.indexOf(rule.level); index < LEVELS.length - 1; index += 1) {
    const level = LEVELS[index] as 'local' | 'province';
    const after = rule.escalation[level];
    if (after === undefined) break;
    let lastDay: string;
    try {
      lastDay = input.calendar.addWorkingDays(day, after);
    } catch (error) {
      if (!(error instanceof DocpackError && error.code === 'calendar-coverage')) throw error;
      // The count ran past the calendar's last year: the level ends after it. That is a fact, not a
      // guess, only when the count started inside the calendar and the as-of is before its end.
      const { from, to } = input.calendar.coverage;
      if (Number(day.slice(0, 4)) >= from && Number(formatDay(dayOf(input.asOfMs)).slice(0, 4)) <= to) break;
      throw new DocpackError({
        ...error.problem,
        message: `escalation from ${level}: ${error.problem.message}; the finding's level cannot be known`,
      });
    }
    // Raised right after the level's last day: at 00:00 of the next day.
    const raisedMs = startOfDay(parseDay(lastDay) + 1);
    if (raisedMs > input.asOfMs) break;
    steps.push({ level: LEVELS[index + 1] as Level, since: formatInstant(raisedMs) });
    day = lastDay;
  }
  return steps;
}

const escalations = new WeakMap<WorkingCalendar, WeakMap<AlertRule, Map<number, Map<number, readonly EscalationStep[]>>>>();

/**
 * escalate, remembered per calendar, rule, opening day and end of the open period (what it depends
 * on): many findings of a rule open on the same day (a week's report, a batch of circuits). Each
 * finding gets its own copy of the steps. A count the calendar cannot make throws each time.
 */
function escalateOnce(rule: AlertRule, openedAt: string | null, calendar: WorkingCalendar, endMs: number): EscalationStep[] {
  if (!rule.escalation || openedAt === null) return [];
  let byRule = escalations.get(calendar);
  if (!byRule) escalations.set(calendar, (byRule = new WeakMap()));
  let byDay = byRule.get(rule);
  if (!byDay) byRule.set(rule, (byDay = new Map()));
  // By numbers, not a text key: a key built per finding would be hashed per finding.
  const day = dayOf(timeToEpochMs(openedAt));
  let known = byDay.get(day);
  if (!known) {
    if (byDay.size >= 10_000) byDay.clear();
    byDay.set(day, (known = new Map()));
  }
  let steps = known.get(endMs);
  if (steps === undefined) {
    if (known.size >= 10_000) known.clear();
    steps = escalate(rule, openedAt, { calendar, asOfMs: endMs });
    known.set(endMs, steps);
  }
  return steps.map((step) => ({ level: step.level, since: step.since }));
}

/** Findings in a stable order: project, subject, rule, occurrence. */
export function compareFindings(a: Finding, b: Finding): number {
  const text = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return text(a.project, b.project) || comparePointers(a.subject.pointer, b.subject.pointer) || text(a.ruleId, b.ruleId) || text(a.subject.occurrence ?? '', b.subject.occurrence ?? '');
}
