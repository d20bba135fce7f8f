// --reference-doc: what a team's own Word file gives every document docpack writes, as pandoc's
// reference-doc does: its styles (matched by name, styles.ts), and its page set-up (page size and
// orientation, margins, header and footer distances) and its letterhead (the default header and
// footer of its last section: text, images and whatever else they hold, with their relationships).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { DocpackError } from '../../errors.ts';
import { PAGE } from './layout.ts';
import { styleIdsByName } from './styles.ts';

/** Twips. */
export interface PageSetup {
  width: number;
  height: number;
  orientation: 'portrait' | 'landscape';
  marginTop: number;
  marginBottom: number;
  marginLeft: number;
  marginRight: number;
  header: number;
  footer: number;
  gutter: number;
}

/** A header or footer part of the reference document, with what it refers to. */
export interface ReferencePart {
  /** The part's XML as the reference holds it. */
  xml: string;
  /** Its relationships part (word/_rels/<part>.xml.rels), media targets renamed to where they are copied; undefined when it has none. */
  relationships?: string;
  /** The files its relationships name inside the package (images...), by their new path, e.g. word/media/reference-header-image1.png. */
  media: Map<string, Uint8Array>;
}

export interface ReferenceDoc {
  /** The file, as given. */
  file: string;
  /** word/styles.xml, its style ids matched to ours by name. */
  styles: string;
  /** Its last section's page; undefined when it has none (ours is used). */
  page?: PageSetup;
  header?: ReferencePart;
  footer?: ReferencePart;
  /** What the documents' skeletons depend on besides the styles: the page (the header's tab stop, the tables' width). */
  key: string;
}

/** The width between the margins, where text and tables go. */
export function textWidth(page: PageSetup | undefined): number {
  if (!page) return PAGE.width - PAGE.marginLeft - PAGE.marginRight;
  return page.width - page.marginLeft - page.marginRight - page.gutter;
}

function invalid(file: string, message: string, hint = 'save it from Word as .docx'): DocpackError {
  return new DocpackError({ code: 'reference-doc-invalid', file, message, hint });
}

/** The value of attribute `name` (w:w, r:id...) in an element's start tag. */
function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name.replace(':', '\\:')}="([^"]*)"`).exec(tag)?.[1];
}

function twips(tag: string, name: string, fallback: number): number {
  const value = attribute(tag, name);
  if (value === undefined) return fallback;
  const number = Number(value);
  return Number.isFinite(number) ? Math.round(number) : fallback;
}

/** The page of a w:sectPr, from its w:pgSz and w:pgMar (ours where the reference leaves a value out). */
function pageOf(sectPr: string): PageSetup | undefined {
  const size = /<w:pgSz\b[^>]*>/.exec(sectPr)?.[0];
  const margins = /<w:pgMar\b[^>]*>/.exec(sectPr)?.[0];
  if (!size && !margins) return undefined;
  const width = size ? twips(size, 'w:w', PAGE.width) : PAGE.width;
  const height = size ? twips(size, 'w:h', PAGE.height) : PAGE.height;
  const orient = size ? attribute(size, 'w:orient') : undefined;
  const margin = margins ?? '';
  return {
    width,
    height,
    orientation: orient === 'landscape' || (orient === undefined && width > height) ? 'landscape' : 'portrait',
    marginTop: Math.abs(twips(margin, 'w:top', PAGE.marginTop)),
    marginBottom: Math.abs(twips(margin, 'w:bottom', PAGE.marginBottom)),
    marginLeft: twips(margin, 'w:left', PAGE.marginLeft),
    marginRight: twips(margin, 'w:right', PAGE.marginRight),
    header: twips(margin, 'w:header', PAGE.header),
    footer: twips(margin, 'w:footer', PAGE.footer),
    gutter: twips(margin, 'w:gutter', 0),
  };
}

interface Relationship {
  id: string;
  type: string;
  target: string;
  external: boolean;
  /** The whole <Relationship .../> element. */
  element: string;
}

function relationships(xml: string | undefined): Relationship[] {
  if (xml === undefined) return [];
  return [...xml.matchAll(/<Relationship\b[^>]*>/g)].map(([element]) => ({
    id: attribute(element, 'Id') ?? '',
    type: attribute(element, 'Type') ?? '',
    target: attribute(element, 'Target') ?? '',
    external: attribute(element, 'TargetMode') === 'External',
    element,
  }));
}

/** The part a relationship of `source` (word/document.xml) names: word/header1.xml. */
function resolve(source: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  return path.posix.normalize(path.posix.join(path.posix.dirname(source), target));
}

function relationshipsPath(part: string): string {
  return path.posix.join(path.posix.dirname(part), '_rels', `${path.posix.basename(part)}.rels`);
}

/**
 * The default header or footer of the reference's last section with its relationships: files it
 * refers to inside the package are copied under word/media/reference-<kind>-<name>, and its
 * relationships part is rewritten to point there. External links stay as they are.
 */
