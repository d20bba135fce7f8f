import type { DateTime } from 'luxon';
import { compileRules } from '../alerts/evaluate.ts';
import { defaultAlertsDir, loadRuleFiles } from '../alerts/load.ts';
import type { CheckContext } from '../alerts/pipeline.ts';
import { loadRoles } from '../alerts/roles.ts';
import { loadCalendar } from '../calendar/calendar.ts';
import { loadLabels } from '../labels.ts';

/** Where the rule, deadline and calendar files come from (each defaults to rules/… of the working directory, else docpack's). */
export interface RulesOptions {
  calendarDir?: string;
  /** Use provisional calendar years (--calendar-provisional or "calendarProvisional" in docpack.config.json). */
  calendarProvisional?: boolean;
  deadlinesDir?: string;
  rulesDir?: string;
}

/**
 * Loads calendar, clocks, rules and labels once per run, through the loader of `rules lint`:
 * a rule or deadline file with any problem, lint included, throws a DocpackError with all of them (exit 2).
 */
export function loadCheckContext(asOf: DateTime, options: RulesOptions = {}): CheckContext {
  const labels = loadLabels();
  const { rules, clocks } = loadRuleFiles({ rulesDir: options.rulesDir, deadlinesDir: options.deadlinesDir, labels });
  return {
    calendar: loadCalendar(options.calendarDir, { provisional: options.calendarProvisional === true }),
    clockDefs: clocks,
    ruleSet: compileRules(rules, loadRoles(options.rulesDir ?? defaultAlertsDir())),
    labels,
    asOfMs: asOf.toMillis(),
  };
}
