import fc from 'fast-check';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCalendar } from '../../src/calendar/calendar.ts';
import type { WorkingCalendar } from '../../src/calendar/types.ts';
import { computeClocks } from '../../src/clocks/compute.ts';
import { loadClockDefs } from '../../src/clocks/load.ts';
import type { ClockDef, ClockState } from '../../src/clocks/types.ts';
import type { ProjectRecord } from '../../src/records/types.gen.ts';
import { makeCircuit, makeFault, makeOrder, makeRecord, withOrder } from './records.ts';
import { pinnedCalendarDir } from '../calendar/pinned.ts';
import { runs } from '../support/runs.ts';

let calendar: WorkingCalendar;
let defs: ClockDef[];

beforeAll(() => {
  calendar = loadCalendar(pinnedCalendarDir()); // 2025-2026: the 2027 deadlines below are errors
  defs = loadClockDefs();
});

const at = (text: string): DateTime => DateTime.fromISO(text, { setZone: true });

/** The one state of `clock` for the subject at `pointer` (or the only one of that clock). */
function clockOf(record: ProjectRecord, clock: string, asOf: string, pointer?: string): ClockState {
  const states = computeClocks(record, defs, calendar, at(asOf)).filter(
    (state) => state.clock === clock && (pointer === undefined || state.subject === pointer),
  );
  expect(states, `${clock} states`).toHaveLength(1);
  return states[0]!;
}

function statesOf(record: ProjectRecord, clock: string, asOf: string): ClockState[] {
  return computeClocks(record, defs, calendar, at(asOf)).filter((state) => state.clock === clock);
}

const PM = { person: { name: '李经理', org: '网运部', level: 'local' as const }, namedAt: '2026-09-30T16:00:00+08:00' };

describe('survey-due (§2.2.2, 2 working days)', () => {
  it('is due at the end of the 2nd working day after naming, skipping National Day', () => {
    // 2026-10-01..07 are holidays: the 1st working day after 09-30 is 10-08, the 2nd 10-09.
    const state = clockOf(withOrder({ projectManager: PM }), 'survey-due', '2026-10-08T09:00:00+08:00');
    expect(state.start).toBe('2026-09-30T16:00:00+08:00');
    expect(state.due).toBe('2026-10-09T23:59:59+08:00');
    expect(state.state).toBe('running');
    expect(state.remaining).toBe(1);
    expect(state.unit).toBe('workingDays');
    expect(state.subject).toBe('/orders/0');
    expect(state.label).toBe('O-1');
  });

  it('is due-soon on the due day, breached the day after, met when the survey was done in time', () => {
    const running = withOrder({ projectManager: PM });
    expect(clockOf(running, 'survey-due', '2026-10-09T09:00:00+08:00')).toMatchObject({ state: 'due-soon', remaining: 0 });
    // The lead starts at 00:00 of the due day and the due is 23:59:59 inclusive.
    expect(clockOf(running, 'survey-due', '2026-10-08T23:59:59+08:00').state).toBe('running');
    expect(clockOf(running, 'survey-due', '2026-10-09T00:00:00+08:00').state).toBe('due-soon');
    expect(clockOf(running, 'survey-due', '2026-10-09T23:59:59+08:00').state).toBe('due-soon');
    expect(clockOf(running, 'survey-due', '2026-10-10T00:00:00+08:00').state).toBe('breached');
    // 10-10 is a make-up Saturday: a working day, so the survey is 1 working day late.
    expect(clockOf(running, 'survey-due', '2026-10-10T09:00:00+08:00')).toMatchObject({ state: 'breached', overdue: 1, remaining: null });
    expect(clockOf(running, 'survey-due', '2026-10-12T09:00:00+08:00')).toMatchObject({ state: 'breached', overdue: 2 });

    const onTime = withOrder({ projectManager: PM, survey: { doneAt: '2026-10-09T23:00:00+08:00' } });
    expect(clockOf(onTime, 'survey-due', '2026-11-25T09:00:00+08:00')).toMatchObject({
      state: 'met',
      stoppedAt: '2026-10-09T23:00:00+08:00',
      remaining: 0,
    });
    const late = withOrder({ projectManager: PM, survey: { doneAt: '2026-10-10T10:00:00+08:00' } });
    expect(clockOf(late, 'survey-due', '2026-11-25T09:00:00+08:00')).toMatchObject({ state: 'breached', overdue: 1 });
  });

  it('is not-started without a project manager, or before the naming when as-of is earlier', () => {
    expect(clockOf(withOrder({}), 'survey-due', '2026-10-08T09:00:00+08:00')).toMatchObject({ state: 'not-started', start: null, due: null });
    expect(clockOf(withOrder({ projectManager: PM }), 'survey-due', '2026-09-30T15:00:00+08:00').state).toBe('not-started');
  });

  it('does not apply to a returned order unless asked for', () => {
    const returned = withOrder({ projectManager: PM, review: { result: 'returned', reviewedAt: '2026-09-30T10:00:00+08:00' } });
    expect(statesOf(returned, 'survey-due', '2026-10-08T09:00:00+08:00')).toEqual([]);
    const all = computeClocks(returned, defs, calendar, at('2026-10-08T09:00:00+08:00'), { includeNotApplicable: true });
    expect(all.find((state) => state.clock === 'survey-due')?.state).toBe('not-applicable');
  });

  it('reads a time without an offset in Asia/Shanghai', () => {
    const state = clockOf(withOrder({ projectManager: { ...PM, namedAt: '2026-09-30T23:30:00' } }), 'survey-due', '2026-10-08T09:00:00+08:00');
    expect(state.start).toBe('2026-09-30T23:30:00+08:00');
    expect(state.due).toBe('2026-10-09T23:59:59+08:00');
    // 2026-09-30T23:30Z is already 10-01 in Shanghai: the count starts from 10-01.
    const utc = clockOf(withOrder({ projectManager: { ...PM, namedAt: '2026-09-30T23:30:00Z' } }), 'survey-due', '2026-10-08T09:00:00+08:00');
    expect(utc.start).toBe('2026-10-01T07:30:00+08:00');
    expect(utc.due).toBe('2026-10-09T23:59:59+08:00');
  });
});

