// Every clock over the sample records at the fixtures' as-of: none may fail to evaluate.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { loadCalendar } from '../../src/calendar/calendar.ts';
import { computeClocks } from '../../src/clocks/compute.ts';
import { loadClockDefs } from '../../src/clocks/load.ts';
import { loadRecords } from '../../src/records/load.ts';

const FIXTURES = 'fixtures/projects';

describe('clocks over fixtures/projects', () => {
  it('evaluates every clock of every sample record without an error', async () => {
    const { records, problems } = await loadRecords([FIXTURES]);
    expect(problems).toEqual([]);
    const defs = loadClockDefs();
    const calendar = loadCalendar();
    const asOf = DateTime.fromISO('2026-11-25T09:00:00+08:00', { setZone: true });
    const states = records.flatMap(({ record }) => computeClocks(record, defs, calendar, asOf));
    expect(states.filter((state) => state.state === 'error').map((state) => state.problem?.message)).toEqual([]);
    // The sample portfolio exercises circuits, orders and faults.
    for (const kind of ['circuit', 'order', 'fault'] as const) expect(states.some((state) => state.subjectKind === kind)).toBe(true);
  });
});
