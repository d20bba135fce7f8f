// Row sources: what a sheet spec's "rows" names. Each source turns the records (and their clock
// states, and findings once the alerts stage gives them) into row contexts, lazily, in record order.
// A new source (e.g. orders, faults, clocks) is one entry in ROW_SOURCES and one generator here.
import type { DateTime } from 'luxon';
import type { WorkingCalendar } from '../../calendar/types.ts';
import { computeClocks, latestClockStates } from '../../clocks/compute.ts';
import type { ClockDef, ClockState } from '../../clocks/types.ts';
import { DocpackError, type Problem } from '../../errors.ts';
import type { Order, Person, ProjectRecord, ResourceCheck } from '../../records/types.gen.ts';
import { timeToEpochMs } from '../../time.ts';
import { label, type Labels } from '../../labels.ts';
import type { SourceShape } from './spec.ts';
import type { RowContext } from './values.ts';

/** Row contexts by source name. Each iterable is lazy and can be iterated more than once. */
export type RowSources = Readonly<Record<string, Iterable<RowContext>>>;

/**
 * A finding as the alerts stage gives it. Both shapes are accepted: the planned one
 * (subject.projectId, recipients as names) and src/alerts' (project, projectName, recipients as
 * { role, name }), so this module does not break while that stage settles.
 */
export interface FindingInput {
  id: string;
  ruleId: string;
  title?: string;
  type: string;
  severity: string;
  level: string;
  project?: string;
  projectName?: string;
  subject: { projectId?: string; pointer: string; label: string; occurrence?: string };
  due?: string | null;
  openedAt?: string | null;
  closedAt?: string | null;
  message: string;
  recipients: readonly (string | { role?: string; name: string })[];
}

/** The finding as rows see it: flat and with recipients as text. */
export interface FindingRow {
  id: string;
  ruleId: string;
  title: string | undefined;
  type: string;
  severity: string;
  level: string;
  projectId: string | undefined;
  projectName: string | undefined;
  pointer: string;
  label: string;
  occurrence: string | undefined;
  due: string | undefined;
  openedAt: string | undefined;
  closedAt: string | undefined;
  /** open, or closed once the situation ended (a fault restored, a late survey done). */
  status: 'open' | 'closed';
  /** A number people can say: the project id and the finding's place among the project's findings (P2026-GOV-001-03). */
  number: string;
  message: string;
  recipients: string[];
}

/** The names each source's row contexts define: checked against every path of a spec when it is loaded. */
export const ROW_SOURCES: readonly SourceShape[] = [
  { name: 'problems', context: ['project', 'problem', 'clocks'] },
  { name: 'circuits', context: ['project', 'order', 'circuit', 'clocks', 'orderClocks', 'facts', 'findings'] },
  { name: 'resourceChecks', context: ['project', 'check', 'clocks', 'facts', 'findings'] },
  { name: 'resourceReserves', context: ['project', 'reserve', 'clocks'] },
  { name: 'findings', context: ['finding', 'project'] },
  { name: 'weeklyProgress', context: ['project', 'order', 'report', 'facts'] },
];

export interface SourceInput {
  /** An array, or a re-iterable that reads the records again on every pass (for portfolios too big to hold). */
  records: Iterable<ProjectRecord>;
  asOf: DateTime;
  calendar: WorkingCalendar;
  clockDefs: readonly ClockDef[];
  labels: Labels;
  /** Findings of the alerts stage (build, report weekly and workbook run the rules; workbook may take --findings). */
  findings?: Iterable<FindingInput>;
  /** ISO week of the weeklyProgress source, e.g. 2026-W48 (default: none, the source is empty). */
  week?: { id: string; start: string; end: string };
}

export interface BuiltSources {
  sources: RowSources;
  /** Clock problems met while iterating (a date outside the calendar...), one per project and clock. */
  problems: Problem[];
}

type ClockIndex = Map<string, Record<string, ClockState>>;

const NO_CLOCKS: Record<string, ClockState> = Object.freeze(Object.create(null) as Record<string, ClockState>);

