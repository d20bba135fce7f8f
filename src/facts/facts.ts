// The facts stage: one product per project, computed once, that every later stage reads.
// load → validate → facts (clocks, alerts, derived facts) → render → write. Render never calls the
// clocks or the alerts: what a document or a sheet needs beyond the record is here, and each derived
// fact comes from the states the clock files (rules/deadlines) give and the findings the rule files
// (rules/alerts) raise, so editing a rule or a clock changes the documents without touching src/.
import { checkRecord, type CheckContext } from '../alerts/pipeline.ts';
import type { Finding } from '../alerts/types.ts';
import { clockProblems, computeClocks, latestClockStates } from '../clocks/compute.ts';
import { schedulePlan, type PlanSchedule } from '../clocks/plan-schedule.ts';
import type { ClockState } from '../clocks/types.ts';
import { DocpackError, type Problem } from '../errors.ts';
import { recordAsKnownAt } from '../records/as-of.ts';
import type { Circuit, Order, Person, ProjectRecord, ResourceCheck } from '../records/types.gen.ts';
import { dayOf, formatDay, timeToEpochMs, weekStartMs, type IsoWeek } from '../time.ts';

/** What the circuit warning list (§2.2.5) shows of a circuit beyond the record and its findings. */
export interface CircuitFacts {
  /** Completed by the as-of. */
  completed: boolean;
  /** Completed; overdue when not and its due day (an extension filed by the unit included) has passed; else in progress. */
  state: CircuitState;
  /** A clock of the circuit could not be computed (a date past the calendar's years): it is listed so nobody misses it. */
  clockError: boolean;
  /** The unit filed a warning (§2.2.5: a new completion date and its reason). */
  warningFiled: boolean;
  /** The order's weekly-progress-report clock, as the list says it (§2.2.4). */
  progressReport: string;
  /** The latest week the order reported. */
  lastReportWeek: string | undefined;
  /** Who answers for the circuit: the order's project manager, else the project's, else the chief customer engineer. */
  owner: Person | undefined;
}

export type CircuitState = 'completed' | 'in-progress' | 'overdue';

/** What the resource register shows of a check beyond the record and the finding of resource-second-check. */
export interface ResourceCheckFacts {
  /** Where the second check stands in the record (§2.1.2 item 5); whether one is needed is the rule's finding. */
  secondCheckState: 'done' | 'in-progress' | 'awaiting-feedback' | 'none';
}

/** A circuit entering the warning pool (§2.2.5), from the circuit-warning-pool clock. */
export interface PoolEntry {
  project: string;
  circuitId: string;
  requiredCompletion: string;
  /** When it enters the pool, e.g. 2026-12-01T00:00:00+08:00. */
  entersAt: string;
}

/** An order's plan on the working-day calendar, or why it could not be scheduled (the 实施方案 then fails alone). */
export type PlanOutcome = { schedule: PlanSchedule } | { error: DocpackError };

/** The week's progress report of an order under way in the week (§2.2.4). */
export interface WeekOrder {
  order: Order;
  orderIndex: number;
  /** The order's report of the week, if filed. */
  report: NonNullable<Order['progressReports']>[number] | undefined;
  /** The latest report up to the week: what a reader has when this week's is not in yet. */
  latestReport: NonNullable<Order['progressReports']>[number] | undefined;
  /** The week's weekly-progress-report clock of the order. */
  clock: ClockState | undefined;
  /** Whether any circuit of the order files progress reports. */
  reportsRequired: boolean;
  /**
   * Where the week's report stands (§2.2.4), from the order's weekly-progress-report clock of the week:
   * submitted, missing (past its due), not-due (the due is still ahead), or not-required (no clock: the
   * order's circuits file no reports, or it reports as the customer requires).
   */
  status: 'submitted' | 'missing' | 'not-due' | 'not-required';
}

/** The one product of the facts stage for one project. */
export interface ProjectFacts {
  /** The record as known at the as-of (records/as-of.ts): what every later stage reads. */
  record: ProjectRecord;
  /** The latest state of each clock by subject pointer, then clock id. */
  clockIndex: ReadonlyMap<string, Readonly<Record<string, ClockState>>>;
  /** Every finding of the project, closed ones included, in findings order. */
  findings: readonly Finding[];
  /** The number people say for each finding (P2026-GOV-001-03): its place among the project's findings. */
  numbers: ReadonlyMap<Finding, string>;
  /** Open findings by subject pointer, then rule id (the first of each rule): what sheets read as findings.<rule>. */
  openFindings: ReadonlyMap<string, Readonly<Record<string, Finding>>>;
  /** Clocks that could not be computed and rule problems, one per subject and kind. */
  problems: readonly Problem[];
  circuits: ReadonlyMap<string, CircuitFacts>;
  resourceChecks: ReadonlyMap<string, ResourceCheckFacts>;
  /** Each order's plan schedule, by order index (orders with a plan). */
  plans: ReadonlyMap<number, PlanOutcome>;
  /** The week the weekly documents are about. */
  week: IsoWeek;
  /** Orders under way in the week, with their report of the week. */
  weekOrders: readonly WeekOrder[];
  /** Circuits whose pool entry falls in the ISO week after `week`. */
  poolNextWeek: readonly PoolEntry[];
}

