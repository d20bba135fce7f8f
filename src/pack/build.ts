import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { DateTime } from 'luxon';
import { Piscina } from 'piscina';
import type { CheckContext } from '../alerts/pipeline.ts';
import type { Finding } from '../alerts/types.ts';
import type { RulesOptions } from '../facts/context.ts';
import { DocpackError, type Problem } from '../errors.ts';
import { buildRowSources, ROW_SOURCES } from '../render/excel/sources.ts';
import type { SortedRows } from '../render/excel/sorted-rows.ts';
import { loadSheetSpecs, type LoadedSpec } from '../render/excel/spec.ts';
import { findDocumentKind } from '../render/word/documents.ts';
import { parseIsoWeek, weekOf, type IsoWeek } from '../time.ts';
import { portfolioWeeklyDetailed } from '../render/word/portfolio.ts';
import { projectFacts, type PoolEntry, type ProjectFacts } from '../facts/facts.ts';
import { WordRenderer } from '../render/word/render.ts';
import { readReferenceDoc } from '../render/word/docx.ts';
import { performance } from 'node:perf_hooks';
import { expandInputs, inputLevelProblems, loadRecordFile, scanRecords, type FileOutcome } from '../records/load.ts';
import { formatTime } from '../time.ts';
import { PackOutput, type JsonArrayWriter, type ManifestEntry } from './output.ts';
import { renderWorkbookToFile } from './workbooks.ts';
import { workerEntry, workerOptions } from '../worker-entry.ts';
import { PortfolioAssembly, projectPortfolioPart, type PortfolioProblems } from './portfolio.ts';
import { documentFileName, readFindings, readFormattedFindings, renderProject, type ProjectJob, type ProjectResult, type WorkerWarmUp } from './project.ts';
import { addTimes, timed, timedAsync, type BuildTimings, type StageTimes } from './timings.ts';
import type { PackSpec } from './spec.ts';
import { calendarHorizonWarnings, mergeTallies, renderSummary, SUMMARY_ESCALATIONS, type FindingTally } from './summary.ts';

export interface Shard {
  /** 1-based index of this slice. */
  index: number;
  count: number;
}

export interface BuildOptions {
  inputs: string[];
  /** The pack goes to <outDir>/<as-of date>/. */
  outDir: string;
  asOf: DateTime;
  context: CheckContext;
  /** Where the context's rule files came from, for worker threads to load the same. */
  rules?: RulesOptions;
  pack: PackSpec;
  /** Only these project ids (the others are still checked for duplicates and validity). */
  only?: string[];
  /** ISO week of the weekly reports; default: the week of the as-of. */
  week?: string;
  referenceDoc?: string;
  /** Worker threads rendering projects; 1 renders in this thread. Default: the number of cores. */
  concurrency?: number;
  /** Build the k-th of n slices of the projects (by a stable hash of the id); no portfolio documents. */
  shard?: Shard;
  /** Called after each project, for progress bars and log lines. */
  onProject?: (done: number, total: number, id: string, documents: number) => void;
  /** Something the user should know that does not stop the run (e.g. a project rendered on the main thread). */
  onNotice?: (message: string) => void;
}

export interface BuildResult {
  asOf: string;
  /** The pack directory. */
  out: string;
  week: string;
  shard?: string;
  projects: { id: string; file: string; documents: string[] }[];
  invalid: { file: string; id?: string; problems: Problem[] }[];
  /** Problems that did not stop the run: a document that could not be rendered, a clock error. */
  problems: Problem[];
  /** Counts of open findings (every finding is in findings.json). */
  tally: FindingTally;
  /** All findings, closed ones included. */
  findingCount: number;
  manifest: ManifestEntry[];
  /** Where the run's time went, stage by stage (docpack build --timings, npm run bench). */
  timings: BuildTimings;
}