function lazy(generate: () => Generator<RowContext>): Iterable<RowContext> {
  return { [Symbol.iterator]: generate };
}

/** Builds every row source over `input.records`; nothing is computed until a source is iterated. */
export function buildRowSources(input: SourceInput): BuiltSources {
  const problems: Problem[] = [];
  const seenProblems = new Set<string>();
  const asOfMs = input.asOf.toMillis();
  const clockCache = new WeakMap<ProjectRecord, ClockIndex>();
  const clocksOf = (record: ProjectRecord): ClockIndex => {
    let index = clockCache.get(record);
    if (!index) {
      const states = computeClocks(record, input.clockDefs, input.calendar, input.asOf);
      for (const state of states) {
        if (!state.problem) continue;
        const key = `${record.id} ${state.clock} ${state.problem.message}`;
        if (seenProblems.has(key)) continue;
        seenProblems.add(key);
        problems.push({ ...state.problem, severity: 'error', message: `${record.id} ${state.label} clock ${state.clock}: ${state.problem.message}` });
      }
      index = latestClockStates(states);
      clockCache.set(record, index);
    }
    return index;
  };
  const { records } = input;

  const sources: Record<string, Iterable<RowContext>> = {
    problems: lazy(function* () {
      for (const project of records) {
        const clocks = clocksOf(project);
        for (const [index, problem] of (project.problems ?? []).entries()) {
          yield { project, problem, clocks: clocks.get(`/problems/${index}`) ?? NO_CLOCKS };
        }
      }
    }),
    circuits: lazy(function* () {
      const findingsOf = projectFindings(records, input.findings, input.labels);
      for (const project of records) {
        const clocks = clocksOf(project);
        const open = openFindingsBySubject(findingsOf(project.id));
        for (const [orderIndex, order] of (project.orders ?? []).entries()) {
          const orderClocks = clocks.get(`/orders/${orderIndex}`) ?? NO_CLOCKS;
          for (const [circuitIndex, circuit] of order.circuits.entries()) {
            const pointer = `/orders/${orderIndex}/circuits/${circuitIndex}`;
            const own = clocks.get(pointer) ?? NO_CLOCKS;
            yield { project, order, circuit, clocks: own, orderClocks, facts: circuitFacts(project, order, circuit, own, orderClocks, asOfMs), findings: open.get(pointer) ?? NO_FINDINGS };
          }
        }
      }
      findingsOf.finish();
    }),
    resourceChecks: lazy(function* () {
      const findingsOf = projectFindings(records, input.findings, input.labels);
      for (const project of records) {
        const clocks = clocksOf(project);
        const open = openFindingsBySubject(findingsOf(project.id));
        for (const [index, check] of (project.resourceChecks ?? []).entries()) {
          const pointer = `/resourceChecks/${index}`;
          yield { project, check, clocks: clocks.get(pointer) ?? NO_CLOCKS, facts: { secondCheckState: secondCheckState(check) }, findings: open.get(pointer) ?? NO_FINDINGS };
        }
      }
      findingsOf.finish();
    }),
    resourceReserves: lazy(function* () {
      for (const project of records) {
        const clocks = clocksOf(project);
        for (const [index, reserve] of (project.resourceReserves ?? []).entries()) {
          yield { project, reserve, clocks: clocks.get(`/resourceReserves/${index}`) ?? NO_CLOCKS };
        }
      }
    }),
    weeklyProgress: lazy(function* () {
      // §2.2.4: each order under way in the week with its report of the week (本周工作内容 / 下周工作打算 / 需预警内容).
      const week = input.week;
      if (!week) return;
      const weekStartMs = timeToEpochMs(`${week.start}T00:00:00+08:00`);
      const numbered = (lines: readonly string[]): string => lines.map((line, index) => `${index + 1}. ${line}`).join('\n');
      for (const project of records) {
        for (const order of project.orders ?? []) {
          const report = (order.progressReports ?? []).find((candidate) => candidate.week === week.id);
          const underWay = order.circuits.some((circuit) => circuit.completedAt === undefined || timeToEpochMs(circuit.completedAt) >= weekStartMs);
          if (!report && !underWay) continue;
          const required = order.circuits.some((circuit) => circuit.progressReportsRequired);
          yield {
            project,
            order,
            report,
            facts: {
              status: report ? 'submitted' : required ? 'missing' : 'not-required',
              thisWeek: report ? numbered(report.thisWeek) : undefined,
              nextWeek: report ? numbered(report.nextWeek) : undefined,
              warnings: report ? numbered(report.warnings.map((warning) => (warning.circuitId ? `${warning.circuitId}：${warning.text}` : warning.text))) : undefined,
            },
          };
        }
      }
    }),
    findings: lazy(function* () {
      // Only an array of records is looked up; a streamed portfolio's findings carry their project name.
      const byId = Array.isArray(records) ? new Map((records as readonly ProjectRecord[]).map((record) => [record.id, record])) : new Map<string, ProjectRecord>();
      const numbers = findingNumbers();
      for (const finding of input.findings ?? []) {
        const row = findingRow(finding, input.labels, numbers);
        yield { finding: row, project: row.projectId === undefined ? undefined : byId.get(row.projectId) };
      }
    }),
  };
  return { sources, problems };
}

