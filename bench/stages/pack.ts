// The whole pack: docpack build over a sample of the synthetic portfolio, into a temporary folder,
// with the pipeline's stage timers (BuildResult.timings): at the default concurrency, and once more
// on one core (concurrency 1) as the reference the parallel efficiency is measured against.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BuildTimings } from '../../src/pack/timings.ts';
import type { StageResult } from '../types.ts';
import { peakRssMiB } from '../timing.ts';

/** A pack row of the bench, with the run's own stage timers. */
export interface PackStageResult extends StageResult {
  timings?: BuildTimings;
  /** The projects the run built (the reference may build fewer than the bench's size). */
  built?: number;
  /** 'parallel' (default concurrency) or 'one-core' (concurrency 1, the reference). */
  run?: 'parallel' | 'one-core';
  /** User + system CPU seconds of the process (all threads). */
  cpuSeconds?: number;
}

/**
 * The compiled pipeline (dist/, built by run.ts first when stale), as `docpack build` runs it: its
 * worker threads then load the compiled entry too, not the TypeScript sources through tsx.
 */
async function compiled(): Promise<{ buildPack: typeof import('../../src/pack/build.ts').buildPack; loadCheckContext: typeof import('../../src/facts/context.ts').loadCheckContext; loadPackSpec: typeof import('../../src/pack/spec.ts').loadPackSpec; parseAsOf: typeof import('../../src/time.ts').parseAsOf }> {
  const dist = new URL('../../dist/', import.meta.url);
  const load = async <T>(file: string): Promise<T> => (await import(new URL(file, dist).href)) as T;
  const [{ buildPack }, { loadCheckContext }, { loadPackSpec }, { parseAsOf }] = await Promise.all([
    load<typeof import('../../src/pack/build.ts')>('pack/build.js'),
    load<typeof import('../../src/facts/context.ts')>('facts/context.js'),
    load<typeof import('../../src/pack/spec.ts')>('pack/spec.js'),
    load<typeof import('../../src/time.ts')>('time.js'),
  ]);
  return { buildPack, loadCheckContext, loadPackSpec, parseAsOf };
}

export async function benchPack(files: string[], run: 'parallel' | 'one-core' = 'parallel'): Promise<PackStageResult[]> {
  const { buildPack, loadCheckContext, loadPackSpec, parseAsOf } = await compiled();
  const asOf = parseAsOf('2026-11-25T09:00:00+08:00');
  if (!asOf) throw new Error('bad as-of');
  const out = mkdtempSync(path.join(tmpdir(), 'docpack-bench-pack-'));
  settleDisk();
  try {
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const result = await buildPack({ inputs: files, outDir: out, asOf, context: loadCheckContext(asOf), pack: loadPackSpec(), ...(run === 'one-core' ? { concurrency: 1 } : {}) });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const documents = result.manifest.filter((file) => /\.(docx|xlsx)$/.test(file.path)).length;
    const label = run === 'one-core' ? 'build on one core (reference)' : 'build: whole pack';
    return [
      { stage: `${label}, ${documents} documents`, unit: 'projects', items: result.projects.length, seconds, peakRssMiB: peakRssMiB(), timings: result.timings, built: result.projects.length, run, cpuSeconds, ...(run === 'one-core' ? { again: true } : {}) },
      ...(run === 'parallel' ? [{ stage: 'build: documents written', unit: 'documents', items: documents, seconds, peakRssMiB: peakRssMiB(), again: true }] : []),
    ];
  } finally {
    rmSync(out, { recursive: true, force: true });
    settleDisk();
  }
}

/**
 * Flushes what earlier stages wrote and deleted (`sync`) before a timed run and after a pack is removed:
 * on this machine's disk (ext4 mounted with discard) creating files took 5–10x longer for a minute after a
 * 1.3 GB pack was deleted, and the next run's writing stage paid for it.
 */
function settleDisk(): void {
  spawnSync('sync', { stdio: 'ignore' });
}

const sum = (times: Readonly<Record<string, number>>): number => Object.values(times).reduce((total, ms) => total + ms, 0);

/**
 * The parallel efficiency of a pack run and where the rest of the machine went, as lines:
 * efficiency = (sum of the stage times of the one-core run, scaled to the parallel run's projects) /
 * (cores × wall of the parallel run).
 */
