import { readFileSync } from 'node:fs';
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  LevelFormat,
  Packer,
  PageNumber,
  Tab,
  Paragraph,
  TabStopType,
  TextRun,
  type FileChild,
  type IParagraphStyleOptions,
  type ISectionOptions,
} from 'docx';
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import type { DateTime } from 'luxon';
import { DocpackError } from '../../errors.ts';
import { FONTS, PAGE, TABLE_FONT_SIZE, TEXT_WIDTH } from './layout.ts';
import { BULLET_REFERENCE, ORDERED_REFERENCE, type ConvertedMarkdown } from './markdown.ts';

export interface DocumentMeta {
  /** Document title, e.g. 项目需求书: file property, header (right). */
  title: string;
  /** Project name: header (left) and the subject property. */
  project: string;
  description: string;
  keywords?: string;
  /** Fixes the created/modified times, so the same inputs give the same bytes. */
  asOf: DateTime;
}

export interface StyleSource {
  /** word/styles.xml of a reference document (--reference-doc), whose styles win over ours. */
  referenceStyles?: string;
}

const LANGUAGE = { value: 'en-US', eastAsia: 'zh-CN' } as const;

/** Our paragraph styles beyond Word's built-in ones; the reference document may redefine any of them. */
function customParagraphStyles(): IParagraphStyleOptions[] {
  const center = { alignment: AlignmentType.CENTER, indent: { firstLine: 0 } };
  return [
    { id: 'Center', name: 'Centered', basedOn: 'Normal', quickFormat: true, paragraph: center },
    { id: 'Right', name: 'Right', basedOn: 'Normal', quickFormat: true, paragraph: { alignment: AlignmentType.RIGHT, indent: { firstLine: 0 } } },
    { id: 'NoIndent', name: 'No Indent', basedOn: 'Normal', quickFormat: true, paragraph: { indent: { firstLine: 0 } } },
    {
      id: 'Note',
      name: 'Note',
      basedOn: 'Normal',
      quickFormat: true,
      run: { size: 21, color: '404040' },
      paragraph: { indent: { left: 420, firstLine: 0 }, border: { left: { style: BorderStyle.SINGLE, size: 12, color: 'A6A6A6', space: 8 } } },
    },
    {
      id: 'CoverTitle',
      name: 'Cover Title',
      basedOn: 'Title',
      next: 'Normal',
      quickFormat: true,
      paragraph: { alignment: AlignmentType.CENTER, spacing: { before: 3600, after: 360 }, indent: { firstLine: 0 } },
    },
    {
      id: 'CoverInfo',
      name: 'Cover Info',
      basedOn: 'Normal',
      quickFormat: true,
      run: { size: 28, font: FONTS.heading },
      paragraph: { ...center, spacing: { before: 120, after: 120, line: 360 } },
    },
    {
      id: 'Signature',
      name: 'Signature',
      basedOn: 'Normal',
      quickFormat: true,
      paragraph: { indent: { firstLine: 0 }, spacing: { before: 360, after: 120 } },
    },
    {
      id: 'TableText',
      name: 'Table Text',
      basedOn: 'Normal',
      quickFormat: true,
      run: { size: TABLE_FONT_SIZE },
      paragraph: { indent: { firstLine: 0 }, spacing: { before: 0, after: 0, line: 276 } },
    },
    {
      id: 'TableHeading',
      name: 'Table Heading',
      basedOn: 'TableText',
      quickFormat: true,
      run: { size: TABLE_FONT_SIZE, bold: true, font: FONTS.heading },
      paragraph: { alignment: AlignmentType.CENTER, keepNext: true },
    },
    { id: 'TableGap', name: 'Table Gap', basedOn: 'Normal', paragraph: { indent: { firstLine: 0 }, spacing: { before: 0, after: 0, line: 240 } }, run: { size: 12 } },
    { id: 'Header', name: 'header', basedOn: 'Normal', run: { size: 18, color: '404040' }, paragraph: { indent: { firstLine: 0 }, spacing: { before: 0, after: 0, line: 240 } } },
    { id: 'Footer', name: 'footer', basedOn: 'Normal', run: { size: 18 }, paragraph: { alignment: AlignmentType.CENTER, indent: { firstLine: 0 }, spacing: { before: 0, after: 0, line: 240 } } },
  ];
}