describe('plan-due (§2.2.3, 1 or 2 working days by complexity)', () => {
  const survey = { doneAt: '2026-10-09T15:00:00+08:00' };
  it('complex: 2 working days, the make-up Saturday 10-10 counts, due end of Monday 10-12', () => {
    const state = clockOf(withOrder({ projectManager: PM, survey, complexity: 'complex' }), 'plan-due', '2026-10-10T09:00:00+08:00');
    expect(state.variant).toBe('complex');
    expect(state.due).toBe('2026-10-12T23:59:59+08:00');
    expect(state.state).toBe('running');
    expect(state.remaining).toBe(1);
  });
  it('simple (or not given): 1 working day, due end of the make-up Saturday 10-10', () => {
    for (const complexity of ['simple', undefined] as const) {
      const state = clockOf(withOrder({ projectManager: PM, survey, complexity }), 'plan-due', '2026-10-10T09:00:00+08:00');
      expect(state.variant).toBe('default');
      expect(state.due).toBe('2026-10-10T23:59:59+08:00');
      expect(state.state).toBe('due-soon');
    }
  });
  it('is met by a plan done on the make-up Saturday', () => {
    const order = { projectManager: PM, survey, complexity: 'simple' as const, plan: { doneAt: '2026-10-10T18:00:00+08:00', segments: [] } };
    expect(clockOf(withOrder(order), 'plan-due', '2026-10-12T09:00:00+08:00').state).toBe('met');
  });
});

