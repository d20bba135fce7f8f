import path from 'node:path';
import type { DateTime } from 'luxon';
import { checkRecord, type CheckContext } from '../alerts/pipeline.ts';
import type { Finding } from '../alerts/types.ts';
import type { Problem } from '../errors.ts';
import { DocpackError } from '../errors.ts';
import { buildRowSources, ROW_SOURCES } from '../render/excel/sources.ts';
import { loadSheetSpecs } from '../render/excel/spec.ts';
import { renderWorkbook } from '../render/excel/render.ts';
import type { IsoWeek } from '../render/word/documents.ts';
import { portfolioWeeklyInstance } from '../render/word/portfolio.ts';
import { WordRenderer } from '../render/word/render.ts';
import { loadRecords } from '../records/load.ts';
import { formatTime, timeToEpochMs } from '../time.ts';
import { poolEntriesNextWeek } from './build.ts';
import { PackOutput, type ManifestEntry } from './output.ts';
import { renderSummary, tallyFindings } from './summary.ts';

export interface WeeklyOptions {
  inputs: string[];
  /** The report goes to <outDir>/weekly/<week>/. */
  outDir: string;
  week: IsoWeek;
  asOf: DateTime;
  context: CheckContext;
  referenceStyles?: string;
}

export interface WeeklyResult {
  out: string;
  week: string;
  asOf: string;
  projects: number;
  invalid: { file: string; problems: Problem[] }[];
  problems: Problem[];
  /** Open findings, each marked new when it opened during the week. */
  findings: (Finding & { isNew: boolean })[];
  manifest: ManifestEntry[];
}

/**
 * docpack report weekly: the portfolio weekly report of one ISO week (§2.2.4) as .docx and .xlsx:
 * per project the week's progress, new and open warnings and escalations, and the circuits that
 * enter the warning pool the week after.
 */
export async function buildWeeklyReport(options: WeeklyOptions): Promise<WeeklyResult> {
  const { asOf, context, week } = options;
  const loaded = await loadRecords(options.inputs);
  const records = [...loaded.records].sort((a, b) => (a.record.id < b.record.id ? -1 : 1));
  const weekStartMs = timeToEpochMs(`${week.start}T00:00:00+08:00`);
  const problems: Problem[] = [];
  const findings: (Finding & { isNew: boolean })[] = [];
  const projects = records.map(({ record }) => {
    const check = checkRecord(record, context);
    problems.push(...check.problems);
    const open = check.findings
      .filter((finding) => finding.closedAt === null)
      .map((finding) => ({ ...finding, isNew: finding.openedAt !== null && timeToEpochMs(finding.openedAt) >= weekStartMs }));
    findings.push(...open);
    return { record, findings: open, pool: poolEntriesNextWeek(record, check.clocks, week) };
  });
  const sources = records.map((entry) => entry.file);
  const out = new PackOutput(path.join(options.outDir, 'weekly', week.id));
  try {
    const word = new WordRenderer({ calendar: context.calendar, labels: context.labels, referenceStyles: options.referenceStyles });
    const instance = portfolioWeeklyInstance({ asOf, calendar: context.calendar, week: week.id, projects, poolNextWeek: projects.flatMap((project) => project.pool) });
    const document = await word.renderPortfolio({ ...instance, fileName: `周报-${week.id}.docx` }, asOf, '政企客户项目组合');
    out.write(document.fileName, document.bytes, document.template, sources);

    const spec = loadSheetSpecs({ labels: context.labels, sources: ROW_SOURCES }).find((candidate) => candidate.name === 'weekly-report');
    if (!spec) throw new DocpackError({ code: 'unknown-template', message: 'no templates/excel/weekly-report.xlsx.json', hint: 'restore the weekly report spec' });
    const built = buildRowSources({ records: records.map((entry) => entry.record), asOf, calendar: context.calendar, clockDefs: context.clockDefs, labels: context.labels, findings, week });
    const workbook = await renderWorkbook({ spec: spec.spec, specFile: spec.file, sources: built.sources, asOf, calendar: context.calendar, labels: context.labels, subtitle: week.id });
    problems.push(...built.problems, ...workbook.report.problems);
    out.write(`周报-${week.id}.xlsx`, workbook.data, spec.file, sources);

    const invalid = loaded.files.filter((file) => !file.valid).map(({ file, problems: fileProblems }) => ({ file, problems: fileProblems }));
    out.write('findings.json', `${JSON.stringify({ asOf: formatTime(asOf), week: week.id, findings }, null, 2)}\n`, 'docpack report weekly', sources);
    const summary = renderSummary({
      title: `docpack 周报 ${week.id}（${week.start} 至 ${week.end}）`,
      asOf: formatTime(asOf),
      projects: records.map(({ record }) => ({ id: record.id, name: record.name, open: findings.filter((finding) => finding.project === record.id).length })),
      invalid,
      tally: tallyFindings(findings),
      documents: out.manifest().filter((entry) => /\.(docx|xlsx)$/.test(entry.path)).length,
      labels: context.labels,
    });
    out.write('summary.md', summary, 'docpack report weekly', sources);
    const manifest = out.manifest();
    out.write('manifest.json', `${JSON.stringify({ asOf: formatTime(asOf), week: week.id, files: manifest }, null, 2)}\n`, 'docpack report weekly', []);
    out.commit();
    return { out: out.target, week: week.id, asOf: formatTime(asOf), projects: records.length, invalid, problems, findings, manifest };
  } catch (error) {
    out.abandon();
    throw error;
  }
}
