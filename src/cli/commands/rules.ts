import type { Command } from 'commander';
import { loadCalendar } from '../../calendar/calendar.ts';
import { readClockDefs } from '../../clocks/load.ts';
import { lintRules } from '../../alerts/lint.ts';
import { defaultAlertsDir, readRules } from '../../alerts/load.ts';
import { runRuleTests } from '../../alerts/testing.ts';
import { formatProblem } from '../../errors.ts';
import { loadLabels } from '../../render/labels.ts';
import { withRuleDirs } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CliIo, SetExit } from '../io.ts';
import { registerRulesSample } from './rules-sample.ts';

interface DirOptions {
  rules?: string;
  deadlines?: string;
  calendarDir?: string;
  json?: boolean;
}

export function registerRules(program: Command, io: CliIo, setExit: SetExit): void {
  const rules = program.command('rules').description('tools for the people who edit rules/alerts and rules/deadlines');
  const dirs = withRuleDirs;

  dirs(rules.command('test').description('run the *.test.json cases beside the rule files (like opa test)'))
    .option('--json', 'print the results as JSON')
    .action((options: DirOptions) => {
      const dir = options.rules ?? defaultAlertsDir();
      const loaded = readRules(dir);
      const clocks = readClockDefs(options.deadlines);
      const setup = [...loaded.problems, ...clocks.problems];
      const { results, problems } = runRuleTests(dir, loaded.rules.map((entry) => entry.rule), { clockDefs: clocks.defs, calendar: loadCalendar(options.calendarDir), labels: loadLabels() });
      const passed = results.filter((result) => result.passed).length;
      const failed = results.length - passed;
      const untested = loaded.rules.filter((entry) => !results.some((result) => result.rule === entry.rule.id)).map((entry) => entry.rule.id);
      if (options.json) {
        io.out(JSON.stringify({ passed, failed, untested, results, problems: [...setup, ...problems] }, null, 2));
      } else {
        for (const result of results) {
          io.out(`${result.passed ? '✓' : '✗'} ${result.rule}: ${result.name}`);
          for (const line of result.failures) io.out(`    ${line}`);
        }
        for (const problem of [...setup, ...problems]) io.err(formatProblem(problem));
        for (const id of untested) io.err(`rule ${id} has no cases: add rules/alerts/${id}.test.json`);
        io.out(`${passed} passed, ${failed} failed`);
      }
      if (failed > 0 || untested.length > 0) setExit(ExitCode.findings);
      if (setup.length + problems.length > 0) setExit(ExitCode.invalidInput);
    });

  dirs(rules.command('lint').description('check rule and clock files: schema, operators, facts, paths, parameters, messages'))
    .option('--json', 'print the problems as JSON')
    .action((options: DirOptions) => {
      const loaded = readRules(options.rules);
      const clocks = readClockDefs(options.deadlines);
      const problems = [...loaded.problems, ...clocks.problems, ...lintRules({ rules: loaded.rules, clocks: clocks.defs, labels: loadLabels() })];
      if (options.json) io.out(JSON.stringify({ rules: loaded.rules.length, clocks: clocks.defs.length, problems }, null, 2));
      else {
        for (const problem of problems) io.out(formatProblem(problem));
        io.out(`${loaded.rules.length} rules, ${clocks.defs.length} clocks: ${problems.length === 0 ? 'no problems' : `${problems.length} problem${problems.length === 1 ? '' : 's'}`}`);
      }
      if (problems.length > 0) setExit(ExitCode.invalidInput);
    });

  dirs(rules.command('list').description('list the alert rules'))
    .option('--json', 'print the rules as JSON')
    .action((options: DirOptions) => {
      const loaded = readRules(options.rules);
      if (options.json) io.out(JSON.stringify(loaded.rules.map((entry) => entry.rule), null, 2));
      else for (const { rule } of loaded.rules) io.out(`${rule.id.padEnd(32)} ${rule.type}/${rule.level} ${rule.severity.padEnd(8)} ${rule.title}`);
      for (const problem of loaded.problems) io.err(formatProblem(problem));
      if (loaded.problems.length > 0) setExit(ExitCode.invalidInput);
    });

  registerRulesSample(rules, io, setExit);
}