describe('circuit-warning-pool (§2.2.5, 10 working days before required completion)', () => {
  // Working days back from 2026-10-16: 15, 14, 13, 12, 10 (make-up Sat), 9, 8, [1-7 holiday], 9-30, 9-29, 9-28.
  const converted = '2026-09-01T10:00:00+08:00';
  it('enters the pool at the start of 2026-09-28 for a circuit required on 2026-10-16', () => {
    const record = withOrder({ convertedAt: converted });
    const before = clockOf(record, 'circuit-warning-pool', '2026-09-27T12:00:00+08:00');
    expect(before).toMatchObject({ state: 'running', due: '2026-09-28T00:00:00+08:00', remaining: 1, subject: '/orders/0/circuits/0', label: 'C-1' });
    const inPool = clockOf(record, 'circuit-warning-pool', '2026-09-28T09:00:00+08:00');
    expect(inPool).toMatchObject({ state: 'breached', overdue: 0 });
    // Working days after the entry day up to as-of: 9-29, 9-30, 10-08, 10-09.
    expect(clockOf(record, 'circuit-warning-pool', '2026-10-09T09:00:00+08:00').overdue).toBe(4);
  });

  it('leaves the pool (stopped) when the circuit is completed', () => {
    const record = withOrder({ convertedAt: converted, circuits: [makeCircuit({ completedAt: '2026-10-12T17:00:00+08:00' })] });
    expect(clockOf(record, 'circuit-warning-pool', '2026-10-13T09:00:00+08:00')).toMatchObject({ state: 'stopped', stoppedAt: '2026-10-12T17:00:00+08:00' });
    // Before the completion the circuit is still in the pool.
    expect(clockOf(record, 'circuit-warning-pool', '2026-10-12T09:00:00+08:00').state).toBe('breached');
  });

  it('does not apply to circuits that file progress reports; not-started before conversion', () => {
    const reporting = withOrder({ convertedAt: converted, circuits: [makeCircuit({ progressReportsRequired: true })] });
    expect(statesOf(reporting, 'circuit-warning-pool', '2026-10-01T09:00:00+08:00')).toEqual([]);
    expect(clockOf(withOrder({}), 'circuit-warning-pool', '2026-10-01T09:00:00+08:00')).toMatchObject({
      state: 'not-started',
      due: '2026-09-28T00:00:00+08:00',
    });
  });

  it('an urgent order converted with under 10 working days left enters at conversion', () => {
    // From 10-09 to 10-16 there are 6 working days (10, 12, 13, 14, 15, 16) < 10.
    const record = withOrder({ urgent: true, convertedAt: '2026-10-09T10:00:00+08:00' });
    const state = clockOf(record, 'circuit-warning-pool', '2026-10-09T11:00:00+08:00');
    expect(state).toMatchObject({ variant: 'default', due: '2026-10-09T10:00:00+08:00', state: 'breached', overdue: 0 });
    expect(clockOf(record, 'circuit-warning-pool', '2026-10-09T09:00:00+08:00').state).toBe('not-started');
  });

  it('an order converted with 10 or more working days left enters on the usual day', () => {
    const record = withOrder({ urgent: true, convertedAt: converted });
    expect(clockOf(record, 'circuit-warning-pool', '2026-09-20T09:00:00+08:00')).toMatchObject({
      due: '2026-09-28T00:00:00+08:00',
      state: 'running',
    });
  });
});

describe('circuit-completion-warning (§2.2.5, one week / 3 calendar days before)', () => {
  it('is due 7 calendar days before the end of the required completion date; 3 for urgent orders', () => {
    expect(clockOf(withOrder({}), 'circuit-completion-warning', '2026-10-01T09:00:00+08:00')).toMatchObject({
      due: '2026-10-09T23:59:59+08:00',
      state: 'running',
      remaining: 8,
      unit: 'calendarDays',
    });
    expect(clockOf(withOrder({ urgent: true }), 'circuit-completion-warning', '2026-10-01T09:00:00+08:00')).toMatchObject({
      variant: 'urgent',
      due: '2026-10-13T23:59:59+08:00',
    });
  });

  it('met / due-soon / breached / stopped', () => {
    const warned = withOrder({ circuits: [makeCircuit({ warningFiled: { at: '2026-10-08T10:00:00+08:00', reason: '光缆施工受阻' } })] });
    expect(clockOf(warned, 'circuit-completion-warning', '2026-10-20T09:00:00+08:00')).toMatchObject({ state: 'met', remaining: 1 });
    expect(clockOf(withOrder({}), 'circuit-completion-warning', '2026-10-08T09:00:00+08:00').state).toBe('due-soon');
    expect(clockOf(withOrder({}), 'circuit-completion-warning', '2026-10-11T09:00:00+08:00')).toMatchObject({ state: 'breached', overdue: 2 });
    // Completed on time after the warning deadline: no warning was needed.
    const onTime = withOrder({ circuits: [makeCircuit({ completedAt: '2026-10-14T16:00:00+08:00' })] });
    expect(clockOf(onTime, 'circuit-completion-warning', '2026-10-20T09:00:00+08:00')).toMatchObject({ state: 'stopped', stoppedAt: '2026-10-14T16:00:00+08:00' });
    // Completed late without a warning: breached, stopped by the completion.
    const late = withOrder({ circuits: [makeCircuit({ completedAt: '2026-10-20T16:00:00+08:00' })] });
    expect(clockOf(late, 'circuit-completion-warning', '2026-10-25T09:00:00+08:00')).toMatchObject({
      state: 'breached',
      stoppedAt: '2026-10-20T16:00:00+08:00',
      overdue: 11,
    });
  });
});

