import type { CheckContext } from '../alerts/pipeline.ts';
import type { Finding } from '../alerts/types.ts';
import { loadCheckContext, type RulesOptions } from '../facts/context.ts';
import { DocpackError, type Problem } from '../errors.ts';
import { buildRowSources, ROW_SOURCES } from '../render/excel/sources.ts';
import { loadSheetSpecs, type LoadedSpec } from '../render/excel/spec.ts';
import { renderWorkbook } from '../render/excel/render.ts';
import { findDocumentKind } from '../render/word/documents.ts';
import { parseIsoWeek, type IsoWeek } from '../time.ts';
import { readReferenceDoc } from '../render/word/docx.ts';
import { projectFacts, type PoolEntry } from '../facts/facts.ts';
import { WordRenderer } from '../render/word/render.ts';
import { loadRecordFile } from '../records/load.ts';
import { parseAsOf, timeToEpochMs } from '../time.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../write/atomic.ts';
import { safeSegment, writePackFile, type ManifestEntry } from './output.ts';
import { tallyFindings, type FindingTally } from './summary.ts';
import { entriesFor, type PackSpec } from './spec.ts';

/** Everything one project needs to be rendered, as plain data: it crosses to a worker thread. */
export interface ProjectJob {
  file: string;
  /** The staging directory of the pack; the job writes projects/<id>/ below it. */
  staging: string;
  asOf: string;
  week: string;
  pack: PackSpec;
  rules: RulesOptions;
  referenceDoc?: string;
}

export interface ProjectResult {
  file: string;
  id: string;
  name: string;
  documents: ManifestEntry[];
  /** Counts of the project's open findings; the findings themselves are in findingsFile. */
  tally: FindingTally;
  /** Open findings that opened during the week. */
  newThisWeek: number;
  /** Circuits entering the warning pool the week after `week`, for the portfolio 周报. */
  poolNextWeek: PoolEntry[];
  problems: Problem[];
}

/** Where a project's findings wait (as a JSON array) until findings.json and the portfolio read them. */
export function findingsFile(staging: string, id: string): string {
  return path.join(staging, WORK_DIR, 'findings', `${safeSegment(id)}.json`);
}

/** Scratch space inside the staging directory; removed before the pack is swapped in. */
export const WORK_DIR = '.work';

/** Puts a project's findings in its scratch file. */
export function writeScratchFindings(staging: string, id: string, findings: readonly Finding[]): void {
  writeFileAtomic(findingsFile(staging, id), JSON.stringify(findings));
}

/** A project's findings, read back from its scratch file. */
export function readFindings(staging: string, id: string): Finding[] {
  return JSON.parse(readFileSync(findingsFile(staging, id), 'utf8')) as Finding[];
}

/** What a process sets up once and reuses for every project it renders. */
interface Environment {
  key: string;
  context: CheckContext;
  word: WordRenderer;
  specs: Map<string, LoadedSpec>;
}

let environment: Environment | undefined;

function environmentFor(job: ProjectJob): Environment {
  // The working directory too: templates are named relative to it in the manifest and in errors.
  const key = JSON.stringify([job.asOf, job.rules, job.referenceDoc ?? '', process.cwd()]);
  if (environment?.key !== key) {
    const asOf = parseAsOf(job.asOf);
    if (!asOf) throw new Error(`bad as-of ${job.asOf}`);
    const context = loadCheckContext(asOf, job.rules);
    const specs = new Map(loadSheetSpecs({ labels: context.labels, sources: ROW_SOURCES }).map((spec) => [spec.name, spec]));
    const word = new WordRenderer({ calendar: context.calendar, labels: context.labels, reference: job.referenceDoc ? readReferenceDoc(job.referenceDoc) : undefined });
    environment = { key, context, word, specs };
  }
  return environment;
}

const UNSAFE = /[\\/:*?"<>|\u0000-\u001f]/;

/** A document file name from a template (titles are Chinese): never a path. */
export function documentFileName(name: string): string {
  if (UNSAFE.test(name) || name === '.' || name === '..' || name.startsWith('.')) throw new Error(`unsafe file name "${name}"`);
  return name;
}

/**
 * Renders one project: reads its record again, runs clocks and alerts, writes the documents the
 * pack definition gives it. A document that cannot be rendered fails alone, as a problem.
 */
export async function renderProject(job: ProjectJob): Promise<ProjectResult> {
  const env = environmentFor(job);
  const { context } = env;
  const asOf = parseAsOf(job.asOf);
  if (!asOf) throw new Error(`bad as-of ${job.asOf}`);
  const loaded = loadRecordFile(job.file);
  if (!loaded.record) throw new Error(`${job.file} changed while the pack was being built`);
  const week = parseIsoWeek(job.week);
  // The facts stage, once: the record as known at the as-of, its clocks, findings and derived facts.
  const facts = projectFacts(loaded.record, context, { week });
  const { record } = facts;
  const dir = `projects/${safeSegment(record.id)}`;
  // Name the record in every problem: clock problems otherwise carry only a field path.
  const problems: Problem[] = facts.problems.map((problem) => ({ ...problem, file: problem.file ?? job.file }));
  const open = facts.findings.filter((finding) => finding.closedAt === null);
  const documents: ManifestEntry[] = [];
  for (const entry of entriesFor(job.pack, record)) {
    try {
      if (entry.kind === 'word') {
        const kind = findDocumentKind(entry.template);
        if (!kind) continue;
        for (const document of await env.word.renderRecord(record, [kind], { asOf, calendar: context.calendar, facts, findings: open })) {
          documents.push(writePackFile(job.staging, `${dir}/${documentFileName(document.fileName)}`, document.bytes, document.template, [job.file]));
        }
      } else {
        const spec = env.specs.get(entry.template);
        if (!spec) continue;
        const sources = buildRowSources({ projects: [facts], labels: context.labels });
        const rendered = await renderWorkbook({ spec: spec.spec, specFile: spec.file, sources, asOf, calendar: context.calendar, labels: context.labels, subtitle: `${record.id} ${record.name}` });
        problems.push(...rendered.report.problems.map((problem) => ({ ...problem, file: problem.file ?? job.file })));
        documents.push(writePackFile(job.staging, `${dir}/${documentFileName(`${spec.spec.fileName ?? spec.spec.title}.xlsx`)}`, rendered.data, spec.file, [job.file]));
      }
    } catch (error) {
      if (!(error instanceof DocpackError)) throw error;
      // One document that cannot be rendered (e.g. a plan past the calendar's years) fails alone.
      problems.push({ ...error.problem, message: `${record.id} ${entry.template}: ${error.problem.message}`, file: error.problem.file ?? job.file });
    }
  }
  // Findings go to disk, not back to the main thread: a province's run holds counts, not 250,000 findings.
  writeScratchFindings(job.staging, record.id, facts.findings);
  const weekStartMs = timeToEpochMs(`${week.start}T00:00:00+08:00`);
  return {
    file: job.file,
    id: record.id,
    name: record.name,
    documents,
    tally: tallyFindings(facts.findings),
    newThisWeek: open.filter((finding) => finding.openedAt !== null && timeToEpochMs(finding.openedAt) >= weekStartMs).length,
    poolNextWeek: [...facts.poolNextWeek],
    problems,
  };
}
