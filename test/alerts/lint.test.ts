// Rule files that cannot fail silently (issue 12, part 2): every command that runs the rules reads
// them through the loader of `rules lint` and refuses any problem, at the wrong name, with a hint.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { PINNED_ALERTS, PINNED_DEADLINES } from '../shipped.ts';

const AS_OF = '2026-11-25T09:00:00+08:00';

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

function copyDir(from: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'docpack-lint-'));
  cpSync(from, dir, { recursive: true });
  return dir;
}

// Rule files edited freely in tests: any shape.
type Json = Record<string, any>;

/** A copy of rules/alerts with one rule file edited. */
function editedRules(id: string, edit: (rule: Json) => void): { dir: string; file: string } {
  const dir = copyDir(PINNED_ALERTS);
  const file = path.join(dir, `${id}.json`);
  const rule = JSON.parse(readFileSync(file, 'utf8')) as Json;
  edit(rule);
  writeFileSync(file, `${JSON.stringify(rule, null, 2)}\n`);
  return { dir, file };
}

/** The problem lines (file:line:column ...) of an output, each with the text of the file from that column on. */
function located(output: string, file: string): { line: string; at: string; hint?: string }[] {
  const lines = output.split('\n');
  const text = readFileSync(file, 'utf8').split('\n');
  const found: { line: string; at: string; hint?: string }[] = [];
  lines.forEach((line, index) => {
    if (!line.startsWith(`${file}:`)) return;
    const [, row, column] = /^[^:]+:(\d+):(\d+) /.exec(line) ?? [];
    const next = lines[index + 1] ?? '';
    found.push({ line, at: (text[Number(row) - 1] ?? '').slice(Number(column) - 1), ...(next.startsWith('    hint: ') ? { hint: next.slice('    hint: '.length) } : {}) });
  });
  return found;
}

/** `docpack check` on the sample with the edited rules: exit 2 and exactly one problem, at `startsWith`, with `hint`. */
async function expectRefused(id: string, edit: (rule: Json) => void, startsWith: string, hint: string): Promise<void> {
  const { dir, file } = editedRules(id, edit);
  const result = await run(['check', '--as-of', AS_OF, '--rules', dir, 'fixtures/projects']);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const problems = located(result.stderr, file);
  expect(problems, result.stderr).toHaveLength(1);
  expect(problems[0]!.at.startsWith(startsWith), `${problems[0]!.line} points at: ${problems[0]!.at}`).toBe(true);
  expect(problems[0]!.hint).toBe(hint);
}