describe('circuit-completion', () => {
  it('is due at the end of the required completion date; an agreed new date replaces it', () => {
    expect(clockOf(withOrder({}), 'circuit-completion', '2026-10-17T09:00:00+08:00')).toMatchObject({ due: '2026-10-16T23:59:59+08:00', state: 'breached', overdue: 1 });
    const extended = withOrder({ circuits: [makeCircuit({ warningFiled: { at: '2026-10-08T10:00:00+08:00', reason: '物业', newCompletion: '2026-10-30' } })] });
    expect(clockOf(extended, 'circuit-completion', '2026-10-17T09:00:00+08:00')).toMatchObject({ variant: 'extended', due: '2026-10-30T23:59:59+08:00', state: 'running' });
    const done = withOrder({ circuits: [makeCircuit({ completedAt: '2026-10-16T20:00:00+08:00' })] });
    expect(clockOf(done, 'circuit-completion', '2026-10-17T09:00:00+08:00').state).toBe('met');
  });
});

describe('resource-check-validity (§2.1.2 item 5, 1 month)', () => {
  const check = (feedbackAt: string, usedAt?: string): ProjectRecord =>
    makeRecord({
      resourceChecks: [
        { id: 'RC-1', demandOrder: { id: 'D-1', type: 'query' }, segment: 'A局-B局', requestedAt: '2026-10-20T09:00:00+08:00', feedbackAt, usedAt },
      ],
    });
  it('clamps to the month end: fed back 2026-10-31 is valid until 2026-11-30 at the same time', () => {
    const state = clockOf(check('2026-10-31T10:00:00+08:00'), 'resource-check-validity', '2026-11-10T09:00:00+08:00');
    expect(state).toMatchObject({ due: '2026-11-30T10:00:00+08:00', state: 'running', unit: 'calendarDays', remaining: 20, subject: '/resourceChecks/0' });
    expect(clockOf(check('2026-01-31T10:00:00+08:00'), 'resource-check-validity', '2026-02-01T09:00:00+08:00').due).toBe('2026-02-28T10:00:00+08:00');
  });
  it('met when used while valid, breached once expired', () => {
    expect(clockOf(check('2026-10-31T10:00:00+08:00', '2026-11-20T10:00:00+08:00'), 'resource-check-validity', '2026-12-05T09:00:00+08:00').state).toBe('met');
    expect(clockOf(check('2026-10-31T10:00:00+08:00'), 'resource-check-validity', '2026-11-25T09:00:00+08:00').state).toBe('due-soon');
    expect(clockOf(check('2026-10-31T10:00:00+08:00'), 'resource-check-validity', '2026-12-01T09:00:00+08:00')).toMatchObject({ state: 'breached', overdue: 1 });
  });
});

describe('problem-resolution', () => {
  const problem = (parts: Record<string, unknown>): ProjectRecord =>
    makeRecord({
      problems: [
        {
          id: 'Q-1',
          description: '物业不同意进场',
          target: '取得进场许可',
          owner: { name: '王', org: '集成公司', level: 'local' },
          plannedResolution: '2026-10-09',
          status: 'open',
          ...parts,
        },
      ],
    });
  it('is due at the end of the planned date; the 2-working-day lead spans the holiday', () => {
    expect(clockOf(problem({}), 'problem-resolution', '2026-09-29T09:00:00+08:00').state).toBe('running');
    // 2 working days before 10-09: 10-08, then 09-30.
    expect(clockOf(problem({}), 'problem-resolution', '2026-09-30T09:00:00+08:00')).toMatchObject({ state: 'due-soon', due: '2026-10-09T23:59:59+08:00' });
    expect(clockOf(problem({}), 'problem-resolution', '2026-10-12T09:00:00+08:00')).toMatchObject({ state: 'breached', overdue: 3 });
    expect(clockOf(problem({ resolvedOn: '2026-10-09', status: 'resolved' }), 'problem-resolution', '2026-10-12T09:00:00+08:00').state).toBe('met');
    expect(statesOf(problem({ status: 'deferred' }), 'problem-resolution', '2026-10-12T09:00:00+08:00')).toEqual([]);
  });
});

