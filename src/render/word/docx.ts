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
import { strFromU8, strToU8, unzipSync } from 'fflate';
import type { DateTime } from 'luxon';
import { DocpackError } from '../../errors.ts';
import { FONTS, PAGE, TABLE_FONT_SIZE, TEXT_WIDTH } from './layout.ts';
import { BULLET_REFERENCE, ORDERED_REFERENCE, docxBlocks, type BlockSpec, type ConvertedMarkdown, type MarkdownBlocks } from './markdown.ts';
import { blocksSupported, blocksXml, escapeXml, listKey, listsInOrder } from './wordml.ts';
import { ZipEntryCache, dosTime, zipEntry, zipFile, type ZipEntry } from './zip.ts';

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

type DocumentOptions = ConstructorParameters<typeof Document>[0];

/**
 * The options of the docx Document for converted Markdown: A4 portrait; a cover (if any) as a
 * section without header and footer, then the body.
 */
export function documentOptions(content: ConvertedMarkdown, meta: DocumentMeta, source: StyleSource = {}): DocumentOptions {
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
  return {
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
  };
}

/**
 * Documents built here, with what their parts that do not depend on the content (styles, theme,
 * settings...) depend on: the reference styles, or none.
 */
const partsKeys = new WeakMap<Document, string>();

export function buildDocument(content: ConvertedMarkdown, meta: DocumentMeta, source: StyleSource = {}): Document {
  const document = new Document(documentOptions(content, meta, source));
  partsKeys.set(document, source.referenceStyles === undefined ? '' : `reference:${source.referenceStyles}`);
  return document;
}

/** 2026-11-25T01:00:00Z: the W3CDTF form core.xml uses, in UTC. */
function w3cdtf(asOf: DateTime): string {
  return asOf.toUTC().toISO({ suppressMilliseconds: true }) ?? '';
}

/** The package's parts by path, in docx's order: XML as text, media as bytes. */
type PackageFiles = Map<string, string | Uint8Array>;

interface PartFormatter {
  format(input: unknown, context: { file: unknown }): unknown;
}

interface PackageCompiler {
  formatter: PartFormatter;
  compile(file: Document): PackageFiles;
}

/**
 * docx's compiler, which Packer runs before it zips: it gives the part XML that we zip ourselves,
 * once, at fixed times (Packer would zip with the clock's times, and we would have to unzip and
 * zip again). It is not public API, so it is checked for and Packer is used when it is missing.
 */
function newCompiler(): PackageCompiler | undefined {
  const shared = (Packer as unknown as { compiler?: Partial<PackageCompiler> }).compiler;
  if (typeof shared?.compile !== 'function' || typeof shared.formatter?.format !== 'function') return undefined;
  const Compiler = shared.constructor as new () => PackageCompiler;
  try {
    const compiler = new Compiler();
    return typeof compiler.compile === 'function' && typeof compiler.formatter?.format === 'function' ? compiler : undefined;
  } catch {
    return undefined;
  }
}

const STUB = '<docpack-stub/>';
const STUB_ELEMENT = { 'docpack-stub': {} };

/**
 * Parts whose XML depends only on the Document's options, which are the same for every document
 * built here with the same styles: formatted once, then taken from the cache. The getters are
 * those of docx's File; a part whose getter is missing is formatted every time.
 */
const CONSTANT_PARTS: readonly { path: string; of(file: Record<string, unknown>): unknown }[] = [
  { path: 'word/styles.xml', of: (file) => file.Styles },
  { path: 'word/theme/theme1.xml', of: (file) => file.Theme },
  { path: 'word/settings.xml', of: (file) => file.Settings },
  { path: 'word/fontTable.xml', of: (file) => (file.FontTable as { View?: unknown } | undefined)?.View },
  { path: 'word/footnotes.xml', of: (file) => (file.FootNotes as { View?: unknown } | undefined)?.View },
  { path: 'word/endnotes.xml', of: (file) => (file.Endnotes as { View?: unknown } | undefined)?.View },
  { path: 'docProps/app.xml', of: (file) => file.AppProperties },
  { path: 'docProps/custom.xml', of: (file) => file.CustomProperties },
];

