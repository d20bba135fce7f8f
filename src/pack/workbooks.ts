// docpack workbook: the Excel workbooks of the sheet specs, through the same stages as build:
// load → validate → facts (clocks, alerts, derived facts) → render → write (atomically).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DateTime } from 'luxon';
import type { CheckContext } from '../alerts/pipeline.ts';
import type { Finding } from '../alerts/types.ts';
import { DocpackError, type Problem } from '../errors.ts';
import { findingsByProject, projectFacts, type ProjectFacts } from '../facts/facts.ts';
import { loadRecords } from '../records/load.ts';
import { defaultMode, renderStream, renderWorkbook, type RenderInput, type RenderReport } from '../render/excel/render.ts';
import { fixZipTimesInFile, zipTimeOf } from '../render/zip.ts';
import { buildRowSources } from '../render/excel/sources.ts';
import type { LoadedSpec } from '../render/excel/spec.ts';
import type { IsoWeek } from '../time.ts';
import { writeFileAtomic, writeFileAtomicStreamAsync } from '../write/atomic.ts';
import { tallyFindings, type FindingTally } from './summary.ts';

export interface WorkbooksOptions {
  inputs: string[];
  /** Per-project workbooks go to <out>/projects/<id>/, portfolio ones to <out>/portfolio/. */
  out: string;
  asOf: DateTime;
  context: CheckContext;
  specs: readonly LoadedSpec[];
  /** ISO week of the weekly progress rows (周报). */
  week: IsoWeek;
  /** Only these project ids. */
  only?: string[];
  /** Findings of `docpack check --json` at the same as-of: the rules are not run again. */
  findings?: readonly Finding[];
}

export interface WrittenWorkbook {
  spec: string;
  file: string;
  project?: string;
  rows: Record<string, number>;
}

export interface WorkbooksResult {
  written: WrittenWorkbook[];
  records: number;
  /** Record files that are not valid records (their problems are in `problems`). */
  skipped: { file: string; id?: string }[];
  problems: Problem[];
  /** Open findings of the records, counted (for --fail-on). */
  tally: FindingTally;
}

/**
 * Renders a workbook to `file` atomically. Memory mode: the bytes, then writeFileAtomic. Stream mode:
 * without holding the bytes — streamed into a temporary file next to the target, its zip entry times
 * fixed in place, then renamed over the target.
 */
export async function renderWorkbookToFile(input: RenderInput, file: string): Promise<RenderReport> {
  if (defaultMode(input) === 'memory') {
    const rendered = await renderWorkbook(input);
    writeFileAtomic(file, rendered.data);
    return rendered.report;
  }
  return writeFileAtomicStreamAsync(file, (put) => renderStream(input, put), (temporary) => fixZipTimesInFile(temporary, zipTimeOf(input.asOf)));
}

