import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../../src/cli/io.ts';
import { main } from '../../../src/cli/main.ts';
import { docxText } from '../../../src/render/word/extract-text.ts';

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'docpack-render-'));
}

describe('docpack render', () => {
  it('writes every document that applies with --template all', async () => {
    const out = tempDir();
    const io = memoryIo();
    const code = await main(['render', 'fixtures/projects/P2026-FIN-002.json', '--template', 'all', '--out', out, '--as-of', '2026-11-25T09:00:00+08:00'], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    // The weekly report defaults to the week of --as-of.
    expect(readdirSync(out).sort()).toEqual(['周进度报告-2026-W48.docx', '实施方案-ORD-GD-20261023-0588.docx', '项目实施安排.docx', '项目需求书.docx']);
    expect(io.stdout).toHaveLength(4);
    expect(readdirSync(out).some((name) => name.endsWith('.tmp'))).toBe(false);
    expect(docxText(readFileSync(path.join(out, '周进度报告-2026-W48.docx')))).toContain('2026年11月23日至2026年11月29日');
  });

  it('renders one template by its Chinese name or alias, with --week', async () => {
    const out = tempDir();
    const io = memoryIo();
    expect(await main(['render', 'fixtures/projects/P2026-GOV-001.json', '--template', 'weekly-report', '--week', '2026-W46', '--out', out, '--as-of', '2026-11-25'], io)).toBe(0);
    expect(readdirSync(out)).toEqual(['周进度报告-2026-W46.docx']);
    expect(docxText(readFileSync(path.join(out, '周进度报告-2026-W46.docx')))).toContain('两条电路传输配置全部完成。');
    expect(await main(['render', 'fixtures/projects/P2026-GOV-001.json', '--template', '项目需求书', '--out', out, '--as-of', '2026-11-25'], memoryIo())).toBe(0);
    expect(existsSync(path.join(out, '项目需求书.docx'))).toBe(true);
  });

  it('exits 2 with the list of templates for an unknown template', async () => {
    const io = memoryIo();
    expect(await main(['render', 'fixtures/projects/P2026-GOV-001.json', '--template', 'invoice', '--out', tempDir()], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/unknown template "invoice"; templates: 项目需求书 \(requirements\), 项目实施安排 .*all/);
  });

  it('exits 2 with the problems of an invalid record on stderr', async () => {
    const io = memoryIo();
    const out = tempDir();
    expect(await main(['render', 'fixtures/invalid/bad-enum.json', '--template', 'all', '--out', out], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('fixtures/invalid/bad-enum.json:');
    expect(readdirSync(out)).toEqual([]);
  });

  it('exits 2 naming the template file and line of a template error', async () => {
    const templates = tempDir();
    cpSync('templates/word', templates, { recursive: true });
    const file = path.join(templates, 'requirements.md.hbs');
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((line) => line.startsWith('# 二、需求内容'));
    lines.splice(at + 1, 0, '客户行业:{{project.customer.industy}}');
    writeFileSync(file, lines.join('\n'));
    const io = memoryIo();
    const code = await main(['render', 'fixtures/projects/P2026-GOV-001.json', '--template', '项目需求书', '--template-dir', templates, '--out', tempDir(), '--as-of', '2026-11-25'], io);
    expect(code).toBe(2);
    expect(io.stderr.join('\n')).toContain(`requirements.md.hbs:${at + 2}:`);
    expect(io.stderr.join('\n')).toContain('"industy" is not a field');
  });

  it('exits 2 when the template does not apply to the record', async () => {
    const io = memoryIo();
    expect(await main(['render', 'fixtures/projects/P2026-GOV-001.json', '--template', '项目实施安排', '--out', tempDir(), '--as-of', '2026-11-25'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('needs contract.implementationArrangement');
  });

  it('exits 2 for a bad --week or --as-of', async () => {
    const io = memoryIo();
    expect(await main(['render', 'fixtures/projects/P2026-GOV-001.json', '--template', 'all', '--week', '2026-W60', '--out', tempDir()], io)).toBe(2);
    expect(await main(['render', 'fixtures/projects/P2026-GOV-001.json', '--template', 'all', '--as-of', 'yesterday', '--out', tempDir()], io)).toBe(2);
  });
});