describe('serious faults (30 minutes / 8 hours / third report)', () => {
  const faultRecord = (fault: Parameters<typeof makeFault>[0], tier: ProjectRecord['customer']['tier'] = 'ordinary'): ProjectRecord =>
    makeRecord({ customer: { name: '客户', tier, industry: '金融' }, afterSale: { faults: [makeFault(fault)] } });
  // The serious-fault clocks that started for a fault (a clock that applies but has no start yet does not count).
  const ids = (record: ProjectRecord): string[] =>
    computeClocks(record, defs, calendar, at('2026-11-25T09:00:00+08:00'))
      // The serious-fault kinds: serious-fault-report (the report to the province) runs on every full outage.
      .filter((state) => state.subjectKind === 'fault' && state.state !== 'not-started' && state.clock !== 'serious-fault-report')
      .map((state) => state.clock);

  it('key customers: exactly 30 minutes is not over 30 minutes; 31 is a serious fault', () => {
    const met = clockOf(faultRecord({ restoredAt: '2026-11-20T10:30:00+08:00' }, 'provincial-key'), 'serious-fault-key-customer', '2026-11-25T09:00:00+08:00');
    expect(met).toMatchObject({ state: 'met', due: '2026-11-20T10:30:00+08:00', unit: 'minutes', remaining: 0, subject: '/afterSale/faults/0' });
    const breached = clockOf(faultRecord({ restoredAt: '2026-11-20T10:31:00+08:00' }, 'city-diamond'), 'serious-fault-key-customer', '2026-11-25T09:00:00+08:00');
    expect(breached).toMatchObject({ state: 'breached', overdue: 1 });
    expect(clockOf(faultRecord({}, 'city-diamond'), 'serious-fault-key-customer', '2026-11-20T10:25:00+08:00')).toMatchObject({ state: 'due-soon', remaining: 5 });
    expect(clockOf(faultRecord({}, 'city-diamond'), 'serious-fault-key-customer', '2026-11-20T10:10:00+08:00').state).toBe('running');
  });

  it('chooses the threshold by customer tier, reach and service', () => {
    expect(ids(faultRecord({}, 'provincial-key'))).toEqual(['serious-fault-key-customer']);
    expect(ids(faultRecord({}, 'ordinary'))).toEqual([]);
    expect(ids(faultRecord({ crossProvince: true, service: 'leased-circuit' }))).toEqual(['serious-fault-key-customer']);
    expect(ids(faultRecord({ crossCity: true, service: 'voice-leased-line' }))).toEqual(['serious-fault-key-customer']);
    expect(ids(faultRecord({ crossCity: true, service: 'leased-circuit' }, 'city-gold'))).toEqual(['serious-fault-cross-city']);
    expect(ids(faultRecord({ crossCity: true, service: 'leased-circuit' }, 'city-diamond'))).toEqual(['serious-fault-key-customer']);
    expect(ids(faultRecord({ fullOutage: false }, 'provincial-key'))).toEqual([]);
  });

  it('city-level cross-city leased circuit of a non-diamond customer: 8 hours', () => {
    const record = faultRecord({ crossCity: true, service: 'leased-circuit', restoredAt: '2026-11-20T17:59:00+08:00' }, 'city-gold');
    expect(clockOf(record, 'serious-fault-cross-city', '2026-11-25T09:00:00+08:00')).toMatchObject({ state: 'met', due: '2026-11-20T18:00:00+08:00', unit: 'hours' });
    const longer = faultRecord({ crossCity: true, service: 'leased-circuit', restoredAt: '2026-11-20T19:30:00+08:00' }, 'city-gold');
    expect(clockOf(longer, 'serious-fault-cross-city', '2026-11-25T09:00:00+08:00')).toMatchObject({ state: 'breached', overdue: 1.5 });
  });

  it('three ordinary customers within 30 minutes: 30 minutes from the third report', () => {
    const reports = (minutes: number[]) =>
      minutes.map((minute, i) => ({ name: `客户${i}`, tier: 'ordinary' as const, reportedAt: DateTime.fromISO('2026-11-20T10:00:00+08:00').plus({ minutes: minute }).toISO()! }));
    const record = faultRecord({ affectedCustomers: reports([5, 12, 30]), restoredAt: '2026-11-20T11:01:00+08:00' });
    const state = clockOf(record, 'serious-fault-ordinary', '2026-11-25T09:00:00+08:00');
    expect(state).toMatchObject({ start: '2026-11-20T10:30:00+08:00', due: '2026-11-20T11:00:00+08:00', state: 'breached', overdue: 1 });
    // The third report 35 minutes after the first: not within 30 minutes, not this kind of serious fault.
    expect(ids(faultRecord({ affectedCustomers: reports([0, 10, 35]) }))).toEqual([]);
    // Only two reports.
    expect(ids(faultRecord({ affectedCustomers: reports([0, 10]) }))).toEqual([]);
    // Any 30-minute window counts: 0, 40, 50, 65 → the group 40/50/65 completes at 65 minutes.
    expect(clockOf(faultRecord({ affectedCustomers: reports([0, 40, 50, 65]) }), 'serious-fault-ordinary', '2026-11-25T09:00:00+08:00')).toMatchObject({ start: '2026-11-20T11:05:00+08:00' });
    // A key customer's project is under the key-customer clock instead.
    expect(ids(faultRecord({ affectedCustomers: reports([0, 10, 20]) }, 'city-diamond'))).toEqual(['serious-fault-key-customer']);
  });
});