function partOf(file: string, files: Record<string, Uint8Array>, sectPr: string, documentRels: Relationship[], kind: 'header' | 'footer'): ReferencePart | undefined {
  const reference = [...sectPr.matchAll(new RegExp(`<w:${kind}Reference\\b[^>]*>`, 'g'))].map(([tag]) => tag).find((tag) => (attribute(tag, 'w:type') ?? 'default') === 'default');
  if (!reference) return undefined;
  const id = attribute(reference, 'r:id');
  const relationship = documentRels.find((candidate) => candidate.id === id);
  if (!relationship) throw invalid(file, `its ${kind} reference ${id ?? '(no id)'} names no relationship in word/_rels/document.xml.rels`);
  const partPath = resolve('word/document.xml', relationship.target);
  const bytes = files[partPath];
  if (!bytes) throw invalid(file, `its ${kind} part ${partPath} is missing`);
  const xml = strFromU8(bytes);
  if (!new RegExp(`<w:${kind === 'header' ? 'hdr' : 'ftr'}\\b`).test(xml)) throw invalid(file, `${partPath} is not a ${kind} part`);
  const relsBytes = files[relationshipsPath(partPath)];
  const media = new Map<string, Uint8Array>();
  if (!relsBytes) return { xml, media };
  let rels = strFromU8(relsBytes);
  for (const relation of relationships(rels)) {
    if (relation.external) continue;
    const source = resolve(partPath, relation.target);
    const data = files[source];
    if (!data) throw invalid(file, `${partPath} refers to ${source}, which the file does not hold`);
    const copied = `word/media/reference-${kind}-${path.posix.basename(source)}`;
    media.set(copied, data);
    rels = rels.replace(relation.element, relation.element.replace(/\sTarget="[^"]*"/, ` Target="${path.posix.relative('word', copied)}"`));
  }
  return { xml, relationships: rels, media };
}

/** Reads a reference .docx for --reference-doc: styles (matched by name), page set-up, header and footer. */
export function readReferenceDoc(file: string): ReferenceDoc {
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
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch {
    throw invalid(file, 'the reference document is not a .docx file (not a zip archive)');
  }
  const styles = files['word/styles.xml'];
  if (!styles) throw invalid(file, 'the reference document has no word/styles.xml');
  const stylesXml = strFromU8(styles);
  if (!/<w:styles\b/.test(stylesXml)) throw invalid(file, 'word/styles.xml of the reference document has no <w:styles> element', 'save it from Word as .docx');
  const documentXml = files['word/document.xml'] ? strFromU8(files['word/document.xml']) : '';
  // The body's section properties are the last w:sectPr of the document (earlier ones end earlier sections).
  const sections = [...documentXml.matchAll(/<w:sectPr\b[\s\S]*?<\/w:sectPr>/g)].map(([section]) => section);
  const last = sections.at(-1) ?? '';
  const rels = relationships(files['word/_rels/document.xml.rels'] ? strFromU8(files['word/_rels/document.xml.rels']) : undefined);
  const page = pageOf(last);
  const header = partOf(file, files, last, rels, 'header');
  const footer = partOf(file, files, last, rels, 'footer');
  return { file, styles: styleIdsByName(stylesXml), page, header, footer, key: JSON.stringify(page ?? null) };
}

/** Content types of the media a header or footer may hold, by extension. */
const MEDIA_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  emf: 'image/x-emf',
  wmf: 'image/x-wmf',
  svg: 'image/svg+xml',
};

/** The package's parts by path: XML as text, media as bytes. */
type PackageFiles = Map<string, string | Uint8Array>;

/**
 * Puts the reference's header and footer in place of ours: the part the body section's default
 * header (footer) reference names gets the reference's XML, its relationships and media, and the
 * content types learn the media's extensions. The page set-up is not done here: the documents are
 * built with the reference's page (documentOptions).
 */
export function applyReferenceParts(files: PackageFiles, reference: ReferenceDoc | undefined): void {
  if (!reference || (!reference.header && !reference.footer)) return;
  const documentXml = files.get('word/document.xml');
  const rels = files.get('word/_rels/document.xml.rels');
  if (typeof documentXml !== 'string' || typeof rels !== 'string') throw new Error('the document has no word/document.xml or its relationships');
  const documentRels = relationships(rels);
  const extensions = new Set<string>();
  for (const kind of ['header', 'footer'] as const) {
    const part = reference[kind];
    if (!part) continue;
    // Every section that has a header (footer) of ours: the body (the cover has none).
    const ids = new Set([...documentXml.matchAll(new RegExp(`<w:${kind}Reference\\b[^>]*>`, 'g'))].map(([tag]) => attribute(tag, 'r:id')));
    for (const id of ids) {
      const relationship = documentRels.find((candidate) => candidate.id === id);
      if (!relationship) throw new Error(`${kind} reference ${id ?? ''} has no relationship`);
      const target = resolve('word/document.xml', relationship.target);
      files.set(target, part.xml);
      if (part.relationships !== undefined) files.set(relationshipsPath(target), part.relationships);
      else files.delete(relationshipsPath(target));
    }
    for (const [name, data] of part.media) {
      files.set(name, data);
      extensions.add(path.posix.extname(name).slice(1).toLowerCase());
    }
  }
  const types = files.get('[Content_Types].xml');
  if (typeof types !== 'string' || extensions.size === 0) return;
  let added = '';
  for (const extension of [...extensions].sort()) {
    if (new RegExp(`<Default Extension="${extension}"`, 'i').test(types)) continue;
    added += `<Default Extension="${extension}" ContentType="${MEDIA_TYPES[extension] ?? 'application/octet-stream'}"/>`;
  }
  if (added) files.set('[Content_Types].xml', types.replace(/<Types\b[^>]*>/, (open) => open + added));
}
