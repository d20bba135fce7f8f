// Runs the CI examples' own files the way GitHub Actions and GitLab CI would, on this machine: each job in a
// fresh workspace (the records repository), its `run:` / `script:` lines through bash in order, with the
// variables the CI gives (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STEP_SUMMARY, matrix values,
// CI_NODE_INDEX / CI_NODE_TOTAL...), and the few actions the examples use (checkout, setup-node, cache,
// upload and download artifacts) emulated. Anything else in a file (an unknown action, expression function
// or keyword value) throws, so an example cannot pass by using what this runner ignores.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Context = Record<string, Json | undefined>;

export interface StepRun {
  name: string;
  outcome: 'success' | 'failure' | 'skipped';
  /** The shell's exit status of a run step. */
  status?: number;
  /** How long it took (milliseconds). */
  ms?: number;
  stdout: string;
  stderr: string;
}

export interface JobRun {
  name: string;
  result: 'success' | 'failure' | 'skipped';
  steps: StepRun[];
  /** GITHUB_STEP_SUMMARY of every step, in order (GitHub), or the job log (GitLab). */
  summary: string;
  workspace: string;
  outputs: Record<string, string>;
}

/** Where a run keeps what outlives a job: caches (shared across runs, as a repository's are) and artifacts. */
export interface CiStore {
  caches: string;
  artifacts: string;
}

/** Copies a file or folder (into `to`, merging with what is there), symbolic links as they are. */
function copyTree(from: string, to: string): void {
  mkdirSync(statSync(from).isDirectory() ? to : path.dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}

/** A cache of an installed tool (a hundred MB of node_modules) restored as hard links: nothing writes into it. */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  const copy = spawnSync('cp', ['-al', `${from}/.`, to], { encoding: 'utf8' });
  if (copy.status !== 0) throw new Error(`cp -al ${from} ${to}: ${copy.stderr}`);
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) return [dir];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Runs a bash script in `cwd`; GitHub's default shell is `bash -e`, GitLab's `set -eo pipefail`. Not
 * waited for synchronously: the jobs of a matrix (GitHub) or of `parallel:` (GitLab) run side by side.
 */
function bash(script: string, cwd: string, env: Record<string, string>, flags: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', ...flags, '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ status: code ?? (signal ? 128 : 1), stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
}

/**
 * The environment a job starts from: this machine's PATH, a fresh HOME, and this machine's npm set-up (its
 * user config and package cache, preferred to the registry as a runner's warm npm cache would be), nothing
 * of the test's own variables.
 */
function baseEnv(home: string): Record<string, string> {
  const userHome = os.homedir();
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', CI: 'true' };
  env.npm_config_cache = process.env.npm_config_cache ?? path.join(userHome, '.npm');
  env.npm_config_prefer_offline = 'true';
  env.npm_config_update_notifier = 'false';
  const userConfig = process.env.npm_config_userconfig ?? path.join(userHome, '.npmrc');
  if (existsSync(userConfig)) env.npm_config_userconfig = userConfig;
  return env;
}

// ---------------------------------------------------------------------------------------------------------
// GitHub Actions expressions: the subset the examples use (context paths, == != && || !, string literals,
// always() success() failure() fromJSON() hashFiles()).

type Token = { kind: 'name' | 'string' | 'number' | 'op' | 'paren' | 'comma'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const rest = source.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const match =
      /^'(?:[^']|'')*'/.exec(rest) ?? /^(==|!=|&&|\|\||!)/.exec(rest) ?? /^[()]/.exec(rest) ?? /^,/.exec(rest) ?? /^-?\d+(\.\d+)?/.exec(rest) ?? /^[A-Za-z_][A-Za-z0-9_.*-]*/.exec(rest);
    if (!match) throw new Error(`expression "${source}": cannot read "${rest}"`);
    const text = match[0];
    const kind: Token['kind'] = text.startsWith("'") ? 'string' : /^(==|!=|&&|\|\||!)$/.test(text) ? 'op' : /^[()]$/.test(text) ? 'paren' : text === ',' ? 'comma' : /^-?\d/.test(text) ? 'number' : 'name';
    tokens.push({ kind, text });
    at += text.length;
  }
  return tokens;
}