describe('"by the end of day D" is anything before D+1 00:00, to the millisecond', () => {
  it('a survey done at 23:59:59.600 on the due day is in time; one at 00:00 the next day is late', () => {
    const done = (doneAt: string) => withOrder({ projectManager: PM, survey: { doneAt } });
    expect(clockOf(done('2026-10-09T23:59:59.600+08:00'), 'survey-due', '2026-10-12T09:00:00+08:00')).toMatchObject({ state: 'met', due: '2026-10-09T23:59:59+08:00' });
    expect(clockOf(done('2026-10-09T23:59:59.999+08:00'), 'survey-due', '2026-10-12T09:00:00+08:00').state).toBe('met');
    expect(clockOf(done('2026-10-10T00:00:00+08:00'), 'survey-due', '2026-10-12T09:00:00+08:00').state).toBe('breached');
  });

  it('a running clock is not breached at 23:59:59.600 of its due day, and is at 00:00', () => {
    const running = withOrder({ projectManager: PM });
    expect(clockOf(running, 'survey-due', '2026-10-09T23:59:59.600+08:00').state).toBe('due-soon');
    expect(clockOf(running, 'survey-due', '2026-10-10T00:00:00.000+08:00').state).toBe('breached');
  });

  it('a circuit completed at 23:59:59.600 of its required completion date is on time', () => {
    const completed = (completedAt: string) => withOrder({ circuits: [makeCircuit({ completedAt })] });
    expect(clockOf(completed('2026-10-16T23:59:59.600+08:00'), 'circuit-completion', '2026-10-17T09:00:00+08:00').state).toBe('met');
    expect(clockOf(completed('2026-10-17T00:00:00+08:00'), 'circuit-completion', '2026-10-17T09:00:00+08:00').state).toBe('breached');
  });

  it('a weekly report submitted at 23:59:59.600 of the week\'s last working day is in time', () => {
    const order = (submittedAt: string) =>
      withOrder({
        convertedAt: '2026-10-12T10:00:00+08:00',
        circuits: [makeCircuit({ progressReportsRequired: true })],
        progressReports: [{ week: '2026-W42', submittedAt, thisWeek: ['施工'], nextWeek: ['调试'], warnings: [] }],
      });
    const week42 = (submittedAt: string) => statesOf(order(submittedAt), 'weekly-progress-report', '2026-10-19T09:00:00+08:00').find((state) => state.occurrence === '2026-W42');
    expect(week42('2026-10-16T23:59:59.600+08:00')).toMatchObject({ state: 'met', due: '2026-10-16T23:59:59+08:00' });
    expect(week42('2026-10-17T00:00:00+08:00')?.state).toBe('breached');
  });
});

