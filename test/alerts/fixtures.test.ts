import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { DEFAULT_SAMPLE_FILE, readSampleFile } from '../../src/alerts/sample.ts';
import { useShippedRules } from '../shipped.ts';

// The findings fixtures/projects/STORIES.md works out by hand are data: fixtures/expected-findings.json.
// A rule change that changes them shows in `docpack rules diff` and is accepted with `docpack rules accept`.
describe('the fixtures give the findings their stories imply', () => {
  useShippedRules();
  it('docpack rules diff finds no difference from fixtures/expected-findings.json', async () => {
    const io = memoryIo();
    const code = await main(['rules', 'diff'], io);
    // On failure the words of the difference are the message: new, gone and changed findings.
    expect(io.stdout.join('\n') + io.stderr.join('\n')).toMatch(/^0 new, 0 gone, 0 changed, \d+ unchanged$/m);
    expect(code).toBe(0);
  });

  it('the expected findings are checked by the same command as check --json (and are not empty)', async () => {
    const sample = readSampleFile(DEFAULT_SAMPLE_FILE);
    const io = memoryIo();
    await main(['check', '--json', '--as-of', sample.asOf, 'fixtures/projects'], io);
    const { findings } = JSON.parse(io.stdout.join('')) as { findings: { project: string; ruleId: string; subject: { label: string } }[] };
    expect(sample.findings.length).toBeGreaterThan(0);
    const key = (project: string, rule: string, subject: string): string => `${project} ${rule} ${subject}`;
    expect(findings.map((finding) => key(finding.project, finding.ruleId, finding.subject.label)).sort()).toEqual(sample.findings.map((finding) => key(finding.project, finding.rule, finding.subject)).sort());
  });

  it('the records the expected findings leave out raise nothing, and check exits 0 on them with --fail-on warning', async () => {
    const sample = readSampleFile(DEFAULT_SAMPLE_FILE);
    const withFindings = new Set(sample.findings.map((finding) => finding.project));
    const healthy = readdirSync('fixtures/projects').filter((name) => name.endsWith('.json') && !withFindings.has(name.replace(/\.json$/, '')));
    expect(healthy.length).toBeGreaterThan(0);
    const io = memoryIo();
    const code = await main(['check', '--as-of', sample.asOf, '--fail-on', 'warning', ...healthy.map((name) => `fixtures/projects/${name}`)], io);
    expect(code).toBe(0);
    expect(io.stdout.at(-1)).toMatch(/^0 findings/);
  });
});