export function efficiencyReport(parallel: PackStageResult, reference: PackStageResult, cores: number): { efficiency: number; lines: string[] } {
  const p = parallel.timings as BuildTimings;
  const r = reference.timings as BuildTimings;
  const scale = (parallel.built ?? 1) / (reference.built ?? 1);
  // Older results (bench/results.json of earlier runs) have no overlap timers.
  const overlapOf = (t: BuildTimings): number => sum(t.overlap ?? {});
  const oneCore = (sum(r.project) + sum(r.main) + overlapOf(r)) * scale;
  const capacity = cores * p.wallMs;
  const efficiency = oneCore / capacity;
  const s = (ms: number): string => `${(ms / 1000).toFixed(1).padStart(7)} s`;
  const share = (ms: number): string => `${((ms / capacity) * 100).toFixed(1).padStart(5)}%`;
  const mainSerial = sum(p.main);
  const projectParallel = sum(p.project);
  const lines: string[] = [];
  lines.push(`pack parallel efficiency, ${parallel.built} projects on ${cores} cores: ${(efficiency * 100).toFixed(1)}%`);
  lines.push(`  one-core stage sum${scale !== 1 ? ` (${reference.built} projects, scaled ×${scale.toFixed(2)})` : ''} ${s(oneCore)}   cores × wall ${s(capacity)} (wall ${s(p.wallMs)}, ${(parallel.cpuSeconds ?? 0).toFixed(1)} s CPU)`);
  lines.push('  one-core stages:');
  const stages = Object.entries(r.project).sort(([, a], [, b]) => b - a);
  for (const [stage, ms] of stages) lines.push(`    project: ${stage.padEnd(40)}${s(ms * scale)} ${share(ms * scale)}`);
  for (const [stage, ms] of Object.entries(r.overlap ?? {})) lines.push(`    main, while rendering: ${stage.padEnd(26)}${s(ms * scale)} ${share(ms * scale)}`);
  for (const [stage, ms] of Object.entries(r.main)) lines.push(`    main: ${stage.padEnd(43)}${s(ms * scale)} ${share(ms * scale)}`);
  // Where the rest of cores × wall goes, from the parallel run's own timers: capacity = one-core stage
  // sum + each of these, exactly (the last line is the wall time no timer covers).
  const beforeRender = (p.main['start workers'] ?? 0) + (p.main['scan inputs'] ?? 0);
  const startOverlap = Math.min(p.workerStartMs, (cores - 1) * beforeRender);
  const idleDuringSerial = (cores - 1) * mainSerial - startOverlap;
  const slowdown = projectParallel - sum(r.project) * scale;
  // The main thread's work while the workers render (findings.json, the portfolio parts) takes a core's time in the render phase.
  const mainSlowdown = mainSerial + overlapOf(p) - (sum(r.main) + overlapOf(r)) * scale;
  const renderIdle = cores * p.renderWallMs - projectParallel - overlapOf(p) - (p.workerStartMs - startOverlap);
  const untimed = cores * (p.wallMs - mainSerial - p.renderWallMs);
  lines.push('  where the rest goes (parallel run):');
  lines.push(`    ${'other cores idle while the main thread works alone'.padEnd(49)}${s(idleDuringSerial)} ${share(idleDuringSerial)}  (main: ${Object.entries(p.main).map(([stage, ms]) => `${stage} ${(ms / 1000).toFixed(1)} s`).join(', ')})`);
  lines.push(`    ${'worker start-up (modules, rule files, templates)'.padEnd(49)}${s(p.workerStartMs)} ${share(p.workerStartMs)}  (${s(startOverlap).trim()} of it while the inputs were scanned)`);
  lines.push(`    ${'project stages slower than on one core'.padEnd(49)}${s(slowdown)} ${share(slowdown)}  (${s(projectParallel).trim()} summed over ${p.threads} threads: shared caches, GC, other load)`);
  lines.push(`    ${'main-thread stages slower than on one core'.padEnd(49)}${s(mainSlowdown)} ${share(mainSlowdown)}  (of which while rendering: ${(overlapOf(p) / 1000).toFixed(1)} s)`);
  lines.push(`    ${'render phase: a core without a project'.padEnd(49)}${s(renderIdle)} ${share(renderIdle)}  (the last projects, hand-over; main thread idle ${s(p.mainWaitMs).trim()} of ${s(p.renderWallMs).trim()})`);
  lines.push(`    ${'wall time outside every timer'.padEnd(49)}${s(untimed)} ${share(untimed)}`);
  return { efficiency, lines };
}
