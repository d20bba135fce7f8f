// Benchmark of the rules stage: the shipped rules over every circuit, compiled, against a
// hand-written TypeScript check of the same conditions and against json-rules-engine itself.
import { buildFacts, compileRules, evaluateAlerts, expandSubjects, indexClocks } from '../../src/alerts/evaluate.ts';
import { loadRules } from '../../src/alerts/load.ts';
import { evaluateWithEngine } from '../../src/alerts/reference.ts';
import type { WorkingCalendar } from '../../src/calendar/types.ts';
import { computeClocks } from '../../src/clocks/compute.ts';
import { loadClockDefs } from '../../src/clocks/load.ts';
import type { ClockState } from '../../src/clocks/types.ts';
import { loadLabels } from '../../src/labels.ts';
import type { ProjectRecord } from '../../src/records/types.gen.ts';
import { timeToEpochMs } from '../../src/time.ts';
import type { StageResult } from '../types.ts';
import { peakRssMiB, timeIt } from '../timing.ts';

const AS_OF_MS = timeToEpochMs('2026-11-25T09:00:00+08:00');



const peak = peakRssMiB;

type Facts = Record<string, unknown>;

/** The circuit rules' conditions written by hand: the floor for the compiled evaluator. */
function handWritten(facts: Facts): number {
  const circuit = facts.subject as { completedAt?: string; warningFiled?: unknown };
  if (circuit.completedAt !== undefined && circuit.completedAt !== null) return 0;
  let fired = 0;
  if ((facts['clock:circuit-completion-warning'] as ClockState | undefined)?.state === 'breached' || (circuit.warningFiled !== undefined && circuit.warningFiled !== null)) fired += 1;
  if ((facts['clock:circuit-warning-pool'] as ClockState | undefined)?.state === 'breached') fired += 1;
  if ((facts['clock:circuit-completion'] as ClockState | undefined)?.state === 'breached') fired += 1;
  return fired;
}

export async function benchRules(records: ProjectRecord[], calendar: WorkingCalendar, repeats = 3): Promise<StageResult[]> {
  const rules = loadRules();
  const ruleSet = compileRules(rules);
  const circuitRules = ruleSet.bySubject.get('orders[].circuits[]') ?? [];
  const defs = loadClockDefs();
  const labels = loadLabels();
  const clocks = new Map<string, ClockState[]>(records.map((record) => [record.id, computeClocks(record, defs, calendar, AS_OF_MS)]));
  // Facts of every circuit, built once: the three measurements below evaluate the same objects.
  const circuitFacts: Facts[] = [];
  for (const record of records) {
    const input = { record, clocks: clocks.get(record.id) ?? [], calendar, asOfMs: AS_OF_MS, labels };
    const index = indexClocks(input.clocks);
    for (const instance of expandSubjects(record, 'orders[].circuits[]')) circuitFacts.push(buildFacts(input, instance, index.get(instance.pointer)));
  }
  let compiledFired = 0;
  const compiledSeconds = await timeIt(repeats, () => {
    compiledFired = 0;
    for (const facts of circuitFacts) {
      for (const entry of circuitRules) {
        facts.params = entry.rule.params ?? {};
        if (entry.predicate(facts)) compiledFired += 1;
      }
    }
  });
  let handFired = 0;
  const handSeconds = await timeIt(repeats, () => {
    handFired = 0;
    for (const facts of circuitFacts) handFired += handWritten(facts);
  });
  if (handFired !== compiledFired) throw new Error(`hand-written check fired ${handFired} times, compiled rules ${compiledFired}`);
  const sample = circuitFacts.slice(0, Math.min(2000, circuitFacts.length));
  const engineStarted = process.hrtime.bigint();
  for (const facts of sample) for (const entry of circuitRules) await evaluateWithEngine(entry.rule.conditions, facts);
  const engineSeconds = Number(process.hrtime.bigint() - engineStarted) / 1e9;

  let findings = 0;
  const fullSeconds = await timeIt(repeats, () => {
    findings = 0;
    for (const record of records) findings += evaluateAlerts({ record, clocks: clocks.get(record.id) ?? [], calendar, asOfMs: AS_OF_MS, labels }, ruleSet).findings.length;
  });
  return [
    { stage: `rules: ${circuitRules.length} circuit rules, compiled`, unit: 'circuits', items: circuitFacts.length, seconds: compiledSeconds, floor: { label: 'hand-written TS', seconds: handSeconds }, peakRssMiB: peak() },
    { stage: 'rules: json-rules-engine (sample)', unit: 'circuits', items: sample.length, seconds: engineSeconds, peakRssMiB: peak() },
    { stage: `alerts: all ${rules.length} rules → ${findings} findings`, unit: 'records', items: records.length, seconds: fullSeconds, peakRssMiB: peak() },
  ];
}
