import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { officeAvailability, officeOutput, type OfficeOutput } from '../../office/office.ts';
import { readRecord } from './support.ts';

const office = officeAvailability('test/render/word/libreoffice.test.ts');

describe.runIf(office.run)('LibreOffice opens what we write', () => {
  let converted: OfficeOutput;
  // The documents are rendered and converted with the rest of the suite's (test/office/prepare.ts).
  beforeAll(async () => {
    converted = await officeOutput();
  }, 600_000);

  it('converts one document of each kind to PDF with its Chinese text, header and page numbers', () => {
    // P2026-FIN-002 has all four kinds: 项目需求书, 项目实施安排, 实施方案, 周进度报告.
    const record = readRecord('fixtures/projects/P2026-FIN-002.json');
    const documents = converted.status.word;
    expect(documents.map((document) => document.fileName.split(/[-.]/)[0]).sort()).toEqual(['周进度报告', '实施方案', '项目实施安排', '项目需求书']);
    documents.forEach((document) => {
      const pdf = converted.pdf(document.name);
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
