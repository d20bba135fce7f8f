import type { IsoDate, WorkingCalendar } from '../calendar/types.ts';
import { DocpackError } from '../errors.ts';
import { type Plan, planDependencyProblems, planPredecessors, planSegmentIndexByName } from '../records/semantics.ts';
import { OFFSET_MS, dayOf, formatDay, parseDateTime, parseTime } from '../time.ts';

export type { Plan };
export type PlanSegment = Plan['segments'][number];

export interface ScheduledSegment {
  /** Position in plan.segments. */
  index: number;
  name: string;
  workingDays: number;
  owner: string | null;
  requirements: string | null;
  /** Indexes of the segments it follows (resolved from `after`, or the previous segment). */
  follows: number[];
  /** First working day of the segment; for a 0-day milestone, its day. */
  start: IsoDate;
  /** Its last working day (a 0-day milestone: its start). */
  end: IsoDate;
}

export interface PlanSchedule {
  /** The day work may begin after: the plan's own day (segments start the working day after). */
  start: IsoDate;
  segments: ScheduledSegment[];
  /** The first segment start and the last segment end; null for a plan without segments. */
  firstDay: IsoDate | null;
  end: IsoDate | null;
  /** Sum of the segments' working days (the effort, not the span when segments run in parallel). */
  totalWorkingDays: number;
  /** Working days from the first day to the end, both counted: the plan's span on the calendar. */
  spanWorkingDays: number;
}

/** From this day on (1992-01-01) Asia/Shanghai is exactly +08:00 (no daylight saving time since 1991): plain arithmetic. */
const FIXED_OFFSET_FROM_MS = Date.UTC(1992, 0, 1) - OFFSET_MS;

/** The plan's start: the Asia/Shanghai date of plan.doneAt. */
export function planStartDate(plan: Plan): IsoDate {
  const ms = parseDateTime(plan.doneAt);
  if (ms >= FIXED_OFFSET_FROM_MS) return formatDay(dayOf(ms));
  // Earlier times through luxon's zone rules (China's 1986-1991 daylight saving time, local mean time before 1901).
  const time = parseTime(plan.doneAt);
  if (!time) {
    throw new DocpackError({ code: 'bad-value', message: `plan.doneAt: ${JSON.stringify(plan.doneAt)} is not a time`, field: 'plan.doneAt' });
  }
  return time.toISODate() ?? '';
}

/**
 * The plan's segments on the working-day calendar (§2.2.3). A segment starts the working day
 * after the segments it follows have ended (`after`: their names; [] starts with the plan;
 * absent: the previous segment, so a plan without `after` runs its segments one after another),
 * or after `start` (default: the date of plan.doneAt). A segment of N working days ends on its
 * N-th working day; one of 0 days is a milestone on its start day that takes no day from the
 * segments after it. The plan ends with its last-ending segment.
 *
 * Throws DocpackError "plan-dependency" for an unknown or ambiguous name or a cycle (the record
 * check reports these first), and "calendar-coverage" for a day past the calendar's years.
 */
export function schedulePlan(plan: Plan, calendar: WorkingCalendar, start: IsoDate = planStartDate(plan)): PlanSchedule {
  const problems = planDependencyProblems(plan);
  const first = problems[0];
  if (first) {
    throw new DocpackError({ code: 'plan-dependency', message: `plan.segments[${first.index}].after: ${first.message}`, hint: first.hint });
  }
  const byName = planSegmentIndexByName(plan);
  // The last day of work a segment's successors wait for: its end, or for a milestone what it waited for.
  const readyAfter = new Array<IsoDate | undefined>(plan.segments.length);
  const scheduled = new Array<ScheduledSegment | undefined>(plan.segments.length);
  const place = (index: number): IsoDate => {
    const known = readyAfter[index];
    if (known !== undefined) return known;
    const segment = plan.segments[index] as PlanSegment;
    const follows = planPredecessors(plan, index, byName);
    let waitFor = start;
    for (const previous of follows) {
      const previousReady = place(previous);
      if (previousReady > waitFor) waitFor = previousReady;
    }
    const segmentStart = calendar.addWorkingDays(waitFor, 1);
    const segmentEnd = segment.workingDays > 0 ? calendar.addWorkingDays(waitFor, segment.workingDays) : segmentStart;
    scheduled[index] = {
      index,
      name: segment.name,
      workingDays: segment.workingDays,
      owner: segment.owner ?? null,
      requirements: segment.requirements ?? null,
      follows,
      start: segmentStart,
      end: segmentEnd,
    };
    const ready = segment.workingDays > 0 ? segmentEnd : waitFor;
    readyAfter[index] = ready;
    return ready;
  };
  plan.segments.forEach((_, index) => place(index));
  const segments = scheduled as ScheduledSegment[];
  let firstDay: IsoDate | null = null;
  let end: IsoDate | null = null;
  for (const segment of segments) {
    if (firstDay === null || segment.start < firstDay) firstDay = segment.start;
    if (end === null || segment.end > end) end = segment.end;
  }
  return {
    start,
    segments,
    firstDay,
    end,
    totalWorkingDays: segments.reduce((sum, segment) => sum + segment.workingDays, 0),
    spanWorkingDays: firstDay !== null && end !== null ? calendar.workingDaysBetween(firstDay, end) + 1 : 0,
  };
}