export interface FactsOptions {
  week: IsoWeek;
  /**
   * Findings already computed for this record at the same as-of (a scratch file of the same run,
   * or `docpack check --json` given to `docpack workbook --findings`): the rules are not run again.
   */
  findings?: readonly Finding[];
}

const NONE: Readonly<Record<string, never>> = Object.freeze(Object.create(null) as Record<string, never>);

/** load → validate → facts: clocks, alerts and the derived facts of one record. */
export function projectFacts(full: ProjectRecord, context: CheckContext, options: FactsOptions): ProjectFacts {
  let record: ProjectRecord;
  let clocks: ClockState[];
  let findings: readonly Finding[];
  let problems: Problem[];
  if (options.findings) {
    record = recordAsKnownAt(full, context.asOfMs);
    clocks = computeClocks(record, context.clockDefs, context.calendar, context.asOfMs);
    findings = options.findings;
    problems = clockProblems(clocks);
  } else {
    const check = checkRecord(full, context);
    ({ record, clocks, findings, problems } = check);
  }
  const clockIndex = latestClockStates(clocks);
  return {
    record,
    clockIndex,
    findings,
    numbers: new Map(findings.map((finding, index) => [finding, `${finding.project}-${String(index + 1).padStart(2, '0')}`])),
    openFindings: openFindingsBySubject(findings),
    problems: unique(problems),
    circuits: circuitFacts(record, clockIndex, context.asOfMs),
    resourceChecks: new Map((record.resourceChecks ?? []).map((check, index) => [`/resourceChecks/${index}`, { secondCheckState: secondCheckState(check) }])),
    plans: planSchedules(record, context),
    week: options.week,
    weekOrders: weekOrders(record, clocks, options.week, context.asOfMs),
    poolNextWeek: poolEntriesNextWeek(record, clocks, options.week),
  };
}

