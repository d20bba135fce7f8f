// The skeleton of a Word document, built by docx: every part of the package (styles, numbering,
// header and footer, section properties, file properties) with marks where the blocks and the
// title, project and description go, built and compiled once per shape of document.
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  PageNumber,
  PageOrientation,
  Paragraph,
  Tab,
  TabStopType,
  TextRun,
  type FileChild,
  type ISectionOptions,
} from 'docx';
import type { DateTime } from 'luxon';
import { compiler, partsKeys, type PackageFiles } from './docx-compiler.ts';
import { PAGE } from './layout.ts';
import type { BlockSpec, ConvertedMarkdown, MarkdownBlocks } from './markdown.ts';
import { textWidth, type PageSetup } from './reference.ts';
import { numbering, stylesOptions } from './styles.ts';
import { blocksXml, listKey, listsInOrder } from './wordml.ts';

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
  /** The page set-up a reference document gives (its header and footer are put in after, reference.ts). */
  page?: PageSetup;
}

function header(meta: DocumentMeta, width: number): Header {
  return new Header({
    children: [
      new Paragraph({
        style: 'Header',
        tabStops: [{ type: TabStopType.RIGHT, position: width }],
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

/** The section page properties: ours (A4 portrait), or a reference document's. */
function pageProperties(page: PageSetup | undefined): NonNullable<NonNullable<ISectionOptions['properties']>['page']> {
  if (!page) {
    return {
      size: { width: PAGE.width, height: PAGE.height },
      margin: { top: PAGE.marginTop, bottom: PAGE.marginBottom, left: PAGE.marginLeft, right: PAGE.marginRight, header: PAGE.header, footer: PAGE.footer },
    };
  }
  // docx swaps width and height for a landscape page: give them as portrait.
  const landscape = page.orientation === 'landscape';
  return {
    size: { width: landscape ? page.height : page.width, height: landscape ? page.width : page.height, orientation: landscape ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT },
    margin: { top: page.marginTop, bottom: page.marginBottom, left: page.marginLeft, right: page.marginRight, header: page.header, footer: page.footer, gutter: page.gutter },
  };
}

type DocumentOptions = ConstructorParameters<typeof Document>[0];

/**
 * The options of the docx Document for converted Markdown: A4 portrait; a cover (if any) as a
 * section without header and footer, then the body.
 */
export function documentOptions(content: ConvertedMarkdown, meta: DocumentMeta, source: StyleSource = {}): DocumentOptions {
  const sections: ISectionOptions[] = [];
  const page = pageProperties(source.page);
  if (content.cover !== null) {
    sections.push({
      properties: { page },
      children: content.cover.length > 0 ? content.cover : [new Paragraph({ children: [] })],
    });
  }
  const body: FileChild[] = content.body.length > 0 ? content.body : [new Paragraph({ children: [] })];
  sections.push({
    properties: { page },
    headers: { default: header(meta, textWidth(source.page)) },
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
    ...stylesOptions(source.referenceStyles),
    numbering: numbering(),
    sections,
  };
}

export function buildDocument(content: ConvertedMarkdown, meta: DocumentMeta, source: StyleSource = {}): Document {
  const document = new Document(documentOptions(content, meta, source));
  partsKeys.set(document, source.referenceStyles === undefined ? '' : `reference:${source.referenceStyles}`);
  return document;
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

export function documentXml(skeleton: SkeletonDocument, blocks: MarkdownBlocks): string {
  const cover = blocks.cover === null ? '' : blocksXml(blocks.cover.length > 0 ? blocks.cover : EMPTY_SECTION, skeleton.numIds, skeleton.coverSection);
  const body = blocksXml(blocks.body.length > 0 ? blocks.body : EMPTY_SECTION, skeleton.numIds);
  return skeleton.head + cover + body + skeleton.tail;
}

/**
 * The document's text properties as they stand in a cached skeleton: private-use marks that
 * docx's escaping leaves alone, replaced by each document's escaped values.
 */
const META_MARKS = { title: '\uE001title\uE001', project: '\uE001project\uE001', description: '\uE001description\uE001', keywords: '\uE001keywords\uE001' } as const;
export type MetaField = keyof typeof META_MARKS;
const META_FIELDS = Object.keys(META_MARKS) as MetaField[];
export const ANY_META_MARK = /\uE001(title|project|description|keywords)\uE001/g;

export interface Skeleton {
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
export function skeletonFor(blocks: MarkdownBlocks, all: readonly BlockSpec[], meta: DocumentMeta, source: StyleSource): Skeleton | null {
  const lists = listsInOrder(all);
  const given = META_FIELDS.map((field) => (meta[field] === undefined ? 'u' : meta[field] === '' ? 'e' : 's')).join('');
  const key = JSON.stringify([source.referenceStyles ?? '', source.page ?? null, blocks.cover !== null, lists, given]);
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


/** How many documents went each way, and how many skeletons were built: a test checks the fast way is taken. */
export const packCounts = { skeleton: 0, docx: 0, skeletonsBuilt: 0 };
