// Word stage: every template for every record, through Handlebars, Markdown and docx, packed
// deterministically. The floor is docx's own cost for the same document: the same paragraphs,
// runs, tables, styles, numbering, header and footer, built directly with docx's builders from
// plain block descriptions (read from our Markdown outside the timer) and packed with docx's own
// Packer. So the ratio is the cost of our template + Markdown + layout + deterministic-zip layers
// over what docx needs anyway.
//
// An earlier floor packed a plainer document (unstyled paragraphs and tables, no numbering,
// header, footer or cover section: about half of docx's work for ours); it is still reported as
// `plainFloorPerSecond`, with `packerOnlyPerSecond` (Packer.toBuffer of the built Document alone).
import { unzipSync, zipSync } from 'fflate';
import { AlignmentType, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { WorkingCalendar } from '../../src/calendar/types.ts';
import type { ProjectRecord } from '../../src/records/types.gen.ts';
import { DOCUMENT_KINDS, type DocumentInstance, type DocumentOptions } from '../../src/render/word/documents.ts';
import { documentOptions, type DocumentMeta } from '../../src/render/word/docx.ts';
import { docxText } from '../../src/render/word/extract-text.ts';
import { docxBlocks, markdownBlocks, type MarkdownBlocks } from '../../src/render/word/markdown.ts';
import { loadLabels } from '../../src/labels.ts';
import { WordRenderer, instanceMeta } from '../../src/render/word/render.ts';
import { parseAsOf, weekOf } from '../../src/time.ts';
import { loadCheckContext } from '../../src/facts/context.ts';
import { projectFacts } from '../../src/facts/facts.ts';
import type { StageResult } from '../types.ts';

type Block = { kind: 'paragraph'; text: string } | { kind: 'table'; rows: string[][] };

/** The blocks of a rendered document, read back from its text: what the floor builds directly. */
function blocksOf(bytes: Uint8Array): Block[] {
  const blocks: Block[] = [];
  const body = docxText(bytes).split('\n\n').slice(1).join('\n\n');
  for (const line of body.split('\n')) {
    if (line.startsWith('| ')) {
      const cells = line.slice(2, -2).split(' | ');
      const last = blocks.at(-1);
      if (last?.kind === 'table') last.rows.push(cells);
      else blocks.push({ kind: 'table', rows: [cells] });
    } else if (line !== '') {
      blocks.push({ kind: 'paragraph', text: line.replace(/^[#=-]+ /, '') });
    }
  }
  return blocks;
}

/** The floor: our document built directly with docx's builders from its block descriptions, packed by Packer. */
function buildDirect(blocks: MarkdownBlocks, meta: DocumentMeta): Document {
  return new Document(documentOptions({ cover: blocks.cover === null ? null : docxBlocks(blocks.cover), body: docxBlocks(blocks.body) }, meta));
}

/** The earlier floor: the document's text as plain paragraphs and tables. */
async function packPlain(blocks: readonly Block[], title: string): Promise<Buffer> {
  const children = blocks.map((block) =>
    block.kind === 'paragraph'
      ? new Paragraph({ children: [new TextRun(block.text)] })
      : new Table({
          width: { size: 9070, type: WidthType.DXA },
          rows: block.rows.map(
            (row, index) =>
              new TableRow({
                tableHeader: index === 0,
                children: row.map((cell) => new TableCell({ children: [new Paragraph({ alignment: AlignmentType.LEFT, children: [new TextRun(cell)] })] })),
              }),
          ),
        }),
  );
  return Packer.toBuffer(new Document({ title, creator: 'docpack', sections: [{ children }] }));
}

const peak = (): number => process.resourceUsage().maxRSS / 1024;

export interface WordStageResult extends StageResult {
  /** Documents per second for each template, next to the floor on the same documents. */
  templates: { template: string; documents: number; perSecond: number; floorPerSecond: number }[];
  /** Packer.toBuffer alone, of the floor's Document built outside the timer. */
  packerOnlyPerSecond: number;
  /** The earlier floor: plain paragraphs and tables with the same text, no styling. */
  plainFloorPerSecond: number;
  /** Bare WordprocessingML + fflate: the document's finished parts, zipped. */
  bareFloorPerSecond: number;
}

const seconds = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

export async function benchWord(records: ProjectRecord[], calendar: WorkingCalendar): Promise<WordStageResult> {
  const asOf = parseAsOf('2026-11-25T09:00:00+08:00');
  if (!asOf) throw new Error('bad as-of');
  const renderer = new WordRenderer({ calendar });
  // The facts stage, without the rules (the documents are timed, not the alerts), outside the timer too.
  const context = { ...loadCheckContext(asOf), calendar };
  const week = weekOf(asOf);
  // Which documents exist is decided outside the timer; rendering them is what is timed.
  const work: { record: ProjectRecord; instance: DocumentInstance; options: DocumentOptions }[] = [];
  for (const record of records) {
    const options: DocumentOptions = { asOf, calendar, facts: projectFacts(record, context, { week, findings: [] }), findings: [] };
    for (const kind of DOCUMENT_KINDS) {
      try {
        for (const instance of kind.instances(record, options)) work.push({ record, instance, options });
      } catch {
        // A plan past the calendar's years cannot be scheduled: that record's plan is left out here.
      }
    }
  }
  // Warm-up: compile the templates, JIT the paths, ours and the floor's.
  for (const item of work.slice(0, 8)) {
    const document = await renderer.renderInstance(item.record, item.instance, item.options);
    const meta = { title: item.instance.title, ...instanceMeta(item.record, item.instance, asOf, loadLabels()), asOf };
    await Packer.toBuffer(buildDirect(markdownBlocks(document.markdown, { template: document.template }), meta));
  }

  const perTemplate = new Map<string, { documents: number; seconds: number; floorSeconds: number }>();
  const floors: { meta: DocumentMeta; blocks: MarkdownBlocks; title: string; plain: Block[]; bytes: Uint8Array }[] = [];
  let total = 0;
  let floorTotal = 0;
  // Ours and the floor alternate document by document, so that a busy machine weighs on both alike.
  for (const item of work) {
    let started = process.hrtime.bigint();
    const document = await renderer.renderInstance(item.record, item.instance, item.options);
    const elapsed = seconds(started);
    const meta = { title: item.instance.title, ...instanceMeta(item.record, item.instance, asOf, loadLabels()), asOf };
    const blocks = markdownBlocks(document.markdown, { template: document.template });
    started = process.hrtime.bigint();
    await Packer.toBuffer(buildDirect(blocks, meta));
    const floorElapsed = seconds(started);
    total += elapsed;
    floorTotal += floorElapsed;
    const entry = perTemplate.get(item.instance.kind.name) ?? { documents: 0, seconds: 0, floorSeconds: 0 };
    entry.documents += 1;
    entry.seconds += elapsed;
    entry.floorSeconds += floorElapsed;
    perTemplate.set(item.instance.kind.name, entry);
    floors.push({ meta, blocks, title: document.title, plain: blocksOf(document.bytes), bytes: document.bytes });
  }
  let packerSeconds = 0;
  let plainSeconds = 0;
  let bareSeconds = 0;
  for (const item of floors) {
    // The bare floor: the finished parts (WordprocessingML text, already written) zipped with fflate.
    const parts = Object.fromEntries(Object.entries(unzipSync(item.bytes)));
    const bareStarted = process.hrtime.bigint();
    zipSync(parts, { level: 6 });
    bareSeconds += seconds(bareStarted);
    const built = buildDirect(item.blocks, item.meta);
    let started = process.hrtime.bigint();
    await Packer.toBuffer(built);
    packerSeconds += seconds(started);
    started = process.hrtime.bigint();
    await packPlain(item.plain, item.title);
    plainSeconds += seconds(started);
  }
  const result: WordStageResult = {
    stage: 'render Word (template+markdown+docx)',
    unit: 'documents',
    items: work.length,
    seconds: total,
    floor: { label: 'docx build+Packer', seconds: floorTotal },
    peakRssMiB: peak(),
    templates: [...perTemplate].map(([template, entry]) => ({
      template,
      documents: entry.documents,
      perSecond: entry.documents / entry.seconds,
      floorPerSecond: entry.documents / entry.floorSeconds,
    })),
    packerOnlyPerSecond: work.length / packerSeconds,
    plainFloorPerSecond: work.length / plainSeconds,
    bareFloorPerSecond: work.length / bareSeconds,
  };
  return result;
}