/**
 * Compiles documents to their parts. The constant parts of a document built by `buildDocument`
 * are formatted in full for the first document of its kind and kept; later documents of the kind
 * get a stub in their place, which is then swapped for the kept XML.
 */
class PartsCompiler {
  private readonly full = newCompiler();
  private readonly stubbed = newCompiler();
  /** By parts key: the XML of each constant part. */
  private readonly constant = new Map<string, Map<string, string>>();
  /** What the stubbed compiler is compiling: the file, and the docx objects of the parts it stubs. */
  private stubbing: { file: unknown; parts: Set<unknown> } | undefined;

  constructor() {
    const stubbed = this.stubbed;
    if (!stubbed) return;
    const base = stubbed.formatter;
    stubbed.formatter = {
      format: (input, context) => {
        const stubbing = this.stubbing;
        return stubbing !== undefined && stubbing.file === context.file && stubbing.parts.has(input) ? STUB_ELEMENT : base.format(input, context);
      },
    };
  }

  get available(): boolean {
    return this.full !== undefined && this.stubbed !== undefined;
  }

  compile(document: Document): PackageFiles {
    if (!this.full || !this.stubbed) throw new Error('docx compiler unavailable');
    const key = partsKeys.get(document);
    const kept = key === undefined ? undefined : this.constant.get(key);
    if (key === undefined || !kept) {
      const files = this.full.compile(document);
      if (key !== undefined) this.keep(key, files);
      return files;
    }
    const file = document as unknown as Record<string, unknown>;
    const parts = new Set<unknown>();
    for (const part of CONSTANT_PARTS) {
      if (!kept.has(part.path)) continue;
      const input = part.of(file);
      if (input !== undefined && input !== null) parts.add(input);
    }
    this.stubbing = { file: document, parts };
    let files: PackageFiles;
    try {
      files = this.stubbed.compile(document);
    } finally {
      this.stubbing = undefined;
    }
    // Every stub must land on a part we keep; otherwise compile again in full.
    let stubs = 0;
    for (const [path, data] of files) {
      if (typeof data !== 'string' || !data.endsWith(STUB)) continue;
      const xml = kept.get(path);
      if (xml === undefined) return this.full.compile(document);
      files.set(path, xml);
      stubs += 1;
    }
    return stubs === parts.size ? files : this.full.compile(document);
  }

  /** Keeps the constant parts of a fully compiled document (those with no `{placeholder}` docx may fill). */
  private keep(key: string, files: PackageFiles): void {
    const kept = new Map<string, string>();
    for (const part of CONSTANT_PARTS) {
      const xml = files.get(part.path);
      if (typeof xml === 'string' && !xml.includes('{') && !xml.includes(STUB)) kept.set(part.path, xml);
    }
    if (this.constant.size >= 16) this.constant.clear();
    this.constant.set(key, kept);
  }
}

const compiler = new PartsCompiler();
const entries = new ZipEntryCache();
/** Parts that differ from document to document (the header names the project): not worth caching. */
const varies = (path: string): boolean => path === 'word/document.xml' || /^word\/header\d*\.xml$/.test(path);

/**
 * Packs the document into .docx bytes that depend only on the document and `asOf`: docx stamps
 * core.xml with the current time, so its two timestamps are set to `asOf`, and every zip entry
 * gets the as-of's time.
 */
export async function packDocument(document: Document, asOf: DateTime): Promise<Uint8Array> {
  if (!compiler.available) return packWithPacker(document, asOf);
  return zipParts(compiler.compile(document), asOf);
}

