import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedCalendarDir } from '../calendar/pinned.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import type { ClockState } from '../../src/clocks/types.ts';
import { makeCircuit, makeOrder, makeRecord } from './records.ts';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'docpack-clocks-cli-'));
  const pm = { person: { name: '李', org: '网运部', level: 'local' as const }, namedAt: '2026-09-30T16:00:00+08:00' };
  // Two projects, written in reverse id order so that sorting shows.
  const b = makeRecord({
    id: 'P-B',
    orders: [
      makeOrder({
        id: 'O-1',
        projectManager: pm,
        convertedAt: '2026-09-01T10:00:00+08:00',
        circuits: Array.from({ length: 11 }, (_, i) => makeCircuit({ id: `C-${i}` })),
      }),
    ],
  });
  const a = makeRecord({ id: 'P-A', orders: [makeOrder({ id: 'O-9', projectManager: pm, survey: { doneAt: '2026-10-08T08:00:00+08:00' } })] });
  writeFileSync(join(dir, 'b.json'), JSON.stringify(b, null, 2));
  writeFileSync(join(dir, 'a.json'), JSON.stringify(a, null, 2));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await main(['clocks', ...args], io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

describe('docpack clocks', () => {
  it('prints a table sorted by project, subject and clock', async () => {
    const { code, stdout, stderr } = await run(join(dir, 'a.json'), join(dir, 'b.json'), '--as-of', '2026-10-08T09:00:00+08:00');
    expect(stderr).not.toContain('docpack clocks:');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^project\s+subject\s+clock\s+start\s+due\s+state\s+remaining\/overdue$/);
    expect(lines[2]).toMatch(/^P-A\s+O-9\s+plan-due\s+2026-10-08 08:00\s+2026-10-09 23:59\s+running\s+1 wd left$/);
    expect(stdout).toMatch(/P-A\s+O-9\s+survey-due\s+2026-09-30 16:00\s+2026-10-09 23:59\s+met\s+1 wd spare/);
    expect(stdout).toMatch(/P-B\s+C-0\s+circuit-warning-pool\s+2026-09-01 10:00\s+2026-09-28 00:00\s+breached\s+3 wd over/);
    // C-10 (/orders/0/circuits/10) after C-2, not after C-1.
    const circuits = lines.filter((line) => line.startsWith('P-B') && line.includes('circuit-completion ')).map((line) => line.split(/\s+/)[1]);
    expect(circuits).toEqual(['C-0', 'C-1', 'C-2', 'C-3', 'C-4', 'C-5', 'C-6', 'C-7', 'C-8', 'C-9', 'C-10']);
    expect(stderr).toMatch(/clocks for 2 records as of 2026-10-08T09:00:00\+08:00/);
  });

  it('prints JSON, filtered by clock and state', async () => {
    const { code, stdout } = await run(dir, '--as-of', '2026-10-08T12:00', '--json', '--clock', 'survey-due,plan-due', '--state', 'running', '--state', 'met');
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { asOf: string; clocks: ClockState[] };
    expect(parsed.asOf).toBe('2026-10-08T12:00:00+08:00');
    expect(parsed.clocks.map((state) => [state.project, state.subject, state.clock, state.state])).toEqual([
      ['P-A', '/orders/0', 'plan-due', 'running'],
      ['P-A', '/orders/0', 'survey-due', 'met'],
      ['P-B', '/orders/0', 'survey-due', 'running'],
    ]);
    // Byte-identical on a second run.
    expect((await run(dir, '--as-of', '2026-10-08T12:00', '--json', '--clock', 'survey-due,plan-due', '--state', 'running', '--state', 'met')).stdout).toBe(stdout);
  });

  it('refuses a bad --as-of, --clock or --state with exit 2 and a message', async () => {
    const bad = await run(dir, '--as-of', '2026-10-32');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--as-of "2026-10-32" is not a time');
    expect(bad.stdout).toBe('');
    const clock = await run(dir, '--as-of', '2026-10-08', '--clock', 'survey');
    expect(clock.code).toBe(2);
    expect(clock.stderr).toContain('unknown --clock "survey"');
    expect(clock.stderr).toContain('survey-due');
    const state = await run(dir, '--as-of', '2026-10-08', '--state', 'late');
    expect(state.code).toBe(2);
    expect(state.stderr).toContain('unknown --state "late"');
    expect((await run(dir)).code).toBe(2);
  });

  it('reports and skips an invalid record, prints the others, exits 2', async () => {
    const badDir = mkdtempSync(join(tmpdir(), 'docpack-clocks-bad-'));
    try {
      writeFileSync(join(badDir, 'good.json'), JSON.stringify(makeRecord({ id: 'P-GOOD', orders: [makeOrder()] })));
      writeFileSync(join(badDir, 'bad.json'), JSON.stringify({ ...makeRecord({ id: 'P-BAD' }), phase: 'during-sale' }));
      const { code, stdout, stderr } = await run(badDir, '--as-of', '2026-10-08');
      expect(code).toBe(2);
      expect(stderr).toContain('bad.json');
      expect(stderr).toContain('1 invalid file skipped');
      expect(stdout).toContain('P-GOOD');
      expect(stdout).not.toContain('P-BAD');
    } finally {
      rmSync(badDir, { recursive: true, force: true });
    }
  });

  it('reports a date outside the calendar on stderr and exits 2, other clocks still print', async () => {
    const farDir = mkdtempSync(join(tmpdir(), 'docpack-clocks-far-'));
    try {
      const record = makeRecord({ id: 'P-FAR', orders: [makeOrder({ convertedAt: '2026-09-01T10:00:00+08:00', circuits: [makeCircuit({ requiredCompletion: '2027-03-01' })] })] });
      writeFileSync(join(farDir, 'far.json'), JSON.stringify(record));
      const { code, stdout, stderr } = await run(farDir, '--as-of', '2026-10-08', '--calendar-dir', pinnedCalendarDir());
      expect(code).toBe(2);
      expect(stderr).toMatch(/far\.json orders\[0\]\.circuits\[0\]: clock circuit-warning-pool for C-1: the working-day calendar covers 2025-2026; 2027 is needed/);
      expect(stdout).toMatch(/P-FAR\s+C-1\s+circuit-completion-warning\s/);
      expect(stdout).toMatch(/P-FAR\s+C-1\s+circuit-warning-pool\s+-\s+-\s+error/);
    } finally {
      rmSync(farDir, { recursive: true, force: true });
    }
  });
});
