import type { ReferenceDoc } from '../render/word/reference.ts';
import path from 'node:path';
import type { DateTime } from 'luxon';
import type { CheckContext } from '../alerts/pipeline.ts';
import type { Finding } from '../alerts/types.ts';
import type { Problem } from '../errors.ts';
import { DocpackError } from '../errors.ts';
import { buildRowSources, ROW_SOURCES } from '../render/excel/sources.ts';
import { loadSheetSpecs } from '../render/excel/spec.ts';
import { renderWorkbook } from '../render/excel/render.ts';
import type { IsoWeek } from '../time.ts';
import { portfolioWeeklyInstance } from '../render/word/portfolio.ts';
import { WordRenderer } from '../render/word/render.ts';
import { inputLevelProblems, loadRecordFile, scanRecords } from '../records/load.ts';
import { formatTime } from '../time.ts';
import { portfolioFacts, refuseEmptyRun } from './build.ts';
import { projectFacts, type PoolEntry } from '../facts/facts.ts';
import { PackOutput, type ManifestEntry } from './output.ts';
import { readFindings, writeScratchFindings } from './project.ts';
import { emptyTally, openFindingsOfWeek, renderSummary, tallyFindings, type FindingTally } from './summary.ts';

export interface WeeklyOptions {
  inputs: string[];
  /** Something the user should know that does not stop the run (leftovers of an interrupted run removed). */
  onNotice?: (message: string) => void;
  /** The report goes to <outDir>/weekly/<week>/. */
  outDir: string;
  week: IsoWeek;
  asOf: DateTime;
  context: CheckContext;
  /** --reference-doc, read. */
  reference?: ReferenceDoc;
}

export interface WeeklyResult {
  out: string;
  week: string;
  asOf: string;
  projects: number;
  invalid: { file: string; problems: Problem[] }[];
  problems: Problem[];
  /** The open findings, counted (they are in findings.json). */
  tally: FindingTally;
  /** Open findings that opened during the week. */
  newFindings: number;
  manifest: ManifestEntry[];
}

type WeeklyFinding = Finding & { isNew: boolean };

/** A project of the report, as kept between passes: the record and its findings are read again from files. */
interface WeeklyProject {
  id: string;
  name: string;
  file: string;
  open: number;
  pool: readonly PoolEntry[];
}

/**
 * docpack report weekly: the portfolio weekly report of one ISO week (§2.2.4) as .docx and .xlsx:
 * per project the week's progress, new and open warnings and escalations, and the circuits that
 * enter the warning pool the week after. Like `build`, it never holds the portfolio: records are
 * checked once, then each is read and checked in turn with its open findings put in a scratch file,
 * and every document reads the records and findings again.
 */
export async function buildWeeklyReport(options: WeeklyOptions): Promise<WeeklyResult> {
  const { asOf, context, week } = options;
  const scanned = await scanRecords(options.inputs);
  const valid = scanned.files.filter((file) => file.valid && file.id !== undefined).sort((a, b) => ((a.id as string) < (b.id as string) ? -1 : 1));
  const invalid = scanned.files.filter((file) => !file.valid).map(({ file, problems: fileProblems }) => ({ file, problems: fileProblems }));
  const problems: Problem[] = [];
  const sources = valid.map((entry) => entry.file);
  refuseEmptyRun(options.inputs, scanned.files, inputLevelProblems(scanned));
  const out = new PackOutput(path.join(options.outDir, 'weekly', week.id), { onNotice: options.onNotice });
  try {
    const tally = emptyTally();
    let newFindings = 0;
    const projects: WeeklyProject[] = [];
    for (const { file } of valid) {
      const record = loadRecordFile(file).record;
      if (!record) throw new Error(`${file} changed while the weekly report was being built`);
      const facts = projectFacts(record, context, { week });
      problems.push(...facts.problems.map((problem) => ({ ...problem, file: problem.file ?? file })));
      const open: WeeklyFinding[] = openFindingsOfWeek(facts.findings, week);
      tallyFindings(open, tally);
      newFindings += open.filter((finding) => finding.isNew).length;
      writeScratchFindings(out.staging, record.id, open);
      projects.push({ id: record.id, name: record.name, file, open: open.length, pool: facts.poolNextWeek });
    }
    const findingsOf = (project: WeeklyProject): WeeklyFinding[] => readFindings(out.staging, project.id) as WeeklyFinding[];
    // The facts of each project again on every pass, with the open findings of its scratch file.
    const facts = portfolioFacts(out.staging, projects, context, week);
    const findings: Iterable<WeeklyFinding> = {
      *[Symbol.iterator]() {
        for (const project of projects) yield* findingsOf(project);
      },
    };

    const word = new WordRenderer({ calendar: context.calendar, labels: context.labels, reference: options.reference });
    const withFindings = {
      *[Symbol.iterator]() {
        for (const project of facts) yield { facts: project, findings: project.findings as readonly WeeklyFinding[] };
      },
    };
    const instance = portfolioWeeklyInstance({ asOf, calendar: context.calendar, week: week.id, projects: withFindings, projectCount: projects.length, poolNextWeek: projects.flatMap((project) => project.pool) });
    const document = await word.renderPortfolio({ ...instance, fileName: `周报-${week.id}.docx` }, asOf, '政企客户项目');
    out.write(document.fileName, document.bytes, document.template, sources);

    const spec = loadSheetSpecs({ labels: context.labels, sources: ROW_SOURCES }).find((candidate) => candidate.name === 'weekly-report');
    if (!spec) throw new DocpackError({ code: 'unknown-template', message: 'no templates/excel/weekly-report.xlsx.json', hint: 'restore the weekly report spec' });
    const workbook = await renderWorkbook({ spec: spec.spec, specFile: spec.file, sources: buildRowSources({ projects: facts, labels: context.labels }), asOf, calendar: context.calendar, labels: context.labels, subtitle: week.id });
    problems.push(...workbook.report.problems);
    out.write(`周报-${week.id}.xlsx`, workbook.data, spec.file, sources);

    out.writeJsonArray('findings.json', { asOf: formatTime(asOf), week: week.id }, 'findings', findings, 'docpack report weekly', sources);
    const allProblems = [...inputLevelProblems(scanned), ...problems];
    const summary = renderSummary({
      title: `docpack 周报 ${week.id}（${week.start} 至 ${week.end}）`,
      asOf: formatTime(asOf),
      projects: projects.map((project) => ({ id: project.id, name: project.name, open: project.open })),
      invalid,
      problems: allProblems,
      tally,
      documents: out.manifest().filter((entry) => /\.(docx|xlsx)$/.test(entry.path)).length,
      labels: context.labels,
    });
    out.write('summary.md', summary, 'docpack report weekly', sources);
    const manifest = out.manifest();
    out.write('manifest.json', `${JSON.stringify({ asOf: formatTime(asOf), week: week.id, files: manifest }, null, 2)}\n`, 'docpack report weekly', []);
    out.commit();
    return { out: out.target, week: week.id, asOf: formatTime(asOf), projects: projects.length, invalid, problems: allProblems, tally, newFindings, manifest };
  } catch (error) {
    out.abandon();
    throw error;
  }
}
