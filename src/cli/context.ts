import { nowInShanghai, parseAsOf } from '../time.ts';
import { UsageError } from './usage-error.ts';
import type { DateTime } from 'luxon';
import type { Command } from 'commander';
import type { Problem } from '../errors.ts';
import { ExitCode } from './exit-codes.ts';
import { loadConfig, type DocpackConfig } from '../pack/config.ts';

// The facts stage's loader, re-exported for the commands that import it from here.
export { loadCheckContext, type RulesOptions } from '../facts/context.ts';

/** The options withRuleDirs and withCalendarProvisional add to a command, as commander gives them. */
export interface RuleDirFlags {
  rules?: string;
  deadlines?: string;
  calendarDir?: string;
  calendarProvisional?: boolean;
}

/** Reads --as-of: a time (offset optional, Asia/Shanghai by default) or a date; now when absent. */
export function asOfOption(text: string | undefined): DateTime {
  if (text === undefined) return nowInShanghai();
  const parsed = parseAsOf(text);
  if (!parsed) throw new UsageError(`--as-of "${text}" is not a time (a real date from 1900 on, an offset from -12:00 to +14:00); write e.g. 2026-11-25T09:00:00+08:00 or 2026-11-25`);
  return parsed;
}

/** --rules, --deadlines and --calendar-dir: every command that runs the rules lets users try edited copies. */
export function withRuleDirs(command: Command): Command {
  return command
    .option('--rules <dir>', "alert rules directory (default rules/alerts when present, else docpack's)")
    .option('--deadlines <dir>', "deadline clocks directory (default rules/deadlines when present, else docpack's)")
    .option('--calendar-dir <dir>', "working-day calendar directory (default rules/calendars when present, else docpack's)");
}

/** --calendar-provisional: every command that reads the calendar can use the provisional years. */
export function withCalendarProvisional(command: Command): Command {
  return command.option(
    '--calendar-provisional',
    'use provisional calendar years (computed from the law before the State Council\'s notice); deadlines on them are marked provisional',
  );
}

/** The flag, else docpack.config.json's "calendarProvisional" (read when not given), else false. */
export function calendarProvisionalOption(flag: boolean | undefined, config?: DocpackConfig): boolean {
  if (flag === true) return true;
  return (config ?? loadConfig()).calendarProvisional === true;
}

/** The exit code of a run: 2 when any input was invalid, else 1 when an open finding reached --fail-on, else 0. */
export function runExitCode(result: { invalid: readonly unknown[]; problems: readonly Problem[] }, reachedFailOn: boolean): number {
  return Math.max(
    result.invalid.length > 0 || result.problems.some((problem) => problem.severity === 'error') ? ExitCode.invalidInput : ExitCode.ok,
    reachedFailOn ? ExitCode.findings : ExitCode.ok,
  );
}
