import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';

const AS_OF = '2026-11-25T09:00:00+08:00';

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

describe('docpack explain speaks to a non-programmer', () => {
  it('takes the id check prints, and shows the clock behind the rule and when the finding climbed each level', async () => {
    const result = await run(['explain', 'fixtures/projects', '--rule', 'circuit-overdue', '--subject', 'GD-ZH-MSTP-20261103-05', '--as-of', AS_OF]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toContain('P2026-MFG-012 GD-ZH-MSTP-20261103-05 (/orders/0/circuits/4): escalation at 省 province');
    expect(lines).toContain('    due      2026-11-20 23:59');
    expect(lines).toContain('    variant  default');
    expect(lines).toContain('    state    breached: not done, 5 calendar days past the due 2026-11-20 23:59');
    // Due Fri 11-20 end of day; 1 working day open at local (Mon 11-23), raised at 00:00 of 11-24.
    expect(lines).toContain('  opened   2026-11-20 23:59 at 本地网 local');
    expect(lines).toContain('  raised   2026-11-24 00:00 to 省 province (open 1 working day at 本地网 local)');
    expect(lines).toContain('  next     集团 group after 2 working days open at 省 province');
    // Only that subject, of every record in the folder.
    expect(result.stdout.match(/^P2026-/gm)?.length).toBe(1);
  });

  it('says why a deadline was breached when the step was done late, and which variant set it', async () => {
    const result = await run(['explain', 'fixtures/projects/P2026-EDU-008.json', '--rule', 'plan-late', '--subject', 'ORD-SG-20260928-0145', '--as-of', AS_OF]);
    expect(result.stdout).toContain('deadline plan-due (制定实施方案 implementation plan): within 2 working days of survey.doneAt');
    expect(result.stdout).toMatch(/variant {2}complex — /);
    expect(result.stdout).toContain('state    breached: done 2026-10-14 10:00, 2 working days after the due');
    expect(result.stdout).toContain('closed   2026-10-14 10:00: it stays at 本地网 local');
  });

  it('weekly clocks: the subject with its week, as check prints it', async () => {
    const result = await run(['explain', 'fixtures/projects/P2026-FIN-002.json', '--rule', 'weekly-report-missing', '--subject', 'ORD-GD-20261023-0588 2026-W47', '--as-of', AS_OF, '--json']);
    const parsed = JSON.parse(result.stdout) as { subjects: { occurrence: string; clocks: { occurrence: string; state: string }[]; finding: { subject: { label: string } } }[] };
    expect(parsed.subjects).toHaveLength(1);
    expect(parsed.subjects[0]!.clocks).toEqual([expect.objectContaining({ occurrence: '2026-W47', state: 'breached' })]);
    expect(parsed.subjects[0]!.finding.subject.label).toBe('ORD-GD-20261023-0588 2026-W47');
  });

  it('a folder explains every record, not only the first', async () => {
    const result = await run(['explain', 'fixtures/projects', '--rule', 'serious-fault-key-customer', '--as-of', AS_OF, '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { projects: string[]; subjects: { project: string; finding: unknown }[] };
    const withFindings = [...new Set(parsed.subjects.filter((subject) => subject.finding).map((subject) => subject.project))];
    expect(withFindings).toEqual(['P2026-AS-005', 'P2026-AS-007']);
    expect(parsed.projects.length).toBeGreaterThan(2);
  });
});