/** One problem per subject and kind: three clocks of a circuit that all need a missing calendar year are one problem. */
function unique(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.file ?? ''}\u0000${problem.pointer ?? problem.field ?? ''}\u0000${problem.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function openFindingsBySubject(findings: readonly Finding[]): Map<string, Record<string, Finding>> {
  const bySubject = new Map<string, Record<string, Finding>>();
  for (const finding of findings) {
    if (finding.closedAt !== null) continue;
    let byRule = bySubject.get(finding.subject.pointer);
    if (!byRule) bySubject.set(finding.subject.pointer, (byRule = Object.create(null) as Record<string, Finding>));
    byRule[finding.ruleId] ??= finding;
  }
  return bySubject;
}

function completedBy(at: string | undefined, asOfMs: number): boolean {
  if (at === undefined) return false;
  const ms = timeToEpochMs(at);
  return !Number.isNaN(ms) && ms <= asOfMs;
}

function circuitFacts(record: ProjectRecord, clockIndex: ReadonlyMap<string, Readonly<Record<string, ClockState>>>, asOfMs: number): Map<string, CircuitFacts> {
  const facts = new Map<string, CircuitFacts>();
  const today = formatDay(dayOf(asOfMs));
  for (const [orderIndex, order] of (record.orders ?? []).entries()) {
    const orderClocks = clockIndex.get(`/orders/${orderIndex}`) ?? NONE;
    const owner: Person | undefined = order.projectManager?.person ?? record.team.projectManager ?? record.team.chiefCustomerEngineer;
    const lastReportWeek = (order.progressReports ?? []).map((report) => report.week).sort().at(-1);
    for (const [circuitIndex, circuit] of order.circuits.entries()) {
      const pointer = `/orders/${orderIndex}/circuits/${circuitIndex}`;
      const own = clockIndex.get(pointer) ?? NONE;
      const completed = completedBy(circuit.completedAt, asOfMs);
      facts.set(pointer, {
        completed,
        state: completed ? 'completed' : today > (circuit.warningFiled?.newCompletion ?? circuit.requiredCompletion) ? 'overdue' : 'in-progress',
        clockError: Object.values(own).some((state) => state.state === 'error'),
        warningFiled: circuit.warningFiled !== undefined,
        progressReport: progressReportStatus(circuit, orderClocks['weekly-progress-report']),
        lastReportWeek,
        owner,
      });
    }
  }
  return facts;
}

function progressReportStatus(circuit: Circuit, weekly: ClockState | undefined): string {
  if (!circuit.progressReportsRequired) return 'not-required';
  if (weekly === undefined || weekly.state === 'not-applicable') return 'customer-defined';
  switch (weekly.state) {
    case 'met':
      return 'on-time';
    case 'breached':
      return 'overdue';
    case 'running':
    case 'due-soon':
      return 'due';
    case 'not-started':
      return 'not-started';
    case 'stopped':
      return 'closed';
    default:
      return 'unknown';
  }
}

/** Where a check's second check stands in the record; whether one is needed is the rule resource-second-check's to say. */
export function secondCheckState(check: ResourceCheck): ResourceCheckFacts['secondCheckState'] {
  if (check.secondCheck?.completedAt !== undefined) return 'done';
  if (check.secondCheck !== undefined) return 'in-progress';
  if (check.result === undefined) return 'awaiting-feedback';
  return 'none';
}

function planSchedules(record: ProjectRecord, context: CheckContext): Map<number, PlanOutcome> {
  const plans = new Map<number, PlanOutcome>();
  for (const [index, order] of (record.orders ?? []).entries()) {
    if (!order.plan) continue;
    try {
      plans.set(index, { schedule: schedulePlan(order.plan, context.calendar) });
    } catch (error) {
      if (!(error instanceof DocpackError)) throw error;
      plans.set(index, { error });
    }
  }
  return plans;
}

/** Orders under way in the week: a report of that week, or a circuit not completed before the week (or the as-of) began. */
function weekOrders(record: ProjectRecord, clocks: readonly ClockState[], week: IsoWeek, asOfMs: number): WeekOrder[] {
  const startMs = weekStartMs(week);
  const orders: WeekOrder[] = [];
  // The week's report clock of each order, by subject, from one pass over the clocks.
  const reportClocks = new Map<string, ClockState>();
  for (const state of clocks) if (state.clock === 'weekly-progress-report' && state.occurrence === week.id) reportClocks.set(state.subject, state);
  for (const [orderIndex, order] of (record.orders ?? []).entries()) {
    const reports = order.progressReports ?? [];
    const report = reports.find((candidate) => candidate.week === week.id);
    const underWay = order.circuits.some((circuit) => circuit.completedAt === undefined || timeToEpochMs(circuit.completedAt) >= Math.min(startMs, asOfMs));
    if (!report && !underWay) continue;
    const latestReport = reports.filter((candidate) => candidate.week <= week.id).sort((a, b) => (a.week < b.week ? -1 : a.week > b.week ? 1 : 0)).at(-1);
    const clock = reportClocks.get(`/orders/${orderIndex}`);
    orders.push({ order, orderIndex, report, latestReport, clock, reportsRequired: order.circuits.some((circuit) => circuit.progressReportsRequired), status: weekReportStatus(report !== undefined, clock) });
  }
  return orders;
}

function weekReportStatus(hasReport: boolean, clock: ClockState | undefined): WeekOrder['status'] {
  if (hasReport) return 'submitted';
  if (!clock || clock.state === 'not-applicable' || clock.state === 'stopped') return 'not-required';
  return clock.state === 'breached' ? 'missing' : 'not-due';
}

/** Circuits whose warning-pool entry (the circuit-warning-pool clock's due) falls in the ISO week after `week` (§2.2.5). */
function poolEntriesNextWeek(record: ProjectRecord, clocks: readonly ClockState[], week: IsoWeek): PoolEntry[] {
  const start = timeToEpochMs(`${week.end}T00:00:00+08:00`) + 86_400_000;
  const end = start + 7 * 86_400_000;
  const entries: PoolEntry[] = [];
  for (const state of clocks) {
    if (state.clock !== 'circuit-warning-pool' || state.dueMs === null || state.due === null) continue;
    if (state.state !== 'running' && state.state !== 'not-started' && state.state !== 'due-soon') continue;
    if (state.dueMs < start || state.dueMs >= end) continue;
    const circuit = record.orders?.flatMap((order) => order.circuits).find((candidate) => candidate.id === state.label);
    entries.push({ project: record.id, circuitId: state.label, requiredCompletion: circuit?.requiredCompletion ?? '', entersAt: state.due });
  }
  return entries;
}

/** Findings by project id, each project's in the order given (findings order): what `workbook --findings` attaches to its records. */
export function findingsByProject(findings: Iterable<Finding>): Map<string, Finding[]> {
  const byProject = new Map<string, Finding[]>();
  for (const finding of findings) {
    const list = byProject.get(finding.project);
    if (list) list.push(finding);
    else byProject.set(finding.project, [finding]);
  }
  return byProject;
}
