import type { Command } from 'commander';
import { DocpackError, formatProblem } from '../../errors.ts';
import { loadConfig } from '../../pack/config.ts';
import { tallyReaches } from '../../pack/summary.ts';
import { readFindingsFile, writeWorkbooks } from '../../pack/workbooks.ts';
import { ROW_SOURCES } from '../../render/excel/sources.ts';
import { readSheetSpecs, selectSpecs } from '../../render/excel/spec.ts';
import { formatTime, parseIsoWeek, weekOf, type IsoWeek } from '../../time.ts';
import { asOfOption, calendarProvisionalOption, loadCheckContext, withCalendarProvisional, withRuleDirs } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CliIo, SetExit } from '../io.ts';
import { UsageError } from '../usage-error.ts';
import { failOnOption } from './check.ts';

interface WorkbookOptions {
  spec: string[];
  out?: string;
  asOf?: string;
  json?: boolean;
  templates?: string;
  findings?: string;
  only?: string[];
  failOn?: string;
  rules?: string;
  week?: string;
  deadlines?: string;
  calendarDir?: string;
  calendarProvisional?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((item) => item.trim()).filter((item) => item !== '')];
}

export function registerWorkbook(program: Command, io: CliIo, setExit: SetExit): void {
  // The options it shares with build have build's names, defaults (docpack.config.json) and parsing.
  withCalendarProvisional(withRuleDirs(
    program
      .command('workbook')
      .description('render Excel workbooks from the sheet specs of templates/excel: per-project ones to <out>/projects/<id>/, portfolio ones to <out>/portfolio/')
      .argument('[inputs...]', 'record files, directories or globs (default: docpack.config.json inputs, else fixtures/projects)')
      .option('--spec <names>', 'specs to render, by file name (problem-table) or title (问题治理表), comma-separated or repeated; default all', collect, [])
      .option('--out <dir>', 'output directory (default: out)')
      .option('--as-of <time>', 'the moment the workbooks are computed at, e.g. 2026-11-25T09:00:00+08:00 (default: now, Asia/Shanghai)')
      .option('--only <ids...>', 'only these projects')
      .option('--fail-on <type>', 'exit 1 when an open finding reaches this type: warning or escalation')
      .option('--week <week>', 'ISO week of the 周报 progress rows, e.g. 2026-W48 (default: the week of --as-of)')
      .option('--json', 'print what was written as JSON')
      .option('--templates <dir>', 'folder of <name>.xlsx.json sheet specs (default: templates/excel)')
      .option('--findings <file>', 'findings to list instead of running the rules: the JSON of `docpack check --json` (or a pack\'s findings.json) at the same as-of'),
  ))
    .action(async (inputs: string[], options: WorkbookOptions) => {
      const config = loadConfig();
      const failOn = failOnOption(options.failOn ?? config.failOn);
      const asOf = asOfOption(options.asOf);
      let week: IsoWeek;
      try {
        week = options.week !== undefined ? parseIsoWeek(options.week) : weekOf(asOf);
      } catch {
        throw new UsageError(`--week "${options.week}" is not an ISO week; write e.g. 2026-W48`);
      }
      try {
        const rules = { rulesDir: options.rules ?? config.rules, deadlinesDir: options.deadlines ?? config.deadlines, calendarDir: options.calendarDir ?? config.calendar, calendarProvisional: calendarProvisionalOption(options.calendarProvisional, config) };
        const context = loadCheckContext(asOf, rules);
        const findings = options.findings !== undefined ? readFindingsFile(options.findings) : undefined;
        const specsRead = readSheetSpecs({ labels: context.labels, sources: ROW_SOURCES }, options.templates);
        if (specsRead.problems.length > 0) {
          for (const found of specsRead.problems) io.err(formatProblem(found));
          io.err('docpack workbook: the sheet specs have problems; fix them first');
          setExit(ExitCode.invalidInput);
          return;
        }
        const { selected, unknown } = selectSpecs(specsRead.specs, options.spec.length > 0 ? options.spec : ['all']);
        if (unknown.length > 0) {
          throw new UsageError(`unknown --spec ${unknown.map((name) => `"${name}"`).join(', ')}; specs: all, ${specsRead.specs.map((spec) => `${spec.name} (${spec.spec.title})`).join(', ')}`);
        }
        const result = await writeWorkbooks({
          inputs: inputs.length > 0 ? inputs : (config.inputs ?? ['fixtures/projects']),
          out: options.out ?? config.out ?? 'out',
          asOf,
          context,
          specs: selected,
          week,
          only: options.only,
          ...(findings ? { findings } : {}),
        });
        for (const found of result.problems) io.err(formatProblem(found));
        if (options.json) {
          io.out(JSON.stringify({ asOf: formatTime(asOf), written: result.written, skipped: result.skipped, problems: result.problems }, null, 2));
        } else {
          for (const entry of result.written) io.out(entry.file);
        }
        const skipped = result.skipped.length;
        io.err(
          `${result.written.length} workbook${result.written.length === 1 ? '' : 's'} for ${result.records} record${result.records === 1 ? '' : 's'} as of ${formatTime(asOf)}` +
            (skipped > 0 ? `; ${skipped} invalid file${skipped === 1 ? '' : 's'} skipped` : ''),
        );
        const invalid = result.problems.some((found) => found.severity === 'error');
        setExit(invalid ? ExitCode.invalidInput : tallyReaches(result.tally, failOn) ? ExitCode.findings : ExitCode.ok);
      } catch (error) {
        if (!(error instanceof DocpackError)) throw error;
        for (const found of error.problems) io.err(formatProblem(found));
        setExit(ExitCode.invalidInput);
      }
    });
}
