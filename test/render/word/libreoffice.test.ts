import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecord, renderAll } from './support.ts';

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

const soffice = has('soffice');
const pdftotext = has('pdftotext');
if (!soffice || !pdftotext) {
  console.warn('skipping the LibreOffice round trip: soffice or pdftotext is not installed (apt-get install libreoffice-writer poppler-utils)');
}

describe.skipIf(!soffice || !pdftotext)('LibreOffice opens what we write', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docpack-lo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('converts one document of each kind to PDF with its Chinese text, header and page numbers', async () => {
    // P2026-FIN-002 has all four kinds: 项目需求书, 项目实施安排, 实施方案, 周进度报告.
    const record = readRecord('fixtures/projects/P2026-FIN-002.json');
    const documents = await renderAll(record);
    expect(documents.map((document) => document.fileName.split(/[-.]/)[0]).sort()).toEqual(['周进度报告', '实施方案', '项目实施安排', '项目需求书']);
    const files = documents.map((document, index) => {
      // ASCII names: soffice's command line handling of non-ASCII names depends on the locale.
      const file = path.join(dir, `doc${index}.docx`);
      writeFileSync(file, document.bytes);
      return file;
    });
    // A profile of our own, so parallel runs and a user's open LibreOffice do not collide.
    const profile = `file://${path.join(dir, 'profile')}`;
    execFileSync('soffice', [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, ...files], { stdio: 'pipe', timeout: 120_000 });
    documents.forEach((document, index) => {
      const pdf = path.join(dir, `doc${index}.pdf`);
      const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      const compact = text.replace(/\s+/g, '');
      expect(compact, document.fileName).toContain(record.name);
      expect(compact, document.fileName).toContain(record.customer.name);
      expect(compact, document.fileName).toMatch(/第\d+页共\d+页/);
      if (document.fileName === '项目需求书.docx') {
        // The cover has no footer; the body starts on page 2.
        expect(compact).toContain('第2页共');
        expect(compact).toContain('业务与应用需求');
        expect(compact).toContain('客户确认');
      } else {
        expect(compact).toContain('第1页共');
      }
      expect(readFileSync(pdf).subarray(0, 4).toString()).toBe('%PDF');
    });
  });
});
