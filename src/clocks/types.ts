import type { Problem } from '../errors.ts';

/**
 * A deadline clock as rules/deadlines/<id>.json writes it. rules/deadlines/deadline.schema.json is
 * the authority (loadClockDefs checks every file against it); this interface mirrors it by hand
 * because the schema's conditions are recursive, which generated types render poorly.
 */
export interface ClockDef {
  $schema?: string;
  /** Stable id, equal to the file name without .json; appears in every clock state. */
  id: string;
  /** Short name for tables, Chinese first, e.g. 详细资源勘查 detailed survey. */
  title: string;
  /** What the clock measures and why, citing the handbook section (e.g. "§2.2.2"). */
  description: string;
  /** A kind (project, order, circuit...) or a subject pattern over the record ("afterSale.cutovers[]", "contract.executionSheet"). */
  subject: SubjectKind | string;
  /** When present and false for a subject, the clock does not apply to it (state not-applicable). */
  applies?: Condition;
  /** The event that starts the clock. Required for direction "after" and for periodic clocks. */
  start?: TimeSource;
  /** The event that stops (satisfies) the clock: met when on or before due, breached after. */
  stop?: TimeSource;
  /** An event that makes the deadline moot (state stopped), optionally only when it happens by `notAfter`. */
  cancel?: CancelDef;
  /** "after": due N units after start. "before": due N units before `anchor`. */
  direction?: Direction;
  /** The time counted back from, for direction "before" (e.g. requiredCompletion). */
  anchor?: TimeSource;
  target?: Duration;
  /** Rounds the computed due: default end-of-day for working days, exact for the other units. */
  dueTime?: DueTime;
  /** The due is never earlier than this time (e.g. the conversion time of an urgent order). */
  notBefore?: TimeSource;
  /** Lead time before the due during which a running clock is due-soon. */
  warning?: Duration;
  /** First variant whose `when` holds replaces the listed parts of the clock. */
  variants?: VariantDef[];
  /** Present on recurring clocks: one occurrence per period instead of a single deadline. */
  period?: PeriodDef;
}

export type SubjectKind = 'project' | 'order' | 'circuit' | 'problem' | 'resourceCheck' | 'resourceReserve' | 'fault';

export type Direction = 'after' | 'before';

export type DueTime = 'exact' | 'end-of-day' | 'start-of-day';

/** Exactly one unit. */
export type Duration =
  | { workingDays: number }
  | { calendarDays: number }
  | { months: number }
  | { hours: number }
  | { minutes: number };

export type DurationUnit = 'workingDays' | 'calendarDays' | 'months' | 'hours' | 'minutes';

/** A dotted path, or the first present of several paths, or the earliest of those present, or a burst. */
export type TimeSource = string | { first: string[] } | { earliest: string[] } | { burst: BurstDef };

/**
 * The moment `count` items of an array (those matching `where`) have happened within `withinMinutes`
 * of each other: the time of the item that completes the first such group, over any sliding window.
 * E.g. the third of 3+ ordinary customers reporting the same outage within 30 minutes.
 */
export interface BurstDef {
  /** The array, relative to the subject (e.g. affectedCustomers). */
  items: string;
  /** The time field of an item (e.g. reportedAt). */
  time: string;
  count: number;
  withinMinutes: number;
  /** Only items for which this condition holds; paths are relative to the item. */
  where?: Condition;
  /** Items count once per distinct value of this path (e.g. name: three customers, not three reports). */
  distinct?: string;
}

export interface CancelDef {
  at: TimeSource;
  notAfter?: TimeSource;
}

export interface VariantDef {
  id: string;
  description?: string;
  when: Condition;
  /** The event that starts the clock in this variant (e.g. the third customer's report instead of the outage). */
  start?: TimeSource;
  target?: Duration;
  anchor?: TimeSource;
  notBefore?: TimeSource;
  warning?: Duration;
  dueTime?: DueTime;
}

export interface PeriodDef {
  /** The only period so far: ISO weeks (Monday-Sunday, Asia/Shanghai). */
  every: 'iso-week';
  /** When each period's occurrence is due: the end of the period's last working day. */
  due: 'last-working-day';
  /** Array of reports, relative to the subject, e.g. "progressReports". */
  reports: string;
  /** Field of a report naming its period, e.g. "week" (2026-W41). */
  key: string;
  /** Field of a report holding when it was submitted; stops that period's occurrence. */
  submittedAt: string;
}

export type Scalar = string | number | boolean | null;

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { path: string; equals: Scalar }
  | { path: string; in: Scalar[] }
  | { path: string; exists: boolean }
  | { path: string; some: Condition }
  | { path: string; within: { of: string; minutes: number } };

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
