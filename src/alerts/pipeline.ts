import type { WorkingCalendar } from '../calendar/types.ts';
import { clockProblems, computeClocks } from '../clocks/compute.ts';
import type { ClockDef, ClockState } from '../clocks/types.ts';
import type { Problem } from '../errors.ts';
import type { Labels } from '../labels.ts';
import { recordAsKnownAt } from '../records/as-of.ts';
import type { ProjectRecord } from '../records/types.gen.ts';
import { compareFindings, evaluateAlerts, type RuleSet } from './evaluate.ts';
import type { Finding } from './types.ts';

export interface CheckContext {
  clockDefs: readonly ClockDef[];
  ruleSet: RuleSet;
  calendar: WorkingCalendar;
  labels: Labels;
  asOfMs: number;
}

export interface RecordCheck {
  /** The record as known at the as-of (records/as-of.ts): what every later stage reads. */
  record: ProjectRecord;
  clocks: ClockState[];
  findings: Finding[];
  problems: Problem[];
}

/** clocks → alerts for one record: the stages every command shares (check, explain, build, report). */
export function checkRecord(full: ProjectRecord, context: CheckContext): RecordCheck {
  const record = recordAsKnownAt(full, context.asOfMs);
  const clocks = computeClocks(record, context.clockDefs, context.calendar, context.asOfMs);
  const alerts = evaluateAlerts({ record, clocks, calendar: context.calendar, asOfMs: context.asOfMs, labels: context.labels }, context.ruleSet);
  return { record, clocks, findings: alerts.findings, problems: [...clockProblems(clocks), ...alerts.problems] };
}

/** Findings in their stable order (project, subject, rule, occurrence). */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(compareFindings);
}
