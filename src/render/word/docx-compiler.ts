// The one place docpack uses docx's non-public compiler (Packer.compiler): it gives each part's
// XML, which docpack zips itself at fixed times (Packer would zip with the clock's times), and
// lets the parts that are the same in every document (styles, theme, settings...) be formatted
// once. test/render/word/docx-compiler.test.ts fails loudly when a docx upgrade changes what is
// used here; should it disappear, docx.ts falls back to the public Packer (same bytes, slower).
import { Packer, type Document } from 'docx';

/** The package's parts by path, in docx's order: XML as text, media as bytes. */
export type PackageFiles = Map<string, string | Uint8Array>;

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
export function newCompiler(): PackageCompiler | undefined {
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
export const CONSTANT_PARTS: readonly { path: string; of(file: Record<string, unknown>): unknown }[] = [
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
export class PartsCompiler {
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

/**
 * Documents built by buildDocument, with what their constant parts depend on (the reference
 * styles, or none): set by the builder, read by the compiler to know which kept parts apply.
 */
export const partsKeys = new WeakMap<Document, string>();

export const compiler = new PartsCompiler();
