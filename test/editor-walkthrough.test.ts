// The rule editor's loop, played in a temporary copy of the repository by someone who edits JSON
// and never src/ or test/: add a deadline and a rule with its cases, change a threshold, see the
// sample's difference, accept it, and keep the tests green. README "Editing rules" is this walk.
// WALKTHROUGH_FULL=1 runs the whole `npm test` in the copy at the end (about as long as npm test);
// by default the suites that pin the rules' cases and the sample's findings run there.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useShippedRules } from './shipped.ts';
import { copyBuild, runCli } from './support/cli.ts';

// This file is about the shipped rules/ (and a copy of the repository), not the frozen copy the other tests use.
useShippedRules();

const FULL = process.env.WALKTHROUGH_FULL === '1';

let repo = '';

/** `npx docpack ...` in the copy: its bin, which runs the copy's dist/ (copied from this checkout's, built from the same src/). */
function docpack(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = runCli(args, { bin: path.join(repo, 'bin/docpack.js'), cwd: repo, env: { ...process.env, TZ: 'UTC' } });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function write(file: string, value: unknown): void {
  writeFileSync(path.join(repo, file), `${JSON.stringify(value, null, 2)}\n`);
}

function read<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(repo, file), 'utf8')) as T;
}

/** What git would see as changed in the copy, below src/ and test/ only. */
function codeChanges(): string {
  return execFileSync('git', ['status', '--porcelain', '--', 'src', 'test'], { cwd: repo, encoding: 'utf8' });
}

// §2.1.2 item 4: 网运部 turns the 合同执行单 into the 项目实施安排. The handbook gives no number: the team chooses 5 working days.
const DEADLINE = {
  $schema: './deadline.schema.json',
  id: 'implementation-arrangement-due',
  title: '项目实施安排 implementation arrangement',
  description: '§2.1.2 item 4: the 项目实施安排 within 5 working days of receiving the 合同执行单 (a team default; the handbook gives no number).',
  subject: 'contract.executionSheet',
  start: 'receivedOn',
  stop: 'project.contract.implementationArrangement.issuedOn',
  direction: 'after',
  target: { workingDays: 5 },
};

const RULE = {
  $schema: './alert.schema.json',
  id: 'implementation-arrangement-late',
  title: '项目实施安排下发超时',
  description: '§2.1.2 item 4: the 项目实施安排 is due within 5 working days of the 合同执行单 (clock implementation-arrangement-due).',
  severity: 'major',
  type: 'warning',
  level: 'local',
  subject: 'contract.executionSheet',
  notify: ['chiefCustomerEngineer', 'customerManager'],
  conditions: { all: [{ fact: 'clock:implementation-arrangement-due', path: '$.state', operator: 'equal', value: 'breached' }] },
  due: { fact: 'clock:implementation-arrangement-due', path: '$.due' },
  closedAt: { fact: 'clock:implementation-arrangement-due', path: '$.stoppedAt' },
  escalation: { local: 3, province: 5 },
  message: '合同执行单 {{subject.receivedOn|date}} 收到，项目实施安排应于 {{clock:implementation-arrangement-due.due|date}} 前下发，已超期 {{clock:implementation-arrangement-due.overdue}} 个工作日。',
};

const CASES = {
  $schema: './alert-test.schema.json',
  rule: 'implementation-arrangement-late',
  fragments: {
    sheet: {
      contract: {
        signing: { status: 'signed', signedOn: '2026-11-02' },
        executionSheet: { receivedOn: '2026-11-05', nonStandardTerms: [{ clause: '第 5 条', text: '故障 4 小时内修复。' }] },
      },
    },
  },
  cases: [
    { name: '11-05 收到，第 5 个工作日 11-12 日终前未下发：不预警', asOf: '2026-11-12T23:59:59+08:00', use: ['sheet'], expect: [] },
    {
      name: '11-13 仍未下发：本地网预警',
      asOf: '2026-11-13T09:00:00+08:00',
      use: ['sheet'],
      expect: [{ subject: '/contract/executionSheet', type: 'warning', level: 'local', due: '2026-11-12T23:59:59+08:00', closed: false, messageIncludes: '2026年11月12日 前下发' }],
    },
    {
      name: '11-12 下发：不预警',
      asOf: '2026-11-20T09:00:00+08:00',
      use: ['sheet'],
      record: {
        contract: {
          implementationArrangement: {
            issuedOn: '2026-11-12',
            serviceTerms: ['7×24 小时监控。'],
            maintenanceTerms: ['故障 4 小时内修复。'],
            acceptanceStandard: ['24 小时误码测试无误码。'],
            serviceSubject: '中国电信股份有限公司广东分公司',
            fees: { amount: 120000, period: 'yearly' },
            sites: [{ name: '客户机房', requirements: '设备安装于 3 楼机房。' }],
          },
        },
      },
      expect: [],
    },
    { name: '尚未收到合同执行单：不预警', asOf: '2026-11-20T09:00:00+08:00', expect: [] },
  ],
};

