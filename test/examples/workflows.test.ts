// The CI examples, run as a records repository would run them: `npm pack` gives the tarball, a temporary
// repository holds the fixture records, one invalid record and the tarball where the examples pin it, and
// each workflow file's own steps run in order (test/examples/ci-runner.ts). Checked: the report and the
// job summary are written although a record is invalid, the job fails at the end, the merged pack of the
// GitHub matrix and of GitLab's parallel jobs is byte for byte the unsharded build, and installing the
// package on this Node prints no engine warning.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runGithubWorkflow, runGitlabPipeline, seedGitlabCache, treeDigest, type CiStore, type JobRun } from './ci-runner.ts';
import { copyBuild } from '../support/cli.ts';
import { useShippedRules } from '../shipped.ts';

// This file is about the shipped rules/ (and a copy of the repository), not the frozen copy the other tests use.
useShippedRules();

const repoRoot = process.cwd();
const examples = path.join(repoRoot, 'examples/ci');
const AS_OF = '2026-11-25T09:00:00+08:00';
const WEEK = '2026-W48';
const INVALID = 'INV-UNKNOWN-FIELD.json';

let work: string;
let repository: string;
let tarball: string;
let checkout: string;
let store: CiStore;

function step(job: JobRun | undefined, name: string): JobRun['steps'][number] {
  const found = job?.steps.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no step "${name}" in ${job?.name}: ${job?.steps.map((s) => s.name).join(', ')}`);
  return found;
}

/** Every job's failing step output, for a readable assertion message. */
function failures(runs: JobRun[]): string {
  return runs
    .flatMap((run) => run.steps.filter((s) => s.outcome === 'failure').map((s) => `${run.name} / ${s.name} (exit ${s.status}):\n${s.stdout.slice(-2000)}\n${s.stderr.slice(-2000)}`))
    .join('\n\n');
}

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'docpack-ci-'));
  // The real `npm pack` of this checkout (prepack ships the lock as npm-shrinkwrap.json and rewrites
  // package.json for the while), run on a copy so that the other tests never see it half-done. The copy
  // gets the dist/ test/setup/dist.ts keeps as new as src/, and DOCPACK_PACK_PREBUILT=1 packs it as it is
  // (npm pack would otherwise build it again: ten seconds and more of tsc).
  checkout = path.join(work, 'checkout');
  const skipped = new Set(['node_modules', '.git', 'out', 'dist', 'bench/.data']);
  cpSync(repoRoot, checkout, { recursive: true, filter: (source) => !skipped.has(path.relative(repoRoot, source)) });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(checkout, 'node_modules'));
  copyBuild(checkout);
  const packed = execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: checkout, encoding: 'utf8', env: { ...process.env, DOCPACK_PACK_PREBUILT: '1' } }).trim().split('\n').pop() ?? '';
  tarball = path.join(work, packed);
  // The records repository: records, one of them invalid, and the pinned tarball where the examples look.
  repository = path.join(work, 'records-repo');
  mkdirSync(path.join(repository, 'records'), { recursive: true });
  for (const name of readdirSync(path.join(repoRoot, 'fixtures/projects')).filter((file) => file.endsWith('.json'))) {
    copyFileSync(path.join(repoRoot, 'fixtures/projects', name), path.join(repository, 'records', name));
  }
  copyFileSync(path.join(repoRoot, 'fixtures/invalid/unknown-field.json'), path.join(repository, 'records', INVALID));
  const pinned = (parse(readFileSync(path.join(examples, 'weekly-report.yml'), 'utf8')) as { env: { DOCPACK_PACKAGE: string } }).env.DOCPACK_PACKAGE;
  mkdirSync(path.join(repository, path.dirname(pinned)), { recursive: true });
  copyFileSync(tarball, path.join(repository, pinned));
  store = { caches: path.join(work, 'caches'), artifacts: '' };
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the package', () => {
  it('is named so that it cannot be taken for the registry package "docpack", and every example pins this version', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string> };
    expect(manifest.name).not.toBe('docpack');
    expect(path.basename(tarball)).toBe(`${manifest.name}-${manifest.version}.tgz`);
    expect(manifest.bin[manifest.name]).toBe('bin/docpack.js');
    for (const file of readdirSync(examples)) {
      const text = readFileSync(path.join(examples, file), 'utf8');
      expect(text, file).not.toMatch(/npx\s+docpack/);
      expect(text, file).toMatch(new RegExp(`DOCPACK_(PACKAGE: tools/${manifest.name}-${manifest.version.replace(/\./g, '\\.')}\\.tgz|VERSION: ${manifest.version.replace(/\./g, '\\.')})\\b`));
    }
  });

  it('holds compiled JavaScript, the rules, templates, schemas, README and DOMAIN.md, and no TypeScript sources', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const needed of ['package/dist/cli/main.js', 'package/dist/pack/worker.js', 'package/dist/schemas/project.schema.json', 'package/bin/docpack.js', 'package/rules/alerts/survey-late.json', 'package/rules/calendars/2026.json', 'package/rules/deadlines/plan-due.json', 'package/templates/word/requirements.md.hbs', 'package/templates/excel/problem-table.xlsx.json', 'package/templates/pack.json', 'package/src/schemas/project.schema.json', 'package/README.md', 'package/DOMAIN.md', 'package/npm-shrinkwrap.json', 'package/examples/ci/weekly-report.yml']) {
      expect(files).toContain(needed);
    }
    expect(files.filter((file) => file.endsWith('.ts'))).toEqual([]);
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as { scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(manifest.dependencies).not.toHaveProperty('tsx');
    expect(manifest.scripts).not.toHaveProperty('prepare');
  });

  it('holds the build of these sources, and a build older than the sources is refused, not packed', () => {
    const shipped = execFileSync('tar', ['-xzOf', tarball, 'package/dist/cli/main.js'], { encoding: 'utf8' });
    expect(shipped).toBe(readFileSync(path.join(repoRoot, 'dist/cli/main.js'), 'utf8'));
    // A source changed after the build: prepack refuses before touching package.json.
    const manifest = readFileSync(path.join(checkout, 'package.json'), 'utf8');
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(checkout, 'src/cli/main.ts'), later, later);
    const refused = spawnSync(process.execPath, ['scripts/pack.mjs'], { cwd: checkout, encoding: 'utf8', env: { ...process.env, DOCPACK_PACK_PREBUILT: '1' } });
    expect(refused.status, refused.stderr).toBe(1);
    expect(refused.stderr).toContain('DOCPACK_PACK_PREBUILT=1 but src/ changed after the last build (cli/main.ts)');
    expect(readFileSync(path.join(checkout, 'package.json'), 'utf8')).toBe(manifest);
    expect(existsSync(path.join(checkout, 'npm-shrinkwrap.json'))).toBe(false);
  });

  it('npm ci of this checkout on this Node warns of no engine', () => {
    const run = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('EBADENGINE');
  });
});

describe('examples/ci/weekly-report.yml in a records repository', () => {
  let runs: JobRun[];
  beforeAll(async () => {
    store.artifacts = path.join(work, 'artifacts-weekly');
    runs = await runGithubWorkflow(path.join(examples, 'weekly-report.yml'), { repository, inputs: { week: WEEK }, store, workDir: path.join(work, 'weekly') });
  }, 600_000);

  it('installs the pinned package without engine warnings and runs it from .docpack, never from the registry', () => {
    const install = step(runs[0], 'Install docpack');
    expect(install.outcome, install.stderr).toBe('success');
    expect(install.stderr).not.toContain('EBADENGINE');
    expect(existsSync(path.join(runs[0]?.workspace ?? '', '.docpack/dist/cli/main.js'))).toBe(true);
    expect(existsSync(path.join(runs[0]?.workspace ?? '', '.docpack/node_modules/tsx'))).toBe(false);
  });

  it('writes the report for the valid records, the job summary and the artifact, then fails the job on the invalid record', () => {
    const [job] = runs;
    expect(job?.result).toBe('failure');
    expect(step(job, 'Weekly report').outcome, failures(runs)).toBe('success');
    expect(step(job, 'Fail on invalid records or findings')).toMatchObject({ outcome: 'failure', status: 2 });
    const report = path.join(store.artifacts, `weekly-report-${WEEK}`);
    const summary = readFileSync(path.join(report, 'out/weekly', WEEK, 'summary.md'), 'utf8');
    expect(job?.summary).toBe(summary);
    expect(summary).toContain(`records/${INVALID}`);
    expect(summary).toContain('1 invalid record');
    expect(existsSync(path.join(report, 'out/weekly', WEEK, `周报-${WEEK}.docx`))).toBe(true);
    expect(existsSync(path.join(report, 'out/weekly', WEEK, `周报-${WEEK}.xlsx`))).toBe(true);
    const result = JSON.parse(readFileSync(path.join(report, 'weekly-result.json'), 'utf8')) as { exitCode: number; projects: unknown[] };
    expect(result.exitCode).toBe(2);
  });

  it('is green for a repository whose records are valid and have no open escalation', async () => {
    // Four fixture projects whose open findings are warnings only: FAIL_ON (escalation) is not reached.
    const green = path.join(work, 'green-repo');
    mkdirSync(path.join(green, 'records'), { recursive: true });
    for (const id of ['P2026-GOV-001', 'P2026-EDU-008', 'P2026-DONE-014', 'P2026-LOST-015']) copyFileSync(path.join(repository, 'records', `${id}.json`), path.join(green, 'records', `${id}.json`));
    cpSync(path.join(repository, 'tools'), path.join(green, 'tools'), { recursive: true });
    const runs = await runGithubWorkflow(path.join(examples, 'weekly-report.yml'), { repository: green, inputs: { week: WEEK }, store: { ...store, artifacts: path.join(work, 'artifacts-green') }, workDir: path.join(work, 'green') });
    expect(runs.map((run) => run.result), failures(runs)).toEqual(['success']);
    expect(step(runs[0], 'Restore docpack').stdout).toMatch(/^cache hit/);
    expect(step(runs[0], 'Fail on invalid records or findings')).toMatchObject({ outcome: 'success', status: 0 });
    expect(runs[0]?.summary).toContain('0 invalid records');
  });

  it('takes the records repository own rules when it has them, and says so', () => {
    const workspace = runs[0]?.workspace ?? '';
    const bin = path.join(workspace, '.docpack/bin/docpack.js');
    const check = (cwd: string): { status: number | null; stdout: string; stderr: string } =>
      spawnSync(process.execPath, [bin, 'check', 'records', '--as-of', AS_OF, '--json'], { cwd, encoding: 'utf8' });
    const shipped = check(workspace);
    expect(shipped.stderr).not.toContain("instead of the package's");
    const rules = (run: { stdout: string }): string[] => [...new Set((JSON.parse(run.stdout) as { findings: { ruleId: string }[] }).findings.map((finding) => finding.ruleId))].sort();
    // The same repository with its own rules/alerts: the package's, less one rule the package's raise
    // (whichever: the test does not depend on what the shipped rules say).
    const dropped = rules(shipped)[0] ?? '';
    expect(dropped).not.toBe('');
    const own = path.join(work, 'own-rules');
    mkdirSync(path.join(own, 'rules'), { recursive: true });
    execFileSync('cp', ['-r', path.join(workspace, 'records'), own]);
    execFileSync('tar', ['-xzf', tarball, '-C', own, '--strip-components=1', 'package/rules/alerts']);
    rmSync(path.join(own, `rules/alerts/${dropped}.json`));
    const edited = check(own);
    expect(edited.stderr).toContain("docpack: using this folder's rules/alerts instead of the package's");
    expect(rules(edited)).toEqual(rules(shipped).filter((id) => id !== dropped));
  });
});

describe('the sharded examples: merged pack identical to an unsharded build', () => {
  let reference: Record<string, string>;
  beforeAll(() => {
    // The unsharded pack, built by the installed package (on worker threads: dist/pack/worker.js).
    const installed = path.join(work, 'weekly/weekly/workspace');
    const out = path.join(work, 'unsharded');
    const run = spawnSync(process.execPath, [path.join(installed, '.docpack/bin/docpack.js'), 'build', 'records', '--as-of', AS_OF, '--out', out, '--concurrency', '2', '--no-progress'], { cwd: installed, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(2);
    reference = treeDigest(path.join(out, '2026-11-25'));
    expect(Object.keys(reference)).toContain('summary.md');
  }, 600_000);

  it('examples/ci/sharded-build.yml: the matrix comes from SHARDS, the merge job writes the summary and the pack, then fails', async () => {
    store.artifacts = path.join(work, 'artifacts-sharded');
    const runs = await runGithubWorkflow(path.join(examples, 'sharded-build.yml'), { repository, inputs: { as_of: AS_OF }, store, workDir: path.join(work, 'sharded') });
    const shards = runs.filter((run) => run.name.startsWith('shard ('));
    expect(shards.map((run) => run.name)).toEqual(['shard (1)', 'shard (2)', 'shard (3)', 'shard (4)']);
    expect(shards.map((run) => run.result), failures(runs)).toEqual(['success', 'success', 'success', 'success']);
    // One install, restored from the cache by the other jobs.
    expect(runs.filter((run) => run.steps.find((s) => s.name === 'Restore docpack')?.stdout.startsWith('cache hit')).length).toBe(5);
    const merge = runs.find((run) => run.name === 'merge');
    expect(merge?.result).toBe('failure');
    expect(step(merge, 'Merge the slices').outcome, failures(runs)).toBe('success');
    expect(step(merge, 'Fail on invalid records or findings')).toMatchObject({ outcome: 'failure', status: 2 });
    const artifact = readdirSync(store.artifacts).find((name) => name.startsWith('pack-')) ?? 'no pack artifact';
    expect(treeDigest(path.join(store.artifacts, artifact, 'out/2026-11-25'))).toEqual(reference);
    expect(merge?.summary).toBe(readFileSync(path.join(store.artifacts, artifact, 'out/2026-11-25/summary.md'), 'utf8'));
    expect(merge?.summary).toContain(`records/${INVALID}`);
  }, 600_000);

  it('examples/ci/gitlab-ci.yml: parallel jobs map CI_NODE_INDEX/CI_NODE_TOTAL to --shard, the merge job prints the summary, keeps the pack, then fails', async () => {
    store.artifacts = path.join(work, 'artifacts-gitlab');
    // The package installed once for the file: the GitHub weekly job's .docpack/, in the cache GitLab's jobs
    // restore (as a pipeline's earlier run leaves it). The install lines that did not run here are the ones
    // that ran there, word for word.
    const installLines = (text: string): string[] => {
      const block = /^\s*if \[ ! -f \.docpack\/package\.json \]; then\n[\s\S]*?^\s*fi$/m.exec(text)?.[0] ?? '';
      return block.split('\n').map((line) => line.trim());
    };
    const gitlabInstall = installLines(readFileSync(path.join(examples, 'gitlab-ci.yml'), 'utf8'));
    expect(gitlabInstall.join('\n')).toContain('npm ci --prefix .docpack');
    expect(gitlabInstall).toEqual(installLines(readFileSync(path.join(examples, 'weekly-report.yml'), 'utf8')));
    const options = { repository, variables: {}, createdAt: '2026-11-25T01:00:00Z', store, workDir: path.join(work, 'gitlab') };
    seedGitlabCache(path.join(examples, 'gitlab-ci.yml'), 'shard', options, '.docpack', path.join(work, 'weekly/weekly/workspace/.docpack'));
    // No AS_OF given: the slices take the pipeline's creation time (01:00 UTC is 09:00 in Asia/Shanghai).
    const runs = await runGitlabPipeline(path.join(examples, 'gitlab-ci.yml'), options);
    expect(runs.map((run) => `${run.name}: ${run.result}`), failures(runs)).toEqual(['shard 1/4: success', 'shard 2/4: success', 'shard 3/4: success', 'shard 4/4: success', 'merge: failure']);
    const merge = runs.at(-1);
    expect(merge?.steps[0]?.status).toBe(2);
    expect(merge?.steps[0]?.stderr).not.toContain('EBADENGINE');
    const pack = path.join(store.artifacts, 'merge/out/2026-11-25');
    expect(treeDigest(pack)).toEqual(reference);
    expect(merge?.summary).toContain(readFileSync(path.join(pack, 'summary.md'), 'utf8'));
    expect(merge?.summary).toContain('invalid records (listed in the summary above)');
  }, 600_000);
});

describe('the README', () => {
  it('links only to files inside the repository, and those exist', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '').filter((link) => !/^[a-z]+:/.test(link) && !link.startsWith('#'));
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) {
      const target = path.resolve(repoRoot, link.split('#')[0] ?? '');
      expect(target.startsWith(repoRoot + path.sep), link).toBe(true);
      expect(existsSync(target), link).toBe(true);
    }
  });

  it('has the section a new user follows, with the commands the examples need', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((part) => part.startsWith('Use docpack in your records repository'));
    expect(section).toBeDefined();
    expect(section).toContain('npm pack');
    expect(section).toContain('examples/ci/weekly-report.yml');
    expect(section).toContain('examples/ci/gitlab-ci.yml');
  });
});
