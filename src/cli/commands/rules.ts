import path from 'node:path';
import type { Command } from 'commander';
import { expandInputs } from '../../records/load.ts';
import { loadCalendar } from '../../calendar/calendar.ts';
import { readClockDefs } from '../../clocks/load.ts';
import { defaultAlertsDir, readRuleFiles, readRules } from '../../alerts/load.ts';
import { lintLabelCoverage } from '../../alerts/lint-labels.ts';
import { lintRoles, readRoles } from '../../alerts/roles.ts';
import { runRuleTests } from '../../alerts/testing.ts';
import { lintCalendars, lintPackSpec, lintSheetSpecs } from '../../pack/lint.ts';
import { defaultPackPath } from '../../pack/spec.ts';
import { formatProblem } from '../../errors.ts';
import { loadLabels } from '../../labels.ts';
import { withRuleDirs } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CliIo, SetExit } from '../io.ts';
import { UsageError } from '../usage-error.ts';
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

  dirs(
    rules
      .command('test')
      .description('run the *.test.json cases beside the rule files (like opa test): failures and a count')
      .argument('[files...]', 'only these case files (paths or glob patterns, e.g. "rules/alerts/survey-*.test.json")'),
  )
    .option('--rule <id...>', 'only the cases of these rules')
    .option('--calendar-provisional', 'use provisional calendar years for cases that need them')
    .option('--verbose', 'print every case, passing ones too')
    .option('--json', 'print the results as JSON')
    .action(async (files: string[], options: DirOptions & { rule?: string[]; verbose?: boolean; calendarProvisional?: boolean }) => {
      const dir = options.rules ?? defaultAlertsDir();
      // The cases run even on rules with lint problems (rules lint reports those); files that do not load are reported.
      const loaded = readRules(dir);
      const clocks = readClockDefs(options.deadlines);
      const setup = [...loaded.problems, ...clocks.problems];
      const known = new Set(loaded.rules.map((entry) => entry.rule.id));
      const unknown = (options.rule ?? []).filter((id) => !known.has(id));
      if (unknown.length > 0) throw new UsageError(`--rule: no rule ${unknown.join(', ')} in ${dir}; run docpack rules list`);
      const selectedFiles = await caseFiles(files);
      const { results, problems } = runRuleTests(dir, loaded.rules.map((entry) => entry.rule), { clockDefs: clocks.defs, calendar: loadCalendar(options.calendarDir, { provisional: options.calendarProvisional === true }), labels: loadLabels() }, { rules: options.rule, files: selectedFiles });
      const passed = results.filter((result) => result.passed).length;
      const failed = results.length - passed;
      const selected = files.length > 0 || (options.rule ?? []).length > 0;
      // Every rule needs cases; when only some cases run, only the selected rules are asked for theirs.
      const untested = loaded.rules
        .filter((entry) => (files.length > 0 ? false : options.rule ? options.rule.includes(entry.rule.id) : true))
        .filter((entry) => !results.some((result) => result.rule === entry.rule.id))
        .filter((entry) => !problems.some((problem) => problem.file !== undefined && path.basename(problem.file) === `${entry.rule.id}.test.json`))
        .map((entry) => entry.rule.id);
      if (options.json) {
        io.out(JSON.stringify({ passed, failed, untested, results, problems: [...setup, ...problems] }, null, 2));
      } else {
        for (const result of results) {
          if (result.passed && !options.verbose) continue;
          const where = [result.file, result.line, result.column].filter((part) => part !== undefined).join(':');
          io.out(`${result.passed ? '✓' : '✗'} ${where} ${result.rule}: ${result.name}`);
          for (const line of result.failures) io.out(`    ${line}`);
        }
        for (const problem of [...setup, ...problems]) io.err(formatProblem(problem));
        for (const id of untested) io.err(`rule ${id} has no cases: add ${displayDir(dir)}/${id}.test.json`);
        io.out(`${passed} passed, ${failed} failed${selected ? ` (selected: ${[...files, ...(options.rule ?? []).map((id) => `--rule ${id}`)].join(' ')})` : ''}`);
      }
      if (results.length === 0 && selected && problems.length === 0) io.err('no case matched the selection');
      if (failed > 0 || untested.length > 0 || (results.length === 0 && selected)) setExit(ExitCode.findings);
      if (setup.length + problems.length > 0) setExit(ExitCode.invalidInput);
    });

  dirs(rules.command('lint').description('check rule, clock and role files, the calendars, the sheet specs and the pack spec: schema, operators, facts, paths, parameters, messages, templates'))
    .option('--templates <dir>', 'sheet spec folder (default templates/excel)')
    .option('--pack <file>', 'pack spec (default templates/pack.json)')
    .option('--json', 'print the problems as JSON')
    .action((options: DirOptions & { templates?: string; pack?: string }) => {
      const labels = loadLabels();
      // Rule and deadline files through the one loader every command uses (lint included).
      const { rules: loadedRules, clocks: clockDefs, problems: ruleProblems } = readRuleFiles({ rulesDir: options.rules, deadlinesDir: options.deadlines, labels });
      const roles = readRoles(options.rules ?? defaultAlertsDir());
      const calendars = lintCalendars(options.calendarDir);
      const specs = lintSheetSpecs(labels, options.templates);
      const pack = lintPackSpec(options.pack ?? defaultPackPath(), specs.specs);
      const problems = [
        ...ruleProblems,
        ...lintRoles(roles, loadedRules, labels.role),
        ...lintLabelCoverage(loadedRules, labels),
        ...calendars.problems,
        ...specs.problems,
        ...pack.problems,
      ];
      const also = `${Object.keys(roles.roles).length} roles, ${calendars.years} calendar years, ${specs.specs.length} sheet specs, ${pack.entries} pack entries`;
      if (options.json) io.out(JSON.stringify({ rules: loadedRules.length, clocks: clockDefs.length, roles: Object.keys(roles.roles).length, calendarYears: calendars.years, sheetSpecs: specs.specs.length, packEntries: pack.entries, problems }, null, 2));
      else {
        for (const problem of problems) io.out(formatProblem(problem));
        io.out(`${loadedRules.length} rules, ${clockDefs.length} clocks: ${problems.length === 0 ? 'no problems' : `${problems.length} problem${problems.length === 1 ? '' : 's'}`} (also checked: ${also})`);
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

/** Case files named on the command line: paths or glob patterns, as absolute paths. */
async function caseFiles(inputs: readonly string[]): Promise<string[]> {
  if (inputs.length === 0) return [];
  const { files, problems } = await expandInputs(inputs);
  const first = problems[0];
  if (first) throw new UsageError(`${first.file ?? inputs.join(' ')}: ${first.message}`);
  const cases = files.filter((file) => file.endsWith('.test.json'));
  if (cases.length === 0) throw new UsageError(`${inputs.join(' ')}: no case file (*.test.json)`);
  return cases.map((file) => path.resolve(file));
}

function displayDir(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  return relative && !relative.startsWith('..') ? relative : dir;
}