// 国务院办公厅关于2024年部分节假日安排的通知, written by hand from the notice (the package has 2024, so npm test compares them).
const YEAR_2024 = {
  $schema: './calendar.schema.json',
  year: 2024,
  source: { notice: '国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号），2023年10月25日', url: 'https://www.gov.cn/zhengce/content/202310/content_6911527.htm' },
  holidays: [
    { name: '元旦', nameEn: "New Year's Day", days: ['2024-01-01'], makeupWorkdays: [] },
    { name: '春节', nameEn: 'Spring Festival', days: ['2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13', '2024-02-14', '2024-02-15', '2024-02-16', '2024-02-17'], makeupWorkdays: ['2024-02-04', '2024-02-18'] },
    { name: '清明节', nameEn: 'Tomb-sweeping Day', days: ['2024-04-04', '2024-04-05', '2024-04-06'], makeupWorkdays: ['2024-04-07'] },
    { name: '劳动节', nameEn: 'Labour Day', days: ['2024-05-01', '2024-05-02', '2024-05-03', '2024-05-04', '2024-05-05'], makeupWorkdays: ['2024-04-28', '2024-05-11'] },
    { name: '端午节', nameEn: 'Dragon Boat Festival', days: ['2024-06-10'], makeupWorkdays: [] },
    { name: '中秋节', nameEn: 'Mid-Autumn Festival', days: ['2024-09-15', '2024-09-16', '2024-09-17'], makeupWorkdays: ['2024-09-14'] },
    { name: '国庆节', nameEn: 'National Day', days: ['2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-05', '2024-10-06', '2024-10-07'], makeupWorkdays: ['2024-09-29', '2024-10-12'] },
  ],
};