/** Old-space limit of a worker thread, in MiB: DOCPACK_WORKER_HEAP_MB, default 512 (0: no limit). */
export function workerHeapMb(): number {
  const text = process.env.DOCPACK_WORKER_HEAP_MB;
  if (text === undefined || text === '') return 512;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new DocpackError({ code: 'bad-environment', message: `DOCPACK_WORKER_HEAP_MB="${text}" is not a whole number of MiB`, hint: 'e.g. DOCPACK_WORKER_HEAP_MB=1024, or 0 for no limit' });
  return value;
}

/** Whether a worker thread died of its memory limit (the project is then rendered again on the main thread). */
function outOfMemory(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/** The shard a project belongs to: a stable hash of its id (or of the file, for a record without one). */
export function shardOf(key: string, count: number): number {
  return (createHash('sha256').update(key).digest().readUInt32BE(0) % count) + 1;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new DocpackError({ code: 'bad-shard', message: `--shard "${text}" is not k/n with 1 ≤ k ≤ n`, hint: 'e.g. --shard 2/4' });
  return { index, count };
}

/** What shard.json says: enough for `docpack merge` to check the shards belong together. */
export interface ShardInfo {
  shard: string;
  asOf: string;
  week: string;
  invalid: BuildResult['invalid'];
  /** Problems of the inputs themselves; every shard has the same. */
  inputProblems: Problem[];
  /** The projects of the slice, with what the portfolio documents and summary.md need from each. */
  projects: { id: string; name: string; file: string; poolNextWeek: PoolEntry[]; problems: Problem[] }[];
}


/**
 * load → validate → clocks → alerts → render → write, for a folder of records: one pack per run.
 * Records are checked once up front and read again one at a time when rendered, on worker threads
 * when concurrency > 1. Invalid records fail alone (listed in the result); the rest render. The pack
 * is staged and swapped in at the end, so a failed run leaves the previous pack as it was. The files
 * are byte-identical whatever the concurrency or sharding.
 */
export async function buildPack(options: BuildOptions): Promise<BuildResult> {
  const startedMs = performance.now();
  const main: StageTimes = {};
  const { asOf } = options;
  const isoWeek = options.week ? parseIsoWeek(options.week) : weekOf(asOf);
  // Worker threads take about a second to start: they start now, and set up while the inputs are scanned.
  const pool = await timedAsync(main, 'start workers', () => startPool(options));
  try {
    const scanned = await timedAsync(main, 'scan inputs', () => scanRecords(options.inputs));
    let valid = scanned.files.filter((file) => file.valid && file.id !== undefined);
    let invalid = scanned.files.filter((file) => !file.valid).map(({ file, id, problems }) => ({ file, ...(id !== undefined ? { id } : {}), problems }));
    const inputProblems = inputLevelProblems(scanned);
    refuseEmptyRun(options.inputs, scanned.files, inputProblems);
    if (options.only && options.only.length > 0) {
      const known = new Set(scanned.files.map((file) => file.id));
      const unknown = options.only.filter((id) => !known.has(id));
      if (unknown.length > 0) throw new DocpackError({ code: 'unknown-project', message: `--only: no project ${unknown.join(', ')} in the inputs`, hint: 'give project ids as written in the records' });
      const wanted = new Set(options.only);
      valid = valid.filter((file) => wanted.has(file.id as string));
    }
    if (options.shard && options.shard.count > 1) {
      const { index, count } = options.shard;
      valid = valid.filter((file) => shardOf(file.id as string, count) === index);
      invalid = invalid.filter((file) => shardOf(file.id ?? file.file, count) === index);
    }
    valid.sort((a, b) => ((a.id as string) < (b.id as string) ? -1 : 1));
    checkPackTemplates(options.pack, options.context);

    const out = new PackOutput(path.join(options.outDir, asOf.toISODate() ?? 'pack'), { onNotice: options.onNotice });
    const sharded = options.shard !== undefined && options.shard.count > 1;
    const detailed = portfolioWeeklyDetailed(valid.length);
    // findings.json and the portfolio documents are put together while the projects render: each
    // project's findings and portfolio part are added as its render comes back, in project order.
    let findings: JsonArrayWriter | undefined;
    let assembly: PortfolioAssembly | undefined;
    try {
      findings = out.openJsonArray('findings.json', { asOf: formatTime(asOf) }, 'findings');
      assembly = sharded ? undefined : new PortfolioAssembly(options.pack, portfolioSpecs(options.context), detailed);
      const overlap: StageTimes = {};
      const projectTimes: StageTimes = {};
      const consume = collectParts(findings, assembly, overlap, projectTimes);
      const rendered = await renderProjects(valid, out.staging, isoWeek, options, pool, sharded ? undefined : { detailed }, consume);
      const { results } = rendered;
      for (const result of results) for (const document of result.documents) out.add(document);
      const portfolio: StageTimes = {};
      const portfolioProblems = assembly ? await writePortfolio(out, assembly, results, isoWeek, options, main, portfolio) : [];
      const problems = [...inputProblems, ...results.flatMap((result) => result.problems), ...portfolioProblems];
      problems.push(...calendarHorizonWarnings({ calendar: options.context.calendar, asOfMs: asOf.toMillis(), tally: mergeTallies(results.map((result) => result.tally)), problems }));
      const sources = results.map((result) => result.file).sort();
      const findingCount = timed(main, 'findings.json', () => (findings as JsonArrayWriter).finish('docpack check', sources));
      finishPack(out, { asOf, isoWeek, results, invalid, inputProblems, problems, context: options.context, shard: sharded ? options.shard : undefined, findingCount }, main);
      timed(main, 'commit', () => out.commit());
      return {
        asOf: formatTime(asOf),
        out: out.target,
        week: isoWeek.id,
        ...(sharded && options.shard ? { shard: `${options.shard.index}/${options.shard.count}` } : {}),
        projects: results.map((result) => ({ id: result.id, file: result.file, documents: result.documents.map((document) => document.path) })),
        invalid,
        problems,
        tally: mergeTallies(results.map((result) => result.tally)),
        findingCount,
        manifest: out.manifest(),
        timings: {
          wallMs: performance.now() - startedMs,
          threads: rendered.threads,
          project: projectTimes,
          main,
          overlap,
          portfolio,
          renderWallMs: rendered.wallMs,
          mainWaitMs: rendered.mainWaitMs,
          workerStartMs: rendered.workerStartMs,
        },
      };
    } catch (error) {
      findings?.abort();
      assembly?.close();
      out.abandon();
      throw error;
    }
  } finally {
    await pool?.pool.destroy();
  }
}

/** The sheet specs of the workbooks, by name. */
function portfolioSpecs(context: CheckContext): Map<string, LoadedSpec> {
  return new Map<string, LoadedSpec>(loadSheetSpecs({ labels: context.labels, sources: ROW_SOURCES }).map((spec) => [spec.name, spec]));
}

/**
 * What the main thread does with each project's result, in project order, while the others render:
 * its findings go on to findings.json and its portfolio part into the assembly, and the result lets
 * go of both (the run keeps counts, not a province's findings). What the run keeps of each result
 * is slimmed too (slimResult): its stage times are added up here, its escalations kept only while
 * summary.md still lists more.
 */
function collectParts(findings: JsonArrayWriter, assembly: PortfolioAssembly | undefined, times: StageTimes, projectTimes: StageTimes): (result: ProjectResult) => void {
  const slim = slimResult(projectTimes);
  return (result) => {
    slim(result);
    if (result.findings) {
      const chunk = result.findings;
      timed(times, 'findings.json', () => findings.add(chunk));
      delete result.findings;
    }
    if (assembly) {
      const part = result.portfolio;
      if (!part) throw new Error(`${result.file}: rendered without its part of the portfolio`);
      timed(times, 'portfolio parts', () => assembly.add(part));
      delete result.portfolio;
    }
  };
}

/** Stage times of a result whose times were added up as it came back (slimResult): shared, never written to. */
const ADDED_UP: StageTimes = Object.freeze({}) as StageTimes;

/**
 * Lets go of what the run no longer needs of each result, in project order as they come back: a
 * project's stage times go into `projectTimes`, and its open escalations (each project's tally keeps
 * up to SUMMARY_ESCALATIONS of them, message and all: about 10 KB a project) only while the run's
 * first SUMMARY_ESCALATIONS are not all in, which is all that mergeTallies keeps of them. The run's
 * tally and timings are the same; 10,000 results no longer hold a province's escalations.
 */
export function slimResult(projectTimes: StageTimes, cap = SUMMARY_ESCALATIONS): (result: Pick<ProjectResult, 'tally' | 'timings'>) => void {
  let escalations = 0;
  return (result) => {
    addTimes(projectTimes, result.timings);
    result.timings = ADDED_UP;
    const wanted = Math.max(0, cap - escalations);
    if (result.tally.escalations.length > wanted) result.tally = { ...result.tally, escalations: result.tally.escalations.slice(0, wanted) };
    escalations += result.tally.escalations.length;
  };
}

/**
 * A run that would write an empty pack is refused before anything is written, so the previous pack
 * stays: inputs that match no record file (a mistyped folder), or records none of which is valid.
 */
export function refuseEmptyRun(inputs: readonly string[], files: readonly FileOutcome[], inputProblems: readonly Problem[]): void {
  // A path that does not exist is reported as a file that cannot be read: it is no record file either.
  const found = files.filter((file) => !file.problems.some((problem) => problem.code === 'unreadable' && problem.message === 'no such file'));
  if (found.length === 0) {
    throw new DocpackError({
      code: 'no-records',
      message: `no record file in ${inputs.map((input) => `"${input}"`).join(', ')}: nothing to build; the previous pack is kept`,
      hint: 'check the path: a folder (every *.json below it), a file or a quoted glob such as "records/**/*.json"',
    });
  }
  if (!files.some((file) => file.valid)) {
    throw new DocpackError(
      {
        code: 'no-valid-records',
        message: `none of the ${files.length} record file${files.length === 1 ? ' is' : 's is'} valid: nothing to build; the previous pack is kept`,
        hint: 'fix the problems above (docpack validate lists them all)',
      },
      [...inputProblems, ...files.flatMap((file) => file.problems)],
    );
  }
}

function checkPackTemplates(pack: PackSpec, context: CheckContext): void {
  const specs = new Set(loadSheetSpecs({ labels: context.labels, sources: ROW_SOURCES }).map((spec) => spec.name));
  for (const entry of [...pack.project, ...pack.portfolio]) {
    const known = entry.kind === 'excel' ? specs.has(entry.template) : entry.template === 'portfolio-weekly' || findDocumentKind(entry.template) !== undefined;
    if (!known) {
      throw new DocpackError({
        code: 'unknown-template',
        message: `pack: no ${entry.kind} template "${entry.template}"`,
        hint: entry.kind === 'excel' ? `specs: ${[...specs].join(', ')}` : 'templates: requirements, implementation-arrangement, implementation-plan, weekly-report, portfolio-weekly',
      });
    }
  }
}

/** The concurrency the user asked for, or the default for this many projects. */
function requestedConcurrency(options: Pick<BuildOptions, 'concurrency'>, projects: number): number {
  // Starting a worker costs about a second (modules, rule files): small runs stay in this thread unless asked.
  return options.concurrency ?? (projects >= 64 ? os.availableParallelism() : 1);
}

interface WorkerPool {
  pool: Piscina<ProjectJob, ProjectResult>;
  threads: number;
  heapMb: number;
}

/**
 * Starts the worker threads before the inputs are scanned, sized by the record files found (an upper
 * bound of the projects to render), so that they load their modules, rule files and templates while
 * the main thread checks the records. Undefined when the run stays in this thread.
 */
async function startPool(options: BuildOptions): Promise<WorkerPool | undefined> {
  if (options.concurrency === 1) return undefined;
  const { files } = await expandInputs(options.inputs);
  const estimate = options.only && options.only.length > 0 ? Math.min(files.length, new Set(options.only).size) : options.shard && options.shard.count > 1 ? Math.ceil(files.length / options.shard.count) : files.length;
  const threads = Math.max(1, Math.min(requestedConcurrency(options, estimate), estimate));
  if (threads === 1) return undefined;
  // A worker renders one project at a time; a modest old-space limit makes V8 collect instead of growing
  // the heap (peak RSS), and is still far above what the largest project needs.
  const heapMb = workerHeapMb();
  const warmUp: WorkerWarmUp = { asOf: formatTime(options.asOf), rules: options.rules ?? {}, ...(options.referenceDoc ? { referenceDoc: options.referenceDoc } : {}) };
  const filename = workerEntry(import.meta.url, './worker.mjs', './worker.js', 'pack/worker.js');
  const pool = new Piscina<ProjectJob, ProjectResult>({
    filename,
    ...workerOptions(filename),
    maxThreads: threads,
    minThreads: threads,
    idleTimeout: 1000,
    // Projects start in job order (project ids): without it, piscina puts a task it could not hand
    // out at once back at the end of its queue, so every other project waited for the last ones, and
    // the results added in project order (findings.json, the portfolio) piled up meanwhile.
    stricterFIFO: true,
    workerData: { warmUp },
    ...(heapMb > 0 ? { resourceLimits: { maxOldGenerationSizeMb: heapMb } } : {}),
  });
  return { pool, threads, heapMb };
}

interface Rendered {
  /** Sorted by project id. */
  results: ProjectResult[];
  threads: number;
  wallMs: number;
  mainWaitMs: number;
  workerStartMs: number;
}

/** Renders every project, on the pool of worker threads when concurrency > 1. Results come back sorted by id. */
async function renderProjects(files: readonly FileOutcome[], staging: string, week: IsoWeek, options: BuildOptions, started: WorkerPool | undefined, portfolio: ProjectJob['portfolio'], consume: (result: ProjectResult) => void): Promise<Rendered> {
  const jobs: ProjectJob[] = files.map((file) => ({
    file: file.file,
    staging,
    asOf: formatTime(options.asOf),
    week: week.id,
    pack: options.pack,
    rules: options.rules ?? {},
    ...(options.referenceDoc ? { referenceDoc: options.referenceDoc } : {}),
    ...(portfolio ? { portfolio } : {}),
  }));
  const concurrency = Math.max(1, Math.min(requestedConcurrency(options, jobs.length), jobs.length));
  const startedMs = performance.now();
  const loopBefore = performance.eventLoopUtilization();
  let workerStartMs = 0;
  let done = 0;
  const report = (result: ProjectResult, onWorker = false): ProjectResult => {
    done += 1;
    if (onWorker && result.startupMs !== undefined) workerStartMs += result.startupMs;
    options.onProject?.(done, jobs.length, result.id, result.documents.length);
    return result;
  };
  // Results are consumed in job order (project ids), whatever order they come back in.
  const arrived = inJobOrder(consume);
  const finish = (results: ProjectResult[], threads: number): Rendered => {
    const loop = performance.eventLoopUtilization(loopBefore);
    return { results, threads, wallMs: performance.now() - startedMs, mainWaitMs: threads > 1 ? loop.idle : 0, workerStartMs };
  };
  if (concurrency === 1 || !started) {
    // Fewer projects than the files promised (invalid ones, --only): the workers started early are let go.
    if (started) void started.pool.destroy();
    const results: ProjectResult[] = [];
    for (const [index, job] of jobs.entries()) results.push(arrived(index, report(await renderProject(job))));
    return finish(results, 1);
  }
  const { pool, heapMb } = started;
  // A project too big for a worker's heap is rendered again here, one at a time, without that limit:
  // the run goes on, and says so.
  let fallback = Promise.resolve();
  const onMainThread = (job: ProjectJob): Promise<ProjectResult> => {
    const run = fallback.then(() => renderProject(job));
    fallback = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
  // A worker that dies (of its heap limit, also while loading its modules) is not always replaced:
  // when the pool has no thread left, or workers keep dying, it is given up and the projects still
  // waiting are rendered here.
  let poolFailures = 0;
  let poolGivenUp = false;
  const giveUp = (error: unknown): void => {
    if (poolGivenUp) return;
    poolGivenUp = true;
    options.onNotice?.(`worker threads failed (${(error as Error | undefined)?.message ?? String(error)}); rendering the remaining projects on the main thread`);
    void pool.destroy();
  };
  pool.on('error', (error: unknown) => {
    poolFailures += 1;
    if (pool.threads.length === 0 || poolFailures >= 2 * started.threads) giveUp(error);
  });
  // jobs are sorted by id and Promise.all keeps their order, whatever order the workers finish in.
  const render = async (job: ProjectJob): Promise<ProjectResult> => {
    try {
      if (poolGivenUp) return report(await onMainThread(job));
      return report(await pool.run(job), true);
    } catch (error) {
      if (poolGivenUp) return report(await onMainThread(job));
      if (!outOfMemory(error)) throw error;
      options.onNotice?.(`${job.file}: needed more memory than a worker has (${heapMb} MiB); rendered on the main thread instead (DOCPACK_WORKER_HEAP_MB raises the limit)`);
      if (pool.threads.length === 0) giveUp(error);
      return report(await onMainThread(job));
    }
  };
  const results = await Promise.all(jobs.map(async (job, index) => arrived(index, await render(job))));
  return finish(results, started.threads);
}

/**
 * Calls `consume` with items in the order of their index (0, 1, 2...), whatever order they arrive in:
 * one that arrives early waits for those before it, so what is put together from them (findings.json,
 * the portfolio) is the same whatever order the worker threads finish in. After `consume` throws, no
 * item is consumed again (the run fails with that error). Returns the arrival function, which gives
 * back the item it was handed.
 */
export function inJobOrder<T>(consume: (item: T) => void): (index: number, item: T) => T {
  const waiting = new Map<number, T>();
  let next = 0;
  let failed = false;
  return (index, item) => {
    if (index < next || waiting.has(index)) throw new Error(`job ${index} came back twice`);
    waiting.set(index, item);
    while (!failed && waiting.has(next)) {
      const ready = waiting.get(next) as T;
      waiting.delete(next);
      next += 1;
      try {
        consume(ready);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
    return item;
  };
}

/**
 * The facts of every project of the run, computed again on every pass from the project's record
 * and the findings its render left in the scratch file (the rules do not run again): a portfolio
 * never holds them all.
 */
export function portfolioFacts(staging: string, results: readonly Pick<ProjectResult, 'id' | 'file'>[], context: CheckContext, week: IsoWeek): Iterable<ProjectFacts> {
  return {
    *[Symbol.iterator]() {
      for (const result of results) {
        const loaded = loadRecordFile(result.file);
        // A project is never left out of the portfolio in silence: its record was valid when it was rendered.
        if (!loaded.record) throw new Error(`${result.file} changed while the pack was being built`);
        yield projectFacts(loaded.record, context, { week, findings: readFindings(staging, result.id) });
      }
    },
  };
}

/** Every finding of the run in findings order (projects by id), as findings.json lays them out, from the scratch files. */
function spilledFindings(staging: string, results: readonly Pick<ProjectResult, 'id'>[]): Iterable<{ text: string; count: number }> {
  return {
    *[Symbol.iterator]() {
      for (const result of results) yield readFormattedFindings(staging, result.id);
    },
  };
}

/**
 * The portfolio documents over every project of the run, from the assembly every project's part went
 * into (in project order): the sheets are sorted and written, the 周报 finished and rendered, all at
 * the same time, then written in pack order. No record is read again. `results` are sorted by project id.
 */
export async function writePortfolio(
  out: PackOutput,
  assembly: PortfolioAssembly,
  results: readonly (Pick<ProjectResult, 'id' | 'file' | 'poolNextWeek'> & { portfolioProblems?: PortfolioProblems })[],
  week: IsoWeek,
  options: Pick<BuildOptions, 'asOf' | 'context' | 'pack' | 'referenceDoc'>,
  times: StageTimes = {},
  /** Each document's own time; they overlap, so they are not stages of `times` (which gets their wall time, 'portfolio documents'). */
  parts: StageTimes = {},
): Promise<Problem[]> {
  const { asOf, context } = options;
  const sources = results.map((result) => result.file).sort();
  const specs = portfolioSpecs(context);
  const startedMs = performance.now();
  // The documents are put together at the same time: while one waits for zlib (a sheet's XML is
  // deflated on the thread pool), the main thread builds another's. A workbook is streamed into its
  // file in the staging folder as it is deflated (30 MB and more at 10,000 projects: never held
  // whole); the 周报 is written once rendered. Problems are reported in pack order.
  const render = async (entry: PackSpec['portfolio'][number], index: number): Promise<Problem[]> => {
    const collecting = assembly.entries[index];
    if (entry.kind === 'excel' && collecting?.kind === 'excel') {
      const spec = specs.get(entry.template) as LoadedSpec;
      const relativePath = `portfolio/${documentFileName(`${spec.spec.fileName ?? spec.spec.title}.xlsx`)}`;
      const report = await timedAsync(parts, `portfolio: ${entry.template}`, async () => {
        const precomputed = spec.spec.sheets.map((sheet, sheetIndex) => {
          const collected = collecting.sheets[sheetIndex] as SortedRows;
          collected.sort();
          const measured = collecting.measured[sheetIndex];
          return { collected, ...(measured ? { measured } : {}), problems: results.flatMap((project) => (project.portfolioProblems?.[String(index)] ?? []).filter((problem) => problem.sheet === sheet.name)) };
        });
        const rendered = await renderWorkbookToFile({ spec: spec.spec, specFile: spec.file, sources: {}, precomputed, asOf, calendar: context.calendar, labels: context.labels, mode: 'stream' }, out.stagedPath(relativePath));
        out.recordStagedFile(relativePath, spec.file, sources);
        return rendered;
      });
      // Clock problems of the records were reported, with their files, when each project was rendered.
      return report.problems;
    }
    if (entry.kind === 'word' && collecting?.kind === 'word') {
      const document = await timedAsync(parts, `portfolio: ${entry.template}`, async () => {
        const instance = collecting.weekly.finish({ asOf, week, projectCount: results.length, poolNextWeek: results.flatMap((result) => result.poolNextWeek) });
        const word = new WordRenderer({ calendar: context.calendar, labels: context.labels, reference: options.referenceDoc ? readReferenceDoc(options.referenceDoc) : undefined });
        return word.renderPortfolio(instance, asOf, '政企客户项目');
      });
      timed(parts, 'portfolio: write', () => out.write(`portfolio/${documentFileName(document.fileName)}`, document.bytes, document.template, sources));
      return [];
    }
    throw new Error(`portfolio entry ${index}: the assembly does not match the pack definition`);
  };
  try {
    return (await Promise.all(options.pack.portfolio.map(render))).flat();
  } finally {
    assembly.close();
    times['portfolio documents'] = (times['portfolio documents'] ?? 0) + performance.now() - startedMs;
  }
}

/**
 * Each project's part of the portfolio documents worked out here, from its record and the findings
 * in its scratch file, for a run whose projects were rendered elsewhere (docpack merge of shards),
 * and added to an assembly for writePortfolio. Returns the projects with their portfolio problems.
 */
export function portfolioFromRecords<T extends Pick<ProjectResult, 'id' | 'file'>>(out: PackOutput, results: readonly T[], week: IsoWeek, options: Pick<BuildOptions, 'asOf' | 'context' | 'pack'>): { results: (T & { portfolioProblems: PortfolioProblems })[]; assembly: PortfolioAssembly } {
  const specs = portfolioSpecs(options.context);
  const detailed = portfolioWeeklyDetailed(results.length);
  const assembly = new PortfolioAssembly(options.pack, specs, detailed);
  try {
    const facts = portfolioFacts(out.staging, results, options.context, week)[Symbol.iterator]();
    const withProblems = results.map((result) => {
      const project = facts.next().value as ProjectFacts;
      const sources = buildRowSources({ projects: [project], labels: options.context.labels });
      const { part, problems } = projectPortfolioPart({ facts: project, pack: options.pack, specs, sources, context: options.context, asOf: options.asOf, week, detailed });
      assembly.add(part);
      return { ...result, portfolioProblems: problems };
    });
    return { results: withProblems, assembly };
  } catch (error) {
    assembly.close();
    throw error;
  }
}

/** findings.json, summary.md (and shard.json for a slice), then manifest.json over everything; returns the finding count. */
export function finishPack(
  out: PackOutput,
  input: {
    asOf: DateTime;
    isoWeek: IsoWeek;
    results: readonly Pick<ProjectResult, 'id' | 'name' | 'file' | 'documents' | 'poolNextWeek' | 'tally' | 'problems'>[];
    invalid: BuildResult['invalid'];
    /** Problems of the inputs themselves (a path that matches nothing), for shard.json. */
    inputProblems: Problem[];
    /** Every problem of the run, for summary.md: the inputs', the projects', the portfolio's. */
    problems: Problem[];
    context: CheckContext;
    shard?: Shard;
    /** findings.json already written (as the projects came back), with this many findings; otherwise it is written here from the scratch files. */
    findingCount?: number;
  },
  times: StageTimes = {},
): number {
  const asOfText = formatTime(input.asOf);
  const sources = input.results.map((result) => result.file).sort();
  const count = input.findingCount ?? timed(times, 'findings.json', () => out.writeJsonArrayChunks('findings.json', { asOf: asOfText }, 'findings', spilledFindings(out.staging, input.results), 'docpack check', sources));
  const summaryStarted = performance.now();
  if (input.shard) {
    const info: ShardInfo = {
      shard: `${input.shard.index}/${input.shard.count}`,
      asOf: asOfText,
      week: input.isoWeek.id,
      invalid: input.invalid,
      inputProblems: input.inputProblems,
      projects: input.results.map((result) => ({ id: result.id, name: result.name, file: result.file, poolNextWeek: result.poolNextWeek, problems: result.problems })),
    };
    out.write('shard.json', `${JSON.stringify(info, null, 2)}\n`, 'docpack build --shard', sources);
  } else {
    const summary = renderSummary({
      asOf: asOfText,
      projects: input.results.map((result) => ({ id: result.id, name: result.name, documents: result.documents.length, open: result.tally.open })),
      invalid: input.invalid,
      problems: input.problems,
      tally: mergeTallies(input.results.map((result) => result.tally)),
      documents: out.manifest().filter((entry) => /\.(docx|xlsx)$/.test(entry.path)).length,
      labels: input.context.labels,
      provisionalYears: input.context.calendar.provisionalYears,
    });
    out.write('summary.md', summary, 'docpack build', sources);
  }
  out.write('manifest.json', `${JSON.stringify({ asOf: asOfText, files: out.manifest() }, null, 2)}\n`, 'docpack build', []);
  times['summary.md, manifest.json'] = (times['summary.md, manifest.json'] ?? 0) + performance.now() - summaryStarted;
  return count;
}