describe('weekly-progress-report (§2.2.4, recurring per ISO week)', () => {
  const report = (week: string, submittedAt: string) => ({ week, submittedAt, thisWeek: ['施工'], nextWeek: ['调试'], warnings: [] });
  const order = (parts: Parameters<typeof makeOrder>[0] = {}) =>
    withOrder({
      convertedAt: '2026-09-21T10:00:00+08:00',
      circuits: [makeCircuit({ progressReportsRequired: true })],
      progressReports: [report('2026-W39', '2026-09-24T17:00:00+08:00'), report('2026-W40', '2026-10-08T10:00:00+08:00')],
      ...parts,
    });

  it('owes one report per week, due the end of the last working day, make-up Saturday included', () => {
    const states = statesOf(order(), 'weekly-progress-report', '2026-10-14T09:00:00+08:00');
    expect(states.map((state) => [state.occurrence, state.due, state.state, state.remaining ?? -state.overdue!])).toEqual([
      // Friday 09-25 is the Mid-Autumn Festival: week 39 ends on Thursday 09-24.
      ['2026-W39', '2026-09-24T23:59:59+08:00', 'met', 0],
      // Week 40's last working day is 09-30 (National Day follows); the report came on 10-08.
      ['2026-W40', '2026-09-30T23:59:59+08:00', 'breached', -1],
      // Week 41 ends on the make-up Saturday 10-10; no report: 10-12, 10-13, 10-14 late.
      ['2026-W41', '2026-10-10T23:59:59+08:00', 'breached', -3],
      ['2026-W42', '2026-10-16T23:59:59+08:00', 'running', 2],
    ]);
    expect(states.every((state) => state.subject === '/orders/0')).toBe(true);
  });

  it('ends with the delivery: no report for a week whose due is after delivery', () => {
    const delivered = order({ delivery: { deliveredAt: '2026-10-13T10:00:00+08:00' } });
    expect(statesOf(delivered, 'weekly-progress-report', '2026-11-25T09:00:00+08:00').map((state) => state.occurrence)).toEqual(['2026-W39', '2026-W40', '2026-W41']);
  });

  it('applies to standard orders and cross-domain projects, not to other urgent orders or orders without reporting circuits', () => {
    expect(statesOf(order({ urgent: true }), 'weekly-progress-report', '2026-10-14T09:00:00+08:00')).toEqual([]);
    const crossDomain = withOrder(
      { urgent: true, convertedAt: '2026-10-12T10:00:00+08:00', circuits: [makeCircuit({ progressReportsRequired: true })] },
      { scope: { crossDomain: true } },
    );
    expect(statesOf(crossDomain, 'weekly-progress-report', '2026-10-14T09:00:00+08:00').map((state) => state.occurrence)).toEqual(['2026-W42']);
    expect(statesOf(order({ circuits: [makeCircuit({ progressReportsRequired: false })] }), 'weekly-progress-report', '2026-10-14T09:00:00+08:00')).toEqual([]);
    expect(statesOf(order({ convertedAt: undefined }), 'weekly-progress-report', '2026-10-14T09:00:00+08:00').map((s) => s.state)).toEqual(['not-started']);
  });
});