function completedBy(at: string | undefined, asOfMs: number): boolean {
  if (at === undefined) return false;
  const ms = timeToEpochMs(at);
  return !Number.isNaN(ms) && ms <= asOfMs;
}

/**
 * What the circuit warning list needs beyond the record (§2.2.5), read from the clock states of
 * rules/deadlines (circuit-warning-pool, circuit-completion-warning, weekly-progress-report).
 */
function circuitFacts(
  project: ProjectRecord,
  order: Order,
  circuit: Order['circuits'][number],
  clocks: Record<string, ClockState>,
  orderClocks: Record<string, ClockState>,
  asOfMs: number,
): Record<string, unknown> {
  const completed = completedBy(circuit.completedAt, asOfMs);
  const pool = clocks['circuit-warning-pool'];
  const warning = clocks['circuit-completion-warning'];
  // In the pool: its entry time has passed and the circuit is not completed (the clock is breached).
  const inWarningPool = pool?.state === 'breached';
  // A completion warning is open from its deadline (7 / 3 calendar days before the required
  // completion) until the circuit is completed, whether or not the unit has filed its warning.
  const completionWarningOpen =
    !completed && warning !== undefined && warning.state !== 'not-applicable' && warning.state !== 'stopped' && warning.dueMs !== null && warning.dueMs <= asOfMs;
  const clockError = pool?.state === 'error' || warning?.state === 'error';
  const owner: Person | undefined = order.projectManager?.person ?? project.team.projectManager ?? project.team.chiefCustomerEngineer;
  const weeks = (order.progressReports ?? []).map((report) => report.week).sort();
  return {
    completed,
    inWarningPool,
    completionWarningOpen,
    clockError,
    onWarningList: inWarningPool || completionWarningOpen || clockError,
    warningFiled: circuit.warningFiled !== undefined,
    progressReport: progressReportStatus(circuit.progressReportsRequired, orderClocks['weekly-progress-report']),
    lastReportWeek: weeks.at(-1),
    owner,
  };
}

