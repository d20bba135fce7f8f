// `docpack check` reads each record once, on worker threads for many records, and prints its findings
// by project id from a spill: the output (stdout, stderr, exit code) must not depend on any of that.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticPortfolio } from '../../bench/synthetic.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { OutputSpill } from '../../src/cli/spill.ts';
import { runCli } from '../support/cli.ts';

const AS_OF = '2026-11-25T09:00:00+08:00';

/** 40 synthetic records, the sample's records, an invalid one and two files with one id (both invalid), in a folder. */
function portfolio(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'docpack-records-'));
  for (const record of syntheticPortfolio({ projects: 40, circuits: 6, seed: 7 })) writeFileSync(path.join(dir, `${record.id}.json`), JSON.stringify(record, null, 2));
  for (const name of readdirSync('fixtures/projects').filter((file) => file.endsWith('.json'))) copyFileSync(path.join('fixtures/projects', name), path.join(dir, name));
  copyFileSync('fixtures/invalid/bad-enum.json', path.join(dir, 'bad-enum.json'));
  // The same id in a file that sorts first and in one that sorts last: neither may print a finding.
  const twin = readFileSync('fixtures/projects/P2026-GOV-001.json', 'utf8');
  writeFileSync(path.join(dir, '0-twin.json'), twin);
  return dir;
}

describe('docpack check on worker threads', () => {
  const dir = portfolio();
  // The same command gives the same output (that is what these tests check): each is run once per file.
  const ran = new Map<string, ReturnType<typeof runCli>>();
  const check = (threads: number, format: string[] = []): ReturnType<typeof runCli> => {
    const args = ['check', dir, '--as-of', AS_OF, '--concurrency', String(threads), ...format];
    const key = JSON.stringify(args);
    if (!ran.has(key)) ran.set(key, runCli(args));
    return ran.get(key)!;
  };

  it('prints the same bytes, stderr and exit code with 1 thread as with 2 or 3, text and --json', () => {
    // Text with 1 and 3 threads, --json with 1 and 2 (the other tests read that one): each process with
    // worker threads costs a few CPU seconds; two and three threads and both formats are still covered.
    for (const [format, threads] of [[[], [1, 3]], [['--json'], [1, 2]]] as const) {
      const runs = threads.map((count) => check(count, [...format]));
      const [one, ...others] = runs;
      expect(one!.status).toBe(2); // the invalid record and the twins
      expect(one!.stdout.length).toBeGreaterThan(10_000);
      for (const other of others) {
        expect(other.status).toBe(one!.status);
        expect(other.stdout).toBe(one!.stdout);
        expect(other.stderr).toBe(one!.stderr);
      }
    }
  });

  it('gives the workers the same rules: --rule and --fail-on', () => {
    const runs = [1, 2].map((threads) => runCli(['check', dir, '--as-of', AS_OF, '--rule', 'circuit-overdue', 'plan-late', '--fail-on', 'escalation', '--concurrency', String(threads)]));
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    expect(runs[1]!.status).toBe(runs[0]!.status);
    const rules = new Set(runs[0]!.stdout.split('\n').filter((line) => /^\S/.test(line) && !/ findings \(/.test(line)).map((line) => line.split('  ')[1]));
    expect([...rules].sort()).toEqual(['circuit-overdue', 'plan-late']);
  });

  it('leaves out both files of a duplicated id, and lists them and the invalid record', () => {
    const run = check(2, ['--json']);
    const output = JSON.parse(run.stdout) as { findings: { project: string }[]; problems: { code: string; file: string }[] };
    expect(output.findings.some((finding) => finding.project === 'P2026-GOV-001')).toBe(false);
    expect(output.findings.some((finding) => finding.project.startsWith('SYN-7-'))).toBe(true);
    expect(output.problems.filter((problem) => problem.code === 'duplicate-project-id').map((problem) => path.basename(problem.file)).sort()).toEqual(['0-twin.json', 'P2026-GOV-001.json']);
    expect(output.problems.some((problem) => path.basename(problem.file) === 'bad-enum.json')).toBe(true);
    const projects = output.findings.map((finding) => finding.project);
    expect(projects).toEqual([...projects].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('writes --json exactly as JSON.stringify(…, null, 2) of the same data (the findings are stringified record by record)', () => {
    const run = check(2, ['--json']);
    expect(run.stdout).toBe(`${JSON.stringify(JSON.parse(run.stdout), null, 2)}\n`);
    const none = runCli(['check', 'fixtures/invalid/bad-enum.json', '--as-of', AS_OF, '--json']);
    expect(none.stdout).toBe(`${JSON.stringify(JSON.parse(none.stdout), null, 2)}\n`);
    expect(JSON.parse(none.stdout)).toMatchObject({ findings: [] });
  });

  it('gives a test io (no outBytes) the same text as the process gets', async () => {
    for (const format of [[], ['--json']]) {
      const io = memoryIo();
      const code = await main(['check', dir, '--as-of', AS_OF, '--concurrency', '1', ...format], io);
      const run = check(1, format);
      expect(code).toBe(run.status);
      // What processIo would write: each piece, with a newline when it has none.
      const written = (pieces: string[]): string => pieces.map((piece) => (piece.endsWith('\n') ? piece : `${piece}\n`)).join('');
      expect(written(io.stdout)).toBe(run.stdout);
      expect(written(io.stderr)).toBe(run.stderr);
    }
  });

  it('refuses a --concurrency that is not a whole number from 1 to 64', () => {
    const run = runCli(['check', dir, '--as-of', AS_OF, '--concurrency', '0']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--concurrency "0"');
  });
});

describe('OutputSpill', () => {
  it('gives back every piece, from memory or from its temporary file, and removes the file', () => {
    const pieces = Array.from({ length: 50 }, (_, index) => Buffer.from(`piece ${index} ${'数据'.repeat(index)}\n`));
    const spill = new OutputSpill(200);
    const kept = pieces.map((piece) => spill.add(piece));
    const file = spill.file;
    expect(file && existsSync(file)).toBe(true);
    const order = [...kept.keys()].reverse();
    for (const index of order) expect(Buffer.from(spill.read(kept[index]!)).equals(pieces[index]!)).toBe(true);
    spill.close();
    expect(existsSync(path.dirname(file as string))).toBe(false);
  });

  it('keeps small outputs in memory', () => {
    const spill = new OutputSpill();
    const piece = spill.add(Buffer.from('small'));
    expect(spill.file).toBeUndefined();
    expect(Buffer.from(spill.read(piece)).toString()).toBe('small');
    spill.close();
  });
});
