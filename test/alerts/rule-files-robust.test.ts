// Rule files that used to crash (exit 3) or load silently wrong: exit 2 with file:line instead.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { PINNED_ALERTS } from '../shipped.ts';

async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, stderr: [...io.stdout, ...io.stderr].join('\n') };
}

/** A copy of rules/alerts with survey-late.json's text changed. */
function rulesWith(change: (text: string) => string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'docpack-rules-'));
  cpSync(PINNED_ALERTS, dir, { recursive: true });
  const file = path.join(dir, 'survey-late.json');
  writeFileSync(file, change(readFileSync(file, 'utf8')));
  return dir;
}

const commands = (dir: string): string[][] => [
  ['rules', 'lint', '--rules', dir],
  ['check', 'fixtures/projects/P2026-GOV-001.json', '--as-of', '2026-11-25T09:00:00+08:00', '--rules', dir],
];

describe('rule files that crashed', () => {
  it('a 20,000-deep condition is exit 2 with file:line:column, not a stack overflow (exit 3)', async () => {
    const dir = rulesWith((text) => {
      const rule = JSON.parse(text) as Record<string, unknown>;
      const inner = JSON.stringify({ fact: 'subject', path: '$.id', operator: 'equal', value: 'x' });
      return JSON.stringify({ ...rule, conditions: '@' }).replace('"@"', `{"all":[${'{"not":'.repeat(20_000)}${inner}${'}'.repeat(20_000)}]}`);
    });
    for (const args of commands(dir)) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/survey-late\.json:1:\d+ conditions\.all\[0\]\.not.*: nesting is deeper than 64 levels/);
      expect(result.stderr).not.toContain('internal error');
    }
  });

  it('a path in due or closedAt is checked when the rule loads (exit 2), not when it first runs (exit 3)', async () => {
    const dir = rulesWith((text) => text.replace('"path": "$.due"', '"path": "$.due[?(@.x)]"'));
    for (const args of commands(dir)) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/survey-late\.json:\d+:\d+ due\.path: path "\$\.due\[\?\(@\.x\)\]" is not supported/);
    }
    const closed = rulesWith((text) => text.replace('"path": "$.stoppedAt"', '"path": "$..stoppedAt"'));
    expect((await run(['rules', 'lint', '--rules', closed])).stderr).toMatch(/closedAt\.path: path "\$\.\.stoppedAt" is not supported/);
  });

  it('1e309 is refused where it stands instead of becoming Infinity', async () => {
    const dir = rulesWith((text) => text.replace('"escalation": {', '"params": { "limit": 1e309 },\n  "escalation": {'));
    for (const args of commands(dir)) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/survey-late\.json:\d+:\d+ params\.limit: the number is too large \(JSON\.parse would read it as Infinity\)/);
    }
  });
});