/** Renders the selected specs: per-project ones once per record, portfolio ones once over all records. A workbook that fails, fails alone. */
export async function writeWorkbooks(options: WorkbooksOptions): Promise<WorkbooksResult> {
  const loaded = await loadRecords(options.inputs);
  const wanted = options.only && options.only.length > 0 ? new Set(options.only) : undefined;
  if (wanted) {
    const unknown = [...wanted].filter((id) => !loaded.records.some((entry) => entry.record.id === id));
    if (unknown.length > 0) throw new DocpackError({ code: 'unknown-project', message: `--only: no project ${unknown.join(', ')} in the inputs`, hint: 'give project ids as written in the records' });
  }
  const records = loaded.records.filter((entry) => !wanted || wanted.has(entry.record.id));
  const problems: Problem[] = [...loaded.problems];
  const given = options.findings ? findingsByProject(options.findings) : undefined;
  if (given) {
    // A finding whose project is not among the records cannot be listed: say so, never drop it silently.
    for (const [project, list] of given) {
      if (records.some((entry) => entry.record.id === project)) continue;
      if (wanted && !wanted.has(project)) continue;
      problems.push({ code: 'findings-unmatched', severity: 'warning', message: `${list.length} finding${list.length === 1 ? '' : 's'} of project ${project}, which is not among the records: not listed`, hint: 'give the records the findings were computed from' });
    }
  }
  // The facts stage, once per record: every spec reads the same product.
  const facts: ProjectFacts[] = [];
  for (const { file, record } of records) {
    const product = projectFacts(record, options.context, { week: options.week, ...(given ? { findings: given.get(record.id) ?? [] } : {}) });
    problems.push(...product.problems.map((problem) => ({ ...problem, file: problem.file ?? file })));
    facts.push(product);
  }
  const written: WrittenWorkbook[] = [];
  const { context, asOf } = options;
  const attempt = async (loadedSpec: LoadedSpec, file: string, projects: readonly ProjectFacts[], project?: ProjectFacts): Promise<void> => {
    try {
      const report = await renderWorkbookToFile({
        spec: loadedSpec.spec,
        specFile: loadedSpec.file,
        sources: buildRowSources({ projects, labels: context.labels }),
        asOf,
        calendar: context.calendar,
        labels: context.labels,
        subtitle: project ? `${project.record.id} ${project.record.name}` : undefined,
      }, file);
      written.push({ spec: loadedSpec.name, file, project: project?.record.id, rows: report.rows });
      problems.push(...report.problems);
    } catch (error) {
      if (!(error instanceof DocpackError)) throw error;
      problems.push({ ...error.problem, message: `${loadedSpec.file}${project ? ` for ${project.record.id}` : ''}: ${error.problem.message}; ${path.basename(file)} not written` });
    }
  };
  for (const loadedSpec of options.specs) {
    const name = `${loadedSpec.spec.fileName ?? loadedSpec.spec.title}.xlsx`;
    if (loadedSpec.spec.scope === 'project') {
      for (const project of facts) await attempt(loadedSpec, path.join(options.out, 'projects', project.record.id, name), [project], project);
    } else {
      await attempt(loadedSpec, path.join(options.out, 'portfolio', name), facts);
    }
  }
  return {
    written,
    records: records.length,
    skipped: loaded.files.filter((file) => !file.valid).map(({ file, id }) => ({ file, ...(id !== undefined ? { id } : {}) })),
    problems,
    tally: tallyFindings(facts.flatMap((product) => product.findings)),
  };
}

const FINDING_FIELDS = ['id', 'ruleId', 'title', 'type', 'severity', 'level', 'project', 'projectName', 'message'] as const;

/** Reads --findings: `docpack check --json` output ({ findings: [...] }), a pack's findings.json, or a bare array of findings. */
export function readFindingsFile(file: string): Finding[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DocpackError({ code: 'findings-unreadable', file, message: `cannot read the findings (${error instanceof Error ? error.message : String(error)})`, hint: 'give the JSON of `docpack check --json`, or an array of findings' });
  }
  const list = Array.isArray(data) ? data : (data as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(list)) throw new DocpackError({ code: 'findings-invalid', file, message: 'expected an array of findings, or an object with "findings"' });
  list.forEach((item: unknown, index) => {
    const finding = item as Record<string, unknown> | null;
    const subject = finding?.subject as Record<string, unknown> | undefined;
    const shaped =
      finding !== null &&
      typeof finding === 'object' &&
      FINDING_FIELDS.every((field) => typeof finding[field] === 'string') &&
      typeof subject === 'object' &&
      subject !== null &&
      typeof subject.pointer === 'string' &&
      typeof subject.label === 'string' &&
      Array.isArray(finding.recipients) &&
      (finding.recipients as unknown[]).every((recipient) => typeof (recipient as { name?: unknown } | null)?.name === 'string' && typeof (recipient as { role?: unknown }).role === 'string');
    if (!shaped) {
      throw new DocpackError({
        code: 'findings-invalid',
        file,
        pointer: `/findings/${index}`,
        message: `finding ${index} lacks id, ruleId, subject or recipients (or another field of a finding: ${FINDING_FIELDS.join(', ')})`,
        hint: 'give the findings as `docpack check --json` writes them',
      });
    }
  });
  // Optional times default as the alerts stage writes them.
  return (list as Finding[]).map((finding) => ({ ...finding, due: finding.due ?? null, openedAt: finding.openedAt ?? null, closedAt: finding.closedAt ?? null, evidence: finding.evidence ?? [], escalation: finding.escalation ?? [] }));
}
