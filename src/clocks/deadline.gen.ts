/* Generated from rules/deadlines/deadline.schema.json by `npm run gen:types`. Do not edit by hand. */

/**
 * One deadline clock of the handbook, evaluated for every subject (order, circuit, problem...) of a project record by `docpack clocks`. File name: <id>.json. Paths are dotted and relative to the subject (e.g. "survey.doneAt", "circuits.0.id"); "order." reaches the parent order of a circuit and "project." the whole record. A date-only field (YYYY-MM-DD) is the start of that day when it starts or stops a clock and the end of that day (23:59:59 Asia/Shanghai) when it is an anchor, notBefore or notAfter.
 */
export type ClockDef = {
  $schema: './deadline.schema.json';
  /**
   * Stable id, equal to the file name without .json; lower-case words joined by '-'.
   */
  id: string;
  /**
   * Short name for tables, Chinese first, e.g. 详细资源勘查.
   */
  title: string;
  /**
   * What the clock measures, the handbook section it implements (e.g. §2.2.2) and any default the handbook does not give.
   */
  description: string;
  /**
   * The part of the record the clock runs for: project (the record), order (/orders/i), circuit (/orders/i/circuits/j; order.* is its order), problem (/problems/i), resourceCheck (/resourceChecks/i), resourceReserve (/resourceReserves/i), fault (/afterSale/faults/i); or any other part, written as an alert rule's subject: a path whose [] segments iterate lists, e.g. "afterSale.cutovers[]" (each cutover notice), "afterSale.visits[]", "contract.executionSheet" (the 合同执行单, when present).
   */
  subject:
    | ('project' | 'order' | 'circuit' | 'problem' | 'resourceCheck' | 'resourceReserve' | 'fault')
    | string;
  applies?: Condition;
  start?: TimeSource;
  stop?: TimeSource;
  /**
   * An event that makes the deadline moot (state stopped), e.g. the circuit completed on time needs no warning. It wins over `stop` when it comes first or at the same time.
   */
  cancel?: {
    at: TimeSource;
    notAfter?: TimeSource;
  };
  /**
   * after: due `target` after `start` ("within N working days of T" = end of the N-th working day after T's date). before: due `target` before `anchor` ("N working days before D" = the N-th working day before D's date).
   */
  direction?: 'after' | 'before';
  anchor?: TimeSource;
  target?: Duration;
  dueTime?: DueTime;
  notBefore?: TimeSource;
  warning?: Duration;
  /**
   * Alternatives chosen by conditions on the subject; the first whose `when` holds replaces the parts it gives. None holds: the clock's own values (variant "default").
   *
   * @maxItems 50
   */
  variants?: VariantDef[];
  /**
   * Makes the clock recurring: one occurrence per period from the start until the stop (or the as-of period), each stopped by the report of that period.
   */
  period?: {
    /**
     * ISO weeks, Monday to Sunday.
     */
    every: 'iso-week';
    /**
     * Each week's occurrence is due at the end of that week's last working day; a week with no working day owes nothing.
     */
    due: 'last-working-day';
    reports: Path;
    key: Path;
    submittedAt: Path;
  };
};
/**
 * all / any / not of conditions, or a test of one path: equals, in, exists, some (an item of an array matches) or within (two times at most N minutes apart).
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "condition".
 */
export type Condition =
  | {
      /**
       * @minItems 1
       */
      all: [Condition, ...Condition[]];
    }
  | {
      /**
       * @minItems 1
       */
      any: [Condition, ...Condition[]];
    }
  | {
      not: Condition;
    }
  | {
      path: Path;
      equals: Scalar;
    }
  | {
      path: Path;
      /**
       * @minItems 1
       */
      in: [Scalar, ...Scalar[]];
    }
  | {
      path: Path;
      exists: boolean;
    }
  | {
      path: Path;
      some: Condition;
    }
  | {
      path: Path;
      within: {
        of: Path;
        minutes: Count;
      };
    };
/**
 * Dotted path: field names and array indexes, e.g. projectManager.namedAt, affectedCustomers.2.reportedAt, order.urgent, project.customer.tier.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "path".
 */
export type Path = string;
/**
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "scalar".
 */
export type Scalar = string | number | boolean | null;
/**
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "count".
 */
export type Count = number;
/**
 * A path to a time or date, or {"first": [paths]} (the first present) or {"earliest": [paths]} (the earliest present).
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "timeSource".
 */
export type TimeSource =
  | Path
  | {
      first: PathList;
    }
  | {
      earliest: PathList;
    }
  | {
      /**
       * The time of the item that completes the first group of `count` items (matching `where`) within `withinMinutes` of each other, over any sliding window: e.g. the third of 3+ ordinary customers reporting within 30 minutes.
       */
      burst: {
        items: Path;
        time: Path;
        count: number;
        withinMinutes: number;
        where?: Condition;
        distinct?: Path;
      };
    };
/**
 * @minItems 1
 * @maxItems 10
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "pathList".
 */
export type PathList = [Path, ...Path[]];
/**
 * Exactly one of workingDays (official Chinese calendar with 调休), calendarDays, months (month-end clamped), hours, minutes.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "duration".
 */
export type Duration =
  | {
      workingDays: Count;
    }
  | {
      calendarDays: Count;
    }
  | {
      months: Count;
    }
  | {
      hours: Count;
    }
  | {
      minutes: Count;
    };
/**
 * Rounds the computed due: exact (default for calendar days, months, hours, minutes), end-of-day (default for working days: 23:59:59), start-of-day (00:00:00, for moments such as entering a pool).
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "dueTime".
 */
export type DueTime = 'exact' | 'end-of-day' | 'start-of-day';

/**
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "variant".
 */
export interface VariantDef {
  id: string;
  description?: string;
  when: Condition;
  start?: TimeSource;
  target?: Duration;
  anchor?: TimeSource;
  notBefore?: TimeSource;
  warning?: Duration;
  dueTime?: DueTime;
}