describe('docpack check refuses a misspelt rule file (exit 2, file:line:column at the wrong name, did-you-mean)', () => {
  it('a clock id', async () => {
    await expectRefused('circuit-warning-pool', (rule) => void (rule.conditions.all[1].fact = 'clock:circuit-warning-pol'), 'circuit-warning-pol"', 'did you mean "clock:circuit-warning-pool"?');
  });

  it('a subject', async () => {
    await expectRefused('circuit-overdue', (rule) => void (rule.subject = 'orders[].circuit[]'), 'circuit[]"', 'did you mean "orders[].circuits[]"?');
  });

  it('a fact', async () => {
    await expectRefused('circuit-warning-pool', (rule) => void (rule.conditions.all[0].fact = 'subjct'), 'subjct"', 'did you mean "subject"?');
  });

  it('a path, at the wrong segment', async () => {
    await expectRefused('problem-overdue', (rule) => void (rule.conditions.all[1].path = '$.owner.nmae'), 'nmae"', 'did you mean "name"?');
  });

  it('a placeholder', async () => {
    await expectRefused('circuit-warning-pool', (rule) => void (rule.message = rule.message.replace('{{subject.id}}', '{{subject.idd}}')), 'idd}}', 'did you mean "id"?');
    await expectRefused('circuit-overdue', (rule) => void (rule.message = `电路 {{circut.id}} ${rule.message}`), 'circut.id}}', 'did you mean "circuit"?');
  });

  it('the facts of a progress report warning: last:<list element> and the circuit its circuitId names (x-ref)', async () => {
    await expectRefused('progress-report-warning', (rule) => void (rule.conditions.all[0].fact = 'last:progressReprt'), 'progressReprt"', 'did you mean "last:progressReport"?');
    await expectRefused('progress-report-warning', (rule) => void (rule.conditions.all[0].path = '$.week'), 'week"', 'leave out "path"');
    await expectRefused('progress-report-warning', (rule) => void (rule.conditions.all[1].path = '$.completedAtt'), 'completedAtt"', 'did you mean "completedAt"?');
    // "circuit" is a fact only where a field refers to a circuit: not for a problem.
    await expectRefused('problem-overdue', (rule) => void (rule.conditions.all[1].fact = 'circuit'), 'circuit"', 'facts here: subject, project, params, asOf, problem, last:problem, clock:<clock id>');
  });

  it('a rule condition that is not exactly one of all, any or not (json-rules-engine would read only the first, or nothing)', async () => {
    for (const conditions of [{ name: 'x' }, { all: [], any: [] }]) {
      const { dir, file } = editedRules('survey-late', (rule) => void (rule.conditions = conditions));
      const result = await run(['check', '--as-of', AS_OF, '--rules', dir, 'fixtures/projects']);
      expect(result.code).toBe(2);
      const problems = located(result.stderr, file);
      expect(problems.length, result.stderr).toBeGreaterThan(0);
      for (const problem of problems) expect(problem.line).toMatch(/ conditions(\.(all|any|not))?: /);
      expect(result.stderr).not.toContain('unknown operator');
    }
  });

  it('"breachd" is not a value of the clock state', async () => {
    await expectRefused('survey-late', (rule) => void (rule.conditions.all[0].value = 'breachd'), '"breachd"', 'did you mean "breached"?');
  });

  it('notIn ["resolvd"] is not a value of the status enum', async () => {
    await expectRefused('problem-overdue', (rule) => void (rule.conditions.all[1].value = ['resolvd', 'closed']), '"resolvd"', 'did you mean "resolved"?');
  });

  it('lessThan "4" on a number', async () => {
    await expectRefused('reserve-below-threshold', (rule) => void (rule.conditions.all[0].value = '4'), '"4"', 'write 4 without quotes');
  });

  it('exists with a value that is not true or false', async () => {
    await expectRefused('circuit-warning-pool', (rule) => void (rule.conditions.all[0].value = 'false'), '"false"', 'write false without quotes');
    const { dir } = editedRules('circuit-warning-pool', (rule) => void (rule.conditions.all[0].value = 0));
    const result = await run(['check', '--as-of', AS_OF, '--rules', dir, 'fixtures/projects']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('exists takes true (present) or false (absent), not 0');
  });

  it('a parameter, a filter and a label group of a message', async () => {
    const { dir, file } = editedRules('circuit-overdue', (rule) => {
      rule.params = { grace: 1 };
      rule.message = '{{params.gracee}} {{subject.requiredCompletion|dat}} {{order.urgent|label:boolen}}';
    });
    const result = await run(['check', '--as-of', AS_OF, '--rules', dir, 'fixtures/projects']);
    expect(result.code).toBe(2);
    expect(located(result.stderr, file).map(({ at, hint }) => [at.slice(0, 7), hint])).toEqual([
      ['gracee}', 'did you mean "grace"?'],
      ['dat}} {', 'did you mean "date"?'],
      ['boolen}', 'did you mean "boolean"?'],
    ]);
  });
});

describe('rules lint checks values against the type of what they are compared with', () => {
  async function lint(id: string, edit: (rule: Json) => void): Promise<string> {
    const { dir } = editedRules(id, edit);
    const result = await run(['rules', 'lint', '--rules', dir]);
    expect(result.code).toBe(2);
    return result.stdout;
  }

  it('numeric operators on a date, equal with a number on a text, contains on a field that is not a list', async () => {
    expect(await lint('problem-overdue', (rule) => void rule.conditions.all.push({ fact: 'subject', path: '$.plannedResolution', operator: 'lessThan', value: 20261201 }))).toContain(
      'lessThan compares numbers, and subject $.plannedResolution is a date (YYYY-MM-DD)',
    );
    expect(await lint('problem-overdue', (rule) => void rule.conditions.all.push({ fact: 'subject', path: '$.id', operator: 'equal', value: 7 }))).toContain('7 is never a value of subject $.id, which is a text');
    expect(await lint('problem-overdue', (rule) => void rule.conditions.all.push({ fact: 'subject', path: '$.status', operator: 'contains', value: 'open' }))).toContain('contains looks into a list');
  });

  it('a comparison of two facts of different types, a parameter of the wrong type, a due that is not a time', async () => {
    expect(await lint('reserve-below-threshold', (rule) => void (rule.conditions.all[0].value = { fact: 'subject', path: '$.node' }))).toContain('lessThan compares numbers; subject is a text');
    expect(
      await lint('reserve-below-threshold', (rule) => {
        rule.params = { floor: '4' };
        rule.conditions.all[0].value = { fact: 'params', path: '$.floor' };
      }),
    ).toContain('lessThan compares numbers');
    expect(await lint('problem-overdue', (rule) => void (rule.due = { fact: 'subject', path: '$.status' }))).toContain('"due" must read a date or a time');
  });

  it('a clock variant is checked against the clock\'s own variant ids', async () => {
    expect(await lint('plan-late', (rule) => void rule.conditions.all.push({ fact: 'clock:plan-due', path: '$.variant', operator: 'equal', value: 'complx' }))).toMatch(/"complx" is never a value of clock:plan-due \$\.variant, which is one of "default", "complex"\n\s+hint: did you mean "complex"\?/);
  });

  it('the shipped rules and clocks are lint-clean', async () => {
    const result = await run(['rules', 'lint', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { rules: number; clocks: number; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.rules).toBeGreaterThanOrEqual(17);
    expect(report.clocks).toBeGreaterThanOrEqual(11);
  });
});

describe('deadline files', () => {
  it('a misspelt path in a deadline file is one problem with a hint, not "no deadline clock" in every rule that uses it', async () => {
    const dir = copyDir(PINNED_DEADLINES);
    const file = path.join(dir, 'circuit-warning-pool.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"anchor": "requiredCompletion"', '"anchor": "requiredCompleton"'));
    const result = await run(['check', '--as-of', AS_OF, '--deadlines', dir, 'fixtures/projects']);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('no deadline clock');
    const problems = located(result.stderr, file);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.at.startsWith('requiredCompleton"')).toBe(true);
    expect(problems[0]!.hint).toBe('did you mean "requiredCompletion"?');
  });
});

describe('subfolders of a rules directory are read, never ignored', () => {
  it('a rule in a subfolder runs; a broken one there is refused with its path', async () => {
    const dir = copyDir(PINNED_ALERTS);
    mkdirSync(path.join(dir, 'circuits'));
    for (const id of ['circuit-overdue']) {
      renameSync(path.join(dir, `${id}.json`), path.join(dir, 'circuits', `${id}.json`));
      renameSync(path.join(dir, `${id}.test.json`), path.join(dir, 'circuits', `${id}.test.json`));
    }
    const moved = await run(['check', '--json', '--as-of', AS_OF, '--rules', dir, 'fixtures/projects']);
    const shipped = await run(['check', '--json', '--as-of', AS_OF, 'fixtures/projects']);
    expect(moved.code).toBe(shipped.code);
    expect(JSON.parse(moved.stdout).findings).toEqual(JSON.parse(shipped.stdout).findings);
    const tested = await run(['rules', 'test', '--verbose', '--rules', dir]);
    expect(tested.stdout).toMatch(/✓ \S*circuit-overdue\.test\.json:\d+:\d+ circuit-overdue: /);
    expect(tested.code).toBe(0);

    const file = path.join(dir, 'circuits', 'circuit-overdue.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"subject": "orders[].circuits[]"', '"subject": "orders[].circuit[]"'));
    const refused = await run(['check', '--as-of', AS_OF, '--rules', dir, 'fixtures/projects']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${file}:`);
  });

  it('a rules directory with no rule file is refused, not an empty run', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docpack-empty-'));
    const result = await run(['check', '--as-of', AS_OF, '--rules', dir, 'fixtures/projects']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no rule file in this directory');
  });
});

describe('every command that runs rules or clocks takes --deadlines and refuses a bad file', () => {
  const badDeadlines = (): string => {
    const dir = copyDir(PINNED_DEADLINES);
    const file = path.join(dir, 'survey-due.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"stop": "survey.doneAt"', '"stop": "survey.doneAtt"'));
    return dir;
  };
  const badRules = (): string => editedRules('survey-late', (rule) => void (rule.conditions.all[0].value = 'breachd')).dir;
  const out = (): string => mkdtempSync(path.join(tmpdir(), 'docpack-out-'));
  const record = 'fixtures/projects/P2026-EDU-008.json';
  const commands: [string, () => string[]][] = [
    ['check', () => ['check', '--as-of', AS_OF, record]],
    ['build', () => ['build', record, '--as-of', AS_OF, '--out', out(), '--concurrency', '1']],
    ['report weekly', () => ['report', 'weekly', record, '--week', '2026-W48', '--out', out()]],
    ['workbook', () => ['workbook', record, '--as-of', AS_OF, '--out', out()]],
    ['explain', () => ['explain', record, '--rule', 'survey-late', '--as-of', AS_OF]],
    ['render', () => ['render', record, '--template', 'implementation-plan', '--as-of', AS_OF, '--out', out()]],
  ];
  for (const [name, args] of commands) {
    it(`${name}: --deadlines and --rules with a lint problem give exit 2 and the file:line:column`, async () => {
      const deadlines = await run([...args(), '--deadlines', badDeadlines()]);
      expect(deadlines.code).toBe(2);
      expect(deadlines.stderr).toMatch(/survey-due\.json:\d+:\d+ stop: "survey\.doneAtt" is not a field of the order/);
      const rules = await run([...args(), '--rules', badRules()]);
      expect(rules.code).toBe(2);
      expect(rules.stderr).toMatch(/survey-late\.json:\d+:\d+ conditions\.all\.0\.value: "breachd" is never a value/);
    });
  }

  it('clocks: --deadlines with a problem gives exit 2 and the file:line:column', async () => {
    const result = await run(['clocks', record, '--as-of', AS_OF, '--deadlines', badDeadlines()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/survey-due\.json:\d+:\d+ stop: "survey\.doneAtt" is not a field of the order/);
    expect((await run(['clocks', record, '--as-of', AS_OF, '--deadlines', PINNED_DEADLINES])).code).toBe(0);
  });
});

describe('the column of a name inside a JSON string', () => {
  it('counts escapes as the file writes them', async () => {
    const { SourceMap } = await import('../../src/records/json-text.ts');
    const text = '{\n  "message": "a\\"b\\u4e2dc {{subject.idd}}"\n}';
    const map = new SourceMap(text);
    const message = JSON.parse(text).message as string;
    const position = map.locateInString('/message', message.indexOf('idd'));
    expect(text.split('\n')[position!.line - 1]!.slice(position!.column - 1)).toMatch(/^idd}}/);
    // A pointer that is not a string: the value's own position.
    expect(map.locateInString('', 3)).toEqual({ line: 1, column: 1 });
  });
});

describe('did-you-mean on the command line', () => {
  it('check --rule, explain --rule and clocks --clock name the id that was probably meant', async () => {
    const record = 'fixtures/projects/P2026-EDU-008.json';
    const check = await run(['check', record, '--as-of', AS_OF, '--rule', 'plan-lat']);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('unknown rule plan-lat (did you mean plan-late?)');
    const explain = await run(['explain', record, '--rule', 'plan-lat', '--as-of', AS_OF]);
    expect(explain.code).toBe(2);
    expect(explain.stderr).toContain('(did you mean "plan-late"?)');
    const clocks = await run(['clocks', record, '--as-of', AS_OF, '--clock', 'plan-du']);
    expect(clocks.code).toBe(2);
    expect(clocks.stderr).toContain('did you mean "plan-due"?');
  });
});
