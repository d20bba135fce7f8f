import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { PINNED_ALERTS } from '../shipped.ts';

async function lint(args: string[]): Promise<{ code: number; stdout: string }> {
  const io = memoryIo();
  const code = await main(['rules', 'lint', ...args], io);
  return { code, stdout: io.stdout.join('\n') };
}

function copy(from: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'docpack-lint-'));
  cpSync(from, dir, { recursive: true });
  return dir;
}

/** The line of the first occurrence of `text` in `file`. */
function lineOf(file: string, text: string): number {
  const content = readFileSync(file, 'utf8');
  return content.slice(0, content.indexOf(text)).split('\n').length;
}

describe('docpack rules lint checks more than the rules', () => {
  it('passes on the shipped files and says what it checked', async () => {
    const result = await lint(['--rules', 'rules/alerts', '--deadlines', 'rules/deadlines']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+ rules, \d+ clocks: no problems \(also checked: \d+ roles, \d+ calendar years, 5 sheet specs, \d+ pack entries\)$/m);
  });

  it('the pack spec: unknown templates and requirements the record does not have, at file:line:column', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docpack-pack-'));
    const file = path.join(dir, 'pack.json');
    writeFileSync(file, readFileSync('templates/pack.json', 'utf8').replace('"template": "implementation-plan"', '"template": "implementation-plans"').replace('"orders[].plan"', '"orders[].plans"'));
    const result = await lint(['--pack', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`${file}:${lineOf(file, 'implementation-plans')}:`);
    expect(result.stdout).toMatch(/project\[3\]\.template: no word template "implementation-plans"\n\s+hint: did you mean "implementation-plan"\?/);
    expect(result.stdout).toMatch(/project\[3\]\.requires\[0\]: "orders\[\]\.plans" is not a part of the record \(no "plans"\)\n\s+hint: did you mean "plan"\?/);
  });

  it('the sheet specs: an unknown label group, at file:line:column', async () => {
    const dir = copy('templates/excel');
    const file = path.join(dir, 'problem-table.xlsx.json');
    const text = readFileSync(file, 'utf8');
    const group = /"labels": "([A-Za-z]+)"/.exec(text)![1]!;
    writeFileSync(file, text.replace(`"labels": "${group}"`, `"labels": "${group}x"`));
    const result = await lint(['--templates', dir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(new RegExp(`problem-table\\.xlsx\\.json:${lineOf(file, `"${group}x"`)}:\\d+ .*no label group "${group}x"`));
  });

  it('the calendars: a year file that does not match its name', async () => {
    const dir = copy('rules/calendars');
    writeFileSync(path.join(dir, '2026.json'), readFileSync(path.join(dir, '2026.json'), 'utf8').replace('"year": 2026', '"year": 2027'));
    const result = await lint(['--calendar-dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/2026\.json.* year 2027 does not match the file name \(2026\)/);
  });

  it('roles: a rule that notifies a role _roles.json does not define, and a role without a Chinese name', async () => {
    const dir = copy(PINNED_ALERTS);
    const rule = path.join(dir, 'survey-late.json');
    writeFileSync(rule, readFileSync(rule, 'utf8').replace('"projectManager"', '"projectManagr"'));
    const roles = JSON.parse(readFileSync(path.join(dir, '_roles.json'), 'utf8')) as Record<string, unknown>;
    roles.siteContact = ['subject.contact'];
    writeFileSync(path.join(dir, '_roles.json'), JSON.stringify(roles, null, 2));
    const result = await lint(['--rules', dir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(new RegExp(`survey-late\\.json:${lineOf(rule, 'projectManagr')}:\\d+ notify\\[0\\]: no role "projectManagr" .*\\n\\s+hint: did you mean "projectManager"\\?`));
    expect(result.stdout).toMatch(/_roles\.json:\d+:\d+ siteContact: role "siteContact" has no Chinese name/);
  });
});

describe('labels are data', () => {
  it('a |label:<group> that lacks a value the field can hold is a lint problem at the message', async () => {
    const dir = copy(PINNED_ALERTS);
    const rule = path.join(dir, 'plan-late.json');
    writeFileSync(rule, readFileSync(rule, 'utf8').replace('label:complexity', 'label:priority'));
    const result = await lint(['--rules', dir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(new RegExp(`plan-late\\.json:${lineOf(rule, '"message"')}:\\d+ message: \\{\\{subject\\.complexity\\|label:priority\\}\\}: group "priority" of templates/labels\\.json has no label for "simple", "complex"`));
  });
});

describe('roles are data', () => {
  it('a new role in _roles.json (with its label) notifies the people its path names', async () => {
    const dir = copy(PINNED_ALERTS);
    const roles = JSON.parse(readFileSync(path.join(dir, '_roles.json'), 'utf8')) as Record<string, unknown>;
    roles.chiefCustomerEngineer = ['project.team.customerEngineers[]'];
    writeFileSync(path.join(dir, '_roles.json'), JSON.stringify(roles, null, 2));
    const rule = path.join(dir, 'resource-second-check.json');
    const io = memoryIo();
    await main(['check', '--json', '--rules', dir, '--rule', 'resource-second-check', '--as-of', '2026-11-25T09:00:00+08:00', 'fixtures/projects/P2026-RES-004.json'], io);
    const record = JSON.parse(readFileSync('fixtures/projects/P2026-RES-004.json', 'utf8')) as { team: { customerEngineers: { name: string }[] } };
    const { findings } = JSON.parse(io.stdout.join('')) as { findings: { recipients: { role: string; name: string }[] }[] };
    expect(JSON.parse(readFileSync(rule, 'utf8')).notify).toContain('chiefCustomerEngineer');
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]!.recipients.filter((recipient) => recipient.role === 'chiefCustomerEngineer').map((recipient) => recipient.name)).toEqual(record.team.customerEngineers.map((person) => person.name));
  });
});