function progressReportStatus(required: boolean, weekly: ClockState | undefined): string {
  if (!required) return 'not-required';
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

/**
 * Where a check's second check (§2.1.2 item 5) stands in the record. Whether one is needed is the
 * rule resource-second-check's to say: the sheet shows its finding beside this.
 */
export function secondCheckState(check: ResourceCheck): string {
  if (check.secondCheck?.completedAt !== undefined) return 'done';
  if (check.secondCheck !== undefined) return 'in-progress';
  if (check.result === undefined) return 'awaiting-feedback';
  return 'none';
}

const NO_FINDINGS: Readonly<Record<string, FindingRow>> = Object.freeze(Object.create(null) as Record<string, FindingRow>);

/** Numbers findings within their project in the order they come (findings are sorted): P2026-GOV-001-03. */
function findingNumbers(): (projectId: string | undefined) => string {
  const counts = new Map<string, number>();
  return (projectId) => {
    const key = projectId ?? '';
    const next = (counts.get(key) ?? 0) + 1;
    counts.set(key, next);
    return `${projectId ?? '—'}-${String(next).padStart(2, '0')}`;
  };
}

/** Open findings of one project by subject pointer, then rule id: what a circuit row reads (e.g. findings.circuit-warning-pool). */
function openFindingsBySubject(findings: readonly FindingRow[]): Map<string, Record<string, FindingRow>> {
  const bySubject = new Map<string, Record<string, FindingRow>>();
  for (const finding of findings) {
    if (finding.status !== 'open') continue;
    let byRule = bySubject.get(finding.pointer);
    if (!byRule) bySubject.set(finding.pointer, (byRule = Object.create(null) as Record<string, FindingRow>));
    byRule[finding.ruleId] ??= finding;
  }
  return bySubject;
}

/**
 * Each project's findings, asked for in record order. An array of records gets an index; a
 * streamed portfolio's findings come in its record order (build and report weekly write them per
 * project in that order), so they are read alongside the records and never held whole. `finish`
 * fails loudly when findings were left over: their project was not met in order.
 */
function projectFindings(
  records: Iterable<ProjectRecord>,
  findings: Iterable<FindingInput> | undefined,
  labels: Labels,
): ((projectId: string) => FindingRow[]) & { finish(): void } {
  const numbers = findingNumbers();
  const projectOf = (finding: FindingInput): string | undefined => finding.project ?? finding.subject?.projectId;
  if (!findings) return Object.assign(() => [], { finish() {} });
  if (Array.isArray(records) || Array.isArray(findings)) {
    const byProject = new Map<string, FindingRow[]>();
    for (const finding of findings) {
      const row = findingRow(finding, labels, numbers);
      const key = row.projectId ?? '';
      const list = byProject.get(key);
      if (list) list.push(row);
      else byProject.set(key, [row]);
    }
    return Object.assign((projectId: string) => byProject.get(projectId) ?? [], { finish() {} });
  }
  const iterator = findings[Symbol.iterator]();
  let pending = iterator.next();
  const take = (projectId: string): FindingRow[] => {
    const rows: FindingRow[] = [];
    while (!pending.done && projectOf(pending.value) === projectId) {
      rows.push(findingRow(pending.value, labels, numbers));
      pending = iterator.next();
    }
    return rows;
  };
  return Object.assign(take, {
    finish() {
      if (!pending.done) {
        iterator.return?.();
        throw new Error(`findings of project ${projectOf(pending.value)} came out of the records' order: the circuit sheets cannot match them`);
      }
    },
  });
}

function findingRow(finding: FindingInput, labels: Labels, numbers: (projectId: string | undefined) => string): FindingRow {
  if (typeof finding !== 'object' || finding === null || typeof finding.id !== 'string' || typeof finding.subject !== 'object') {
    throw new DocpackError({ code: 'finding-invalid', message: `a finding is not of the expected shape: ${JSON.stringify(finding)?.slice(0, 120)}` });
  }
  const recipients = (finding.recipients ?? []).map((recipient) => {
    if (typeof recipient === 'string') return recipient;
    const role = recipient.role !== undefined && labels.role?.[recipient.role] !== undefined ? label(labels, 'role', recipient.role) : recipient.role;
    return role ? `${recipient.name}（${role}）` : recipient.name;
  });
  return {
    id: finding.id,
    ruleId: finding.ruleId,
    title: finding.title,
    type: finding.type,
    severity: finding.severity,
    level: finding.level,
    projectId: finding.project ?? finding.subject.projectId,
    projectName: finding.projectName,
    pointer: finding.subject.pointer,
    label: finding.subject.label,
    occurrence: finding.subject.occurrence,
    due: finding.due ?? undefined,
    openedAt: finding.openedAt ?? undefined,
    closedAt: finding.closedAt ?? undefined,
    status: finding.closedAt === undefined || finding.closedAt === null ? 'open' : 'closed',
    number: numbers(finding.project ?? finding.subject.projectId),
    message: finding.message,
    recipients,
  };
}
