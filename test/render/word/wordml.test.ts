import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BorderStyle, Document, Header, HeadingLevel, PageOrientation, Packer, Paragraph } from 'docx';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_KINDS } from '../../../src/render/word/documents.ts';
import { buildDocument, packBlocks, packCounts, packDocument, readReferenceDoc, styleSource, type DocumentMeta, type ReferenceDoc } from '../../../src/render/word/docx.ts';
import { BULLET_REFERENCE, ORDERED_REFERENCE, docxBlocks, markdownBlocks, type BlockSpec, type MarkdownBlocks, type RunSpec } from '../../../src/render/word/markdown.ts';
import { loadLabels } from '../../../src/labels.ts';
import { instanceMeta } from '../../../src/render/word/render.ts';
import { AS_OF, documentOptions, fixtureFiles, readRecord, renderer } from './support.ts';
import { runs as propertyRuns } from '../../support/runs.ts';

// The fast path writes the blocks' XML itself; docx's builders and Formatter are the reference.
// Both must give the same bytes, package and all.
async function throughDocx(blocks: MarkdownBlocks, meta: DocumentMeta, reference?: ReferenceDoc): Promise<Uint8Array> {
  return packDocument(buildDocument({ cover: blocks.cover === null ? null : docxBlocks(blocks.cover), body: docxBlocks(blocks.body) }, meta, styleSource(reference)), meta.asOf, reference);
}

function firstDifference(a: Uint8Array, b: Uint8Array): string {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  let index = 0;
  while (index < left.length && left[index] === right[index]) index += 1;
  return `bytes differ at ${index} of ${left.length}/${right.length}`;
}

const META: DocumentMeta = { title: '项目需求书', project: '测试 & <项目>', description: '说明 "一"', keywords: 'P-1', asOf: AS_OF };

const text = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...'ab 电路预警 中国'.split('')) },
    { weight: 2, arbitrary: fc.constantFrom('&', '<', '>', '"', "'", '\t', '\n', '\r', '\u0001', '\u000b', '\u001f', '\u007f', '\u00a0', '\u3000', '😀', '\uE000') },
  ),
  maxLength: 12,
});
const run: fc.Arbitrary<RunSpec> = fc.oneof(
  fc.record(
    { kind: fc.constant('text' as const), text, bold: fc.constantFrom(true, undefined), italics: fc.constantFrom(true, undefined), strike: fc.constantFrom(true, undefined), mono: fc.constantFrom(true, undefined) },
    { requiredKeys: ['kind', 'text'] },
  ),
  fc.record({ kind: fc.constant('code' as const), text }),
  fc.constant({ kind: 'break' as const }),
  fc.constant({ kind: 'pageBreak' as const }),
);
const runs = fc.array(run, { maxLength: 4 });
const numbering = fc.oneof(
  fc.record({ reference: fc.constant(BULLET_REFERENCE), level: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ reference: fc.constant(ORDERED_REFERENCE), level: fc.integer({ min: 0, max: 8 }), instance: fc.integer({ min: 1, max: 4 }) }),
);
const paragraph: fc.Arbitrary<BlockSpec> = fc.record({
  type: fc.constant('paragraph' as const),
  options: fc.record(
    {
      style: fc.constantFrom('Title', 'CoverTitle', 'Subtitle', 'Center', 'Right', 'NoIndent', 'Note', 'CoverInfo', 'Signature'),
      heading: fc.constantFrom(HeadingLevel.HEADING_1, HeadingLevel.HEADING_3, HeadingLevel.HEADING_6),
      pageBreakBefore: fc.constantFrom(true, undefined),
      keepNext: fc.constantFrom(true, undefined),
      numbering,
      indent: fc.integer({ min: 1, max: 4000 }).map((left) => ({ left })),
      border: fc.constant({ bottom: { style: BorderStyle.SINGLE, size: 6, color: '808080', space: 1 } }),
    },
    { requiredKeys: [] },
  ),
  runs,
});
const table: fc.Arbitrary<BlockSpec> = fc.integer({ min: 1, max: 4 }).chain((columns) =>
  fc.record({
    type: fc.constant('table' as const),
    widths: fc.array(fc.integer({ min: 200, max: 5000 }), { minLength: columns, maxLength: columns }),
    header: fc.boolean(),
    borders: fc.boolean(),
    rowHeight: fc.option(fc.integer({ min: 100, max: 1000 }), { nil: undefined }),
    align: fc.array(fc.constantFrom('left' as const, 'right' as const, 'center' as const, null, undefined), { maxLength: columns }),
    columns: fc.constant(columns),
    rows: fc.array(fc.array(fc.option(runs, { nil: null }), { minLength: columns, maxLength: columns }), { minLength: 1, maxLength: 3 }),
  }),
);
const meta: fc.Arbitrary<DocumentMeta> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(META) },
  { weight: 1, arbitrary: fc.record({ title: text, project: text, description: text, keywords: fc.option(text, { nil: undefined }), asOf: fc.constant(AS_OF) }, { requiredKeys: ['title', 'project', 'description', 'asOf'] }) },
);
const blocks = fc.array(fc.oneof({ weight: 3, arbitrary: paragraph }, { weight: 1, arbitrary: table }), { maxLength: 6 });

