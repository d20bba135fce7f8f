// One benchmark stage in its own process, so its peak RSS is its own. Prints a StageResult as JSON.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCalendar } from '../src/calendar/calendar.ts';
import { checkRecordText, loadRecords } from '../src/records/load.ts';
import type { ProjectRecord } from '../src/records/types.gen.ts';
import { benchClocks } from './stages/clocks.ts';
import { benchRules } from './stages/rules.ts';
import { benchWord } from './stages/word.ts';
import { benchExcel } from './stages/excel.ts';
import { benchPack } from './stages/pack.ts';
import { benchCheck } from './stages/check.ts';
import type { StageResult } from './types.ts';
import { peakRssMiB, timeIt } from './timing.ts';

const [stage, dataDir, repeatText, packProjectsText] = process.argv.slice(2);
if (!stage || !dataDir) throw new Error('usage: worker.ts <stage> <data dir> [repeats] [pack projects[:reference projects]]');
const repeats = Number(repeatText ?? 3);



const files = readdirSync(dataDir).filter((name) => name.endsWith('.json')).sort().map((name) => path.join(dataDir, name));
const peak = peakRssMiB;
let result: StageResult | StageResult[];
const readRecords = (): ProjectRecord[] => files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as ProjectRecord);

if (stage === 'validate') {
  const texts = files.map((file) => readFileSync(file, 'utf8'));
  const floorSeconds = await timeIt(repeats, () => {
    for (const text of texts) JSON.parse(text);
  });
  const seconds = await timeIt(repeats, () => {
    for (let index = 0; index < texts.length; index += 1) {
      const outcome = checkRecordText(files[index] as string, texts[index] as string);
      if (!outcome.valid) throw new Error(`synthetic record invalid: ${JSON.stringify(outcome.problems[0])}`);
    }
  });
  result = { stage: 'parse+validate (in memory)', unit: 'records', items: texts.length, seconds, floor: { label: 'JSON.parse', seconds: floorSeconds }, peakRssMiB: peak() };
} else if (stage === 'load') {
  const floorSeconds = await timeIt(repeats, () => {
    for (const file of files) JSON.parse(readFileSync(file, 'utf8'));
  });
  let loaded: Awaited<ReturnType<typeof loadRecords>> | undefined;
  const seconds = await timeIt(repeats, async () => {
    loaded = await loadRecords([dataDir]);
  });
  if (!loaded || loaded.problems.length > 0) throw new Error(`synthetic records invalid: ${JSON.stringify(loaded?.problems[0])}`);
  result = { stage: 'load+validate (files)', unit: 'records', items: loaded.records.length, seconds, floor: { label: 'readFile+JSON.parse', seconds: floorSeconds }, peakRssMiB: peak() };
} else if (stage === 'clocks') {
  result = await benchClocks(readRecords(), loadCalendar(), repeats);
} else if (stage === 'rules') {
  result = await benchRules(readRecords(), loadCalendar(), repeats);
} else if (stage === 'word') {
  // About 80 documents/s: a sample of the portfolio keeps the run short.
  const word = await benchWord(readRecords().slice(0, 100), loadCalendar());
  // The same run against the bare floor: the finished parts zipped with fflate.
  const bare: StageResult = {
    stage: 'render Word, vs its parts zipped',
    unit: word.unit,
    items: word.items,
    seconds: word.seconds,
    floor: { label: 'bare XML+fflate', seconds: word.items / word.bareFloorPerSecond },
    peakRssMiB: word.peakRssMiB,
    again: true,
  };
  result = [word, bare];
} else if (stage === 'excel') {
  result = await benchExcel([10_000, 100_000]);
} else if (stage === 'check') {
  result = await benchCheck(files, repeats);
} else if (stage === 'pack') {
  result = await benchPack(packProjectsText ? files.slice(0, Number(packProjectsText)) : files);
} else if (stage === 'pack1') {
  // The one-core reference of the pack's parallel efficiency: the same pack at concurrency 1 (on the first N projects with --packReference N).
  const [count, reference] = (packProjectsText ?? '').split(':');
  const projects = count ? files.slice(0, Number(count)) : files;
  result = await benchPack(reference ? projects.slice(0, Number(reference)) : projects, 'one-core');
} else {
  throw new Error(`unknown stage ${stage}`);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
