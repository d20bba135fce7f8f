// Stage timers of the pack pipeline: where a build's time goes, per stage, summed over projects.
// Cheap enough to be always on (a clock read per stage of a project); `docpack build --timings` prints
// them and `npm run bench` sets them against the wall time of the run (its parallel efficiency).
import { performance } from 'node:perf_hooks';

/** Milliseconds spent per stage, summed over every project (and thread) that ran it. */
export type StageTimes = Record<string, number>;

/** Adds `from` into `into`, stage by stage. */
export function addTimes(into: StageTimes, from: Readonly<StageTimes>): StageTimes {
  for (const [stage, ms] of Object.entries(from)) into[stage] = (into[stage] ?? 0) + ms;
  return into;
}

/** Runs `fn`, adding its time to `stage`. */
export function timed<T>(times: StageTimes, stage: string, fn: () => T): T {
  const started = performance.now();
  try {
    return fn();
  } finally {
    times[stage] = (times[stage] ?? 0) + performance.now() - started;
  }
}

/** Awaits `fn`, adding its time to `stage`. */
export async function timedAsync<T>(times: StageTimes, stage: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    times[stage] = (times[stage] ?? 0) + performance.now() - started;
  }
}

/** What a build measured of itself (BuildResult.timings). */
export interface BuildTimings {
  /** Wall time of the whole build, ms. */
  wallMs: number;
  /** Threads that rendered projects (1: the main thread alone). */
  threads: number;
  /** Per-project stages, summed over the projects, wherever they ran (workers or the main thread). */
  project: StageTimes;
  /** Stages of the main thread alone, in the order they ran: scanning the inputs, the portfolio, findings.json... */
  main: StageTimes;
  /** Stages of the main thread while the projects render (each project's findings and portfolio part added as it comes back), ms. */
  overlap: StageTimes;
  /** Each portfolio document's own time (they are put together at the same time: main's 'portfolio documents' is their wall time), ms. */
  portfolio: StageTimes;
  /** Wall time of the phase in which the projects were rendered (workers, or this thread), ms. */
  renderWallMs: number;
  /** Main-thread time spent idle while the workers rendered, ms (event-loop idle time of that phase). */
  mainWaitMs: number;
  /** Worker threads' start-up, summed: loading modules, rule files and templates before the first project. */
  workerStartMs: number;
}

/** The breakdown as lines for people: stage, seconds, share of the summed stage time. */
export function formatTimings(timings: BuildTimings): string[] {
  const lines: string[] = [];
  const total = [timings.project, timings.overlap, timings.main].reduce((sum, times) => sum + Object.values(times).reduce((part, ms) => part + ms, 0), 0);
  const row = (name: string, ms: number): string => `  ${name.padEnd(44)}${(ms / 1000).toFixed(2).padStart(9)} s${total > 0 ? `${((ms / total) * 100).toFixed(1).padStart(7)}%` : ''}`;
  lines.push(`stage times (${timings.threads} thread${timings.threads === 1 ? '' : 's'}, wall ${(timings.wallMs / 1000).toFixed(2)} s):`);
  for (const [stage, ms] of Object.entries(timings.project).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) lines.push(row(`project: ${stage}`, ms));
  for (const [stage, ms] of Object.entries(timings.overlap)) lines.push(row(`main, while rendering: ${stage}`, ms));
  for (const [stage, ms] of Object.entries(timings.main)) {
    lines.push(row(`main: ${stage}`, ms));
    // The documents overlap: their own times are shown under their wall time, not summed.
    if (stage === 'portfolio documents') for (const [part, partMs] of Object.entries(timings.portfolio ?? {})) lines.push(`  ${`main:   ${part}`.padEnd(44)}${(partMs / 1000).toFixed(2).padStart(9)} s  (at the same time)`);
  }
  lines.push(`  ${'sum of stages'.padEnd(44)}${(total / 1000).toFixed(2).padStart(9)} s`);
  lines.push(`  ${'rendering projects, wall'.padEnd(44)}${(timings.renderWallMs / 1000).toFixed(2).padStart(9)} s`);
  lines.push(`  ${'worker start-up (not in the sum)'.padEnd(44)}${(timings.workerStartMs / 1000).toFixed(2).padStart(9)} s`);
  lines.push(`  ${'main thread idle while workers render'.padEnd(44)}${(timings.mainWaitMs / 1000).toFixed(2).padStart(9)} s`);
  return lines;
}