function stamps(asOf: DateTime): { time: number; stampCore: (xml: string) => string } {
  // Zip times are local civil times: write the as-of's Shanghai wall clock whatever the machine's zone.
  const time = dosTime(asOf.setZone('Asia/Shanghai'));
  const stamp = w3cdtf(asOf);
  const stampCore = (xml: string): string =>
    xml.replace(/(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(<\/dcterms:(?:created|modified)>)/g, `$1${stamp}$2`);
  return { time, stampCore };
}

function zipParts(files: PackageFiles, asOf: DateTime): Uint8Array {
  const { time, stampCore } = stamps(asOf);
  const zipped: ZipEntry[] = [];
  for (const [path, data] of files) {
    if (typeof data !== 'string') zipped.push(zipEntry(path, data));
    else if (path === 'docProps/core.xml') zipped.push(zipEntry(path, strToU8(stampCore(data))));
    else if (varies(path)) zipped.push(zipEntry(path, strToU8(data)));
    else zipped.push(entries.entry(path, data));
  }
  return zipFile(zipped, time);
}

/** Marks where the blocks go in the skeleton's document.xml: private-use characters no block gives. */
const COVER_MARK = '\uE000docpack-cover\uE000';
const BODY_MARK = '\uE000docpack-body\uE000';
const markParagraph = (mark: string): string => `<w:r><w:t xml:space="preserve">${mark}</w:t></w:r></w:p>`;

/** A skeleton's document.xml cut where the blocks go. */
interface SkeletonDocument {
  /** Up to and including <w:body>. */
  head: string;
  /** The cover's w:sectPr, which goes into the cover's last paragraph ('' without a cover). */
  coverSection: string;
  /** The body's w:sectPr and the closing tags. */
  tail: string;
  /** The list ids docx gave the lists, by list key. */
  numIds: Map<string, number>;
}

/**
 * Cuts the skeleton's document.xml: the skeleton has the document's sections, header, properties
 * and lists, with a marked paragraph where each section's blocks go (the cover's carrying the
 * cover's section properties) and one paragraph per list, in the order the blocks first use them,
 * whose list ids the blocks take. Undefined when it is not shaped as expected: the caller then
 * lets docx write the whole document.
 */
function cutSkeleton(skeleton: string, hasCover: boolean, lists: readonly string[]): SkeletonDocument | undefined {
  const bodyStart = skeleton.indexOf('<w:body>');
  if (bodyStart < 0) return undefined;
  let at = bodyStart + '<w:body>'.length;
  let coverSection = '';
  if (hasCover) {
    const open = '<w:p><w:pPr>';
    if (!skeleton.startsWith(open, at)) return undefined;
    const close = `</w:pPr>${markParagraph(COVER_MARK)}`;
    const end = skeleton.indexOf(close, at);
    if (end < 0) return undefined;
    coverSection = skeleton.slice(at + open.length, end);
    if (!/^<w:sectPr>[\s\S]*<\/w:sectPr>$/.test(coverSection)) return undefined;
    at = end + close.length;
  }
  const bodyMark = `<w:p>${markParagraph(BODY_MARK)}`;
  const bodyEnd = skeleton.indexOf(bodyMark, at);
  if (bodyEnd < 0) return undefined;
  const listIds = [...skeleton.slice(at, bodyEnd).matchAll(/<w:numId w:val="(\d+)"\/>/g)].map((match) => Number(match[1]));
  if (listIds.length !== lists.length) return undefined;
  const numIds = new Map<string, number>();
  lists.forEach((key, index) => numIds.set(key, listIds[index] as number));
  return { head: skeleton.slice(0, bodyStart + '<w:body>'.length), coverSection, tail: skeleton.slice(bodyEnd + bodyMark.length), numIds };
}

/** What docx is given for a section without blocks: one empty paragraph. */
const EMPTY_SECTION: BlockSpec[] = [{ type: 'paragraph', options: {}, runs: [] }];

function documentXml(skeleton: SkeletonDocument, blocks: MarkdownBlocks): string {
  const cover = blocks.cover === null ? '' : blocksXml(blocks.cover.length > 0 ? blocks.cover : EMPTY_SECTION, skeleton.numIds, skeleton.coverSection);
  const body = blocksXml(blocks.body.length > 0 ? blocks.body : EMPTY_SECTION, skeleton.numIds);
  return skeleton.head + cover + body + skeleton.tail;
}

/**
 * The document's text properties as they stand in a cached skeleton: private-use marks that
 * docx's escaping leaves alone, replaced by each document's escaped values.
 */
const META_MARKS = { title: '\uE001title\uE001', project: '\uE001project\uE001', description: '\uE001description\uE001', keywords: '\uE001keywords\uE001' } as const;
type MetaField = keyof typeof META_MARKS;
const META_FIELDS = Object.keys(META_MARKS) as MetaField[];
const ANY_META_MARK = /\uE001(title|project|description|keywords)\uE001/g;

interface Skeleton {
  files: PackageFiles;
  document: SkeletonDocument;
  /** The parts that carry the marks. */
  marked: string[];
}

/** Skeletons by shape: styles, cover or not, the lists, which text properties are given. */
const skeletons = new Map<string, Skeleton | null>();

function listParagraphs(blocks: readonly BlockSpec[], lists: readonly string[]): Paragraph[] {
  return lists.map((key) => {
    const block = blocks.find((candidate) => candidate.type === 'paragraph' && !!candidate.options.numbering && listKey(candidate.options.numbering) === key) as BlockSpec & { type: 'paragraph' };
    return new Paragraph({ numbering: block.options.numbering, children: [] });
  });
}

/**
 * The skeleton of a document of this shape, built and compiled by docx once, with marks for its
 * text properties; null when the marks or the cut do not come out as expected (then docx does it all).
 */
function skeletonFor(blocks: MarkdownBlocks, all: readonly BlockSpec[], meta: DocumentMeta, source: StyleSource): Skeleton | null {
  const lists = listsInOrder(all);
  const given = META_FIELDS.map((field) => (meta[field] === undefined ? 'u' : meta[field] === '' ? 'e' : 's')).join('');
  const key = JSON.stringify([source.referenceStyles ?? '', blocks.cover !== null, lists, given]);
  const cached = skeletons.get(key);
  if (cached !== undefined) return cached;
  const marks: DocumentMeta = { ...meta };
  for (const field of META_FIELDS) if (meta[field]) marks[field] = META_MARKS[field];
  const document = buildDocument(
    {
      cover: blocks.cover === null ? null : [new Paragraph({ children: [new TextRun(COVER_MARK)] })],
      body: [...listParagraphs(all, lists), new Paragraph({ children: [new TextRun(BODY_MARK)] })],
    },
    marks,
    source,
  );
  const files = compiler.compile(document);
  packCounts.skeletonsBuilt += 1;
  const xml = files.get('word/document.xml');
  const cut = typeof xml === 'string' ? cutSkeleton(xml, blocks.cover !== null, lists) : undefined;
  const marked = [...files].filter(([, data]) => typeof data === 'string' && data.includes('\uE001')).map(([path]) => path);
  // Every given text property must show up, and only in the parts meant to vary with it.
  const seen = new Set(marked.flatMap((path) => [...(files.get(path) as string).matchAll(ANY_META_MARK)].map((match) => match[1])));
  const complete = META_FIELDS.every((field) => !meta[field] || seen.has(field));
  const skeleton = cut && complete && marked.every((path) => path === 'docProps/core.xml' || /^word\/header\d*\.xml$/.test(path)) ? { files, document: cut, marked } : null;
  if (skeletons.size >= 256) skeletons.clear();
  skeletons.set(key, skeleton);
  return skeleton;
}

/**
 * The .docx of block descriptions: the same bytes as `packDocument(buildDocument(...))` with
 * docx's blocks, for much less work. docx builds and writes a skeleton of each shape of document
 * once (every part but the blocks, with marks for the text properties); the blocks' XML is written
 * as text and put in, and the marks are replaced by the document's escaped properties.
 */
/** How many documents went each way, and how many skeletons were built: a test checks the fast way is taken. */
export const packCounts = { skeleton: 0, docx: 0, skeletonsBuilt: 0 };

export async function packBlocks(blocks: MarkdownBlocks, meta: DocumentMeta, source: StyleSource = {}): Promise<Uint8Array> {
  const all = blocks.cover === null ? blocks.body : [...blocks.cover, ...blocks.body];
  const skeleton = compiler.available && blocksSupported(all) ? skeletonFor(blocks, all, meta, source) : null;
  if (skeleton) {
    const files: PackageFiles = new Map(skeleton.files);
    for (const path of skeleton.marked) {
      files.set(path, (skeleton.files.get(path) as string).replace(ANY_META_MARK, (_, field: MetaField) => escapeXml(meta[field] ?? '')));
    }
    files.set('word/document.xml', documentXml(skeleton.document, blocks));
    packCounts.skeleton += 1;
    return zipParts(files, meta.asOf);
  }
  packCounts.docx += 1;
  const content = { cover: blocks.cover === null ? null : docxBlocks(blocks.cover), body: docxBlocks(blocks.body) };
  return packDocument(buildDocument(content, meta, source), meta.asOf);
}

/** The same bytes through docx's public Packer: unzip its package, restamp core.xml, zip again. */
async function packWithPacker(document: Document, asOf: DateTime): Promise<Uint8Array> {
  const { time, stampCore } = stamps(asOf);
  const packed = await Packer.toBuffer(document);
  const files = unzipSync(new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength));
  const zipped: ZipEntry[] = [];
  for (const [path, data] of Object.entries(files)) zipped.push(zipEntry(path, path === 'docProps/core.xml' ? strToU8(stampCore(strFromU8(data))) : data));
  return zipFile(zipped, time);
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
  return styleIdsByName(xml);
}