describe('calendar coverage', () => {
  it('a date past the calendar is an error naming the missing year, for that clock only', () => {
    const record = withOrder({
      convertedAt: '2026-09-01T10:00:00+08:00',
      circuits: [makeCircuit({ id: 'C-2027', requiredCompletion: '2027-03-01' }), makeCircuit({ id: 'C-2026' })],
    });
    const states = computeClocks(record, defs, calendar, at('2026-09-20T09:00:00+08:00'));
    const errors = states.filter((state) => state.state === 'error');
    // The pool counts working days back from 2027-03-01; circuit-completion's due-soon lead is in working days.
    expect(errors.map((state) => [state.clock, state.label])).toEqual([
      ['circuit-completion', 'C-2027'],
      ['circuit-warning-pool', 'C-2027'],
    ]);
    for (const error of errors) {
      expect(error.problem).toMatchObject({ code: 'calendar-coverage', pointer: '/orders/0/circuits/0', field: 'orders[0].circuits[0]' });
      expect(error.problem!.message).toContain('2027');
    }
    // The calendar-day clock of that circuit and every clock of the other circuit still run.
    expect(states.find((state) => state.clock === 'circuit-completion-warning' && state.label === 'C-2027')).toMatchObject({
      state: 'running',
      due: '2027-02-22T23:59:59+08:00',
    });
    expect(states.find((state) => state.clock === 'circuit-warning-pool' && state.label === 'C-2026')?.due).toBe('2026-09-28T00:00:00+08:00');
  });

  it('an as-of outside the calendar makes working-day clocks errors too', () => {
    const state = clockOf(withOrder({ projectManager: PM }), 'survey-due', '2028-01-05T09:00:00+08:00');
    expect(state.state).toBe('error');
    expect(state.problem?.message).toMatch(/2028/);
  });
});

describe('purity', () => {
  it('gives the same states for the same inputs, and does not mutate the record', () => {
    const record = withOrder({ projectManager: PM, convertedAt: '2026-09-01T10:00:00+08:00' });
    const copy = structuredClone(record);
    const first = computeClocks(record, defs, calendar, at('2026-10-08T09:00:00+08:00'));
    const second = computeClocks(record, defs, calendar, at('2026-10-08T09:00:00+08:00'));
    expect(second).toEqual(first);
    expect(record).toEqual(copy);
    expect(first.length).toBeGreaterThan(3);
  });

  it('handles a record with several orders and circuits with numeric pointers', () => {
    const record = makeRecord({
      orders: [makeOrder({ id: 'O-A' }), makeOrder({ id: 'O-B', circuits: [makeCircuit({ id: 'X' }), makeCircuit({ id: 'Y' })] })],
    });
    const pointers = computeClocks(record, defs, calendar, at('2026-10-08T09:00:00+08:00'))
      .filter((state) => state.clock === 'circuit-completion')
      .map((state) => `${state.subject} ${state.label}`);
    expect(pointers).toEqual(['/orders/0/circuits/0 C-1', '/orders/1/circuits/0 X', '/orders/1/circuits/1 Y']);
  });
});

describe('properties over the 2025-2026 calendar', () => {
  const STATE_ORDER = ['not-started', 'running', 'due-soon', 'breached'];
  it('survey-due: due at the end of the 2nd working day after naming; states only move forward', () => {
    const from = Date.parse('2025-01-05T00:00:00+08:00'); // as-of up to 3 days earlier stays inside the calendar
    const to = Date.parse('2026-12-10T00:00:00+08:00'); // and up to 20 days later too
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), fc.array(fc.integer({ min: -3 * 86_400_000, max: 20 * 86_400_000 }), { minLength: 2, maxLength: 8 }), (named, offsets) => {
        const namedAt = DateTime.fromMillis(Math.floor(named / 1000) * 1000, { zone: 'Asia/Shanghai' });
        const record = withOrder({ projectManager: { ...PM, namedAt: namedAt.toISO({ suppressMilliseconds: true })! } });
        const sorted = [...offsets].sort((a, b) => a - b);
        const states = sorted.map((offset) => clockOf(record, 'survey-due', namedAt.plus({ milliseconds: offset }).toISO()!));
        const due = DateTime.fromISO(states[0]!.due!, { setZone: true });
        expect(due.toFormat('HH:mm:ss')).toBe('23:59:59');
        expect(calendar.isWorkingDay(due.toISODate()!)).toBe(true);
        expect(calendar.workingDaysBetween(namedAt.toISODate()!, due.toISODate()!)).toBe(2);
        const ranks = states.map((state) => STATE_ORDER.indexOf(state.state));
        expect(ranks.every((rank) => rank >= 0)).toBe(true);
        for (let i = 1; i < ranks.length; i++) expect(ranks[i]!).toBeGreaterThanOrEqual(ranks[i - 1]!);
      }),
      { numRuns: runs(200, 100) },
    );
  });
});
