import { loadCalendar } from '../calendar/calendar.ts';
import { loadClockDefs } from '../clocks/load.ts';
import { compileRules } from '../alerts/evaluate.ts';
import { loadRules } from '../alerts/load.ts';
import type { CheckContext } from '../alerts/pipeline.ts';
import { loadLabels } from '../render/labels.ts';
import { nowInShanghai, parseAsOf } from '../time.ts';
import { UsageError } from './usage-error.ts';
import type { DateTime } from 'luxon';

export interface RulesOptions {
  calendarDir?: string;
  deadlinesDir?: string;
  rulesDir?: string;
}

/** Reads --as-of: a time (offset optional, Asia/Shanghai by default) or a date; now when absent. */
export function asOfOption(text: string | undefined): DateTime {
  if (text === undefined) return nowInShanghai();
  const parsed = parseAsOf(text);
  if (!parsed) throw new UsageError(`--as-of "${text}" is not a time; write e.g. 2026-11-25T09:00:00+08:00 or 2026-11-25`);
  return parsed;
}

/** Loads calendar, clocks, rules and labels once per command. Bad rule files throw DocpackError (exit 2). */
export function loadCheckContext(asOf: DateTime, options: RulesOptions = {}): CheckContext {
  return {
    calendar: loadCalendar(options.calendarDir),
    clockDefs: loadClockDefs(options.deadlinesDir),
    ruleSet: compileRules(loadRules(options.rulesDir)),
    labels: loadLabels(),
    asOfMs: asOf.toMillis(),
  };
}
