// One benchmark stage in its own process, so its peak RSS is its own. Prints a StageResult as JSON.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCalendar } from '../src/calendar/calendar.ts';
import { checkRecordText, loadRecords } from '../src/records/load.ts';
import type { ProjectRecord } from '../src/records/types.gen.ts';
import { benchClocks } from './stages/clocks.ts';
import { benchRules } from './stages/rules.ts';
import type { StageResult } from './types.ts';

const [stage, dataDir, repeatText] = process.argv.slice(2);
if (!stage || !dataDir) throw new Error('usage: worker.ts <stage> <data dir> [repeats]');
const repeats = Number(repeatText ?? 3);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function timeIt(fn: () => unknown): Promise<number> {
  await fn(); // warm-up: JIT and the compiled schema
  const runs: number[] = [];
  for (let run = 0; run < repeats; run += 1) {
    const started = process.hrtime.bigint();
    await fn();
    runs.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return median(runs);
}

const files = readdirSync(dataDir).filter((name) => name.endsWith('.json')).sort().map((name) => path.join(dataDir, name));
const peak = (): number => process.resourceUsage().maxRSS / 1024;
let result: StageResult | StageResult[];
const readRecords = (): ProjectRecord[] => files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as ProjectRecord);

if (stage === 'validate') {
  const texts = files.map((file) => readFileSync(file, 'utf8'));
  const floorSeconds = await timeIt(() => {
    for (const text of texts) JSON.parse(text);
  });
  const seconds = await timeIt(() => {
    for (let index = 0; index < texts.length; index += 1) {
      const outcome = checkRecordText(files[index] as string, texts[index] as string);
      if (!outcome.valid) throw new Error(`synthetic record invalid: ${JSON.stringify(outcome.problems[0])}`);
    }
  });
  result = { stage: 'parse+validate (in memory)', unit: 'records', items: texts.length, seconds, floor: { label: 'JSON.parse', seconds: floorSeconds }, peakRssMiB: peak() };
} else if (stage === 'load') {
  const floorSeconds = await timeIt(() => {
    for (const file of files) JSON.parse(readFileSync(file, 'utf8'));
  });
  let loaded = await loadRecords([dataDir]);
  const seconds = await timeIt(async () => {
    loaded = await loadRecords([dataDir]);
  });
  if (loaded.problems.length > 0) throw new Error(`synthetic records invalid: ${JSON.stringify(loaded.problems[0])}`);
  result = { stage: 'load+validate (files)', unit: 'records', items: loaded.records.length, seconds, floor: { label: 'readFile+JSON.parse', seconds: floorSeconds }, peakRssMiB: peak() };
} else if (stage === 'clocks') {
  result = await benchClocks(readRecords(), loadCalendar(), repeats);
} else if (stage === 'rules') {
  result = await benchRules(readRecords(), loadCalendar(), repeats);
} else {
  throw new Error(`unknown stage ${stage}`);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
