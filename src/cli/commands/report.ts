import type { Command } from 'commander';
import { tallyReaches } from '../../pack/summary.ts';
import { DateTime } from 'luxon';
import { formatProblem } from '../../errors.ts';
import { loadConfig } from '../../pack/config.ts';
import { parseIsoWeek, weekOf } from '../../time.ts';
import { ZONE, nowInShanghai } from '../../time.ts';
import { asOfOption, loadCheckContext, runExitCode, calendarProvisionalOption, withCalendarProvisional, withRuleDirs } from '../context.ts';
import type { CliIo, SetExit } from '../io.ts';
import { UsageError } from '../usage-error.ts';
import { failOnOption } from './check.ts';

interface WeeklyCliOptions {
  week?: string;
  out?: string;
  asOf?: string;
  failOn?: string;
  json?: boolean;
  referenceDoc?: string;
  rules?: string;
  deadlines?: string;
  calendarDir?: string;
  calendarProvisional?: boolean;
}

export function registerReport(program: Command, io: CliIo, setExit: SetExit): void {
  const report = program.command('report').description('reports over all projects');
  withCalendarProvisional(withRuleDirs(
    report
      .command('weekly')
      .description('the portfolio weekly report of an ISO week as .docx and .xlsx, with findings.json, manifest.json and summary.md')
      .argument('[inputs...]', 'record files, directories or globs (default: docpack.config.json inputs, else fixtures/projects)')
      .option('--week <week>', 'ISO week, e.g. 2026-W48 (default: the week of --as-of, else the current week)')
      .option('--out <dir>', 'output directory; the report goes to <dir>/weekly/<week>/ (default: out)')
      .option('--as-of <time>', 'the moment the report is computed at (default: the end of the week, or now if earlier)')
      .option('--fail-on <type>', 'exit 1 when an open finding reaches this type: warning or escalation')
      .option('--reference-doc <file.docx>', 'take Word styles, page set-up, header and footer from this document')
      .option('--json', 'print the run result as JSON on stdout'),
  ))
    .action(async (inputs: string[], options: WeeklyCliOptions) => {
      // Loaded when the command runs: the document libraries (docx, handlebars, the Markdown parser, worker threads) cost every other command its start-up.
      const [{ buildWeeklyReport }, { readReferenceDoc }] = await Promise.all([import('../../pack/weekly.ts'), import('../../render/word/docx.ts')]);
      const config = loadConfig();
      const failOn = failOnOption(options.failOn ?? config.failOn);
      let week;
      try {
        week = options.week ? parseIsoWeek(options.week) : weekOf(options.asOf ? asOfOption(options.asOf) : nowInShanghai());
      } catch {
        throw new UsageError(`--week "${options.week}" is not an ISO week; write e.g. 2026-W48`);
      }
      const endOfWeek = DateTime.fromISO(`${week.end}T23:59:59`, { zone: ZONE });
      const now = nowInShanghai();
      const asOf = options.asOf ? asOfOption(options.asOf) : endOfWeek < now ? endOfWeek : now;
      const context = loadCheckContext(asOf, { rulesDir: options.rules ?? config.rules, deadlinesDir: options.deadlines ?? config.deadlines, calendarDir: options.calendarDir ?? config.calendar, calendarProvisional: calendarProvisionalOption(options.calendarProvisional, config) });
      const referenceDoc = options.referenceDoc ?? config.referenceDoc;
      const result = await buildWeeklyReport({
        inputs: inputs.length > 0 ? inputs : (config.inputs ?? ['fixtures/projects']),
        outDir: options.out ?? config.out ?? 'out',
        week,
        asOf,
        context,
        reference: referenceDoc ? readReferenceDoc(referenceDoc) : undefined,
        onNotice: (message) => io.err(`note: ${message}`),
      });
      for (const item of result.invalid) for (const problem of item.problems) io.err(formatProblem(problem));
      for (const problem of result.problems) io.err(formatProblem(problem));
      const exitCode = runExitCode(result, tallyReaches(result.tally, failOn));
      const fresh = result.newFindings;
      if (options.json) {
        io.out(JSON.stringify({ exitCode, out: result.out, week: result.week, asOf: result.asOf, projects: result.projects, invalid: result.invalid, findings: { open: result.tally.open, new: fresh }, files: result.manifest }, null, 2));
      } else {
        io.out(`weekly report ${result.week} in ${result.out}: ${result.projects} projects, ${result.tally.open} open findings (${fresh} new this week), ${result.invalid.length} invalid records`);
        io.out(`summary: ${result.out}/summary.md`);
      }
      setExit(exitCode);
    });
}