export interface ExpressionScope {
  contexts: Context;
  /** Whether an earlier step of the job failed (for success() / failure()). */
  failed: boolean;
  workspace: string;
}

function truthy(value: Json | undefined): boolean {
  return !(value === undefined || value === null || value === false || value === 0 || value === '');
}

function asText(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function lookup(contexts: Context, dotted: string): Json | undefined {
  const [head, ...rest] = dotted.split('.');
  let value: Json | undefined = contexts[head ?? ''];
  if (!(head && head in contexts)) throw new Error(`expression: unknown context "${head}" in "${dotted}"`);
  for (const key of rest) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = value[key];
  }
  return value;
}

function hashFiles(workspace: string, pattern: string): string {
  if (/[*?[]/.test(pattern)) throw new Error(`hashFiles("${pattern}"): patterns are not emulated, name a file`);
  const files = filesUnder(path.join(workspace, pattern));
  if (files.length === 0) return '';
  const hash = createHash('sha256');
  for (const file of files) hash.update(createHash('sha256').update(readFileSync(file)).digest());
  return hash.digest('hex');
}

export function evaluate(source: string, scope: ExpressionScope): Json | undefined {
  const tokens = tokenize(source);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const take = (): Token => {
    const token = tokens[at++];
    if (!token) throw new Error(`expression "${source}": unexpected end`);
    return token;
  };
  const primary = (): Json | undefined => {
    const token = take();
    if (token.kind === 'string') return token.text.slice(1, -1).replace(/''/g, "'");
    if (token.kind === 'number') return Number(token.text);
    if (token.kind === 'op' && token.text === '!') return !truthy(primary());
    if (token.kind === 'paren' && token.text === '(') {
      const value = or();
      take();
      return value;
    }
    if (token.kind !== 'name') throw new Error(`expression "${source}": unexpected "${token.text}"`);
    if (token.text === 'true' || token.text === 'false') return token.text === 'true';
    if (token.text === 'null') return null;
    if (peek()?.text === '(') {
      take();
      const args: (Json | undefined)[] = [];
      while (peek()?.text !== ')') {
        args.push(or());
        if (peek()?.kind === 'comma') take();
      }
      take();
      switch (token.text) {
        case 'always':
          return true;
        case 'success':
          return !scope.failed;
        case 'failure':
          return scope.failed;
        case 'fromJSON':
          return JSON.parse(asText(args[0])) as Json;
        case 'hashFiles':
          return hashFiles(scope.workspace, asText(args[0]));
        default:
          throw new Error(`expression "${source}": function ${token.text}() is not emulated`);
      }
    }
    return lookup(scope.contexts, token.text);
  };
  const equality = (): Json | undefined => {
    let left = primary();
    while (peek()?.text === '==' || peek()?.text === '!=') {
      const op = take().text;
      const right = primary();
      const same = asText(left) === asText(right);
      left = op === '==' ? same : !same;
    }
    return left;
  };
  const and = (): Json | undefined => {
    let left = equality();
    while (peek()?.text === '&&') {
      take();
      const right = equality();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): Json | undefined => {
    let left = and();
    while (peek()?.text === '||') {
      take();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const value = or();
  if (at !== tokens.length) throw new Error(`expression "${source}": unexpected "${tokens[at]?.text}"`);
  return value;
}

/** A value with `${{ }}` parts: a string made of one expression keeps the expression's type. */
export function interpolate(text: string, scope: ExpressionScope): Json | undefined {
  const whole = /^\$\{\{(.*)\}\}$/s.exec(text.trim());
  if (whole && !whole[1]?.includes('}}')) return evaluate(whole[1] ?? '', scope);
  return text.replace(/\$\{\{(.*?)\}\}/gs, (_, expression: string) => asText(evaluate(expression, scope)));
}

function readKeyValues(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  if (!existsSync(file)) return values;
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      while (++index < lines.length && lines[index] !== heredoc[2]) body.push(lines[index] ?? '');
      values[heredoc[1] ?? ''] = body.join('\n');
      continue;
    }
    const equals = line.indexOf('=');
    if (equals > 0) values[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return values;
}

function textMap(value: unknown, scope: ExpressionScope): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries((value ?? {}) as Record<string, unknown>)) out[key] = asText(interpolate(String(raw), scope));
  return out;
}

interface GithubStep {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, unknown>;
  with?: Record<string, unknown>;
}

interface GithubJob {
  needs?: string | string[];
  'runs-on'?: string;
  outputs?: Record<string, string>;
  env?: Record<string, unknown>;
  strategy?: { matrix?: Record<string, unknown>; 'fail-fast'?: boolean };
  steps: GithubStep[];
}

export interface GithubRunOptions {
  /** The records repository every job checks out. */
  repository: string;
  /** workflow_dispatch inputs. */
  inputs: Record<string, string>;
  store: CiStore;
  /** Where the jobs' workspaces go. */
  workDir: string;
}

/** Runs a GitHub Actions workflow file's jobs in dependency order (a matrix job once per value, side by side). */
export async function runGithubWorkflow(file: string, options: GithubRunOptions): Promise<JobRun[]> {
  const workflow = parse(readFileSync(file, 'utf8')) as { env?: Record<string, unknown>; jobs: Record<string, GithubJob> };
  const runs: JobRun[] = [];
  const needsContext: Record<string, { result: string; outputs: Record<string, string> }> = {};
  const pending = Object.entries(workflow.jobs);
  const runId = String(Date.now());
  while (pending.length > 0) {
    const index = pending.findIndex(([, job]) => [job.needs ?? []].flat().every((need) => need in needsContext));
    if (index < 0) throw new Error(`${file}: jobs wait for each other: ${pending.map(([name]) => name).join(', ')}`);
    const [jobName, job] = pending.splice(index, 1)[0] as [string, GithubJob];
    const needs = [job.needs ?? []].flat();
    const baseContexts: Context = {
      github: { event: { inputs: options.inputs }, run_id: runId, workspace: '' },
      inputs: options.inputs,
      runner: { os: 'Linux', temp: '' },
      needs: Object.fromEntries(needs.map((need) => [need, needsContext[need] ?? null])) as Json,
      env: {},
    };
    const scope0: ExpressionScope = { contexts: baseContexts, failed: false, workspace: options.workDir };
    // A matrix of one dimension or more: every combination of values.
    let combos: Record<string, Json>[] = [{}];
    for (const [key, raw] of Object.entries(job.strategy?.matrix ?? {})) {
      const values = typeof raw === 'string' ? interpolate(raw, scope0) : (raw as Json);
      if (!Array.isArray(values)) throw new Error(`${file}: matrix.${key} is not a list: ${JSON.stringify(values)}`);
      combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [key]: value })));
    }
    const skipped = needs.some((need) => needsContext[need]?.result !== 'success');
    // Results in matrix order, whichever job ends first.
    const results: JobRun[] = await Promise.all(
      combos.map((matrix) => {
        const label = Object.keys(matrix).length > 0 ? `${jobName} (${Object.values(matrix).join(', ')})` : jobName;
        return skipped ? { name: label, result: 'skipped' as const, steps: [], summary: '', workspace: '', outputs: {} } : runGithubJob(label, job, workflow.env ?? {}, { ...baseContexts, matrix }, options);
      }),
    );
    runs.push(...results);
    needsContext[jobName] = {
      result: results.every((run) => run.result === 'success') ? 'success' : results.some((run) => run.result === 'failure') ? 'failure' : 'skipped',
      outputs: Object.assign({}, ...results.map((run) => run.outputs)) as Record<string, string>,
    };
  }
  return runs;
}

