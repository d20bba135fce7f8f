import { computeClocks } from '../../../src/clocks/compute.ts';
import { loadClockDefs } from '../../../src/clocks/load.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Document, Packer, Paragraph, TextRun } from 'docx';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DocpackError } from '../../../src/errors.ts';
import { DOCUMENT_KINDS } from '../../../src/render/word/documents.ts';
import { readReferenceDoc, styleIdsByName } from '../../../src/render/word/docx.ts';
import { WordRenderer } from '../../../src/render/word/render.ts';
import { AS_OF, calendar, documentOptions, readRecord, renderAll } from './support.ts';

const record = readRecord('fixtures/projects/P2026-FIN-002.json');

function part(bytes: Uint8Array, name: string): string {
  const file = unzipSync(bytes)[name];
  if (!file) throw new Error(`no ${name}`);
  return strFromU8(file);
}

describe('determinism', () => {
  it('gives byte-identical .docx files for the same record and as-of, also after other documents', async () => {
    const first = await renderAll(record);
    await renderAll(readRecord('fixtures/projects/P2026-GOV-001.json'));
    const fresh = await new WordRenderer({ calendar }).renderRecord(record, DOCUMENT_KINDS, documentOptions(record));
    expect(first.length).toBe(4);
    expect(fresh.map((document) => document.fileName)).toEqual(first.map((document) => document.fileName));
    fresh.forEach((document, index) => expect(Buffer.from(document.bytes).equals(Buffer.from(first[index]!.bytes)), document.fileName).toBe(true));
  });

  it('stamps the file properties with the as-of time, not the clock', async () => {
    const [book] = await renderAll(record);
    const core = part(book!.bytes, 'docProps/core.xml');
    expect(core).toContain('2026-11-25T01:00:00Z</dcterms:created>');
    expect(core).toContain('2026-11-25T01:00:00Z</dcterms:modified>');
    const later = await renderAll(record, { asOf: AS_OF.plus({ days: 1 }) });
    expect(part(later[0]!.bytes, 'docProps/core.xml')).toContain('2026-11-26T01:00:00Z</dcterms:created>');
  });
});

describe('typography and metadata', () => {
  it('is A4 portrait with Chinese fonts in the eastAsia slot, a header, a 第 X 页 共 Y 页 footer and repeated table headers', async () => {
    const documents = await renderAll(record);
    const book = documents.find((document) => document.fileName === '项目需求书.docx')!;
    const styles = part(book.bytes, 'word/styles.xml');
    expect(styles).toMatch(/w:eastAsia="SimSun"/);
    expect(styles).toMatch(/w:styleId="Heading1"[\s\S]*?w:eastAsia="SimHei"/);
    expect(styles).toContain('w:eastAsia="zh-CN"');
    const document = part(book.bytes, 'word/document.xml');
    expect(document).toContain('<w:pgSz w:w="11906" w:h="16838"');
    expect(document).toContain('<w:tblHeader/>');
    expect(document).toMatch(/<w:tblLayout w:type="fixed"\/>/);
    const files = Object.keys(unzipSync(book.bytes));
    const footer = files.filter((name) => /^word\/footer\d*\.xml$/.test(name)).map((name) => part(book.bytes, name)).join('');
    expect(footer).toMatch(/第 [\s\S]*PAGE[\s\S]*页 共 [\s\S]*NUMPAGES[\s\S]*页/);
    const header = files.filter((name) => /^word\/header\d*\.xml$/.test(name)).map((name) => part(book.bytes, name)).join('');
    expect(header).toContain(record.name);
    expect(header).toContain('项目需求书');
    const core = part(book.bytes, 'docProps/core.xml');
    expect(core).toContain('<dc:title>项目需求书</dc:title>');
    expect(core).toContain(`<dc:subject>${record.name}</dc:subject>`);
    expect(core).toContain('<dc:creator>docpack</dc:creator>');
    expect(core).toMatch(/<dc:description>[^<]*P2026-FIN-002[^<]*<\/dc:description>/);
  });
});

describe('--reference-doc', () => {
  it("takes the reference document's styles and keeps ours only for the ids it lacks", async () => {
    const reference = new Document({
      styles: {
        default: {
          document: { run: { font: { eastAsia: 'KaiTi', ascii: 'Georgia' }, size: 22 } },
          heading1: { run: { font: { eastAsia: 'FangSong' }, color: 'C00000', size: 36 } },
        },
      },
      sections: [{ children: [new Paragraph({ children: [new TextRun('reference')] })] }],
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'docpack-ref-'));
    const file = path.join(dir, 'reference.docx');
    writeFileSync(file, await Packer.toBuffer(reference));
    const [book] = await new WordRenderer({ calendar, reference: readReferenceDoc(file) }).renderRecord(record, DOCUMENT_KINDS.slice(0, 1), documentOptions(record));
    const styles = part(book!.bytes, 'word/styles.xml');
    expect(styles).toMatch(/w:styleId="Heading1"[\s\S]*?w:eastAsia="FangSong"[\s\S]*?<\/w:style>/);
    expect(styles).toContain('C00000');
    expect(styles).toContain('w:eastAsia="KaiTi"');
    expect(styles).not.toContain('w:eastAsia="SimHei"');
    // Ours, which the reference does not define, are still there for the tables.
    expect(styles).toContain('w:styleId="TableText"');
    expect((styles.match(/w:styleId="Heading1"/g) ?? []).length).toBe(1);
  });

  it('matches the reference document\'s styles by name, as a Chinese Word saves them (ids 1, a3)', async () => {
    // What Chinese Word writes: ids in its own numbering, the built-in names in English.
    const chinese =
      '<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
      '<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/><w:rPr><w:rFonts w:eastAsia="FangSong"/></w:rPr></w:style>' +
      '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:next w:val="a"/><w:link w:val="10"/><w:rPr><w:color w:val="C00000"/></w:rPr></w:style>' +
      '<w:style w:type="character" w:styleId="10"><w:name w:val="标题 1 字符"/><w:link w:val="1"/></w:style>' +
      '<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="Title"/><w:basedOn w:val="a"/></w:style>' +
      '</w:styles>';
    const matched = styleIdsByName(chinese);
    expect(matched).toContain('w:styleId="Normal"><w:name w:val="Normal"/>');
    expect(matched).toContain('w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:link w:val="10"/>');
    expect(matched).toContain('w:styleId="10"><w:name w:val="标题 1 字符"/><w:link w:val="Heading1"/>');
    expect(matched).toContain('w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>');
    const [book] = await new WordRenderer({ calendar, reference: { file: 'chinese.docx', styles: matched, key: 'null' } }).renderRecord(record, DOCUMENT_KINDS.slice(0, 1), documentOptions(record));
    const styles = part(book!.bytes, 'word/styles.xml');
    expect(styles).toMatch(/w:styleId="Heading1"[\s\S]*?C00000/);
    // Ours are not added again next to the renamed ones.
    expect((styles.match(/w:styleId="Heading1"/g) ?? []).length).toBe(1);
    expect((styles.match(/w:styleId="Title"/g) ?? []).length).toBe(1);
  });

  it('refuses a file that is not a .docx', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'docpack-ref-'));
    const file = path.join(dir, 'not.docx');
    writeFileSync(file, 'plain text');
    expect(() => readReferenceDoc(file)).toThrow(DocpackError);
    try {
      readReferenceDoc(file);
    } catch (error) {
      expect((error as DocpackError).problem.code).toBe('reference-doc-invalid');
    }
  });
});
