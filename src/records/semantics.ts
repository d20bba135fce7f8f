import { pointerToField as fieldOf } from '../errors.ts';
import { timeToEpochMs } from '../time.ts';
import type { SchemaProblem } from './schema.ts';
import type { Order, ProjectRecord } from './types.gen.ts';

/** Step 3 制定实施方案 of an order (§2.2.3). */
export type Plan = NonNullable<Order['plan']>;

/**
 * Checks a schema-valid record for what JSON Schema cannot say: ids unique within the record,
 * references that point at something, and times that happen in a possible order.
 * Late or missing steps are not errors here: they are findings for the rules.
 */
export function checkSemantics(record: ProjectRecord): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  /** `ignoreCase` for ids that name files (orders: 实施方案-<order>.docx), which Windows and macOS do not tell apart by case. */
  const unique = (kind: string, items: { id: string; pointer: string }[], ignoreCase = false): void => {
    const seen = new Map<string, { id: string; pointer: string }>();
    for (const item of items) {
      const key = ignoreCase ? item.id.toLowerCase() : item.id;
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push({
          code: 'duplicate-id',
          pointer: `${item.pointer}/id`,
          field: fieldOf(`${item.pointer}/id`),
          message: first.id === item.id ? `${kind} id "${item.id}" is used twice in this record` : `${kind} id "${item.id}" differs only in case from "${first.id}"`,
          hint: first.id === item.id ? `the first one is at ${fieldOf(first.pointer)}; give each ${kind} its own id` : `the other is at ${fieldOf(first.pointer)}; it names a file, and Windows and macOS would keep one of the two: give each ${kind} its own id`,
        });
      } else {
        seen.set(key, item);
      }
    }
  };

  const orders = record.orders ?? [];
  unique('order', orders.map((order, index) => ({ id: order.id, pointer: `/orders/${index}` })), true);
  unique(
    'circuit',
    orders.flatMap((order, orderIndex) =>
      order.circuits.map((circuit, index) => ({ id: circuit.id, pointer: `/orders/${orderIndex}/circuits/${index}` })),
    ),
  );
  unique('problem', (record.problems ?? []).map((problem, index) => ({ id: problem.id, pointer: `/problems/${index}` })));
  unique('resource check', (record.resourceChecks ?? []).map((check, index) => ({ id: check.id, pointer: `/resourceChecks/${index}` })));
  unique('resource reserve', (record.resourceReserves ?? []).map((reserve, index) => ({ id: reserve.id, pointer: `/resourceReserves/${index}` })));
  unique('fault', (record.afterSale?.faults ?? []).map((fault, index) => ({ id: fault.id, pointer: `/afterSale/faults/${index}` })));
  unique('cutover', (record.afterSale?.cutovers ?? []).map((cutover, index) => ({ id: cutover.id, pointer: `/afterSale/cutovers/${index}` })));

  orders.forEach((order, orderIndex) => {
    const base = `/orders/${orderIndex}`;
    const circuitIds = new Set(order.circuits.map((circuit) => circuit.id));
    (order.progressReports ?? []).forEach((report, reportIndex) => {
      report.warnings.forEach((warning, warningIndex) => {
        if (warning.circuitId !== undefined && !circuitIds.has(warning.circuitId)) {
          const pointer = `${base}/progressReports/${reportIndex}/warnings/${warningIndex}/circuitId`;
          problems.push({
            code: 'unknown-reference',
            pointer,
            field: fieldOf(pointer),
            message: `circuit "${warning.circuitId}" is not a circuit of order "${order.id}"`,
            hint: `use one of: ${[...circuitIds].join(', ') || '(the order has no circuits)'}`,
          });
        }
      });
    });
    const weeks = new Map<string, number>();
    (order.progressReports ?? []).forEach((report, reportIndex) => {
      const first = weeks.get(report.week);
      if (first !== undefined) {
        const pointer = `${base}/progressReports/${reportIndex}/week`;
        problems.push({
          code: 'duplicate-id',
          pointer,
          field: fieldOf(pointer),
          message: `two progress reports for week ${report.week}`,
          hint: `merge it into ${fieldOf(`${base}/progressReports/${first}`)}`,
        });
      } else weeks.set(report.week, reportIndex);
    });
    // The last report is the latest (its 需预警内容 are the warnings in force): the list is kept in submission order.
    (order.progressReports ?? []).forEach((report, reportIndex, reports) => {
      const previous = reports[reportIndex - 1];
      if (!previous) return;
      const pointer = `${base}/progressReports/${reportIndex}/submittedAt`;
      if (timeToEpochMs(report.submittedAt) < timeToEpochMs(previous.submittedAt)) {
        problems.push({
          code: 'time-order',
          pointer,
          field: fieldOf(pointer),
          message: `the report of ${report.week} (submitted ${report.submittedAt}) comes after the report of ${previous.week} (submitted ${previous.submittedAt}) in the list but was submitted before it`,
          hint: 'keep progressReports in the order they were submitted (the last one is read as the latest report)',
        });
      }
    });
    if (order.plan) {
      for (const problem of planDependencyProblems(order.plan)) {
        const pointer = `${base}/plan/segments/${problem.index}/after${problem.afterIndex === undefined ? '' : `/${problem.afterIndex}`}`;
        problems.push({ code: 'unknown-reference', pointer, field: fieldOf(pointer), message: problem.message, hint: problem.hint });
      }
    }
    notBefore(problems, `${base}/survey/doneAt`, order.survey?.doneAt, `${base}/projectManager/namedAt`, order.projectManager?.namedAt);
    notBefore(problems, `${base}/plan/doneAt`, order.plan?.doneAt, `${base}/survey/doneAt`, order.survey?.doneAt);
    notBefore(problems, `${base}/convertedAt`, order.convertedAt, `${base}/receivedAt`, order.receivedAt);
    notBefore(problems, `${base}/delivery/deliveredAt`, order.delivery?.deliveredAt, `${base}/delivery/completedAt`, order.delivery?.completedAt);
  });

  (record.resourceChecks ?? []).forEach((check, index) => {
    const base = `/resourceChecks/${index}`;
    notBefore(problems, `${base}/feedbackAt`, check.feedbackAt, `${base}/requestedAt`, check.requestedAt);
  });
  (record.afterSale?.faults ?? []).forEach((fault, index) => {
    const base = `/afterSale/faults/${index}`;
    notBefore(problems, `${base}/restoredAt`, fault.restoredAt, `${base}/startAt`, fault.startAt);
  });
  (record.afterSale?.cutovers ?? []).forEach((cutover, index) => {
    const base = `/afterSale/cutovers/${index}`;
    notBefore(problems, `${base}/plannedEnd`, cutover.plannedEnd, `${base}/plannedStart`, cutover.plannedStart);
  });
  return problems;
}

