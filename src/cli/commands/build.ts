import type { Command } from 'commander';
import { ProgressLog } from '../progress.ts';
import { formatProblem } from '../../errors.ts';
import type { BuildResult } from '../../pack/build.ts';
import { tallyReaches } from '../../pack/summary.ts';
import { loadConfig } from '../../pack/config.ts';
import { defaultPackPath, loadPackSpec } from '../../pack/spec.ts';
import { parseIsoWeek } from '../../time.ts';
import { asOfOption, loadCheckContext, runExitCode, calendarProvisionalOption, withCalendarProvisional, withRuleDirs } from '../context.ts';
import type { CliIo, SetExit } from '../io.ts';
import { UsageError } from '../usage-error.ts';
import { failOnOption } from './check.ts';

interface BuildCliOptions {
  out?: string;
  asOf?: string;
  pack?: string;
  only?: string[];
  failOn?: string;
  json?: boolean;
  week?: string;
  referenceDoc?: string;
  rules?: string;
  deadlines?: string;
  calendarDir?: string;
  calendarProvisional?: boolean;
  progress?: boolean;
  concurrency?: string;
  shard?: string;
  timings?: boolean;
}

export function registerBuild(program: Command, io: CliIo, setExit: SetExit): void {
  withCalendarProvisional(withRuleDirs(
    program
      .command('build')
      .description('build the document pack: validate, clocks, alerts, Word and Excel documents, findings, manifest and summary')
      .argument('[inputs...]', 'record files, directories or globs (default: docpack.config.json inputs, else fixtures/projects)')
      .option('--out <dir>', 'output directory; the pack goes to <dir>/<as-of date>/ (default: out)')
      .option('--as-of <time>', 'the moment the pack is computed at, written into every output (default: now, Asia/Shanghai)')
      .option('--pack <file>', 'pack definition: which documents each project and the portfolio get (default: templates/pack.json)')
      .option('--only <ids...>', 'only these projects')
      .option('--fail-on <type>', 'exit 1 when an open finding reaches this type: warning or escalation')
      .option('--week <week>', 'ISO week of the weekly reports, e.g. 2026-W48 (default: the week of --as-of)')
      .option('--reference-doc <file.docx>', 'take Word styles, page set-up, header and footer from this document, as pandoc does')
      .option('--concurrency <n>', 'worker threads rendering projects (default: docpack.config.json, else the number of cores from 64 projects up; 1 = no workers)')
      .option('--shard <k/n>', 'build only the k-th of n slices of the projects (stable hash of the id), without portfolio documents; join with docpack merge')
      .option('--json', 'print the run result as JSON on stdout')
      .option('--timings', 'print on stderr where the time went: each stage summed over the projects, the main thread\'s stages, worker start-up and waiting')
      .option('--no-progress', 'no progress bar, even on a terminal'),
  ))
    .action(async (inputs: string[], options: BuildCliOptions) => {
      // Loaded when the command runs: the document libraries (docx, handlebars, the Markdown parser, worker threads) cost every other command its start-up.
      const [{ default: cliProgress }, { buildPack, parseShard }, { readReferenceDoc }, { formatTimings }] = await Promise.all([import('cli-progress'), import('../../pack/build.ts'), import('../../render/word/docx.ts'), import('../../pack/timings.ts')]);
      const config = loadConfig();
      const failOn = failOnOption(options.failOn ?? config.failOn);
      const asOf = asOfOption(options.asOf);
      if (options.week !== undefined) {
        try {
          parseIsoWeek(options.week);
        } catch {
          throw new UsageError(`--week "${options.week}" is not an ISO week; write e.g. 2026-W48`);
        }
      }
      const rules = { rulesDir: options.rules ?? config.rules, deadlinesDir: options.deadlines ?? config.deadlines, calendarDir: options.calendarDir ?? config.calendar, calendarProvisional: calendarProvisionalOption(options.calendarProvisional, config) };
      const context = loadCheckContext(asOf, rules);
      const concurrency = options.concurrency === undefined ? config.concurrency : Number(options.concurrency);
      if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)) throw new UsageError(`--concurrency "${options.concurrency}": write a whole number from 1 to 64`);
      const shard = options.shard === undefined ? undefined : parseShard(options.shard);
      const pack = loadPackSpec(options.pack ?? config.pack ?? defaultPackPath());
      const referenceDoc = options.referenceDoc ?? config.referenceDoc;
      if (referenceDoc !== undefined) readReferenceDoc(referenceDoc); // fail early on an unreadable file
      const showBar = io.isTty && options.progress !== false && !options.json;
      const bar = showBar ? new cliProgress.SingleBar({ format: 'building |{bar}| {value}/{total} projects | {documents} documents | {duration_formatted} | ETA {eta_formatted}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
      let documents = 0;
      const started = Date.now();
      const progress = new ProgressLog((line) => io.err(line));
      const result: BuildResult = await buildPack({
        inputs: inputs.length > 0 ? inputs : (config.inputs ?? ['fixtures/projects']),
        outDir: options.out ?? config.out ?? 'out',
        asOf,
        context,
        pack,
        only: options.only,
        week: options.week,
        rules,
        referenceDoc,
        concurrency,
        shard,
        onNotice: (message) => io.err(`${bar ? '\n' : ''}note: ${message}`),
        onProject: (done, total, id, written) => {
          documents += written;
          if (bar) {
            if (done === 1) bar.start(total, 0, { documents: 0 });
            bar.update(done, { documents });
          } else if (!options.json) {
            progress.project(done, total, id, written);
          }
        },
      }).finally(() => bar?.stop());
      const seconds = (Date.now() - started) / 1000;
      for (const item of result.invalid) for (const problem of item.problems) io.err(formatProblem(problem));
      for (const problem of result.problems) io.err(formatProblem(problem));
      if (options.timings) for (const line of formatTimings(result.timings)) io.err(line);
      const { tally } = result;
      const exitCode = runExitCode(result, tallyReaches(tally, failOn));
      if (options.json) {
        io.out(JSON.stringify({ exitCode, asOf: result.asOf, out: result.out, week: result.week, seconds, projects: result.projects, invalid: result.invalid, problems: result.problems, findings: { total: result.findingCount, open: tally.open, escalations: tally.escalationsOpen }, files: result.manifest }, null, 2));
      } else {
        io.out(
          `pack ${result.out}: ${result.projects.length} projects, ${result.manifest.length} files, ${tally.open} open findings (${tally.escalationsOpen} escalations), ${result.invalid.length} invalid records in ${seconds.toFixed(1)} s`,
        );
        io.out(result.shard ? `shard ${result.shard}: join the shards with docpack merge` : `summary: ${result.out}/summary.md`);
      }
      setExit(exitCode);
    });
}
