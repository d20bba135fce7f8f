// Every text that reaches XML goes through one sanitiser: record text made of every class of code
// point XML 1.0 has trouble with goes through every writer (Word: body, tables, header, properties;
// Excel: ExcelJS and the streaming writer, cells, print header, properties), and every XML part of
// every file is parsed by a strict XML 1.0 parser.
import fc from 'fast-check';
import { strFromU8, unzipSync } from 'fflate';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import type { ProjectRecord } from '../../src/records/types.gen.ts';
import { renderWorkbook, type WriterMode } from '../../src/render/excel/render.ts';
import { DOCUMENT_KINDS } from '../../src/render/word/documents.ts';
import { xmlSafe } from '../../src/render/xml-safe.ts';
import { inputFor, specNamed } from './excel/helpers.ts';
import { AS_OF, documentOptions, readRecord, renderer } from './word/support.ts';

/** One character of each class: C0, C1, surrogates (lone, reversed and paired), noncharacters, U+FFFE/U+FFFF. */
const HOSTILE_CHARACTER = fc.oneof(
  fc.integer({ min: 0x00, max: 0x1f }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0x7f, max: 0x9f }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
  fc.constantFrom('\uD83D\uDE00', '\uDE00\uD83D', '\uFFFE', '\uFFFF', '\uFDD0', '\uFDEF', '\uD83F\uDFFE', '\uDBFF\uDFFF'),
  fc.constantFrom('&', '<', '>', '"', "'", ']]>', '_x0041_', '中', ' ', '\r\n'),
);
const HOSTILE_TEXT = fc.array(HOSTILE_CHARACTER, { minLength: 1, maxLength: 12 }).map((parts) => `名${parts.join('')}称`);

/** The first error a strict XML 1.0 parser finds in each XML part of a zip package, by part name. */
function xmlErrors(zip: Uint8Array): string[] {
  const errors: string[] = [];
  for (const [name, data] of Object.entries(unzipSync(zip))) {
    if (!/\.(xml|rels)$/.test(name)) continue;
    const parser = new SaxesParser();
    let first: string | undefined;
    parser.on('error', (error) => {
      first ??= error.message;
    });
    try {
      parser.write(strFromU8(data)).close();
    } catch (error) {
      first ??= (error as Error).message;
    }
    if (first) errors.push(`${name}: ${first}`);
  }
  return errors;
}

function hostileRecord(text: string): ProjectRecord {
  const record = readRecord('fixtures/projects/P2026-GOV-001.json');
  record.name = text;
  record.customer.name = text;
  record.problems = [{ id: 'PB-X-1', description: text, target: text, owner: { name: text, org: text, level: 'local' }, plannedResolution: '2026-12-01', status: 'open' }];
  return record;
}

describe('the XML sanitiser', () => {
  it('replaces exactly what XML 1.0 forbids and keeps the rest', () => {
    expect(xmlSafe('a\u0000b\u0008\u000B\u000C\u001F\t\n\r')).toBe('a\uFFFDb\uFFFD\uFFFD\uFFFD\uFFFD\t\n\r');
    expect(xmlSafe('\uFFFE\uFFFF\uD800x\uDC00\uDE00\uD83D')).toBe('\uFFFD\uFFFD\uFFFDx\uFFFD\uFFFD\uFFFD');
    expect(xmlSafe('\u0085\u009F\uFDD0😀𠀀')).toBe('\u0085\u009F\uFDD0😀𠀀');
    const plain = '普通文本 plain';
    expect(xmlSafe(plain)).toBe(plain);
  });

  it('Word documents from records with every code point class are well-formed XML in every part', async () => {
    await fc.assert(
      fc.asyncProperty(HOSTILE_TEXT, async (text) => {
        const record = hostileRecord(text);
        const documents = await renderer().renderRecord(record, DOCUMENT_KINDS, documentOptions(record));
        expect(documents.length).toBeGreaterThan(0);
        for (const document of documents) expect(xmlErrors(document.bytes), document.fileName).toEqual([]);
      }),
      { numRuns: 12 },
    );
  });

  for (const mode of ['memory', 'stream'] as WriterMode[]) {
    it(`Excel workbooks (${mode} writer) from such records are well-formed XML in every part, header and properties included`, async () => {
      await fc.assert(
        fc.asyncProperty(HOSTILE_TEXT, async (text) => {
          const record = hostileRecord(text);
          const { data } = await renderWorkbook({ ...inputFor(specNamed('problem-table'), [record], { subtitle: `${record.id} ${record.name}` }), mode });
          expect(xmlErrors(data)).toEqual([]);
        }),
        { numRuns: 12 },
      );
    });
  }

  it('the portfolio 周报 of such a record is well-formed', async () => {
    const record = hostileRecord('周报\uFFFE\uFFFF\uD800');
    const { portfolioWeeklyInstance } = await import('../../src/render/word/portfolio.ts');
    const instance = portfolioWeeklyInstance({ asOf: AS_OF, calendar: documentOptions(record).calendar, week: '2026-W48', projects: [{ facts: documentOptions(record, { week: '2026-W48' }).facts, findings: [] }], projectCount: 1, poolNextWeek: [] });
    const document = await renderer().renderPortfolio(instance, AS_OF, '政企客户项目组合');
    expect(xmlErrors(document.bytes)).toEqual([]);
  });
});
