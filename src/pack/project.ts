import type { DateTime } from 'luxon';
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
import { parseAsOf, weekStartMs } from '../time.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeFileAtomic } from '../write/atomic.ts';
import { formatJsonArrayItems, safeSegment, writePackFile, type ManifestEntry } from './output.ts';
import { projectPortfolioPart, WORK_DIR, type PortfolioProblems, type ProjectPortfolioPart } from './portfolio.ts';
import { openedInWeek, tallyFindings, type FindingTally } from './summary.ts';
import { entriesFor, type PackSpec } from './spec.ts';
import { timed, timedAsync, type StageTimes } from './timings.ts';

export { WORK_DIR };

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
  /** Work out the project's part of the portfolio documents too (not in a --shard build); detailed: the 周报 has a section per project. */
  portfolio?: { detailed: boolean };
}

export interface ProjectResult {
  file: string;
  id: string;
  name: string;
  documents: ManifestEntry[];
  /** Counts of the project's open findings. */
  tally: FindingTally;
  /**
   * Every finding of the project (closed ones too) as findings.json lays them out, and how many:
   * the main thread appends them to findings.json in project order, then lets go of them.
   */
  findings?: FormattedFindings;
  /** The project's part of the portfolio documents (not in a --shard build): added to the portfolio in project order, then let go of. */
  portfolio?: ProjectPortfolioPart;
  /** Open findings that opened during the week. */
  newThisWeek: number;
  /** Circuits entering the warning pool the week after `week`, for the portfolio 周报. */
  poolNextWeek: PoolEntry[];
  problems: Problem[];
  /** Conversion problems of the project's rows of the portfolio workbooks. */
  portfolioProblems?: PortfolioProblems;
  /** Milliseconds per stage of this project (load+validate, facts, each document, portfolio rows, scratch). */
  timings: StageTimes;
  /** Set on a thread's first project: its start-up until then (modules, rule files, templates), ms. */
  startupMs?: number;
}

/** Where a project's findings wait (as a JSON array) for a pass that works out its facts again (merge, the weekly report). */
export function findingsFile(staging: string, id: string): string {
  return path.join(staging, WORK_DIR, 'findings', `${safeSegment(id)}.json`);
}

/**
 * Puts a project's findings in its scratch file, for a pass that works out facts again (docpack
 * merge, the weekly report), and beside it as findings.json lays them out (formattedFindingsFile).
 */
export function writeScratchFindings(staging: string, id: string, findings: readonly Finding[]): void {
  writeFileAtomic(findingsFile(staging, id), JSON.stringify(findings));
  writeFormattedFindings(staging, id, findings);
}

/** Puts a project's findings in its scratch file as findings.json lays them out: all a build needs of them once the project is rendered. */
export function writeFormattedFindings(staging: string, id: string, findings: readonly Finding[]): void {
  writeFileAtomic(formattedFindingsFile(staging, id), `${findings.length}\n${formatJsonArrayItems(findings)}`);
}

/** A project's findings formatted as findings.json holds them, after their count on the first line: the main thread copies them. */
export function formattedFindingsFile(staging: string, id: string): string {
  return path.join(staging, WORK_DIR, 'findings', `${safeSegment(id)}.items`);
}

/** Findings as findings.json lays them out (formatJsonArrayItems), and how many they are. */
export interface FormattedFindings {
  text: string;
  count: number;
}

/** A project's findings as findings.json lays them out, and how many they are. */
export function readFormattedFindings(staging: string, id: string): FormattedFindings {
  const content = readFileSync(formattedFindingsFile(staging, id), 'utf8');
  const newline = content.indexOf('\n');
  return { count: Number(content.slice(0, newline)), text: content.slice(newline + 1) };
}

/** A project's findings, read back from its scratch file. */
export function readFindings(staging: string, id: string): Finding[] {
  return JSON.parse(readFileSync(findingsFile(staging, id), 'utf8')) as Finding[];
}

/** What a process sets up once and reuses for every project it renders. */
interface Environment {
  key: string;
  /** The job's as-of, parsed once (about half a millisecond a project otherwise). */
  asOf: DateTime;
  context: CheckContext;
  word: WordRenderer;
  specs: Map<string, LoadedSpec>;
}

let environment: Environment | undefined;
/** Whether this thread has rendered a project yet (its first one reports the thread's start-up). */
let started = false;
/** When this thread finished setting up (warmUp), ms from its start. */
let readyMs: number | undefined;

/** What a worker thread may set up before its first project (piscina's workerData), while the main thread scans the inputs. */
export interface WorkerWarmUp {
  asOf: string;
  rules: RulesOptions;
  referenceDoc?: string;
}

/** Sets up the environment of the jobs to come, so that the first project does not wait for it. */
export function warmUp(job: WorkerWarmUp): void {
  environmentFor(job);
  readyMs = performance.now();
}

