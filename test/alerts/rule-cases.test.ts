import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { mergeRecord } from '../../src/alerts/testing.ts';
import { PINNED_ALERTS } from '../shipped.ts';

// `docpack rules test` over the shipped rules: every rule has cases, and they all pass.
it('every shipped rule has cases, and docpack rules test passes them all', async () => {
  const io = memoryIo();
  const code = await main(['rules', 'test', '--json', '--rules', 'rules/alerts', '--deadlines', 'rules/deadlines'], io);
  const result = JSON.parse(io.stdout.join('')) as { passed: number; failed: number; untested: string[]; results: { rule: string; name: string; passed: boolean; failures: string[] }[] };
  const failures = result.results.filter((item) => !item.passed).map((item) => `${item.rule}: ${item.name}\n${item.failures.join('\n')}`);
  expect(failures).toEqual([]);
  expect(result.untested).toEqual([]);
  expect(result.passed).toBeGreaterThanOrEqual(150);
  const rules = new Set(result.results.map((item) => item.rule));
  for (const rule of rules) {
    // Positive and negative cases for every rule: names carry the story, so count by outcome instead.
    expect(result.results.filter((item) => item.rule === rule).length, rule).toBeGreaterThanOrEqual(2);
  }
  expect(code).toBe(0);
});

function copyRules(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'docpack-cases-'));
  cpSync(PINNED_ALERTS, dir, { recursive: true });
  return dir;
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

it('prints only failures and a count; a failure names its file:line and the fields that differ; exits 1', async () => {
  const dir = copyRules();
  const file = path.join(dir, 'survey-late.json');
  const rule = JSON.parse(readFileSync(file, 'utf8')) as { level: string };
  rule.level = 'province';
  writeFileSync(file, JSON.stringify(rule));
  const result = await run(['rules', 'test', '--rules', dir]);
  expect(result.code).toBe(1);
  // Passing cases are not listed by default.
  expect(result.stdout).not.toMatch(/^✓/m);
  const cases = readFileSync(path.join(dir, 'survey-late.test.json'), 'utf8').split('\n');
  const failure = /^✗ (\S+survey-late\.test\.json):(\d+):(\d+) survey-late: (.+)$/m.exec(result.stdout);
  expect(failure).not.toBeNull();
  // The line is where the case starts: its name follows within a few lines.
  const line = Number(failure![2]);
  expect(cases.slice(line - 1, line + 2).join('\n')).toContain(JSON.stringify(failure![4]));
  expect(result.stdout).toContain('      level: expected "local", got "province"');
  expect(result.stdout.split('\n').at(-1)).toMatch(/^\d+ passed, [1-9]\d* failed$/);
});

it('--verbose lists passing cases; --rule and case files (globs) select cases', async () => {
  const all = await run(['rules', 'test', '--verbose', '--rule', 'plan-late']);
  expect(all.code).toBe(0);
  expect(all.stdout.match(/^✓ \S*plan-late\.test\.json:\d+:\d+ plan-late: /gm)?.length).toBe(12);
  expect(all.stdout).toMatch(/^12 passed, 0 failed \(selected: --rule plan-late\)$/m);
  const quiet = await run(['rules', 'test', '--rule', 'plan-late']);
  expect(quiet.stdout.trim().split('\n')).toEqual(['12 passed, 0 failed (selected: --rule plan-late)']);
  const glob = await run(['rules', 'test', '--json', `${PINNED_ALERTS}/serious-fault-*.test.json`]);
  const parsed = JSON.parse(glob.stdout) as { results: { rule: string }[]; untested: string[] };
  const matching = readdirSync(PINNED_ALERTS).filter((name) => /^serious-fault-.*\.test\.json$/.test(name)).map((name) => name.replace(/\.test\.json$/, '')).sort();
  expect(matching.length).toBeGreaterThanOrEqual(3);
  expect([...new Set(parsed.results.map((result) => result.rule))].sort()).toEqual(matching);
  expect(parsed.untested).toEqual([]);
  expect((await run(['rules', 'test', '--rule', 'no-such-rule'])).code).toBe(2);
});

it('checks a case record against the record schema at its file:line:column, with a did-you-mean', async () => {
  const dir = copyRules();
  const file = path.join(dir, 'survey-late.test.json');
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace('"namedAt"', '"namedOn"'));
  const line = text.slice(0, text.indexOf('"namedAt"')).split('\n').length;
  const result = await run(['rules', 'test', '--rules', dir, '--rule', 'survey-late']);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(new RegExp(`survey-late\\.test\\.json:${line}:\\d+ cases\\[0\\]\\.record\\.orders\\[0\\]\\.projectManager\\.namedOn: unknown field "namedOn"`));
  expect(result.stderr).toContain('did you mean "namedAt"?');
});

it('cases share fragments ("fragments" and "use"); elements with ids merge by id; an unknown fragment is a failure', async () => {
  const dir = copyRules();
  const suite = JSON.parse(readFileSync(path.join(dir, 'plan-late.test.json'), 'utf8')) as { fragments: Record<string, unknown>; cases: { name: string; use?: string[]; record?: unknown; expect: unknown[] }[] };
  expect(Object.keys(suite.fragments)).toEqual(['order']);
  expect(suite.cases.filter((item) => item.use?.includes('order')).length).toBeGreaterThan(5);
  // One case names a fragment that does not exist, the other is the original.
  const late = suite.cases.find((item) => item.expect.length > 0 && item.use)!;
  suite.cases = [{ ...late, use: ['order', 'nope'] }, late];
  writeFileSync(path.join(dir, 'plan-late.test.json'), JSON.stringify(suite, null, 2));
  const result = await run(['rules', 'test', '--rules', dir, '--rule', 'plan-late']);
  expect(result.stdout).toMatch(/use: no fragment "nope" in "fragments" \(order\)/);
  expect(result.stdout).toMatch(/^1 passed, 1 failed/m);
});

it('merges record fragments: objects by key, arrays of elements with ids by id, other arrays replace', () => {
  const base = { a: { b: 1, c: 2 }, orders: [{ id: 'O1', x: 1, circuits: [{ id: 'C1', y: 1 }] }], tags: ['a', 'b'] };
  const fragment = { a: { c: 3 }, orders: [{ id: 'O1', circuits: [{ id: 'C1', z: 2 }, { id: 'C2' }] }, { id: 'O2' }], tags: ['c'] };
  expect(mergeRecord(base, fragment)).toEqual({
    a: { b: 1, c: 3 },
    orders: [{ id: 'O1', x: 1, circuits: [{ id: 'C1', y: 1, z: 2 }, { id: 'C2' }] }, { id: 'O2' }],
    tags: ['c'],
  });
  expect(mergeRecord({ list: [{ n: 1 }] }, { list: [{ m: 2 }] })).toEqual({ list: [{ m: 2 }] });
});
