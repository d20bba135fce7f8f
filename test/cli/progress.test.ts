import { describe, expect, it } from 'vitest';
import { PER_PROJECT_LINES, ProgressLog } from '../../src/cli/progress.ts';

describe('progress lines without a terminal', () => {
  it('logs every project of a small run', () => {
    const lines: string[] = [];
    const log = new ProgressLog((line) => lines.push(line), () => 0);
    for (let done = 1; done <= 3; done++) log.project(done, 3, `P-${done}`, done === 2 ? 1 : 4);
    expect(lines).toEqual(['[1/3] P-1: 4 documents', '[2/3] P-2: 1 document', '[3/3] P-3: 4 documents']);
  });

  it('logs a big run every 5% (or 15 s), with documents so far and an ETA, and always the last project', () => {
    const lines: string[] = [];
    let now = 0;
    const log = new ProgressLog((line) => lines.push(line), () => now);
    const total = 10_000;
    expect(total).toBeGreaterThan(PER_PROJECT_LINES);
    for (let done = 1; done <= total; done++) {
      now = done * 25; // 40 projects a second: 250 s in all
      log.project(done, total, `P-${done}`, 4);
    }
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe('[500/10000] 5% · 2000 documents · 13 s · ETA 4 min');
    expect(lines.at(-1)).toBe('[10000/10000] 100% · 40000 documents · 250 s');
    // A slow run also logs every 15 s between the 5% steps.
    const slow: string[] = [];
    let clock = 0;
    const slowLog = new ProgressLog((line) => slow.push(line), () => clock);
    for (let done = 1; done <= 400; done++) {
      clock = done * 1000;
      slowLog.project(done, 400, `P-${done}`, 1);
    }
    expect(slow.length).toBeGreaterThan(20);
    expect(slow[0]).toBe('[15/400] 3% · 15 documents · 15 s · ETA 7 min');
  });
});