async function runGithubJob(label: string, job: GithubJob, workflowEnv: Record<string, unknown>, contexts: Context, options: GithubRunOptions): Promise<JobRun> {
  const root = path.join(options.workDir, label.replace(/[^A-Za-z0-9-]+/g, '_'));
  const workspace = path.join(root, 'workspace');
  const temp = path.join(root, 'temp');
  const home = path.join(root, 'home');
  for (const dir of [workspace, temp, home]) mkdirSync(dir, { recursive: true });
  if (job['runs-on'] !== 'ubuntu-latest') throw new Error(`${label}: runs-on ${job['runs-on']} is not emulated`);
  const stepsContext: Record<string, { outputs: Record<string, string>; outcome: string }> = {};
  const scope: ExpressionScope = {
    contexts: { ...contexts, github: { ...(contexts.github as object), workspace } as Json, runner: { os: 'Linux', temp }, steps: stepsContext as unknown as Json, env: {} },
    failed: false,
    workspace,
  };
  const env: Record<string, string> = {};
  Object.assign(env, textMap(workflowEnv, scope));
  scope.contexts.env = { ...env };
  Object.assign(env, textMap(job.env, scope));
  scope.contexts.env = { ...env };
  const paths: string[] = [];
  const steps: StepRun[] = [];
  let summary = '';
  for (const [index, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? step.run?.split('\n')[0] ?? `step ${index + 1}`;
    const condition = step.if === undefined ? 'success()' : step.if.replace(/^\$\{\{(.*)\}\}$/s, '$1');
    if (!truthy(evaluate(condition, scope))) {
      steps.push({ name, outcome: 'skipped', stdout: '', stderr: '' });
      if (step.id) stepsContext[step.id] = { outputs: {}, outcome: 'skipped' };
      continue;
    }
    const stepEnv = { ...env, ...textMap(step.env, scope) };
    const files = { GITHUB_ENV: path.join(temp, `env-${index}`), GITHUB_OUTPUT: path.join(temp, `output-${index}`), GITHUB_PATH: path.join(temp, `path-${index}`), GITHUB_STEP_SUMMARY: path.join(temp, `summary-${index}`) };
    for (const file of Object.values(files)) writeFileSync(file, '');
    let result: StepRun;
    let outputs: Record<string, string> = {};
    const started = Date.now();
    if (step.run !== undefined) {
      const script = asText(interpolate(step.run, scope));
      const processEnv: Record<string, string> = { ...baseEnv(home), ...stepEnv, ...files, GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: workspace, RUNNER_TEMP: temp, RUNNER_OS: 'Linux' };
      processEnv.PATH = [...paths, processEnv.PATH ?? ''].join(':');
      const shell = await bash(script, workspace, processEnv, ['-e']);
      result = { name, outcome: shell.status === 0 ? 'success' : 'failure', status: shell.status, stdout: shell.stdout, stderr: shell.stderr };
      outputs = readKeyValues(files.GITHUB_OUTPUT);
    } else if (step.uses !== undefined) {
      const inputs = textMap(step.with, scope);
      const action = runAction(step.uses, inputs, { workspace, repository: options.repository, store: options.store });
      result = { name, outcome: action.ok ? 'success' : 'failure', stdout: action.log, stderr: '' };
      outputs = action.outputs;
    } else {
      throw new Error(`${label}: step ${name} has neither run nor uses`);
    }
    result.ms = Date.now() - started;
    Object.assign(env, readKeyValues(files.GITHUB_ENV));
    scope.contexts.env = { ...env };
    paths.unshift(...readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean).reverse());
    summary += readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
    if (result.outcome === 'failure') scope.failed = true;
    if (step.id) stepsContext[step.id] = { outputs, outcome: result.outcome };
    steps.push(result);
  }
  const outputs = textMap(job.outputs, scope);
  return { name: label, result: scope.failed ? 'failure' : 'success', steps, summary, workspace, outputs };
}

