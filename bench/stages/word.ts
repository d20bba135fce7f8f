// Word stage: every template for every record, through Handlebars, Markdown and docx, packed
// deterministically. The floor packs, with docx's own Packer, a Document built directly with
// docx's builders holding the same paragraphs and tables, so the ratio is the cost of our
// template + Markdown + layout + deterministic-zip layers.
import { AlignmentType, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { WorkingCalendar } from '../../src/calendar/types.ts';
import type { ProjectRecord } from '../../src/records/types.gen.ts';
import { DOCUMENT_KINDS, type DocumentInstance, type DocumentOptions } from '../../src/render/word/documents.ts';
import { docxText } from '../../src/render/word/extract-text.ts';
import { WordRenderer } from '../../src/render/word/render.ts';
import { parseAsOf } from '../../src/time.ts';
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

async function packDirect(blocks: readonly Block[], title: string): Promise<Buffer> {
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
}

export async function benchWord(records: ProjectRecord[], calendar: WorkingCalendar): Promise<StageResult> {
  const asOf = parseAsOf('2026-11-25T09:00:00+08:00');
  if (!asOf) throw new Error('bad as-of');
  const options: DocumentOptions = { asOf, calendar };
  const renderer = new WordRenderer({ calendar });
  // Which documents exist is decided outside the timer; rendering them is what is timed.
  const work: { record: ProjectRecord; instance: DocumentInstance }[] = [];
  for (const record of records) {
    for (const kind of DOCUMENT_KINDS) {
      try {
        for (const instance of kind.instances(record, options)) work.push({ record, instance });
      } catch {
        // A plan past the calendar's years cannot be scheduled: that record's plan is left out here.
      }
    }
  }
  // Warm-up: compile the templates, JIT the paths.
  for (const item of work.slice(0, 8)) await renderer.renderInstance(item.record, item.instance, options);

  const perTemplate = new Map<string, { documents: number; seconds: number; floorSeconds: number }>();
  const blocks: { template: string; title: string; blocks: Block[] }[] = [];
  let seconds = 0;
  for (const item of work) {
    const started = process.hrtime.bigint();
    const document = await renderer.renderInstance(item.record, item.instance, options);
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    seconds += elapsed;
    const entry = perTemplate.get(item.instance.kind.name) ?? { documents: 0, seconds: 0, floorSeconds: 0 };
    entry.documents += 1;
    entry.seconds += elapsed;
    perTemplate.set(item.instance.kind.name, entry);
    blocks.push({ template: item.instance.kind.name, title: document.title, blocks: blocksOf(document.bytes) });
  }
  let floorSeconds = 0;
  for (const item of blocks) {
    const started = process.hrtime.bigint();
    await packDirect(item.blocks, item.title);
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    floorSeconds += elapsed;
    const entry = perTemplate.get(item.template);
    if (entry) entry.floorSeconds += elapsed;
  }
  const result: WordStageResult = {
    stage: 'render Word (template+markdown+docx)',
    unit: 'documents',
    items: work.length,
    seconds,
    floor: { label: 'docx Packer, direct', seconds: floorSeconds },
    peakRssMiB: peak(),
    templates: [...perTemplate].map(([template, entry]) => ({
      template,
      documents: entry.documents,
      perSecond: entry.documents / entry.seconds,
      floorPerSecond: entry.documents / entry.floorSeconds,
    })),
  };
  return result;
}
