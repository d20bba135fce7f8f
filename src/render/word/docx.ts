// Writing a Word document: block descriptions into a .docx. The jobs live in their own modules:
// styles.ts (our styles, list numbering, a reference's styles by name), skeleton.ts (the skeleton
// docx builds once per shape of document), docx-compiler.ts (the one use of docx's non-public
// compiler), reference.ts (--reference-doc's page set-up and letterhead), wordml.ts (the blocks as
// WordprocessingML text) and ../zip.ts (the one zip writer, Word and Excel alike).
import { Packer, type Document } from 'docx';
import { strFromU8, unzipSync } from 'fflate';
import type { DateTime } from 'luxon';
import { deflateEntry, zipEntries, zipTimeOf, ZipEntryCache, type DeflatedEntry } from '../zip.ts';
import { compiler, type PackageFiles } from './docx-compiler.ts';
import { docxBlocks, type MarkdownBlocks } from './markdown.ts';
import { applyReferenceParts, type ReferenceDoc } from './reference.ts';
import { ANY_META_MARK, buildDocument, documentXml, packCounts, skeletonFor, type DocumentMeta, type MetaField, type StyleSource } from './skeleton.ts';
import { blocksSupported, escapeXml } from './wordml.ts';

export { buildDocument, documentOptions, packCounts, type DocumentMeta, type StyleSource } from './skeleton.ts';
export { readReferenceDoc, type ReferenceDoc } from './reference.ts';
export { styleIdsByName } from './styles.ts';

/** What a reference document gives a document: its styles and page to the skeleton, its header and footer to the package. */
export function styleSource(reference: ReferenceDoc | undefined): StyleSource {
  return reference ? { referenceStyles: reference.styles, page: reference.page } : {};
}

const entries = new ZipEntryCache();
/** Parts that differ from document to document (the header names the project): not worth caching. */
const varies = (path: string): boolean => path === 'word/document.xml' || /^word\/header\d*\.xml$/.test(path);

/** 2026-11-25T01:00:00Z: the W3CDTF form core.xml uses, in UTC. */
function w3cdtf(asOf: DateTime): string {
  return asOf.toUTC().toISO({ suppressMilliseconds: true }) ?? '';
}

/** docx stamps core.xml with the current time: its two timestamps become the as-of. */
function stampCore(xml: string, asOf: DateTime): string {
  const stamp = w3cdtf(asOf);
  return xml.replace(/(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(<\/dcterms:(?:created|modified)>)/g, `$1${stamp}$2`);
}

/** The package's parts zipped, every entry at the as-of's Shanghai wall clock (zipTimeOf). */
function zipParts(files: PackageFiles, asOf: DateTime, reference?: ReferenceDoc): Uint8Array {
  applyReferenceParts(files, reference);
  const zipped: DeflatedEntry[] = [];
  for (const [path, data] of files) {
    if (typeof data !== 'string') zipped.push(deflateEntry(path, data));
    else if (path === 'docProps/core.xml') zipped.push(deflateEntry(path, Buffer.from(stampCore(data, asOf), 'utf8')));
    else if (varies(path)) zipped.push(deflateEntry(path, Buffer.from(data, 'utf8')));
    else zipped.push(entries.entry(path, data));
  }
  return zipEntries(zipped, zipTimeOf(asOf));
}

/**
 * Packs a docx Document into .docx bytes that depend only on the document and `asOf`, with the
 * reference document's header and footer when one is given.
 */
export async function packDocument(document: Document, asOf: DateTime, reference?: ReferenceDoc): Promise<Uint8Array> {
  if (!compiler.available) return packWithPacker(document, asOf, reference);
  return zipParts(compiler.compile(document), asOf, reference);
}

/**
 * The .docx of block descriptions: the same bytes as `packDocument(buildDocument(...))` with
 * docx's blocks, for much less work. docx builds and writes a skeleton of each shape of document
 * once (every part but the blocks, with marks for the text properties); the blocks' XML is written
 * as text and put in, and the marks are replaced by the document's escaped properties.
 */
export async function packBlocks(blocks: MarkdownBlocks, meta: DocumentMeta, reference?: ReferenceDoc): Promise<Uint8Array> {
  const source = styleSource(reference);
  const all = blocks.cover === null ? blocks.body : [...blocks.cover, ...blocks.body];
  const skeleton = compiler.available && blocksSupported(all) ? skeletonFor(blocks, all, meta, source) : null;
  if (skeleton) {
    const files: PackageFiles = new Map(skeleton.files);
    for (const path of skeleton.marked) {
      files.set(path, (skeleton.files.get(path) as string).replace(ANY_META_MARK, (_, field: MetaField) => escapeXml(meta[field] ?? '')));
    }
    files.set('word/document.xml', documentXml(skeleton.document, blocks));
    packCounts.skeleton += 1;
    return zipParts(files, meta.asOf, reference);
  }
  packCounts.docx += 1;
  const content = { cover: blocks.cover === null ? null : docxBlocks(blocks.cover), body: docxBlocks(blocks.body) };
  return packDocument(buildDocument(content, meta, source), meta.asOf, reference);
}

/** The same bytes through docx's public Packer: unzip its package, restamp core.xml, zip again. */
async function packWithPacker(document: Document, asOf: DateTime, reference?: ReferenceDoc): Promise<Uint8Array> {
  const packed = await Packer.toBuffer(document);
  const unzipped = unzipSync(new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength));
  const files: PackageFiles = new Map();
  for (const [path, data] of Object.entries(unzipped)) files.set(path, path.endsWith('.xml') || path.endsWith('.rels') ? strFromU8(data) : data);
  return zipParts(files, asOf, reference);
}