function runAction(uses: string, inputs: Record<string, string>, job: { workspace: string; repository: string; store: CiStore }): { ok: boolean; outputs: Record<string, string>; log: string } {
  const pinned = /^([^@]+)@([0-9a-f]{40})$/.exec(uses);
  if (!pinned) throw new Error(`uses: ${uses} is not pinned by a full commit hash`);
  const action = pinned[1];
  const cacheDir = (key: string): string => path.join(job.store.caches, createHash('sha256').update(key).digest('hex'));
  switch (action) {
    case 'actions/checkout':
      copyTree(job.repository, job.workspace);
      return { ok: true, outputs: {}, log: `checked out ${job.repository}` };
    case 'actions/setup-node': {
      const major = process.versions.node.split('.')[0];
      if (inputs['node-version'] !== major) throw new Error(`setup-node asks for Node ${inputs['node-version']}; these tests run on Node ${major}`);
      return { ok: true, outputs: {}, log: `node ${process.versions.node}` };
    }
    case 'actions/cache/restore': {
      const key = inputs.key ?? '';
      if (!/-[0-9a-f]{64}$/.test(key)) throw new Error(`cache key "${key}" does not end in a file hash`);
      const from = cacheDir(key);
      if (!existsSync(from)) return { ok: true, outputs: { 'cache-hit': '' }, log: `cache miss ${key}` };
      linkTree(from, path.join(job.workspace, inputs.path ?? ''));
      return { ok: true, outputs: { 'cache-hit': 'true', 'cache-matched-key': key }, log: `cache hit ${key}` };
    }
    case 'actions/cache/save': {
      const to = cacheDir(inputs.key ?? '');
      if (existsSync(to)) return { ok: true, outputs: {}, log: 'cache exists' };
      linkTree(path.join(job.workspace, inputs.path ?? ''), to);
      return { ok: true, outputs: {}, log: `cache saved ${inputs.key}` };
    }
    case 'actions/upload-artifact': {
      const name = inputs.name ?? 'artifact';
      const entries = (inputs.path ?? '').split('\n').map((line) => line.trim()).filter(Boolean).map((entry) => path.join(job.workspace, entry));
      const present = entries.filter((entry) => existsSync(entry));
      if (present.length === 0) return { ok: inputs['if-no-files-found'] !== 'error', outputs: {}, log: `no files for artifact ${name}` };
      // The artifact's root is the paths' deepest common folder, as upload-artifact does.
      const folders = present.map((entry) => (statSync(entry).isDirectory() ? entry : path.dirname(entry)));
      let base = folders[0] ?? job.workspace;
      while (!folders.every((folder) => folder === base || folder.startsWith(base + path.sep))) base = path.dirname(base);
      const target = path.join(job.store.artifacts, name);
      if (existsSync(target)) throw new Error(`artifact ${name} uploaded twice`);
      for (const entry of present) copyTree(entry, path.join(target, path.relative(base, entry)));
      return { ok: true, outputs: {}, log: `uploaded ${name}` };
    }
    case 'actions/download-artifact': {
      const pattern = inputs.pattern ?? inputs.name ?? '*';
      const matcher = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      const names = existsSync(job.store.artifacts) ? readdirSync(job.store.artifacts).filter((name) => matcher.test(name)).sort() : [];
      const into = path.join(job.workspace, inputs.path ?? '');
      const single = inputs.name !== undefined || inputs['merge-multiple'] === 'true';
      for (const name of names) copyTree(path.join(job.store.artifacts, name), single ? into : path.join(into, name));
      return { ok: names.length > 0, outputs: {}, log: `downloaded ${names.join(', ')}` };
    }
    default:
      throw new Error(`uses: ${action} is not emulated`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// GitLab CI: stages, extends, parallel, needs, variables, cache and artifacts.

interface GitlabJob {
  extends?: string | string[];
  image?: string;
  stage?: string;
  parallel?: number;
  needs?: string[];
  when?: string;
  before_script?: string[];
  script?: string[];
  cache?: { key?: string; paths?: string[] };
  artifacts?: { when?: string; paths?: string[]; name?: string; expire_in?: string; expose_as?: string };
  variables?: Record<string, unknown>;
}

/** ${VAR}, $VAR and ${VAR:-default} against `vars`, as GitLab and the shell expand them. */
function expand(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const value = vars[braced ?? bare ?? ''];
    return value === undefined || (value === '' && fallback !== undefined) ? (fallback ?? '') : value;
  });
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && prior && typeof prior === 'object' && !Array.isArray(prior)
        ? mergeDeep(prior as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

function resolveExtends(name: string, jobs: Record<string, GitlabJob>): GitlabJob {
  const job = jobs[name];
  if (!job) throw new Error(`extends: no job ${name}`);
  let merged: Record<string, unknown> = {};
  for (const parent of [job.extends ?? []].flat()) merged = mergeDeep(merged, resolveExtends(parent, jobs) as Record<string, unknown>);
  const { extends: _, ...own } = job;
  return mergeDeep(merged, own as Record<string, unknown>) as GitlabJob;
}

export interface GitlabRunOptions {
  repository: string;
  /** Variables given when running the pipeline (the "Run pipeline" form). */
  variables: Record<string, string>;
  /** CI_PIPELINE_CREATED_AT. */
  createdAt: string;
  store: CiStore;
  workDir: string;
}

const GITLAB_KEYS = new Set(['variables', 'stages', 'default', 'include', 'workflow']);

/** Runs a .gitlab-ci.yml pipeline: stage by stage, a `parallel: n` job n times side by side, then the jobs that need it. */
export async function runGitlabPipeline(file: string, options: GitlabRunOptions): Promise<JobRun[]> {
  const document = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const key of ['default', 'include', 'workflow']) if (key in document) throw new Error(`${file}: ${key} is not emulated`);
  const stages = (document.stages as string[] | undefined) ?? ['build', 'test', 'deploy'];
  const jobs = Object.fromEntries(Object.entries(document).filter(([key]) => !GITLAB_KEYS.has(key))) as Record<string, GitlabJob>;
  const pipelineVars = pipelineVariables(document, options);
  const runs: JobRun[] = [];
  const results = new Map<string, JobRun[]>();
  for (const stage of stages) {
    for (const name of Object.keys(jobs).filter((key) => !key.startsWith('.'))) {
      const job = resolveExtends(name, jobs);
      if ((job.stage ?? 'test') !== stage) continue;
      const upstream = job.needs ?? [...results.keys()];
      const upstreamRuns = upstream.flatMap((need) => {
        const found = results.get(need);
        if (!found) throw new Error(`${name} needs ${need}, which has not run`);
        return found;
      });
      const total = job.parallel ?? 1;
      // Results in index order, whichever job ends first.
      const instances: JobRun[] = await Promise.all(
        Array.from({ length: total }, (_, at) => {
          const index = at + 1;
          const label = total > 1 ? `${name} ${index}/${total}` : name;
          if ((job.when ?? 'on_success') === 'on_success' && upstreamRuns.some((run) => run.result !== 'success')) {
            return { name: label, result: 'skipped' as const, steps: [], summary: '', workspace: '', outputs: {} };
          }
          const vars: Record<string, string> = { ...pipelineVars, ...(total > 1 ? { CI_NODE_INDEX: String(index), CI_NODE_TOTAL: String(total) } : {}), CI_JOB_NAME: label };
          for (const [key, raw] of Object.entries(job.variables ?? {})) vars[key] = expand(String(raw), vars);
          return runGitlabJob(label, job, vars, upstreamRuns, options);
        }),
      );
      results.set(name, instances);
      runs.push(...instances);
    }
  }
  return runs;
}

/** The variables every job of a pipeline starts with: the CI's, the file's, then those given to the run. */
function pipelineVariables(document: Record<string, unknown>, options: Pick<GitlabRunOptions, 'variables' | 'createdAt'>): Record<string, string> {
  const pipelineVars: Record<string, string> = { CI: 'true', GITLAB_CI: 'true', CI_PIPELINE_ID: '4242', CI_PIPELINE_CREATED_AT: options.createdAt };
  for (const [key, raw] of Object.entries((document.variables ?? {}) as Record<string, unknown>)) {
    const value = raw !== null && typeof raw === 'object' ? (raw as { value?: unknown }).value : raw;
    pipelineVars[key] = expand(String(value ?? ''), pipelineVars);
  }
  return Object.assign(pipelineVars, options.variables);
}

/**
 * Fills the cache a GitLab job restores (its `cache:` key) with `from` at `entry`, one of the job's cache
 * paths, as an earlier pipeline would have left it: the tests install the package once, in a GitHub job,
 * and share it. Returns the cache key.
 */
export function seedGitlabCache(file: string, jobName: string, options: Pick<GitlabRunOptions, 'variables' | 'createdAt' | 'store'>, entry: string, from: string): string {
  const document = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const jobs = Object.fromEntries(Object.entries(document).filter(([key]) => !GITLAB_KEYS.has(key))) as Record<string, GitlabJob>;
  const job = resolveExtends(jobName, jobs);
  const vars = pipelineVariables(document, options);
  for (const [key, raw] of Object.entries(job.variables ?? {})) vars[key] = expand(String(raw), vars);
  if (!job.cache) throw new Error(`${file}: job ${jobName} has no cache`);
  const key = expand(job.cache.key ?? 'default', vars);
  const paths = (job.cache.paths ?? []).map((candidate) => expand(candidate, vars).replace(/\/$/, ''));
  if (!paths.includes(entry.replace(/\/$/, ''))) throw new Error(`${file}: job ${jobName} caches ${paths.join(', ')}, not ${entry}`);
  linkTree(from, path.join(options.store.caches, `gitlab-${key}`, entry));
  return key;
}

async function runGitlabJob(label: string, job: GitlabJob, vars: Record<string, string>, upstream: JobRun[], options: GitlabRunOptions): Promise<JobRun> {
  if (!/^node:\d+$/.test(job.image ?? '')) throw new Error(`${label}: image ${job.image} is not emulated`);
  const major = process.versions.node.split('.')[0];
  if (job.image !== `node:${major}`) throw new Error(`${label}: image ${job.image}; these tests run on Node ${major}`);
  const root = path.join(options.workDir, label.replace(/[^A-Za-z0-9-]+/g, '_'));
  const workspace = path.join(root, 'project');
  const home = path.join(root, 'home');
  mkdirSync(home, { recursive: true });
  copyTree(options.repository, workspace);
  const env = { ...baseEnv(home), ...vars, CI_PROJECT_DIR: workspace };
  // Cache first, then the artifacts of the jobs this one needs, as the runner restores them.
  const cacheKey = job.cache ? expand(job.cache.key ?? 'default', env) : undefined;
  if (cacheKey !== undefined && /[/]|%2F/i.test(cacheKey)) throw new Error(`${label}: cache key "${cacheKey}" may not hold "/"`);
  const cacheDir = cacheKey === undefined ? undefined : path.join(options.store.caches, `gitlab-${cacheKey}`);
  if (cacheDir && existsSync(cacheDir)) linkTree(cacheDir, workspace);
  for (const run of upstream) {
    const artifacts = path.join(options.store.artifacts, run.name.replace(/[^A-Za-z0-9-]+/g, '_'));
    if (existsSync(artifacts)) copyTree(artifacts, workspace);
  }
  const lines = [...(job.before_script ?? []), ...(job.script ?? [])];
  const started = Date.now();
  const shell = await bash(lines.join('\n'), workspace, env, ['-e', '-o', 'pipefail']);
  const ok = shell.status === 0;
  if (ok && cacheDir && !existsSync(cacheDir)) {
    for (const entry of job.cache?.paths ?? []) {
      const from = path.join(workspace, expand(entry, env));
      if (existsSync(from)) linkTree(from, path.join(cacheDir, expand(entry, env)));
    }
  }
  const when = job.artifacts?.when ?? 'on_success';
  if (job.artifacts && (when === 'always' || (when === 'on_success') === ok)) {
    const into = path.join(options.store.artifacts, label.replace(/[^A-Za-z0-9-]+/g, '_'));
    for (const entry of job.artifacts.paths ?? []) {
      const relative = expand(entry, env);
      const from = path.join(workspace, relative);
      if (existsSync(from)) copyTree(from, path.join(into, relative));
    }
  }
  return { name: label, result: ok ? 'success' : 'failure', steps: [{ name: 'script', outcome: ok ? 'success' : 'failure', status: shell.status, ms: Date.now() - started, stdout: shell.stdout, stderr: shell.stderr }], summary: shell.stdout, workspace, outputs: {} };
}

/** Every file under `dir` by its path relative to it, with its sha256: two packs compare equal when these do. */
export function treeDigest(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir).map((file) => [path.relative(dir, file).split(path.sep).join('/'), createHash('sha256').update(readFileSync(file)).digest('hex')]));
}

export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