function headingStyle(size: number, before: number, after: number): NonNullable<NonNullable<ConstructorParameters<typeof Document>[0]['styles']>['default']>['heading1'] {
  return {
    run: { size, bold: true, color: '000000', font: FONTS.heading },
    paragraph: { spacing: { before, after, line: 360 }, indent: { firstLine: 0 }, keepNext: true, keepLines: true },
  };
}

/** Style ids a styles.xml defines. */
function definedStyleIds(stylesXml: string): Set<string> {
  return new Set([...stylesXml.matchAll(/<w:style\b[^>]*\bw:styleId="([^"]+)"/g)].map((match) => match[1] as string));
}

function stylesOptions(source: StyleSource): Pick<ConstructorParameters<typeof Document>[0], 'styles' | 'externalStyles'> {
  const custom = customParagraphStyles();
  if (source.referenceStyles !== undefined) {
    // As pandoc does: the reference document's styles win; ours only fill in the ids it lacks.
    // Our fill-ins take their fonts from the reference document's Normal, not from our defaults.
    const defined = definedStyleIds(source.referenceStyles);
    const fillIns = custom
      .filter((style) => !defined.has(style.id))
      .map((style) => (style.run ? { ...style, run: { ...style.run, font: undefined } } : style));
    return { externalStyles: source.referenceStyles, styles: { paragraphStyles: fillIns } };
  }
  return {
    styles: {
      default: {
        document: {
          run: { font: FONTS.body, size: 24, language: LANGUAGE },
          // 1.5 lines, a two-character first-line indent: the usual Chinese business document body.
          paragraph: { spacing: { line: 360, before: 0, after: 0 }, indent: { firstLine: 480 } },
        },
        title: {
          run: { size: 44, bold: true, color: '000000', font: FONTS.heading },
          paragraph: { alignment: AlignmentType.CENTER, spacing: { before: 0, after: 240, line: 360 }, indent: { firstLine: 0 } },
        },
        heading1: headingStyle(32, 360, 180),
        heading2: headingStyle(28, 240, 120),
        heading3: headingStyle(24, 180, 60),
        heading4: headingStyle(24, 120, 60),
        listParagraph: { paragraph: { indent: { firstLine: 0 } } },
      },
      paragraphStyles: [
        {
          id: 'Subtitle',
          name: 'Subtitle',
          basedOn: 'Normal',
          next: 'Normal',
          quickFormat: true,
          run: { size: 32, font: FONTS.heading, color: '000000' },
          paragraph: { alignment: AlignmentType.CENTER, spacing: { before: 0, after: 480, line: 360 }, indent: { firstLine: 0 } },
        },
        ...custom,
      ],
    },
  };
}

function numbering(): ConstructorParameters<typeof Document>[0]['numbering'] {
  const levels = Array.from({ length: 9 }, (_, level) => level);
  return {
    config: [
      {
        reference: BULLET_REFERENCE,
        levels: levels.map((level) => ({
          level,
          format: LevelFormat.BULLET,
          text: level % 2 === 0 ? '•' : '◦',
          alignment: AlignmentType.LEFT,
          style: { paragraph: { indent: { left: 420 * (level + 1), hanging: 300 } } },
        })),
      },
      {
        reference: ORDERED_REFERENCE,
        levels: levels.map((level) => ({
          level,
          format: level % 3 === 2 ? LevelFormat.LOWER_LETTER : LevelFormat.DECIMAL,
          text: level % 3 === 0 ? `%${level + 1}.` : level % 3 === 1 ? `(%${level + 1})` : `%${level + 1})`,
          alignment: AlignmentType.LEFT,
          style: { paragraph: { indent: { left: 420 * (level + 1), hanging: 420 } } },
        })),
      },
    ],
  };
}

function header(meta: DocumentMeta): Header {
  return new Header({
    children: [
      new Paragraph({
        style: 'Header',
        tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH }],
        border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '808080', space: 4 } },
        children: [new TextRun(meta.project), new TextRun({ children: [new Tab(), meta.title] })],
      }),
    ],
  });
}

