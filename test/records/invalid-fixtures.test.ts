import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.ts';
import { loadRecords } from '../../src/records/load.ts';

const dir = 'fixtures/invalid';
const expectations = readdirSync(dir).filter((name) => name.endsWith('.expected.txt'));

/** Each invalid fixture holds one bad thing; its .expected.txt holds the exact lines it must produce. */
describe('fixtures/invalid', () => {
  it('has at least 15 cases', () => {
    expect(expectations.length).toBeGreaterThanOrEqual(15);
  });

  it.each(expectations)('%s', async (expectedName) => {
    const stem = expectedName.replace(/\.expected\.txt$/, '');
    const inputs =
      stem === 'same-id' ? [`${dir}/same-id-a.json`, `${dir}/same-id-b.json`] : [`${dir}/${stem}.json`];
    const result = await loadRecords(inputs);
    expect(result.records).toEqual([]);
    const printed = result.problems.map(formatProblem).join('\n');
    expect(printed).toBe(readFileSync(`${dir}/${expectedName}`, 'utf8').trimEnd());
    for (const problem of result.problems) {
      expect(problem.file, 'every problem names its file').toBeTruthy();
      expect(problem.code).toMatch(/^[a-z0-9-]+$/);
    }
  });

  it('every invalid fixture is covered by an expectation', () => {
    const covered = new Set(expectations.map((name) => name.replace(/\.expected\.txt$/, '')));
    const fixtures = readdirSync(dir).filter((name) => name.endsWith('.json'));
    for (const fixture of fixtures) {
      const stem = fixture.replace(/\.json$/, '').replace(/^same-id-[ab]$/, 'same-id');
      expect(covered.has(stem), `${fixture} has no .expected.txt`).toBe(true);
    }
  });
});
