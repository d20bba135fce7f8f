import { readFileSync } from 'node:fs';
import type { DateTime } from 'luxon';
import path from 'node:path';
import type { WorkingCalendar } from '../../calendar/types.ts';
import { DocpackError } from '../../errors.ts';
import { dataPath } from '../../package-files.ts';
import type { ProjectRecord } from '../../records/types.gen.ts';
import { localParts } from '../../time.ts';
import { dateFormat, formatDate, loadLabels, type Labels } from '../../labels.ts';
import { xmlSafe } from '../xml-safe.ts';
import { DOCUMENT_KINDS, type DocumentInstance, type DocumentKind, type DocumentOptions } from './documents.ts';
import { packBlocks } from './docx.ts';
import { markdownBlocks } from './markdown.ts';
import { textWidth, type ReferenceDoc } from './reference.ts';
import { compileTemplate, createTemplateEnv, type CompiledTemplate, type TemplateEnv } from './template.ts';

/** templates/word of the working directory when it has one, else the package's. */
export function defaultTemplatesDir(): string {
  return dataPath('templates/word');
}

export interface RendererOptions {
  calendar: WorkingCalendar;
  labels?: Labels;
  /** Folder of the .md.hbs templates; default templates/word (the working directory's, else the package's). */
  templatesDir?: string;
  /** A --reference-doc: its styles, page set-up, header and footer. */
  reference?: ReferenceDoc;
}

export interface RenderedDocument {
  fileName: string;
  title: string;
  /** The template file, as named in errors. */
  template: string;
  markdown: string;
  bytes: Uint8Array;
}

/** A template file named the way errors print it: relative to the working directory when inside it. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : file;
}

/** The as-of as documents write it, in the date style of templates/labels.json: 2026年11月25日 09:00. */
function chineseAsOf(asOf: DateTime, labels: Labels): string {
  const local = localParts(asOf.toMillis());
  return formatDate(local.date, dateFormat(labels, 'dateTime'), local.hour, local.minute);
}

/** The header and file properties of a record's document. */
export function instanceMeta(record: ProjectRecord, instance: DocumentInstance, asOf: DateTime, labels: Labels): { project: string; description: string; keywords: string } {
  return {
    project: record.name,
    description: `${record.customer.name}《${record.name}》${instance.title}，项目编号${record.id}，数据截至${chineseAsOf(asOf, labels)}。`,
    keywords: record.id,
  };
}

/** Renders Word documents from records; compiles each template once. */
export class WordRenderer {
  private readonly env: TemplateEnv;
  private readonly templates = new Map<string, CompiledTemplate>();
  private readonly templatesDir: string;
  private readonly labels: Labels;

  constructor(private readonly options: RendererOptions) {
    this.labels = options.labels ?? loadLabels();
    this.env = createTemplateEnv({ labels: this.labels, calendar: options.calendar });
    this.templatesDir = options.templatesDir ?? defaultTemplatesDir();
  }

  template(kind: DocumentKind): CompiledTemplate {
    let compiled = this.templates.get(kind.template);
    if (!compiled) {
      const file = path.join(this.templatesDir, kind.template);
      let source: string;
      try {
        source = readFileSync(file, 'utf8');
      } catch (error) {
        throw new DocpackError({
          code: 'template-unreadable',
          file: displayPath(file),
          message: `cannot read the template: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        });
      }
      compiled = compileTemplate(this.env, source, displayPath(file));
      this.templates.set(kind.template, compiled);
    }
    return compiled;
  }

  /** The Markdown a document's template produces (what `render` turns into Word). */
  markdown(instance: DocumentInstance): string {
    return this.template(instance.kind).render(instance.context);
  }

  async renderInstance(record: ProjectRecord, instance: DocumentInstance, documentOptions: DocumentOptions): Promise<RenderedDocument> {
    return this.renderWith(instance, documentOptions.asOf, instanceMeta(record, instance, documentOptions.asOf, this.labels));
  }

  /** A document over many records (the portfolio 周报): the header names the portfolio, not a project. */
  async renderPortfolio(instance: DocumentInstance, asOf: DateTime, heading: string): Promise<RenderedDocument> {
    return this.renderWith(instance, asOf, {
      project: heading,
      description: `${heading}${instance.title}，数据截至${chineseAsOf(asOf, this.labels)}。`,
      keywords: 'portfolio',
    });
  }

  private async renderWith(instance: DocumentInstance, asOf: DateTime, meta: { project: string; description: string; keywords: string }): Promise<RenderedDocument> {
    const template = this.template(instance.kind);
    // Record text reaches the body, tables, header and file properties: all of it through the one XML sanitiser.
    const markdown = xmlSafe(template.render(instance.context));
    const blocks = markdownBlocks(markdown, { template: template.file, textWidth: textWidth(this.options.reference?.page) });
    const properties = { title: xmlSafe(instance.title), project: xmlSafe(meta.project), description: xmlSafe(meta.description), keywords: xmlSafe(meta.keywords) };
    const bytes = await packBlocks(blocks, { ...properties, asOf }, this.options.reference);
    return { fileName: instance.fileName, title: instance.title, template: template.file, markdown, bytes };
  }

  /** Every document of `kinds` that applies to the record. */
  async renderRecord(record: ProjectRecord, kinds: readonly DocumentKind[], documentOptions: DocumentOptions): Promise<RenderedDocument[]> {
    const rendered: RenderedDocument[] = [];
    for (const kind of kinds) {
      for (const instance of kind.instances(record, documentOptions)) rendered.push(await this.renderInstance(record, instance, documentOptions));
    }
    return rendered;
  }
}

export { DOCUMENT_KINDS };