// Each step runs the CLI a few times, as a new process: minutes on a busy machine.
describe('the rule editor, in a copy of the repository, never touching src/ or test/', { timeout: 600_000 }, () => {
  beforeAll(() => {
    repo = mkdtempSync(path.join(tmpdir(), 'docpack-editor-'));
    const files = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of files) {
      mkdirSync(path.join(repo, path.dirname(file)), { recursive: true });
      copyFileSync(file, path.join(repo, file));
    }
    symlinkSync(path.resolve('node_modules'), path.join(repo, 'node_modules'), 'dir');
    copyBuild(repo);
    // A repository of its own, so that the end can show nothing below src/ or test/ changed.
    execFileSync('git', ['init', '-q'], { cwd: repo });
    execFileSync('git', ['add', '-A'], { cwd: repo });
    execFileSync('git', ['-c', 'user.name=editor', '-c', 'user.email=editor@example.invalid', 'commit', '-qm', 'start'], { cwd: repo });
  });

  afterAll(() => {
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('starts clean: the sample gives the reviewed findings', () => {
    const diff = docpack('rules', 'diff');
    expect(diff.stdout).toMatch(/^0 new, 0 gone, 0 changed, \d+ unchanged$/m);
    expect(diff.code).toBe(0);
  });

  it('adds a deadline (§2.1.2 item 4, on the contract execution sheet) and a rule with its cases: lint and test pass', () => {
    const before = docpack('rules', 'lint').stdout.match(/^(\d+) rules, (\d+) clocks/m);
    expect(before).not.toBeNull();
    write('rules/deadlines/implementation-arrangement-due.json', DEADLINE);
    write('rules/alerts/implementation-arrangement-late.json', RULE);
    write('rules/alerts/implementation-arrangement-late.test.json', CASES);
    const lint = docpack('rules', 'lint');
    // One rule and one clock more than the shipped ones, and no problem.
    expect(lint.stdout).toMatch(new RegExp(`^${Number(before?.[1]) + 1} rules, ${Number(before?.[2]) + 1} clocks: no problems`, 'm'));
    expect(lint.code).toBe(0);
    const test = docpack('rules', 'test', '--rule', 'implementation-arrangement-late');
    expect(test.stdout.trim()).toBe('4 passed, 0 failed (selected: --rule implementation-arrangement-late)');
    expect(test.code).toBe(0);
  });

  it('a typo in a case is caught at its file:line:column, with what was meant', () => {
    const text = readFileSync(path.join(repo, 'rules/alerts/implementation-arrangement-late.test.json'), 'utf8');
    writeFileSync(path.join(repo, 'rules/alerts/implementation-arrangement-late.test.json'), text.replace('"receivedOn"', '"receivedAt"'));
    const test = docpack('rules', 'test', 'rules/alerts/implementation-arrangement-*.test.json');
    expect(test.code).toBe(2);
    expect(test.stderr).toMatch(/implementation-arrangement-late\.test\.json:\d+:\d+ fragments\.sheet\.contract\.executionSheet\.receivedAt: unknown field "receivedAt"\n\s+hint: did you mean "receivedOn"\?/);
    writeFileSync(path.join(repo, 'rules/alerts/implementation-arrangement-late.test.json'), text);
  });

  it('changes a threshold, and fixes the cases the test names, field by field', () => {
    const file = 'rules/alerts/contract-review-unacceptable.json';
    const rule = read<{ escalation: { local: number } }>(file);
    expect(rule.escalation.local).toBe(5);
    rule.escalation.local = 2;
    write(file, rule);
    const failing = docpack('rules', 'test', '--rule', 'contract-review-unacceptable');
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/^✗ rules\/alerts\/contract-review-unacceptable\.test\.json:\d+:\d+ contract-review-unacceptable: 11-02 评审，第 5 个工作日 11-09 日终前仍为本地网\n {4}finding \(project\) RULE-TEST:\n {6}type: expected "warning", got "escalation"\n {6}level: expected "local", got "province"$/m);
    // The editor edits the cases: two days at local now.
    const cases = read<{ cases: { name: string; asOf: string; expect: { type?: string; level?: string }[] }[] }>('rules/alerts/contract-review-unacceptable.test.json');
    for (const item of cases.cases) {
      if (item.name.startsWith('11-02 评审，第 5 个工作日')) Object.assign(item, { name: '11-02 评审，第 2 个工作日 11-04 日终前仍为本地网', asOf: '2026-11-04T23:59:59+08:00' });
      else if (item.name.startsWith('11-02 评审，11-10 起')) Object.assign(item, { name: '11-02 评审，11-05 起升级到省公司', asOf: '2026-11-05T00:00:00+08:00' });
      else if (item.asOf.startsWith('2026-11-25') && item.expect.length > 0) for (const expected of item.expect) Object.assign(expected, { type: 'escalation', level: 'province' });
    }
    write('rules/alerts/contract-review-unacceptable.test.json', cases);
    const passing = docpack('rules', 'test');
    expect(passing.stdout.trim()).toMatch(/^\d+ passed, 0 failed$/);
    expect(passing.code).toBe(0);
  });

  it("sees the sample's difference in words, accepts it, and the sample is clean again", () => {
    const diff = docpack('rules', 'diff');
    expect(diff.code).toBe(1);
    const lines = diff.stdout.split('\n');
    // P2026-MED-009 received its 合同执行单 on 11-05 and has no 项目实施安排 yet.
    expect(lines.filter((line) => line.startsWith('+ new'))).toEqual([expect.stringMatching(/^\+ new {7}P2026-MED-009 P2026-MED-009: implementation-arrangement-late, escalation at 集团 group, due 2026-11-12 23:59, open$/)]);
    expect(lines.filter((line) => line.startsWith('~ changed'))).toEqual(['~ changed   P2026-PRE-013 P2026-PRE-013: contract-review-unacceptable, type warning → escalation, level 本地网 local → 省 province']);
    expect(lines.filter((line) => line.startsWith('- gone'))).toEqual([]);
    expect(diff.stdout).toMatch(/^1 new, 0 gone, 1 changed, \d+ unchanged$/m);
    const accept = docpack('rules', 'accept');
    expect(accept.code).toBe(0);
    expect(accept.stdout).toMatch(/^fixtures\/expected-findings\.json: \d+ findings accepted \(1 new, 0 gone, 1 changed, \d+ unchanged\)$/m);
    expect(docpack('rules', 'diff').code).toBe(0);
    const explain = docpack('explain', 'fixtures/projects', '--rule', 'implementation-arrangement-late', '--subject', 'P2026-MED-009', '--as-of', '2026-11-25T09:00:00+08:00');
    expect(explain.stdout).toContain('state    breached: not done, 9 working days past the due 2026-11-12 23:59');
  });

  it('adds a calendar year written by hand and a provisional one, and the sample accepted on it says which deadlines are provisional', () => {
    write('rules/calendars/2024.json', YEAR_2024);
    const listed = docpack('calendar', 'list', '2024');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toBe('2024: 国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号），2023年10月25日 (written by hand)');
    expect(docpack('calendar', 'add', '2024-09-30', '1').stdout.trim()).toBe('2024-10-08');
    // A wrong day is refused where it is written.
    const text = readFileSync(path.join(repo, 'rules/calendars/2024.json'), 'utf8');
    writeFileSync(path.join(repo, 'rules/calendars/2024.json'), text.replace('"2024-02-17"', '"2024-02-30"'));
    const bad = docpack('rules', 'lint');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/rules\/calendars\/2024\.json:\d+:\d+ /);
    writeFileSync(path.join(repo, 'rules/calendars/2024.json'), text);

    const provisional = docpack('calendar', 'provisional', '2027');
    expect(provisional.code).toBe(0);
    expect(read<{ provisional: boolean }>('rules/calendars/2027.json').provisional).toBe(true);
    const coverage = docpack('calendar', 'coverage', '--as-of', '2026-11-25');
    expect(coverage.stdout.split('\n').filter(Boolean).map((line) => line.slice(0, 17))).toEqual(['2024  official   ', '2025  official   ', '2026  official   ', '2027  provisional']);
    // Without the opt-in nothing changes; with it, the sample's deadlines (all in 2026 at this as-of) stay as they are.
    expect(docpack('rules', 'diff').code).toBe(0);
    expect(docpack('rules', 'diff', '--calendar-provisional').stdout).toMatch(/^0 new, 0 gone, 0 changed, \d+ unchanged$/m);
    expect(docpack('rules', 'lint').code).toBe(0);
  });

  it(`keeps ${FULL ? 'npm test' : 'the suites that read rules/ and the sample'} green, with nothing changed below src/ or test/`, () => {
    expect(codeChanges()).toBe('');
    // The whole suite but this file (it would copy the copy), or the suites that read rules/ (the rules, the
    // deadlines, the calendars: the 2024 and 2027 years added above) and the sample.
    // vitest itself for the few suites (npm exec would add a second of npm start-up), npm for the whole test.
    const [command, args] = FULL
      ? ['npm', ['run', 'test', '--', '--exclude', 'test/editor-walkthrough.test.ts']]
      : // One worker: the outer run keeps both cores busy, and a second worker would import src/ again (1.6 CPU s).
        [process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--maxWorkers', '1', 'test/alerts/fixtures.test.ts', 'test/alerts/rule-cases.test.ts', 'test/alerts/cli.test.ts', 'test/clocks/fixtures.test.ts', 'test/calendar/data.test.ts', 'test/calendar/calendar.test.ts', 'test/calendar/cli.test.ts', 'test/clocks/cli.test.ts']];
    const result = spawnSync(command, args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...(FULL ? {} : { DOCPACK_OFFICE_PREPARE: '0' }) } });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(output, output.slice(-4000)).toMatch(/Tests\s+.*\d+ passed/);
    expect(result.status, output.slice(-4000)).toBe(0);
    expect(codeChanges()).toBe('');
  }, 1_800_000);
});
