import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parseIsoWeek, weekOf, type IsoWeek } from '../../time.ts';
import type { DateTime } from 'luxon';
import { loadCalendar } from '../../calendar/calendar.ts';
import type { WorkingCalendar } from '../../calendar/types.ts';
import { readClockDefs } from '../../clocks/load.ts';
import { readRuleFiles } from '../../alerts/load.ts';
import type { ClockDef } from '../../clocks/types.ts';
import { DocpackError, formatProblem, type Problem } from '../../errors.ts';
import { recordAsKnownAt } from '../../records/as-of.ts';
import { loadRecords } from '../../records/load.ts';
import type { ProjectRecord } from '../../records/types.gen.ts';
import { loadLabels, type Labels } from '../../labels.ts';
import { renderWorkbookToFile } from '../../render/excel/render.ts';
import { buildRowSources, ROW_SOURCES, type BuiltSources, type FindingInput } from '../../render/excel/sources.ts';
import { readSheetSpecs, selectSpecs, type LoadedSpec } from '../../render/excel/spec.ts';
import { formatTime, nowInShanghai, parseAsOf } from '../../time.ts';
import { checkRecord, sortFindings, type CheckContext } from '../../alerts/pipeline.ts';
import type { Finding } from '../../alerts/types.ts';
import { calendarProvisionalOption, loadCheckContext } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CliIo, SetExit } from '../io.ts';

interface WorkbookOptions {
  spec: string[];
  out: string;
  asOf?: string;
  json?: boolean;
  templates?: string;
  findings?: string;
  rules?: string;
  week?: string;
  deadlines?: string;
  calendarDir?: string;
  calendarProvisional?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((item) => item.trim()).filter((item) => item !== '')];
}

interface Written {
  spec: string;
  file: string;
  project?: string;
  rows: Record<string, number>;
}

export interface WorkbookRun {
  records: readonly ProjectRecord[];
  specs: readonly LoadedSpec[];
  out: string;
  asOf: DateTime;
  calendar: WorkingCalendar;
  clockDefs: readonly ClockDef[];
  labels: Labels;
  findings: readonly FindingInput[];
  /** ISO week of the weekly progress rows (周报). */
  week?: IsoWeek;
}

/** Renders the selected specs: per-project ones once per record, portfolio ones once over all records. A failure fails alone. */
export async function writeWorkbooks(run: WorkbookRun): Promise<{ written: Written[]; problems: Problem[] }> {
  const written: Written[] = [];
  const problems: Problem[] = [];
  // One set of row sources per project and one for the portfolio, shared by the specs: clocks are computed once.
  const built = new Map<ProjectRecord | 'portfolio', BuiltSources>();
  const sourcesFor = (key: ProjectRecord | 'portfolio'): BuiltSources => {
    let found = built.get(key);
    if (!found) {
      const records = key === 'portfolio' ? run.records : [key];
      built.set(key, (found = buildRowSources({ records, asOf: run.asOf, calendar: run.calendar, clockDefs: run.clockDefs, labels: run.labels, findings: run.findings, week: run.week })));
    }
    return found;
  };
  const attempt = async (loaded: LoadedSpec, file: string, project?: ProjectRecord): Promise<void> => {
    try {
      const report = await renderWorkbookToFile(
        {
          spec: loaded.spec,
          specFile: loaded.file,
          sources: sourcesFor(project ?? 'portfolio').sources,
          asOf: run.asOf,
          calendar: run.calendar,
          labels: run.labels,
          subtitle: project ? `${project.id} ${project.name}` : undefined,
        },
        file,
      );
      written.push({ spec: loaded.name, file, project: project?.id, rows: report.rows });
      problems.push(...report.problems);
    } catch (error) {
      if (!(error instanceof DocpackError)) throw error;
      problems.push({ ...error.problem, message: `${loaded.file}${project ? ` for ${project.id}` : ''}: ${error.problem.message}; ${path.basename(file)} not written` });
    }
  };
  for (const loaded of run.specs) {
    const name = `${loaded.spec.fileName ?? loaded.spec.title}.xlsx`;
    if (loaded.spec.scope === 'project') {
      for (const record of run.records) await attempt(loaded, path.join(run.out, 'projects', record.id, name), record);
    } else {
      await attempt(loaded, path.join(run.out, 'portfolio', name));
    }
  }
  // Clock problems, once each although per-project and portfolio sources both meet them.
  const clockProblems = new Map<string, Problem>();
  for (const entry of built.values()) for (const found of entry.problems) clockProblems.set(formatProblem(found), found);
  return { written, problems: [...clockProblems.values(), ...problems] };
}

