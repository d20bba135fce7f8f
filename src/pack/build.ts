import path from 'node:path';
import type { DateTime } from 'luxon';
import { checkRecord, type CheckContext } from '../alerts/pipeline.ts';
import type { Finding } from '../alerts/types.ts';
import type { ClockState } from '../clocks/types.ts';
import { DocpackError, type Problem } from '../errors.ts';
import { buildRowSources, ROW_SOURCES } from '../render/excel/sources.ts';
import { loadSheetSpecs, type LoadedSpec } from '../render/excel/spec.ts';
import { renderWorkbook } from '../render/excel/render.ts';
import { findDocumentKind, parseIsoWeek, weekOf, type IsoWeek } from '../render/word/documents.ts';
import { portfolioWeeklyInstance, type PoolEntry } from '../render/word/portfolio.ts';
import { WordRenderer } from '../render/word/render.ts';
import { loadRecords, type LoadedRecord } from '../records/load.ts';
import type { ProjectRecord } from '../records/types.gen.ts';
import { formatTime, timeToEpochMs } from '../time.ts';
import { PackOutput, safeSegment, type ManifestEntry } from './output.ts';
import { entriesFor, type PackEntry, type PackSpec } from './spec.ts';
import { renderSummary } from './summary.ts';

export interface BuildOptions {
  inputs: string[];
  /** The pack goes to <outDir>/<as-of date>/. */
  outDir: string;
  asOf: DateTime;
  context: CheckContext;
  pack: PackSpec;
  /** Only these project ids (the others are still checked for duplicates and validity). */
  only?: string[];
  /** ISO week of the weekly reports; default: the week of the as-of. */
  week?: string;
  referenceStyles?: string;
  /** Called after each project, for progress bars and log lines. */
  onProject?: (done: number, total: number, id: string, documents: number) => void;
}

export interface BuildResult {
  asOf: string;
  /** The pack directory. */
  out: string;
  week: string;
  projects: { id: string; file: string; documents: string[] }[];
  invalid: { file: string; id?: string; problems: Problem[] }[];
  /** Problems that did not stop the run: a document that could not be rendered, a clock error. */
  problems: Problem[];
  findings: Finding[];
  manifest: ManifestEntry[];
}

