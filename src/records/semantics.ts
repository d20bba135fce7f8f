import { pointerToField as fieldOf } from '../errors.ts';
import { timeToEpochMs } from '../time.ts';
import type { SchemaProblem } from './schema.ts';
import type { ProjectRecord } from './types.gen.ts';

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
