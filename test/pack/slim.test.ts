import { describe, expect, it } from 'vitest';
import { slimResult } from '../../src/pack/build.ts';
import { emptyTally, mergeTallies, type FindingTally } from '../../src/pack/summary.ts';
import type { StageTimes } from '../../src/pack/timings.ts';

function tallyWith(project: string, escalations: number): FindingTally {
  const tally = emptyTally();
  tally.open = escalations + 1;
  tally.escalationsOpen = escalations;
  tally.byLevel = { group: { warning: 1, escalation: escalations } };
  for (let i = 0; i < escalations; i++) tally.escalations.push({ project, subject: { label: `${project}-${i}` }, ruleId: 'r', level: 'group', due: '2026-11-06T23:59:59+08:00', message: `m${i}` });
  return tally;
}

describe('slimming results as they come back', () => {
  it('keeps the run tally and the summed stage times the same, holding only the escalations summary.md lists', () => {
    const counts = [3, 0, 5, 4, 2, 7];
    const results = counts.map((count, index) => ({ tally: tallyWith(`P${index}`, count), timings: { facts: index + 1, write: 2 } as StageTimes }));
    const before = mergeTallies(results.map((result) => structuredClone(result.tally)), 10);
    const times: StageTimes = {};
    const slim = slimResult(times, 10);
    for (const result of results) slim(result);
    expect(mergeTallies(results.map((result) => result.tally), 10)).toEqual(before);
    expect(results.map((result) => result.tally.escalations.length)).toEqual([3, 0, 5, 2, 0, 0]);
    // Counts are kept whole: only the listed escalations are dropped.
    expect(results.map((result) => result.tally.escalationsOpen)).toEqual(counts);
    expect(times).toEqual({ facts: 21, write: 12 });
    expect(results.every((result) => Object.keys(result.timings).length === 0)).toBe(true);
  });
});