describe('Word blocks written as text, against docx', () => {
  it('gives the same bytes as docx for every document of every fixture record', async () => {
    let documents = 0;
    const before = { ...packCounts };
    for (const file of fixtureFiles()) {
      const record = readRecord(file);
      for (const kind of DOCUMENT_KINDS) {
        for (const instance of kind.instances(record, documentOptions(record))) {
          const parsed = markdownBlocks(renderer().markdown(instance), { template: kind.template });
          const meta = { title: instance.title, ...instanceMeta(record, instance, AS_OF, loadLabels()), asOf: AS_OF };
          const expected = await throughDocx(parsed, meta);
          const actual = await packBlocks(parsed, meta);
          expect(Buffer.compare(Buffer.from(actual), Buffer.from(expected)), `${record.id}/${instance.fileName}: ${firstDifference(actual, expected)}`).toBe(0);
          documents += 1;
        }
      }
    }
    expect(documents).toBeGreaterThanOrEqual(30);
    // Every one went the fast way, from a handful of skeletons.
    expect(packCounts.skeleton - before.skeleton).toBe(documents);
    expect(packCounts.docx - before.docx).toBe(0);
    expect(packCounts.skeletonsBuilt - before.skeletonsBuilt).toBeLessThan(documents / 2);
  });

  it('gives the same bytes as docx with the styles, page and letterhead of a reference document', async () => {
    const document = new Document({
      styles: { default: { document: { run: { font: { eastAsia: 'KaiTi' }, size: 22 } } } },
      sections: [
        {
          properties: { page: { size: { orientation: PageOrientation.LANDSCAPE }, margin: { top: 1000, bottom: 1000, left: 800, right: 800 } } },
          headers: { default: new Header({ children: [new Paragraph('参考信笺页眉')] }) },
          children: [new Paragraph('reference')],
        },
      ],
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'docpack-ref-'));
    writeFileSync(path.join(dir, 'reference.docx'), await Packer.toBuffer(document));
    const source = readReferenceDoc(path.join(dir, 'reference.docx'));
    const record = readRecord(fixtureFiles()[0] as string);
    for (const kind of DOCUMENT_KINDS) {
      for (const instance of kind.instances(record, documentOptions(record))) {
        const parsed = markdownBlocks(renderer().markdown(instance), { template: kind.template });
        const meta = { title: instance.title, ...instanceMeta(record, instance, AS_OF, loadLabels()), asOf: AS_OF };
        const actual = await packBlocks(parsed, meta, source);
        const expected = await throughDocx(parsed, meta, source);
        expect(Buffer.compare(Buffer.from(actual), Buffer.from(expected)), `${instance.fileName}: ${firstDifference(actual, expected)}`).toBe(0);
        expect(Buffer.compare(Buffer.from(actual), Buffer.from(await packBlocks(parsed, meta)))).not.toBe(0);
      }
    }
  });

  it('gives the same bytes as docx on random blocks, lists, tables and text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(blocks, { nil: null }), blocks, meta, async (cover, body, properties) => {
        const parsed: MarkdownBlocks = { cover, body };
        const expected = await throughDocx(parsed, properties);
        const actual = await packBlocks(parsed, properties);
        expect(Buffer.compare(Buffer.from(actual), Buffer.from(expected)), firstDifference(actual, expected)).toBe(0);
      }),
      { numRuns: Number(process.env.WORDML_RUNS ?? propertyRuns(300, 60)) },
    );
  });
});