/**
 * Word saves a style's id in the language it runs in: a Chinese Word calls "heading 1" 1, "Title"
 * a3. Documents refer to styles by our ids (Heading1, Title...), so, as pandoc does, the reference
 * document's styles are matched by name: a style whose name, without spaces and case, is one of
 * our ids takes that id, and the styles based on it, following it or linked to it follow.
 */
export function styleIdsByName(stylesXml: string): string {
  const ids = new Set([...stylesXml.matchAll(/<w:style\b[^>]*\bw:styleId="([^"]+)"/g)].map((match) => match[1] as string));
  const renamed = new Map<string, string>();
  for (const match of stylesXml.matchAll(/<w:style\b[^>]*\bw:styleId="([^"]+)"[^>]*>(?:(?!<\/w:style>)[\s\S])*?<w:name w:val="([^"]+)"/g)) {
    const [, id, name] = match as unknown as [string, string, string];
    const wanted = OUR_STYLE_IDS.get(name.replace(/\s+/g, '').toLowerCase());
    if (wanted === undefined || wanted === id || ids.has(wanted) || renamed.has(id)) continue;
    renamed.set(id, wanted);
    ids.add(wanted);
  }
  if (renamed.size === 0) return stylesXml;
  return stylesXml
    .replace(/(<w:style\b[^>]*\bw:styleId=")([^"]+)"/g, (whole, start: string, id: string) => (renamed.has(id) ? `${start}${renamed.get(id)}"` : whole))
    .replace(/(<w:(?:basedOn|next|link) w:val=")([^"]+)"/g, (whole, start: string, id: string) => (renamed.has(id) ? `${start}${renamed.get(id)}"` : whole));
}

/** The style ids our documents use, by their name without spaces, lower case (Word's built-in names and ours). */
const OUR_STYLE_IDS = new Map(
  ['Normal', 'Title', 'Subtitle', 'Heading1', 'Heading2', 'Heading3', 'Heading4', 'Heading5', 'Heading6', 'ListParagraph', 'Header', 'Footer', 'TableText', 'TableHeading', 'TableGap', 'CoverTitle', 'CoverInfo', 'Signature', 'Note', 'NoIndent', 'Right', 'Center'].map((id) => [id.toLowerCase(), id]),
);