const UNSAFE = /[\\/:*?"<>|\u0000-\u001f]/;

/** A document file name from a template (titles are Chinese): never a path. */
function fileName(name: string): string {
  if (UNSAFE.test(name) || name === '.' || name === '..' || name.startsWith('.')) throw new Error(`unsafe file name "${name}"`);
  return name;
}

/** Circuits whose warning-pool entry falls in the ISO week after `week` (§2.2.5). */
export function poolEntriesNextWeek(record: ProjectRecord, clocks: readonly ClockState[], week: IsoWeek): PoolEntry[] {
  const start = timeToEpochMs(`${week.end}T00:00:00+08:00`) + 86_400_000;
  const end = start + 7 * 86_400_000;
  const entries: PoolEntry[] = [];
  for (const state of clocks) {
    if (state.clock !== 'circuit-warning-pool' || state.dueMs === null || state.due === null) continue;
    if (state.state !== 'running' && state.state !== 'not-started' && state.state !== 'due-soon') continue;
    if (state.dueMs < start || state.dueMs >= end) continue;
    const circuit = record.orders?.flatMap((order) => order.circuits).find((candidate) => candidate.id === state.label);
    entries.push({ project: record.id, circuitId: state.label, requiredCompletion: circuit?.requiredCompletion ?? '', entersAt: state.due });
  }
  return entries;
}

/**
 * load → validate → clocks → alerts → render → write, for a folder of records: one pack per run.
 * Invalid records fail alone (listed in the result); the rest render. The pack is staged and swapped
 * in at the end, so a failed run leaves the previous pack as it was.
 */
export async function buildPack(options: BuildOptions): Promise<BuildResult> {
  const { asOf, context } = options;
  const asOfText = formatTime(asOf);
  const isoWeek = options.week ? parseIsoWeek(options.week) : weekOf(asOf);
  const week = isoWeek.id;
  const loaded = await loadRecords(options.inputs);
  const invalid = loaded.files.filter((file) => !file.valid).map(({ file, id, problems }) => ({ file, id, problems }));
  let records: LoadedRecord[] = loaded.records;
  if (options.only && options.only.length > 0) {
    const known = new Set(loaded.files.map((file) => file.id));
    const unknown = options.only.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new DocpackError({ code: 'unknown-project', message: `--only: no project ${unknown.join(', ')} in the inputs`, hint: 'give project ids as written in the records' });
    const wanted = new Set(options.only);
    records = records.filter((entry) => wanted.has(entry.record.id));
  }
  records = [...records].sort((a, b) => (a.record.id < b.record.id ? -1 : 1));

  const specs = loadSheetSpecs({ labels: context.labels, sources: ROW_SOURCES });
  const specByName = new Map<string, LoadedSpec>(specs.map((spec) => [spec.name, spec]));
  const word = new WordRenderer({ calendar: context.calendar, labels: context.labels, referenceStyles: options.referenceStyles });
  const checkEntries = (entries: readonly PackEntry[]): void => {
    for (const entry of entries) {
      const known = entry.kind === 'excel' ? specByName.has(entry.template) : entry.template === 'portfolio-weekly' || findDocumentKind(entry.template) !== undefined;
      if (!known) throw new DocpackError({ code: 'unknown-template', message: `pack: no ${entry.kind} template "${entry.template}"`, hint: entry.kind === 'excel' ? `specs: ${[...specByName.keys()].join(', ')}` : 'templates: requirements, implementation-arrangement, implementation-plan, weekly-report, portfolio-weekly' });
    }
  };
  checkEntries(options.pack.project);
  checkEntries(options.pack.portfolio);

  const out = new PackOutput(path.join(options.outDir, asOf.toISODate() ?? 'pack'));
  const problems: Problem[] = [];
  const findings: Finding[] = [];
  const clocksByProject = new Map<string, ClockState[]>();
  const findingsByProject = new Map<string, Finding[]>();
  const projects: BuildResult['projects'] = [];
  try {
    let done = 0;
    for (const { file, record } of records) {
      const dir = `projects/${safeSegment(record.id)}`;
      const check = checkRecord(record, context);
      problems.push(...check.problems);
      findings.push(...check.findings);
      clocksByProject.set(record.id, check.clocks);
      findingsByProject.set(record.id, check.findings);
      const open = check.findings.filter((finding) => finding.closedAt === null);
      const written: string[] = [];
      for (const entry of entriesFor(options.pack, record)) {
        try {
          if (entry.kind === 'word') {
            const kind = findDocumentKind(entry.template);
            if (!kind) continue;
            for (const document of await word.renderRecord(record, [kind], { asOf, calendar: context.calendar, week, findings: open })) {
              written.push(out.write(`${dir}/${fileName(document.fileName)}`, document.bytes, document.template, [file]).path);
            }
          } else {
            const spec = specByName.get(entry.template) as LoadedSpec;
            const built = buildRowSources({ records: [record], asOf, calendar: context.calendar, clockDefs: context.clockDefs, labels: context.labels, findings: check.findings });
            const rendered = await renderWorkbook({ spec: spec.spec, specFile: spec.file, sources: built.sources, asOf, calendar: context.calendar, labels: context.labels, subtitle: `${record.id} ${record.name}` });
            problems.push(...built.problems, ...rendered.report.problems);
            written.push(out.write(`${dir}/${fileName(`${spec.spec.fileName ?? spec.spec.title}.xlsx`)}`, rendered.data, spec.file, [file]).path);
          }
        } catch (error) {
          if (!(error instanceof DocpackError)) throw error;
          // One document that cannot be rendered (e.g. a plan past the calendar's years) fails alone.
          problems.push({ ...error.problem, message: `${record.id} ${entry.template}: ${error.problem.message}`, file: error.problem.file ?? file });
        }
      }
      projects.push({ id: record.id, file, documents: written });
      done += 1;
      options.onProject?.(done, records.length, record.id, written.length);
    }

    const sources = [...records.map((entry) => entry.file)];
    for (const entry of options.pack.portfolio) {
      if (entry.kind === 'excel') {
        const spec = specByName.get(entry.template) as LoadedSpec;
        const built = buildRowSources({ records: records.map((item) => item.record), asOf, calendar: context.calendar, clockDefs: context.clockDefs, labels: context.labels, findings });
        const rendered = await renderWorkbook({ spec: spec.spec, specFile: spec.file, sources: built.sources, asOf, calendar: context.calendar, labels: context.labels });
        problems.push(...built.problems, ...rendered.report.problems);
        out.write(`portfolio/${fileName(`${spec.spec.fileName ?? spec.spec.title}.xlsx`)}`, rendered.data, spec.file, sources);
      } else {
        const weekStartMs = timeToEpochMs(`${isoWeek.start}T00:00:00+08:00`);
        const instance = portfolioWeeklyInstance({
          asOf,
          calendar: context.calendar,
          week,
          projects: records.map(({ record }) => ({
            record,
            findings: (findingsByProject.get(record.id) ?? [])
              .filter((finding) => finding.closedAt === null)
              .map((finding) => ({ ...finding, isNew: finding.openedAt !== null && timeToEpochMs(finding.openedAt) >= weekStartMs })),
          })),
          poolNextWeek: records.flatMap(({ record }) => poolEntriesNextWeek(record, clocksByProject.get(record.id) ?? [], isoWeek)),
        });
        const document = await word.renderPortfolio(instance, asOf, '政企客户项目组合');
        out.write(`portfolio/${fileName(document.fileName)}`, document.bytes, document.template, sources);
      }
    }

    out.write('findings.json', `${JSON.stringify({ asOf: asOfText, findings }, null, 2)}\n`, 'docpack check', sources);
    const summary = renderSummary({
      asOf: asOfText,
      projects: records.map(({ record }) => ({ id: record.id, name: record.name, documents: projects.find((project) => project.id === record.id)?.documents.length ?? 0 })),
      invalid,
      findings,
      manifest: out.manifest(),
      labels: context.labels,
    });
    out.write('summary.md', summary, 'docpack build', sources);
    const manifest = out.manifest();
    out.write('manifest.json', `${JSON.stringify({ asOf: asOfText, files: manifest }, null, 2)}\n`, 'docpack build', []);
    out.commit();
    return { asOf: asOfText, out: out.target, week, projects, invalid, problems, findings, manifest };
  } catch (error) {
    out.abandon();
    throw error;
  }
}
