import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';
import type { Finding } from '../../src/alerts/types.ts';
import { PINNED_ALERTS } from '../shipped.ts';

const AS_OF = '2026-11-25T09:00:00+08:00';

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

async function findings(args: string[]): Promise<Finding[]> {
  const result = await run(['check', '--json', '--as-of', AS_OF, ...args]);
  return (JSON.parse(result.stdout) as { findings: Finding[] }).findings;
}

function copyRules(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'docpack-rules-'));
  cpSync(PINNED_ALERTS, dir, { recursive: true });
  return dir;
}

describe('docpack check', () => {
  it('prints findings sorted deterministically, with stable ids across runs', async () => {
    const first = await findings(['fixtures/projects']);
    const second = await findings(['fixtures/projects']);
    expect(first.length).toBeGreaterThan(10);
    expect(second.map((finding) => finding.id)).toEqual(first.map((finding) => finding.id));
    const projects = first.map((finding) => finding.project);
    expect([...projects].sort()).toEqual(projects);
    expect(new Set(first.map((finding) => finding.id)).size).toBe(first.length);
  });

  it('gives every finding its rule, subject, due, message, recipients and evidence', async () => {
    for (const finding of await findings(['fixtures/projects'])) {
      expect(finding.ruleId).toMatch(/^[a-z0-9-]+$/);
      expect(finding.subject.label).toBeTruthy();
      expect(finding.message).not.toMatch(/undefined|\{\{/);
      expect(finding.evidence.length).toBeGreaterThan(0);
      expect(finding.evidence.every((item) => typeof item.result === 'boolean')).toBe(true);
      expect(['local', 'province', 'group']).toContain(finding.level);
    }
  });

  it('keeps the finding id when the subject moves in its array', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docpack-move-'));
    const record = JSON.parse(readFileSync('fixtures/projects/P2026-URG-003.json', 'utf8')) as { orders: { circuits: unknown[] }[] };
    const before = (await findings(['fixtures/projects/P2026-URG-003.json'])).map((finding) => finding.id).sort();
    record.orders[0]!.circuits.reverse();
    writeFileSync(path.join(dir, 'moved.json'), JSON.stringify(record));
    const after = (await findings([path.join(dir, 'moved.json')])).map((finding) => finding.id).sort();
    expect(after).toEqual(before);
  });

  it('exits 1 when an open finding reaches --fail-on, 0 otherwise', async () => {
    expect((await run(['check', '--as-of', AS_OF, '--fail-on', 'escalation', 'fixtures/projects'])).code).toBe(1);
    expect((await run(['check', '--as-of', AS_OF, '--fail-on', 'warning', 'fixtures/projects/P2026-GOV-001.json'])).code).toBe(0);
    expect((await run(['check', '--as-of', AS_OF, '--fail-on', 'sometimes', 'fixtures/projects'])).code).toBe(2);
  });

  it('still checks the valid records when one is invalid, and exits 2', async () => {
    const result = await run(['check', '--as-of', AS_OF, 'fixtures/projects/P2026-URG-003.json', 'fixtures/invalid/bad-enum.json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('P2026-URG-003');
    expect(result.stderr).toContain('bad-enum.json:6:12');
  });

  it('adding a rule file, with no change to src/, adds findings', async () => {
    const dir = copyRules();
    const before = await findings(['--rules', dir, 'fixtures/projects']);
    writeFileSync(
      path.join(dir, 'big-project.json'),
      JSON.stringify({
        $schema: './alert.schema.json',
        id: 'big-project',
        title: '电路数量较多的定单',
        description: 'Team rule: orders with 3 or more circuits get a heads-up.',
        severity: 'info',
        type: 'warning',
        level: 'local',
        subject: 'orders[].circuits[]',
        notify: ['projectManager'],
        params: { bandwidth: '10G' },
        conditions: { all: [{ fact: 'subject', path: '$.bandwidth', operator: 'equal', value: { fact: 'params', path: '$.bandwidth' } }] },
        message: '电路 {{subject.id}} 带宽 {{params.bandwidth}}',
      }),
    );
    const after = await findings(['--rules', dir, 'fixtures/projects']);
    const added = after.filter((finding) => finding.ruleId === 'big-project');
    expect(added.length).toBeGreaterThan(0);
    expect(after.length).toBe(before.length + added.length);
    expect(added[0]?.message).toMatch(/^电路 \S+ 带宽 10G$/);
  });

  it('changing a number in a rule file changes the escalation', async () => {
    const dir = copyRules();
    const file = path.join(dir, 'order-returned-without-reason.json');
    const levelWith = async (): Promise<string | undefined> =>
      (await findings(['--rules', dir, 'fixtures/projects'])).find((finding) => finding.ruleId === 'order-returned-without-reason')?.level;
    const rule = JSON.parse(readFileSync(file, 'utf8')) as { escalation: { local: number; province: number } };
    rule.escalation = { local: 100, province: 100 };
    writeFileSync(file, JSON.stringify(rule));
    expect(await levelWith()).toBe('local');
    rule.escalation = { local: 1, province: 100 };
    writeFileSync(file, JSON.stringify(rule));
    expect(await levelWith()).toBe('province');
  });
});

describe('docpack rules lint', () => {
  it('passes on the shipped rules and clocks', async () => {
    const result = await run(['rules', 'lint', '--rules', 'rules/alerts', '--deadlines', 'rules/deadlines']);
    expect(result.stdout).toMatch(/\d+ rules, \d+ clocks: no problems/);
    expect(result.code).toBe(0);
  });

  it('names file:line:column for unknown facts, paths, clocks, parameters and placeholders', async () => {
    const dir = copyRules();
    const file = path.join(dir, 'plan-late.json');
    const rule = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    rule.conditions = {
      all: [
        { fact: 'clock:plan-due', path: '$.state', operator: 'equal', value: 'breached' },
        { fact: 'subject', path: '$.complexty', operator: 'equal', value: 'complex' },
        { fact: 'clock:no-such-clock', path: '$.state', operator: 'equal', value: 'breached' },
        { fact: 'params', path: '$.limit', operator: 'greaterThan', value: 1 },
        { fact: 'clock:circuit-completion', path: '$.state', operator: 'equal', value: 'breached' },
      ],
    };
    rule.message = '{{subject.idd}} {{params.missing}} {{subject.complexity|label:nope}}';
    writeFileSync(file, JSON.stringify(rule, null, 2));
    const result = await run(['rules', 'lint', '--rules', dir]);
    expect(result.code).toBe(2);
    const lines = result.stdout.split('\n').filter((line) => line.includes('plan-late.json:'));
    expect(lines.length).toBe(7);
    expect(result.stdout).toContain('"subject" has no field complexty in the record schema');
    expect(result.stdout).toContain('no deadline clock "no-such-clock"');
    expect(result.stdout).toContain('parameter "limit" is not defined');
    expect(result.stdout).toContain('clock "circuit-completion" is kept per circuit');
    expect(result.stdout).toContain('{{subject.idd}}');
    expect(result.stdout).toContain('{{params.missing}}');
    expect(result.stdout).toContain('no label group "nope"');
    expect(lines.every((line) => /plan-late\.json:\d+:\d+ /.test(line))).toBe(true);
  });

  it('refuses a bracketed path name json-rules-engine would read as JSONPath syntax', async () => {
    const dir = copyRules();
    const file = path.join(dir, 'requirements-not-confirmed.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"$.requirements.confirmation.confirmed"', `"$['requirements']['a,b']"`));
    const result = await run(['rules', 'lint', '--rules', dir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/requirements-not-confirmed\.json:\d+:\d+:? .*path "\$\['requirements'\]\['a,b'\]" is not supported/);
    expect(result.stdout).toContain('a bracketed name holds letters, digits, Chinese, spaces');
  });

  it('reports schema errors, unknown operators and duplicate ids with positions', async () => {
    const dir = copyRules();
    const text = readFileSync(path.join(dir, 'survey-late.json'), 'utf8');
    writeFileSync(path.join(dir, 'survey-late.json'), text.replace('"operator": "equal"', '"operator": "equals"'));
    writeFileSync(path.join(dir, 'copy.json'), readFileSync(path.join(dir, 'plan-late.json'), 'utf8'));
    const result = await run(['rules', 'lint', '--rules', dir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/survey-late\.json:\d+:\d+ .*"equals" is not one of/);
    expect(result.stdout).toMatch(/copy\.json:\d+:\d+ id: id "plan-late" differs from the file name/);
  });
});

describe('docpack explain', () => {
  it("shows the engine's condition tree with fact values and the finding", async () => {
    const result = await run(['explain', 'fixtures/projects/P2026-EDU-008.json', '--rule', 'plan-late', '--as-of', AS_OF]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ clock:plan-due $.state equal "breached"   (fact value: "breached")');
    expect(result.stdout).toContain('→ finding:');
    expect(result.stdout).toContain('✗ clock:plan-due $.state equal "breached"   (fact value: "met")');
    expect(result.stdout).toContain('→ no finding: the conditions do not hold');
  });

  it('narrows to one subject and rejects an unknown one', async () => {
    const one = await run(['explain', 'fixtures/projects/P2026-EDU-008.json', '--rule', 'plan-late', '--subject', '/orders/1', '--as-of', AS_OF, '--json']);
    const parsed = JSON.parse(one.stdout) as { subjects: { subject: string; holds: boolean }[] };
    expect(parsed.subjects).toEqual([expect.objectContaining({ subject: '/orders/1', holds: false })]);
    const bad = await run(['explain', 'fixtures/projects/P2026-EDU-008.json', '--rule', 'plan-late', '--subject', '/orders/9', '--as-of', AS_OF]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('subjects: ORD-SG-20260928-0145, ORD-SG-20260917-0132');
  });
});
