// Row sources: what a sheet spec's "rows" names. Each source turns the facts stage's product of
// each project (the record as known at the as-of, its clock states, findings and derived facts)
// into row contexts, lazily, in project order. Nothing here computes a clock or runs a rule.
// A new source (e.g. orders, faults, clocks) is one entry in ROW_SOURCES and one generator here.
import type { Finding } from '../../alerts/types.ts';
import type { ClockState } from '../../clocks/types.ts';
import type { ProjectFacts } from '../../facts/facts.ts';
import type { ProjectRecord } from '../../records/types.gen.ts';
import { label, type Labels } from '../../labels.ts';
import type { SourceShape } from './spec.ts';
import type { RowContext } from './values.ts';

/** Row contexts by source name. Each iterable is lazy and can be iterated more than once. */
export type RowSources = Readonly<Record<string, Iterable<RowContext>>>;

/** The finding as rows see it: flat and with recipients as text. */
export interface FindingRow {
  id: string;
  ruleId: string;
  title: string;
  type: string;
  severity: string;
  level: string;
  projectId: string;
  projectName: string;
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
  /** The facts of each project: an array, or a re-iterable that computes them again on every pass (for portfolios too big to hold). */
  projects: Iterable<ProjectFacts>;
  labels: Labels;
}

const NONE: Readonly<Record<string, never>> = Object.freeze(Object.create(null) as Record<string, never>);

/** The clock states of one subject (latest occurrence of each clock); empty when it has none. */
function clocksOf(facts: ProjectFacts, pointer: string): Readonly<Record<string, ClockState>> {
  return facts.clockIndex.get(pointer) ?? NONE;
}

function lazy(generate: () => Generator<RowContext>): Iterable<RowContext> {
  return { [Symbol.iterator]: generate };
}

/** Builds every row source over `input.projects`; nothing is read until a source is iterated. */
export function buildRowSources(input: SourceInput): RowSources {
  const { projects, labels } = input;
  // Open findings as rows, once per finding object (a per-project source's facts are iterated by several sheets).
  const rows = new WeakMap<Finding, FindingRow>();
  const rowOf = (facts: ProjectFacts, finding: Finding): FindingRow => {
    let row = rows.get(finding);
    if (!row) rows.set(finding, (row = findingRow(finding, facts.numbers.get(finding) ?? '', labels)));
    return row;
  };
  const openRows = (facts: ProjectFacts, pointer: string): Record<string, FindingRow> => {
    const open = facts.openFindings.get(pointer) ?? NONE;
    const byRule = Object.create(null) as Record<string, FindingRow>;
    for (const ruleId in open) byRule[ruleId] = rowOf(facts, open[ruleId]!);
    return byRule;
  };
  return {
    problems: lazy(function* () {
      for (const facts of projects) {
        const project = facts.record;
        for (const [index, problem] of (project.problems ?? []).entries()) {
          yield { project, problem, clocks: clocksOf(facts, `/problems/${index}`) };
        }
      }
    }),
    circuits: lazy(function* () {
      for (const facts of projects) {
        const project = facts.record;
        for (const [orderIndex, order] of (project.orders ?? []).entries()) {
          const orderClocks = clocksOf(facts, `/orders/${orderIndex}`);
          for (const [circuitIndex, circuit] of order.circuits.entries()) {
            const pointer = `/orders/${orderIndex}/circuits/${circuitIndex}`;
            yield { project, order, circuit, clocks: clocksOf(facts, pointer), orderClocks, facts: facts.circuits.get(pointer), findings: openRows(facts, pointer) };
          }
        }
      }
    }),
    resourceChecks: lazy(function* () {
      for (const facts of projects) {
        const project = facts.record;
        for (const [index, check] of (project.resourceChecks ?? []).entries()) {
          const pointer = `/resourceChecks/${index}`;
          yield { project, check, clocks: clocksOf(facts, pointer), facts: facts.resourceChecks.get(pointer), findings: openRows(facts, pointer) };
        }
      }
    }),
    resourceReserves: lazy(function* () {
      for (const facts of projects) {
        const project = facts.record;
        for (const [index, reserve] of (project.resourceReserves ?? []).entries()) {
          yield { project, reserve, clocks: clocksOf(facts, `/resourceReserves/${index}`) };
        }
      }
    }),
    weeklyProgress: lazy(function* () {
      // §2.2.4: each order under way in the week with its report of the week (本周工作内容 / 下周工作打算 / 需预警内容).
      const numbered = (lines: readonly string[]): string => lines.map((line, index) => `${index + 1}. ${line}`).join('\n');
      for (const facts of projects) {
        const project: ProjectRecord = facts.record;
        for (const { order, report, status } of facts.weekOrders) {
          yield {
            project,
            order,
            report,
            facts: {
              status,
              thisWeek: report ? numbered(report.thisWeek) : undefined,
              nextWeek: report ? numbered(report.nextWeek) : undefined,
              warnings: report ? numbered(report.warnings.map((warning) => (warning.circuitId ? `${warning.circuitId}：${warning.text}` : warning.text))) : undefined,
            },
          };
        }
      }
    }),
    findings: lazy(function* () {
      for (const facts of projects) {
        for (const finding of facts.findings) yield { finding: rowOf(facts, finding), project: facts.record };
      }
    }),
  };
}

function findingRow(finding: Finding, number: string, labels: Labels): FindingRow {
  const recipients = finding.recipients.map((recipient) => {
    const role = labels.role?.[recipient.role] !== undefined ? label(labels, 'role', recipient.role) : recipient.role;
    return role ? `${recipient.name}（${role}）` : recipient.name;
  });
  return {
    id: finding.id,
    ruleId: finding.ruleId,
    title: finding.title,
    type: finding.type,
    severity: finding.severity,
    level: finding.level,
    projectId: finding.project,
    projectName: finding.projectName,
    pointer: finding.subject.pointer,
    label: finding.subject.label,
    occurrence: finding.subject.occurrence,
    due: finding.due ?? undefined,
    openedAt: finding.openedAt ?? undefined,
    closedAt: finding.closedAt ?? undefined,
    status: finding.closedAt === null ? 'open' : 'closed',
    number,
    message: finding.message,
    recipients,
  };
}
