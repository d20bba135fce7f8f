// Output never depends on the machine's locale or time zone: the same commands under LANG=C, a Turkish
// and a Chinese locale (whose collations order case, dotted i and CJK against Latin differently) and three
// time zones give the same bytes. Sorting in src/ compares code units, never localeCompare.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sortProblems } from '../../src/records/load.ts';
import type { Problem } from '../../src/errors.ts';
import { runCli } from '../support/cli.ts';

const ENVIRONMENTS: Record<string, string>[] = [
  { LANG: 'C', LC_ALL: 'C', TZ: 'UTC' },
  { LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8', TZ: 'America/Los_Angeles' },
  { LANG: 'zh_CN.UTF-8', LC_ALL: 'zh_CN.UTF-8', TZ: 'Asia/Kolkata' },
];

const COMMANDS: string[][] = [
  // Every invalid fixture at once: problems sorted by file, line, column and message.
  ['validate', '--json', 'fixtures/invalid'],
  ['check', 'fixtures/projects', '--as-of', '2026-11-25T09:00:00+08:00', '--json'],
];

const WORDS = ['b', 'Z', 'a', 'I', 'i', 'İ', '张', '李', 'é'];

describe('locale and time zone', () => {
  it('the environments really collate differently in this Node (else the byte comparison below would prove nothing)', () => {
    // Node's ICU takes its default locale from LC_ALL/LANG, even where the C library lacks the locale.
    const collated = ENVIRONMENTS.map((env) => {
      const run = spawnSync(process.execPath, ['-e', `console.log(${JSON.stringify(WORDS)}.sort((x, y) => x.localeCompare(y)).join(' '))`], { encoding: 'utf8', env: { ...process.env, ...env } });
      return run.stdout.trim();
    });
    expect(new Set(collated).size).toBe(ENVIRONMENTS.length);
  });

  it('problems at the same position are ordered by their message code unit by code unit', () => {
    const at = (message: string): Problem => ({ severity: 'error', file: 'f.json', line: 3, column: 5, message }) as Problem;
    const sorted = sortProblems(['张 b', 'alpha', 'Zeta', 'İ', 'i'].map(at)).map((problem) => problem.message);
    expect(sorted).toEqual(['Zeta', 'alpha', 'i', 'İ', '张 b']);
  });

  for (const args of COMMANDS) {
    it(`docpack ${args.join(' ')} gives the same bytes under every locale and time zone`, () => {
      const [reference, ...others] = ENVIRONMENTS.map((env) => {
        const run = runCli(args, { env: { ...process.env, ...env } });
        return `exit ${run.status}\n${run.stdout}\n${run.stderr}`;
      });
      expect(reference).toMatch(/"(problems|findings)"/);
      for (const [index, output] of others.entries()) expect(output, JSON.stringify(ENVIRONMENTS[index + 1])).toBe(reference);
    }, 60_000);
  }
});