function notBefore(
  problems: SchemaProblem[],
  laterPointer: string,
  later: string | undefined,
  earlierPointer: string,
  earlier: string | undefined,
): void {
  if (later === undefined || earlier === undefined) return;
  const laterTime = timeToEpochMs(later);
  const earlierTime = timeToEpochMs(earlier);
  // NaN compares false: an unreadable time was already reported by the schema.
  if (!(laterTime < earlierTime)) return;
  problems.push({
    code: 'time-order',
    pointer: laterPointer,
    field: fieldOf(laterPointer),
    message: `${later} is before ${fieldOf(earlierPointer)} (${earlier})`,
    hint: 'check both times and their offsets (a time without an offset is read in Asia/Shanghai)',
  });
}

/** Problems in a plan's `after` references (unknown name, a name two segments share, a cycle), as messages with the segment index. */
export function planDependencyProblems(plan: Plan): { index: number; afterIndex?: number; message: string; hint: string }[] {
  const problems: { index: number; afterIndex?: number; message: string; hint: string }[] = [];
  const byName = new Map<string, number[]>();
  plan.segments.forEach((segment, index) => byName.set(segment.name, [...(byName.get(segment.name) ?? []), index]));
  const names = [...byName.keys()];
  plan.segments.forEach((segment, index) => {
    (segment.after ?? []).forEach((name, afterIndex) => {
      const found = byName.get(name);
      if (!found) {
        problems.push({ index, afterIndex, message: `segment "${name}" is not a segment of this plan`, hint: `use one of: ${names.join(', ')}` });
      } else if (found.length > 1) {
        problems.push({ index, afterIndex, message: `two segments are named "${name}": after cannot tell which one`, hint: 'give each segment its own name' });
      } else if (found[0] === index) {
        problems.push({ index, afterIndex, message: `segment "${name}" cannot follow itself`, hint: 'remove it from after' });
      }
    });
  });
  if (problems.length > 0) return problems;
  const cycle = findCycle(plan);
  if (cycle) {
    problems.push({
      index: cycle[0] ?? 0,
      message: `the segments follow each other in a circle: ${cycle.map((index) => plan.segments[index]?.name).join(' → ')} → ${plan.segments[cycle[0] ?? 0]?.name}`,
      hint: 'one of them must not wait for the others; remove it from after',
    });
  }
  return problems;
}

/** Indexes of the segments a segment follows: its `after` names, [] for none, or the previous segment. */
export function planPredecessors(plan: Plan, index: number, byName: Map<string, number>): number[] {
  const after = plan.segments[index]?.after;
  if (after === undefined) return index > 0 ? [index - 1] : [];
  return after.map((name) => byName.get(name)).filter((found): found is number => found !== undefined && found !== index);
}

export function planSegmentIndexByName(plan: Plan): Map<string, number> {
  const byName = new Map<string, number>();
  plan.segments.forEach((segment, index) => {
    if (!byName.has(segment.name)) byName.set(segment.name, index);
  });
  return byName;
}

function findCycle(plan: Plan): number[] | null {
  const byName = planSegmentIndexByName(plan);
  const state = new Array<0 | 1 | 2>(plan.segments.length).fill(0);
  const stack: number[] = [];
  const visit = (index: number): number[] | null => {
    if (state[index] === 2) return null;
    if (state[index] === 1) return stack.slice(stack.indexOf(index));
    state[index] = 1;
    stack.push(index);
    for (const previous of planPredecessors(plan, index, byName)) {
      const cycle = visit(previous);
      if (cycle) return cycle;
    }
    stack.pop();
    state[index] = 2;
    return null;
  };
  for (let index = 0; index < plan.segments.length; index += 1) {
    const cycle = visit(index);
    if (cycle) return cycle;
  }
  return null;
}