/** Reads --findings: `docpack check --json` output ({ findings: [...] }) or a bare array of findings. */
function readFindings(file: string): FindingInput[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DocpackError({ code: 'findings-unreadable', file, message: `cannot read the findings (${error instanceof Error ? error.message : String(error)})`, hint: 'give the JSON of `docpack check --json`, or an array of findings' });
  }
  const list = Array.isArray(data) ? data : (data as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(list)) throw new DocpackError({ code: 'findings-invalid', file, message: 'expected an array of findings, or an object with "findings"' });
  list.forEach((item, index) => {
    const finding = item as Partial<FindingInput> | null;
    if (!finding || typeof finding.id !== 'string' || typeof finding.ruleId !== 'string' || typeof finding.subject !== 'object' || !Array.isArray(finding.recipients)) {
      throw new DocpackError({ code: 'findings-invalid', file, pointer: `/${index}`, message: `finding ${index} lacks id, ruleId, subject or recipients` });
    }
  });
  return list as FindingInput[];
}

export function registerWorkbook(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('workbook')
    .description('render Excel workbooks from the sheet specs of templates/excel: per-project ones to <out>/projects/<id>/, portfolio ones to <out>/portfolio/')
    .argument('<inputs...>', 'record files, directories (every *.json below) or glob patterns')
    .option('--spec <names>', 'specs to render, by file name (problem-table) or title (问题治理表), comma-separated or repeated; default all', collect, [])
    .option('--out <dir>', 'output directory', 'out')
    .option('--as-of <time>', 'the time the workbooks are as of, e.g. 2026-11-25T09:00:00+08:00 (default: now, Asia/Shanghai)')
    .option('--json', 'print what was written as JSON')
    .option('--templates <dir>', 'folder of <name>.xlsx.json sheet specs (default: templates/excel)')
    .option('--week <week>', 'ISO week of the 周报 progress rows, e.g. 2026-W48 (default: the week of --as-of)')
    .option('--findings <file>', 'findings to list in 预警升级汇总: the JSON of `docpack check --json` (default: the rules are run on the records)')
    .option('--rules <dir>', 'alert rules directory, when --findings is not given (default rules/alerts)')
    .option('--deadlines <dir>', 'deadline clocks directory (default rules/deadlines)')
    .option('--calendar-dir <dir>', 'folder of working-day calendars (default: rules/calendars)')
    .option('--calendar-provisional', 'use provisional calendar years (computed from the law before the State Council\'s notice); deadlines on them are marked provisional')
    .action(async (inputs: string[], options: WorkbookOptions) => {
      const fail = (message: string, hint?: string): void => {
        io.err(`docpack workbook: ${message}${hint ? `\n    hint: ${hint}` : ''}`);
        setExit(ExitCode.invalidInput);
      };
      const asOf = options.asOf === undefined ? nowInShanghai() : parseAsOf(options.asOf);
      if (!asOf) {
        fail(`--as-of "${options.asOf}" is not a time`, 'write e.g. 2026-11-25T09:00:00+08:00, 2026-11-25T09:00 (Asia/Shanghai) or 2026-11-25');
        return;
      }
      let week: IsoWeek;
      try {
        week = options.week ? parseIsoWeek(options.week) : weekOf(asOf);
      } catch {
        fail(`--week "${options.week}" is not an ISO week`, 'write e.g. 2026-W48');
        return;
      }
      let labels: Labels;
      let calendar: WorkingCalendar;
      let findings: FindingInput[] = [];
      try {
        labels = loadLabels();
        calendar = loadCalendar(options.calendarDir, { provisional: calendarProvisionalOption(options.calendarProvisional) });
        if (options.findings !== undefined) findings = readFindings(options.findings);
      } catch (error) {
        if (!(error instanceof DocpackError)) throw error;
        io.err(formatProblem(error.problem));
        setExit(ExitCode.invalidInput);
        return;
      }
      const specsRead = readSheetSpecs({ labels, sources: ROW_SOURCES }, options.templates);
      // Without --findings the rules run here, as `docpack check` and `build` run them: rule and
      // deadline files are read and linted together (rules lint's loader); with it, only the clocks.
      const ruleFiles = options.findings === undefined ? readRuleFiles({ rulesDir: options.rules, deadlinesDir: options.deadlines, labels }) : undefined;
      const clockDefs = ruleFiles ? { defs: ruleFiles.clocks, problems: ruleFiles.problems } : readClockDefs(options.deadlines);
      const setupProblems = [...specsRead.problems, ...clockDefs.problems];
      if (setupProblems.length > 0) {
        for (const found of setupProblems) io.err(formatProblem(found));
        fail(`the sheet specs, ${ruleFiles ? 'rule files ' : ''}or clock definitions have problems; fix them first`);
        return;
      }
      const wanted = options.spec.length > 0 ? options.spec : ['all'];
      const { selected, unknown } = selectSpecs(specsRead.specs, wanted);
      if (unknown.length > 0) {
        fail(`unknown --spec ${unknown.map((name) => `"${name}"`).join(', ')}`, `specs: all, ${specsRead.specs.map((spec) => `${spec.name} (${spec.spec.title})`).join(', ')}`);
        return;
      }

      const loaded = await loadRecords(inputs);
      // The records as known at the as-of: events after it have not happened yet.
      const records = loaded.records.map((entry) => recordAsKnownAt(entry.record, asOf.toMillis()));
      // Without --findings, the rules run here, as `docpack check` and `build` run them.
      const checkProblems: Problem[] = [];
      if (options.findings === undefined) {
        let context: CheckContext;
        try {
          context = loadCheckContext(asOf, { rulesDir: options.rules, deadlinesDir: options.deadlines, calendarDir: options.calendarDir, calendarProvisional: calendarProvisionalOption(options.calendarProvisional) });
        } catch (error) {
          if (!(error instanceof DocpackError)) throw error;
          for (const found of error.problems) io.err(formatProblem(found));
          setExit(ExitCode.invalidInput);
          return;
        }
        const computed: Finding[] = [];
        for (const record of records) {
          const result = checkRecord(record, context);
          computed.push(...result.findings);
          checkProblems.push(...result.problems);
        }
        findings = sortFindings(computed);
      }
      const { written, problems } = await writeWorkbooks({ records, specs: selected, out: options.out, asOf, calendar, clockDefs: clockDefs.defs, labels, findings, week });
      const allProblems = [...loaded.problems, ...checkProblems, ...problems];
      for (const found of allProblems) io.err(formatProblem(found));
      const skipped = loaded.files.filter((file) => !file.valid).length;
      if (options.json) {
        io.out(JSON.stringify({ asOf: formatTime(asOf), written, skipped: loaded.files.filter((file) => !file.valid).map(({ file, id }) => ({ file, id })), problems: allProblems }, null, 2));
      } else {
        for (const entry of written) io.out(entry.file);
      }
      io.err(
        `${written.length} workbook${written.length === 1 ? '' : 's'} for ${records.length} record${records.length === 1 ? '' : 's'} as of ${formatTime(asOf)}` +
          (skipped > 0 ? `; ${skipped} invalid file${skipped === 1 ? '' : 's'} skipped` : ''),
      );
      setExit(allProblems.some((found) => found.severity === 'error') ? ExitCode.invalidInput : ExitCode.ok);
    });
}
