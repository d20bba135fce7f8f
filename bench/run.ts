// npm run bench [-- --projects 2000 --circuits 20 --seed 1 --sizes 1000,10000 --skipExcel --packProjects 200 --packReference 500]
// npm run bench -- --only startup   (only the start-up section: seconds)
// npm run bench -- --only stages --stages pack --skipExcel   (the whole pack alone, with its parallel efficiency)
// Generates a seeded synthetic portfolio, runs each stage in its own process and prints
// throughput, share of time and peak RSS next to a floor measured in the same run; then times light
// commands of the compiled CLI against `node -e 0` (bench/startup.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuilt, measureStartup, startupTable, type StartupResult } from './startup.ts';
import { syntheticPortfolio } from './synthetic.ts';
import type { StageResult } from './types.ts';
import { efficiencyReport, type PackStageResult } from './stages/pack.ts';

const { values } = parseArgs({
  options: {
    projects: { type: 'string', default: '2000' },
    circuits: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    sizes: { type: 'string' },
    repeats: { type: 'string', default: '3' },
    skipExcel: { type: 'boolean', default: false },
    // Projects the whole-pack stage builds: all of each size by default, so that its time and memory growth show.
    packProjects: { type: 'string' },
    // Projects of the one-core reference run the pack's parallel efficiency is measured against: all by
    // default (the same pack at concurrency 1); N: the first N, its stage times scaled; 0: no reference.
    packReference: { type: 'string' },
    // Stages of the stages section (default: every one), e.g. --stages pack for the whole pack alone.
    stages: { type: 'string', default: 'validate,load,clocks,rules,check,word,pack' },
    // Sections to run: stages, startup (default both).
    only: { type: 'string', default: 'stages,startup' },
    startupRepeats: { type: 'string', default: '11' },
  },
});
const sections = new Set(values.only.split(','));
for (const section of sections) {
  if (section !== 'stages' && section !== 'startup') {
    console.error(`bench: --only ${section}: the sections are stages and startup`);
    process.exit(2);
  }
}
const circuits = Number(values.circuits);
const seed = Number(values.seed);
const sizes = (values.sizes ?? values.projects).split(',').map(Number);