function environmentFor(job: Pick<ProjectJob, 'asOf' | 'rules' | 'referenceDoc'>): Environment {
  // The working directory too: templates are named relative to it in the manifest and in errors.
  const key = JSON.stringify([job.asOf, job.rules, job.referenceDoc ?? '', process.cwd()]);
  if (environment?.key !== key) {
    const asOf = parseAsOf(job.asOf);
    if (!asOf) throw new Error(`bad as-of ${job.asOf}`);
    const context = loadCheckContext(asOf, job.rules);
    const specs = new Map(loadSheetSpecs({ labels: context.labels, sources: ROW_SOURCES }).map((spec) => [spec.name, spec]));
    const word = new WordRenderer({ calendar: context.calendar, labels: context.labels, reference: job.referenceDoc ? readReferenceDoc(job.referenceDoc) : undefined });
    environment = { key, asOf, context, word, specs };
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
  const timings: StageTimes = {};
  // performance.now() counts from the thread's start: set up (warmUp), or its first project, ends its start-up.
  const startupMs = started ? undefined : (readyMs ?? performance.now());
  started = true;
  const env = timed(timings, 'set-up', () => environmentFor(job));
  const { context, asOf } = env;
  const loaded = timed(timings, 'load+validate', () => loadRecordFile(job.file));
  if (!loaded.record) throw new Error(`${job.file} changed while the pack was being built`);
  const week = parseIsoWeek(job.week);
  // The facts stage, once: the record as known at the as-of, its clocks, findings and derived facts.
  const facts = timed(timings, 'facts', () => projectFacts(loaded.record as NonNullable<typeof loaded.record>, context, { week }));
  const { record } = facts;
  const dir = `projects/${safeSegment(record.id)}`;
  // Name the record in every problem: clock problems otherwise carry only a field path.
  const problems: Problem[] = facts.problems.map((problem) => ({ ...problem, file: problem.file ?? job.file }));
  const open = facts.findings.filter((finding) => finding.closedAt === null);
  const documents: ManifestEntry[] = [];
  const sources = buildRowSources({ projects: [facts], labels: context.labels });
  for (const entry of entriesFor(job.pack, record)) {
    try {
      if (entry.kind === 'word') {
        const kind = findDocumentKind(entry.template);
        if (!kind) continue;
        const rendered = await timedAsync(timings, `word: ${entry.template}`, () => env.word.renderRecord(record, [kind], { asOf, calendar: context.calendar, facts, findings: open }));
        for (const document of rendered) {
          documents.push(timed(timings, 'write', () => writePackFile(job.staging, `${dir}/${documentFileName(document.fileName)}`, document.bytes, document.template, [job.file])));
        }
      } else {
        const spec = env.specs.get(entry.template);
        if (!spec) continue;
        const rendered = await timedAsync(timings, `excel: ${entry.template}`, () => renderWorkbook({ spec: spec.spec, specFile: spec.file, sources, asOf, calendar: context.calendar, labels: context.labels, subtitle: `${record.id} ${record.name}` }));
        problems.push(...rendered.report.problems.map((problem) => ({ ...problem, file: problem.file ?? job.file })));
        documents.push(timed(timings, 'write', () => writePackFile(job.staging, `${dir}/${documentFileName(`${spec.spec.fileName ?? spec.spec.title}.xlsx`)}`, rendered.data, spec.file, [job.file])));
      }
    } catch (error) {
      if (!(error instanceof DocpackError)) throw error;
      // One document that cannot be rendered (e.g. a plan past the calendar's years) fails alone.
      problems.push({ ...error.problem, message: `${record.id} ${entry.template}: ${error.problem.message}`, file: error.problem.file ?? job.file });
    }
  }
  // The project's part of the portfolio, from the same facts: the main thread never reads the record again.
  const portfolio = job.portfolio;
  const { part, problems: portfolioProblems } = portfolio
    ? timed(timings, 'portfolio rows', () => projectPortfolioPart({ facts, pack: job.pack, specs: env.specs, sources, context, asOf, week, detailed: portfolio.detailed }))
    : { part: undefined, problems: {} };
  // Findings go back formatted, as findings.json holds them: the main thread appends them to the file
  // in project order as the projects come back, and holds counts, not a province's 250,000 findings.
  const findings = timed(timings, 'format findings', () => ({ text: formatJsonArrayItems(facts.findings), count: facts.findings.length }));
  const startMs = weekStartMs(week);
  return {
    file: job.file,
    id: record.id,
    name: record.name,
    documents,
    tally: tallyFindings(facts.findings),
    findings,
    ...(part ? { portfolio: part } : {}),
    newThisWeek: open.filter((finding) => openedInWeek(finding, startMs)).length,
    poolNextWeek: [...facts.poolNextWeek],
    problems,
    ...(Object.keys(portfolioProblems).length > 0 ? { portfolioProblems } : {}),
    timings,
    ...(startupMs !== undefined ? { startupMs } : {}),
  };
}
