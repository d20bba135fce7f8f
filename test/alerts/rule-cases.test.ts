import { expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';

// `docpack rules test` over the shipped rules: every rule has cases, and they all pass.
it('every shipped rule has cases, and docpack rules test passes them all', async () => {
  const io = memoryIo();
  const code = await main(['rules', 'test', '--json'], io);
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

it('reports a failing case with a diff and exits 1', async () => {
  const { cpSync, mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'docpack-cases-'));
  cpSync('rules/alerts', dir, { recursive: true });
  const file = path.join(dir, 'survey-late.json');
  const rule = JSON.parse(readFileSync(file, 'utf8')) as { level: string };
  rule.level = 'province';
  writeFileSync(file, JSON.stringify(rule));
  const io = memoryIo();
  const code = await main(['rules', 'test', '--rules', dir], io);
  expect(code).toBe(1);
  const out = io.stdout.join('\n');
  expect(out).toMatch(/✗ survey-late: /);
  expect(out).toMatch(/- expected \{.*"level":"local"/);
  expect(out).toMatch(/\+ unexpected \{.*"level":"province"/);
  expect(io.stdout.at(-1)).toMatch(/^\d+ passed, [1-9]\d* failed$/);
});
