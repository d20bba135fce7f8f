import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { buildPack } from '../../src/pack/build.ts';
import { PackOutput } from '../../src/pack/output.ts';
import { loadPackSpec } from '../../src/pack/spec.ts';
import { DEFAULT_SAMPLE_FILE, readSampleFile } from '../../src/alerts/sample.ts';
import { asOfOption, loadCheckContext } from '../../src/cli/context.ts';

const AS_OF = '2026-11-25T09:00:00+08:00';

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'docpack-pack-'));
}

async function build(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await main(['build', '--as-of', AS_OF, ...args], io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

interface Manifest {
  asOf: string;
  files: { path: string; sha256: string; bytes: number; template: string; sources: string[] }[];
}

const manifestOf = (dir: string): Manifest => JSON.parse(readFileSync(path.join(dir, '2026-11-25', 'manifest.json'), 'utf8')) as Manifest;

/**
 * The sample pack built once for the file (--concurrency 1: on the main thread), the reference the tests
 * compare their other builds with (a build takes seconds; the file used to make ten of them).
 */
let sample: Promise<{ out: string; result: { code: number; stdout: string; stderr: string } }> | undefined;
function referenceBuild(): Promise<{ out: string; result: { code: number; stdout: string; stderr: string } }> {
  sample ??= (async () => {
    const out = tempDir();
    const result = await build(['fixtures/projects', '--out', out, '--concurrency', '1']);
    expect(result.code, result.stderr).toBe(0);
    return { out, result };
  })();
  return sample;
}

describe('docpack build', () => {
  it('writes the pack layout with every document, findings, manifest and summary', async () => {
    const { out, result } = await referenceBuild();
    expect(result.code).toBe(0);
    const pack = path.join(out, '2026-11-25');
    expect(readdirSync(pack).sort()).toEqual(['findings.json', 'manifest.json', 'portfolio', 'projects', 'summary.md']);
    expect(readdirSync(path.join(pack, 'portfolio')).sort()).toEqual(['周报.docx', '电路预警清单.xlsx', '资源核查台账.xlsx', '预警升级汇总.xlsx']);
    expect(readdirSync(path.join(pack, 'projects', 'P2026-FIN-002')).sort()).toEqual(['周进度报告-2026-W48.docx', '实施方案-ORD-GD-20261023-0588.docx', '问题治理表.xlsx', '项目实施安排.docx', '项目需求书.docx']);
    // No 实施方案 before a plan exists; no weekly report outside in-sale.
    expect(readdirSync(path.join(pack, 'projects', 'P2026-PRE-011')).sort()).toEqual(['问题治理表.xlsx', '项目需求书.docx']);
    const manifest = manifestOf(out);
    expect(manifest.asOf).toBe(AS_OF);
    for (const file of manifest.files) {
      const bytes = readFileSync(path.join(pack, file.path));
      expect(bytes.byteLength).toBe(file.bytes);
      expect(file.template).toBeTruthy();
    }
    expect(manifest.files.find((file) => file.path === 'projects/P2026-FIN-002/项目需求书.docx')).toMatchObject({ template: 'templates/word/requirements.md.hbs', sources: [path.join('fixtures', 'projects', 'P2026-FIN-002.json')] });
    const findings = JSON.parse(readFileSync(path.join(pack, 'findings.json'), 'utf8')) as { findings: unknown[] };
    // As many as the sample's reviewed expected findings (docpack rules accept writes them).
    expect(findings.findings).toHaveLength(readSampleFile(DEFAULT_SAMPLE_FILE).findings.length);
    const summary = readFileSync(path.join(pack, 'summary.md'), 'utf8');
    expect(summary).toContain('As of 2026-11-25T09:00:00+08:00: 15 projects');
    expect(summary).toContain('## 升级 Escalations');
    expect(result.stdout).toContain(`pack ${pack}: 15 projects`);
  });

  it('is byte-identical when built twice with the same inputs and --as-of', async () => {
    const { out: first } = await referenceBuild();
    const second = tempDir();
    expect((await build(['fixtures/projects', '--out', second, '--concurrency', '1'])).code).toBe(0);
    expect(manifestOf(second)).toEqual(manifestOf(first));
    for (const name of ['manifest.json', 'findings.json', 'summary.md']) {
      expect(readFileSync(path.join(second, '2026-11-25', name))).toEqual(readFileSync(path.join(first, '2026-11-25', name)));
    }
  });

  it('renders the good records when one is broken, lists the bad one and exits 2', async () => {
    const input = tempDir();
    cpSync('fixtures/projects/P2026-URG-003.json', path.join(input, 'P2026-URG-003.json'));
    cpSync('fixtures/projects/P2026-GOV-001.json', path.join(input, 'P2026-GOV-001.json'));
    cpSync('fixtures/invalid/impossible-date.json', path.join(input, 'broken.json'));
    const out = tempDir();
    const result = await build([input, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('broken.json:53:33 orders[0].circuits[1].requiredCompletion: "2026-02-30" is not a date');
    expect(readdirSync(path.join(out, '2026-11-25', 'projects')).sort()).toEqual(['P2026-GOV-001', 'P2026-URG-003']);
    const summary = readFileSync(path.join(out, '2026-11-25', 'summary.md'), 'utf8');
    expect(summary).toContain('## 无效记录 Invalid records');
    expect(summary).toContain('"2026-02-30" is not a date');
  });

  it('exits 1 when findings reach --fail-on, and keeps --only to the named projects', async () => {
    const out = tempDir();
    expect((await build(['fixtures/projects', '--out', out, '--fail-on', 'escalation'])).code).toBe(1);
    const only = await build(['fixtures/projects', '--out', out, '--only', 'P2026-GOV-001', '--json']);
    expect(only.code).toBe(0);
    const result = JSON.parse(only.stdout) as { projects: { id: string }[]; exitCode: number };
    expect(result.projects.map((project) => project.id)).toEqual(['P2026-GOV-001']);
    expect((await build(['fixtures/projects', '--out', out, '--only', 'NOPE'])).code).toBe(2);
  });

  it('leaves the previous pack intact when a run fails half-way', async () => {
    // A copy of the reference pack (its link is relative) as the previous pack.
    const out = tempDir();
    cpSync((await referenceBuild()).out, out, { recursive: true, verbatimSymlinks: true });
    const before = manifestOf(out);
    expect(before).toEqual(manifestOf((await referenceBuild()).out));
    const asOf = asOfOption(AS_OF);
    await expect(
      buildPack({
        inputs: ['fixtures/projects'],
        outDir: out,
        asOf,
        context: loadCheckContext(asOf),
        pack: loadPackSpec(),
        onProject: (done) => {
          if (done === 3) throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    expect(manifestOf(out)).toEqual(before);
    // Nothing left behind: the pack's link and, in .docpack/, the one pack it points to.
    expect(readdirSync(out)).toEqual(['.docpack', '2026-11-25']);
    expect(readdirSync(path.join(out, '.docpack'))).toHaveLength(1);
  });

  it('refuses to write outside the pack', () => {
    const output = new PackOutput(path.join(tempDir(), 'pack'));
    expect(() => output.write('../escape.txt', 'x', 't', [])).toThrow('outside the pack');
    expect(() => output.write('projects/../../x', 'x', 't', [])).toThrow('outside the pack');
    output.abandon();
  });

  it('reads defaults from docpack.config.json and rejects a bad one with its position', async () => {
    const dir = tempDir();
    const cwd = process.cwd();
    cpSync('fixtures/projects/P2026-GOV-001.json', path.join(dir, 'records', 'P2026-GOV-001.json'), { recursive: true });
    writeFileSync(path.join(dir, 'docpack.config.json'), JSON.stringify({ inputs: ['records'], out: 'packs' }));
    try {
      process.chdir(dir);
      expect((await build([])).code).toBe(0);
      expect(existsSync(path.join(dir, 'packs', '2026-11-25', 'projects', 'P2026-GOV-001'))).toBe(true);
      writeFileSync(path.join(dir, 'docpack.config.json'), '{\n  "ouput": "x"\n}\n');
      const bad = await build([]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('docpack.config.json:2:3 ouput: unknown field "ouput"');
    } finally {
      process.chdir(cwd);
    }
  });
});

// Every document of the sample pack through LibreOffice: test/pack/documents-office.test.ts (one conversion for the suite).

describe('concurrency and shards', () => {
  it('gives byte-identical packs whatever the concurrency (worker threads)', async () => {
    const { out: one } = await referenceBuild();
    const two = tempDir();
    expect((await build(['fixtures/projects', '--out', two, '--concurrency', '2'])).code).toBe(0);
    expect(readFileSync(path.join(two, '2026-11-25', 'manifest.json'))).toEqual(readFileSync(path.join(one, '2026-11-25', 'manifest.json')));
  }, 120_000);

  it('renders on the main thread what workers cannot (heap limit), with a note, to the same bytes', async () => {
    const { out: one } = await referenceBuild();
    const tight = tempDir();
    process.env.DOCPACK_WORKER_HEAP_MB = '16';
    try {
      const result = await build(['fixtures/projects', '--out', tight, '--concurrency', '2']);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/needed more memory than a worker has \(16 MiB\); rendered on the main thread/);
    } finally {
      delete process.env.DOCPACK_WORKER_HEAP_MB;
    }
    expect(readFileSync(path.join(tight, '2026-11-25', 'manifest.json'))).toEqual(readFileSync(path.join(one, '2026-11-25', 'manifest.json')));
    process.env.DOCPACK_WORKER_HEAP_MB = 'lots';
    try {
      const refused = await build(['fixtures/projects', '--out', tempDir(), '--concurrency', '2']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('DOCPACK_WORKER_HEAP_MB="lots" is not a whole number');
    } finally {
      delete process.env.DOCPACK_WORKER_HEAP_MB;
    }
  }, 120_000);

  it('merge(shards) is identical to the unsharded build', async () => {
    const { out: full } = await referenceBuild();
    const shards = [1, 2, 3].map(() => tempDir());
    const projects: string[] = [];
    for (const [index, dir] of shards.entries()) {
      const result = await build(['fixtures/projects', '--out', dir, '--shard', `${index + 1}/3`, '--json']);
      expect(result.code).toBe(0);
      projects.push(...(JSON.parse(result.stdout) as { projects: { id: string }[] }).projects.map((project) => project.id));
      expect(existsSync(path.join(dir, '2026-11-25', 'portfolio'))).toBe(false);
    }
    // Every project in exactly one shard.
    expect(projects.sort()).toEqual(readdirSync('fixtures/projects').filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -5)).sort());
    const merged = tempDir();
    const io = memoryIo();
    expect(await main(['merge', ...shards.map((dir) => path.join(dir, '2026-11-25')), '--out', merged], io)).toBe(0);
    expect(readFileSync(path.join(merged, '2026-11-25', 'manifest.json'))).toEqual(readFileSync(path.join(full, '2026-11-25', 'manifest.json')));
    for (const name of ['findings.json', 'summary.md', 'portfolio/周报.docx', 'portfolio/电路预警清单.xlsx']) {
      expect(readFileSync(path.join(merged, '2026-11-25', name))).toEqual(readFileSync(path.join(full, '2026-11-25', name)));
    }
    // A shard's findings.json laid out otherwise (here: compact) is read whole, to the same result.
    const compact = path.join(shards[0]!, '2026-11-25', 'findings.json');
    writeFileSync(compact, JSON.stringify(JSON.parse(readFileSync(compact, 'utf8'))));
    const again = tempDir();
    expect(await main(['merge', ...shards.map((dir) => path.join(dir, '2026-11-25')), '--out', again], memoryIo())).toBe(0);
    expect(readFileSync(path.join(again, '2026-11-25', 'findings.json'))).toEqual(readFileSync(path.join(full, '2026-11-25', 'findings.json')));
    // One cut short is refused as not a shard, and nothing is written.
    writeFileSync(compact, readFileSync(path.join(full, '2026-11-25', 'findings.json'), 'utf8').slice(0, 2000));
    const refused = memoryIo();
    const none = tempDir();
    expect(await main(['merge', ...shards.map((dir) => path.join(dir, '2026-11-25')), '--out', none], refused)).toBe(2);
    expect(refused.stderr.join('\n')).toContain('cannot read this file of the shard');
    expect(readdirSync(none)).toEqual([]);
  }, 120_000);

  it('lists what could not be computed in summary.md, sharded or not', async () => {
    const records = tempDir();
    cpSync('fixtures/projects', records, { recursive: true });
    const file = path.join(records, 'P2026-MFG-012.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"requiredCompletion": "2026-12-\d+"/, '"requiredCompletion": "2027-01-20"'));
    const full = tempDir();
    // Exit 2 (input that could not be fully used), the rest of the pack written.
    const built = await build([records, '--out', full]);
    expect(built.code).toBe(2);
    expect(existsSync(path.join(full, '2026-11-25', 'projects', 'P2026-MFG-012'))).toBe(true);
    const summary = readFileSync(path.join(full, '2026-11-25', 'summary.md'), 'utf8');
    // The circuit whose completion deadline could not be computed is listed in 电路预警清单 (any clock of
    // the circuit in error, not two clock ids named in code), and its 剩余工作日 cell cannot be computed either.
    expect(summary).toContain('2 problems (below)');
    expect(summary).toMatch(/## 问题 Problems[\s\S]*P2026-MFG-012\.json orders\[0\]\.circuits\[0\]: clock circuit-completion[^\n]*2027 is needed/);
    expect(summary).toMatch(/circuit-warnings\.xlsx\.json: sheet "电路预警清单", project P2026-MFG-012: [^\n]*2027 is needed/);
    const shards = [1, 2].map(() => tempDir());
    for (const [index, dir] of shards.entries()) await build([records, '--out', dir, '--shard', `${index + 1}/2`]);
    const merged = tempDir();
    expect(await main(['merge', ...shards.map((dir) => path.join(dir, '2026-11-25')), '--out', merged], memoryIo())).toBe(2);
    expect(readFileSync(path.join(merged, '2026-11-25', 'summary.md'), 'utf8')).toBe(summary);
  }, 120_000);

  it('refuses incomplete or mismatched shards', async () => {
    const shard = tempDir();
    await build(['fixtures/projects', '--out', shard, '--shard', '1/2']);
    const io = memoryIo();
    expect(await main(['merge', path.join(shard, '2026-11-25'), '--out', tempDir()], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('shards 2/2 are missing');
    const bad = memoryIo();
    expect(await main(['build', '--as-of', AS_OF, 'fixtures/projects', '--shard', '3/2', '--out', tempDir()], bad)).toBe(2);
    expect(bad.stderr.join('\n')).toContain('is not k/n');
  });
});
