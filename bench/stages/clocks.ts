// Benchmark of the clocks stage: every clock of rules/deadlines over every record, counted in circuits.
import { DateTime } from 'luxon';
import type { WorkingCalendar } from '../../src/calendar/types.ts';
import { computeClocks } from '../../src/clocks/compute.ts';
import { loadClockDefs } from '../../src/clocks/load.ts';
import type { ProjectRecord } from '../../src/records/types.gen.ts';
import type { StageResult } from '../types.ts';
import { timeIt } from '../timing.ts';

/** The fixtures' as-of time, so results are comparable between runs. */
const AS_OF = DateTime.fromISO('2026-11-25T09:00:00+08:00', { setZone: true });



/**
 * Evaluates all clocks over `records` at 2026-11-25T09:00+08:00 and reports throughput in circuits.
 * The floor is a hand-written loop doing the two main circuit clocks (warning-pool entry by
 * addWorkingDays, required completion by date comparison) with no definitions at all.
 */
export async function benchClocks(records: ProjectRecord[], calendar: WorkingCalendar, repeats = 3): Promise<StageResult> {
  const defs = loadClockDefs();
  let circuits = 0;
  for (const record of records) for (const order of record.orders ?? []) circuits += order.circuits.length;

  let states = 0;
  const seconds = await timeIt(repeats, () => {
    states = 0;
    for (const record of records) states += computeClocks(record, defs, calendar, AS_OF).length;
  });
  if (states === 0 && circuits > 0) throw new Error('benchClocks: no clock states computed');

  const asOfMs = AS_OF.toMillis();
  let sink = 0;
  const floorSeconds = await timeIt(repeats, () => {
    for (const record of records) {
      for (const order of record.orders ?? []) {
        for (const circuit of order.circuits) {
          const due = Date.parse(`${circuit.requiredCompletion}T23:59:59+08:00`);
          if (!circuit.completedAt && due < asOfMs) sink += 1;
          if (!circuit.progressReportsRequired) {
            try {
              const entry = calendar.addWorkingDays(circuit.requiredCompletion, -10);
              if (Date.parse(`${entry}T00:00:00+08:00`) <= asOfMs) sink += 1;
            } catch {
              sink -= 1; // outside the calendar: the real stage reports it as an error state
            }
          }
        }
      }
    }
  });
  if (Number.isNaN(sink)) throw new Error('unreachable');

  return {
    stage: 'clocks (all rules/deadlines)',
    unit: 'circuits',
    items: circuits,
    seconds,
    floor: { label: 'hand-written 2 clocks', seconds: floorSeconds },
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}