/**
 * 第 X 页 共 Y 页 (PAGE / NUMPAGES). The cover counts as page 1 but shows no number: LibreOffice
 * leaves SECTIONPAGES blank, so numbering the body from 1 would print "共  页" there.
 */
function footer(): Footer {
  return new Footer({
    children: [new Paragraph({ style: 'Footer', children: [new TextRun({ children: ['第 ', PageNumber.CURRENT, ' 页 共 ', PageNumber.TOTAL_PAGES, ' 页'] })] })],
  });
}

const PAGE_PROPERTIES = {
  size: { width: PAGE.width, height: PAGE.height },
  margin: {
    top: PAGE.marginTop,
    bottom: PAGE.marginBottom,
    left: PAGE.marginLeft,
    right: PAGE.marginRight,
    header: PAGE.header,
    footer: PAGE.footer,
  },
};

/** A4 portrait; a cover (if any) as a section without header and footer, then the body. */
export function buildDocument(content: ConvertedMarkdown, meta: DocumentMeta, source: StyleSource = {}): Document {
  const sections: ISectionOptions[] = [];
  if (content.cover !== null) {
    sections.push({
      properties: { page: PAGE_PROPERTIES },
      children: content.cover.length > 0 ? content.cover : [new Paragraph({ children: [] })],
    });
  }
  const body: FileChild[] = content.body.length > 0 ? content.body : [new Paragraph({ children: [] })];
  sections.push({
    properties: { page: PAGE_PROPERTIES },
    headers: { default: header(meta) },
    footers: { default: footer() },
    children: body,
  });
  return new Document({
    title: meta.title,
    subject: meta.project,
    creator: 'docpack',
    lastModifiedBy: 'docpack',
    description: meta.description,
    keywords: meta.keywords,
    revision: 1,
    ...stylesOptions(source),
    numbering: numbering(),
    sections,
  });
}

/** 2026-11-25T01:00:00Z: the W3CDTF form core.xml uses, in UTC. */
function w3cdtf(asOf: DateTime): string {
  return asOf.toUTC().toISO({ suppressMilliseconds: true }) ?? '';
}

/**
 * Packs the document into .docx bytes that depend only on the document and `asOf`:
 * docx stamps core.xml with the current time and the zip entries with Date.now(), so the
 * package is unzipped, its two timestamps are set to `asOf`, and it is zipped again with
 * fixed entry times.
 */
export async function packDocument(document: Document, asOf: DateTime): Promise<Uint8Array> {
  const packed = await Packer.toBuffer(document);
  const files = unzipSync(new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength));
  const core = files['docProps/core.xml'];
  if (core) {
    const stamp = w3cdtf(asOf);
    files['docProps/core.xml'] = strToU8(
      strFromU8(core).replace(/(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(<\/dcterms:(?:created|modified)>)/g, `$1${stamp}$2`),
    );
  }
  // Zip times are local civil times: write the as-of's Shanghai wall clock whatever the machine's zone.
  const local = asOf.setZone('Asia/Shanghai');
  const mtime = new Date(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  const entries: Zippable = {};
  for (const [name, data] of Object.entries(files)) entries[name] = [data, { mtime, level: 6 }];
  return zipSync(entries);
}

/** Reads word/styles.xml out of a reference .docx for --reference-doc. */
export function readReferenceStyles(file: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new DocpackError({
      code: 'reference-doc-unreadable',
      file,
      message: `cannot read the reference document: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    });
  }
  let styles: Uint8Array | undefined;
  try {
    styles = unzipSync(bytes, { filter: (entry) => entry.name === 'word/styles.xml' })['word/styles.xml'];
  } catch {
    throw new DocpackError({ code: 'reference-doc-invalid', file, message: 'the reference document is not a .docx file (not a zip archive)', hint: 'save it from Word as .docx' });
  }
  if (!styles) {
    throw new DocpackError({ code: 'reference-doc-invalid', file, message: 'the reference document has no word/styles.xml', hint: 'save it from Word as .docx' });
  }
  const xml = strFromU8(styles);
  if (!/<w:styles\b/.test(xml)) {
    throw new DocpackError({ code: 'reference-doc-invalid', file, message: 'word/styles.xml of the reference document has no <w:styles> element' });
  }
  return xml;
}
