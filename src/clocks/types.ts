import type { Problem } from '../errors.ts';
import type { ClockDef, Duration, TimeSource } from './deadline.gen.ts';

/**
 * A deadline clock as rules/deadlines/<id>.json writes it, and its parts: generated from
 * rules/deadlines/deadline.schema.json (loadClockDefs checks every file against it).
 */
export type { ClockDef, Condition, DueTime, Duration, Scalar, TimeSource, VariantDef } from './deadline.gen.ts';

export type SubjectKind = 'project' | 'order' | 'circuit' | 'problem' | 'resourceCheck' | 'resourceReserve' | 'fault';

export type Direction = NonNullable<ClockDef['direction']>;

/** The unit of a duration: each of its forms has exactly one. */
export type DurationUnit = Duration extends infer Form ? (Form extends unknown ? keyof Form : never) : never;

/**
 * The moment `count` items of an array (those matching `where`) have happened within `withinMinutes`
 * of each other: the time of the item that completes the first such group, over any sliding window.
 * E.g. the third of 3+ ordinary customers reporting the same outage within 30 minutes.
 */
export type BurstDef = Extract<TimeSource, { burst: unknown }>['burst'];

export type CancelDef = NonNullable<ClockDef['cancel']>;

/** Present on recurring clocks: one occurrence per period (ISO weeks) instead of a single deadline. */
export type PeriodDef = NonNullable<ClockDef['period']>;

/**
 * not-applicable: `applies` is false (only returned when asked for).
 * not-started: the start event has not happened (absent, or after as-of).
 * running: started, not stopped, before the warning lead.
 * due-soon: running and inside the warning lead.
 * met: stopped on or before due.
 * breached: stopped after due, or still running past due.
 * stopped: cancelled by an event that makes the deadline moot (e.g. circuit completed on time).
 * error: could not be evaluated (date outside the calendar, unreadable time); see `problem`.
 */
export type ClockStatus = 'not-applicable' | 'not-started' | 'running' | 'due-soon' | 'met' | 'breached' | 'stopped' | 'error';

export const CLOCK_STATUSES: readonly ClockStatus[] = ['not-applicable', 'not-started', 'running', 'due-soon', 'met', 'breached', 'stopped', 'error'];

/** The unit remaining/overdue are given in: months clocks report calendar days. */
export type ReportUnit = 'workingDays' | 'calendarDays' | 'hours' | 'minutes';

/** One clock for one subject (or one period of a recurring clock) at the as-of time. */
export interface ClockState {
  /** Project id of the record. */
  project: string;
  /** Clock id (rules/deadlines/<id>.json). */
  clock: string;
  /** The kind (order, circuit...), or for a subject pattern the singular of its last part (cutover, visit, executionSheet). */
  subjectKind: string;
  /** RFC 6901 pointer of the subject in the record, e.g. "/orders/0/circuits/1"; "" for the project. */
  subject: string;
  /** The subject's id (circuit id, order id, problem id...). */
  label: string;
  /** "default", or the id of the variant that applied. */
  variant: string;
  /** Recurring clocks: the period, e.g. "2026-W41". */
  occurrence?: string;
  state: ClockStatus;
  /** Times as 2026-10-09T23:59:59+08:00; null when unknown or not applicable. */
  start: string | null;
  due: string | null;
  stoppedAt: string | null;
  /** Epoch milliseconds of `due`, for comparisons without parsing (the end of a day is its last millisecond, 23:59:59.999). */
  dueMs: number | null;
  unit: ReportUnit;
  /** Time left until due (running, due-soon, not-started with a known due) or slack left when met. */
  remaining: number | null;
  /** Time past due (breached). */
  overdue: number | null;
  /**
   * Present (true) when the computation counted a day of a provisional calendar year (computed from
   * the law before the State Council's notice, --calendar-provisional): the due may move once the
   * notice is out. Absent otherwise.
   */
  provisional?: true;
  /** Set when state is "error". */
  problem?: Problem;
}