function dataset(projects: number): string {
  const dir = path.join('bench', '.data', `s${seed}-p${projects}-c${circuits}`);
  if (!existsSync(path.join(dir, '.complete'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const record of syntheticPortfolio({ projects, circuits, seed })) {
      writeFileSync(path.join(dir, `${record.id}.json`), JSON.stringify(record, null, 2));
    }
    writeFileSync(path.join(dir, '.complete'), '');
  }
  return dir;
}

function runStage(stage: string, dir: string): StageResult[] {
  const packArgument = stage === 'pack1' ? `${values.packProjects ?? ''}:${values.packReference ?? ''}` : (values.packProjects ?? '');
  const output = execFileSync(process.execPath, ['--import', 'tsx', 'bench/worker.ts', stage, dir, values.repeats ?? '3', packArgument], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const parsed = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as StageResult | StageResult[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

const rows: (StageResult & { projects: number })[] = [];
for (const projects of sections.has('stages') ? sizes : []) {
  const dir = dataset(projects);
  const reference = values.packReference !== '0';
  const stages = values.stages.split(',');
  // The pack runs compiled, as docpack build does (its workers too): a stale dist/ is built first.
  if (stages.includes('pack')) ensureBuilt((line) => console.error(line));
  if (stages.includes('pack') && reference) stages.push('pack1');
  for (const stage of stages) for (const row of runStage(stage, dir)) rows.push({ ...row, projects });
}
// Excel is measured on generated rows (10k and 100k), independent of the portfolio size.
if (sections.has('stages') && !values.skipExcel) for (const row of runStage('excel', dataset(sizes[0] ?? 1))) rows.push({ ...row, projects: 0 });

const pad = (text: string, width: number): string => text.padEnd(width);
const rate = (items: number, seconds: number): string => (seconds > 0 ? Math.round(items / seconds).toLocaleString('en-US') : '-');
console.log(`docpack bench: Node ${process.version}, ${os.cpus().length} cores${sections.has('stages') ? `, seed ${seed}, ~${circuits} circuits/project` : ''}\n`);
if (sections.has('stages')) console.log([pad('projects', 9), pad('stage', 44), pad('items/s', 12), pad('floor', 20), pad('floor items/s', 14), pad('ratio', 7), pad('share', 7), pad('unit', 10), 'peak RSS'].join(''));
for (const projects of [...sizes, 0]) {
  const group = rows.filter((row) => row.projects === projects);
  if (group.length === 0) continue;
  const total = group.reduce((sum, row) => sum + (row.again ? 0 : row.seconds), 0);
  for (const row of group) {
    console.log(
      [
        pad(projects === 0 ? '-' : String(projects), 9),
        pad(row.stage, 44),
        pad(rate(row.items, row.seconds), 12),
        pad(row.floor?.label ?? '-', 20),
        pad(row.floor ? rate(row.items, row.floor.seconds) : '-', 14),
        pad(row.floor ? `${(row.seconds / row.floor.seconds).toFixed(2)}x` : '-', 7),
        pad(row.again ? '-' : `${Math.round((row.seconds / total) * 100)}%`, 7),
        pad(row.unit, 10),
        `${row.peakRssMiB.toFixed(0)} MiB`,
      ].join(''),
    );
  }
}
// Word documents per second per template, next to the docx floor for the same documents.
for (const row of rows) {
  const templates = (row as { templates?: { template: string; documents: number; perSecond: number; floorPerSecond: number }[] }).templates;
  if (!templates || row.again) continue;
  console.log(`\nWord per template (${row.projects} projects): documents/s, docx build+Packer floor`);
  for (const entry of templates) {
    console.log(`  ${pad(entry.template, 28)}${pad(String(entry.documents), 8)}${pad(Math.round(entry.perSecond).toLocaleString('en-US'), 10)}${Math.round(entry.floorPerSecond).toLocaleString('en-US')}`);
  }
}
// The pack's parallel efficiency against its one-core run, where the rest goes, and its growth between sizes.
const packRuns = (run: 'parallel' | 'one-core'): (PackStageResult & { projects: number })[] => rows.filter((row) => (row as PackStageResult).run === run) as (PackStageResult & { projects: number })[];
const efficiencies: { projects: number; efficiency: number }[] = [];
for (const parallel of packRuns('parallel')) {
  const reference = packRuns('one-core').find((row) => row.projects === parallel.projects);
  if (!reference?.timings || !parallel.timings) continue;
  const report = efficiencyReport(parallel, reference, os.availableParallelism());
  efficiencies.push({ projects: parallel.built ?? parallel.projects, efficiency: report.efficiency });
  console.log(`\n${report.lines.join('\n')}`);
}
const packed = packRuns('parallel');
if (packed.length >= 2) {
  const first = packed[0]!;
  const last = packed.at(-1)!;
  const size = (last.built ?? last.projects) / (first.built ?? first.projects);
  console.log(`\npack growth ${first.built ?? first.projects} -> ${last.built ?? last.projects} projects (x${size.toFixed(1)}): wall x${(last.seconds / first.seconds).toFixed(2)} (linear: x${size.toFixed(1)}; per project x${(last.seconds / first.seconds / size).toFixed(2)}), peak RSS x${(last.peakRssMiB / first.peakRssMiB).toFixed(2)} (${first.peakRssMiB.toFixed(0)} -> ${last.peakRssMiB.toFixed(0)} MiB)`);
}
// Start-up: the compiled CLI's light commands against `node -e 0`, in the same run.
let startup: StartupResult[] = [];
if (sections.has('startup')) {
  ensureBuilt((line) => console.error(line));
  startup = measureStartup(Number(values.startupRepeats));
  console.log(`\n${startupTable(startup).join('\n')}`);
}
writeFileSync(
  'bench/results.json',
  `${JSON.stringify({ node: process.version, cores: os.cpus().length, seed, circuits, rows, efficiencies, startup }, null, 2)}\n`,
);
console.log('\nwrote bench/results.json');
