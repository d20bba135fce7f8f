import path from 'node:path';
import type { Command } from 'commander';
import { projectFacts } from '../../facts/facts.ts';
import { DocpackError, formatProblem } from '../../errors.ts';
import { loadRecords } from '../../records/load.ts';
import { DOCUMENT_KINDS, findDocumentKind, type DocumentKind } from '../../render/word/documents.ts';
import { parseIsoWeek, weekOf } from '../../time.ts';
import { writeFileAtomic } from '../../write/atomic.ts';
import { asOfOption, calendarProvisionalOption, loadCheckContext, withRuleDirs } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CliIo, SetExit } from '../io.ts';
import { UsageError } from '../usage-error.ts';

interface RenderOptions {
  template: string;
  out: string;
  asOf?: string;
  week?: string;
  referenceDoc?: string;
  templateDir?: string;
  rules?: string;
  deadlines?: string;
  calendarDir?: string;
  calendarProvisional?: boolean;
}

function templateList(): string {
  return [...DOCUMENT_KINDS.map((kind) => `${kind.name} (${kind.alias})`), 'all'].join(', ');
}

function selectKinds(name: string): readonly DocumentKind[] {
  if (name === 'all') return DOCUMENT_KINDS;
  const kind = findDocumentKind(name);
  if (!kind) throw new UsageError(`unknown template "${name}"; templates: ${templateList()}`);
  return [kind];
}

export function registerRender(program: Command, io: CliIo, setExit: SetExit): void {
  withRuleDirs(program
    .command('render')
    .description('render Word documents (.docx) of one project record from the templates in templates/word')
    .argument('<record>', 'a project record (.json)')
    .requiredOption('--template <name>', `which document: ${templateList()}`)
    .requiredOption('--out <dir>', 'folder to write the documents to')
    .option('--as-of <time>', 'the time the documents are as of (default: now, Asia/Shanghai)')
    .option('--week <week>', 'ISO week of the weekly report, e.g. 2026-W48 (default: the week of --as-of)')
    .option('--reference-doc <file.docx>', 'take styles, page set-up, header and footer from this Word document, as pandoc does')
    .option('--template-dir <dir>', 'folder of the .md.hbs templates (default: templates/word)')
    .option('--calendar-provisional', 'use provisional calendar years (computed from the law before the State Council\'s notice); deadlines on them are marked provisional'))
    .action(async (recordFile: string, options: RenderOptions) => {
      // Loaded when the command runs: the document libraries (docx, handlebars, the Markdown parser, worker threads) cost every other command its start-up.
      const [{ readReferenceDoc }, { WordRenderer }] = await Promise.all([import('../../render/word/docx.ts'), import('../../render/word/render.ts')]);
      const kinds = selectKinds(options.template);
      const asOf = asOfOption(options.asOf);
      if (options.week !== undefined) {
        try {
          parseIsoWeek(options.week);
        } catch (error) {
          throw new UsageError(`--week: ${(error as Error).message}; write e.g. 2026-W48`);
        }
      }
      const loaded = await loadRecords([recordFile]);
      if (loaded.problems.length > 0 || loaded.records.length === 0) {
        for (const problem of loaded.problems) io.err(formatProblem(problem));
        if (loaded.problems.length === 0) io.err(`docpack: no record found in ${recordFile}`);
        setExit(ExitCode.invalidInput);
        return;
      }
      try {
        const reference = options.referenceDoc ? readReferenceDoc(options.referenceDoc) : undefined;
        // The weekly report lists the project's findings: the rules run, through the loader of rules lint.
        const context = loadCheckContext(asOf, { rulesDir: options.rules, deadlinesDir: options.deadlines, calendarDir: options.calendarDir, calendarProvisional: calendarProvisionalOption(options.calendarProvisional) });
        const { calendar } = context;
        const renderer = new WordRenderer({ calendar, reference, templatesDir: options.templateDir });
        for (const { file, record: full } of loaded.records) {
          // The record as known at --as-of; the weekly report lists its open warnings and escalations.
          const facts = projectFacts(full, context, { week: options.week !== undefined ? parseIsoWeek(options.week) : weekOf(asOf) });
          const { record } = facts;
          const findings = facts.findings.filter((finding) => finding.closedAt === null);
          const documentOptions = { asOf, calendar, facts, findings };
          const applicable = kinds.filter((kind) => kind.instances(record, documentOptions).length > 0);
          if (kinds.length === 1 && applicable.length === 0) {
            const kind = kinds[0] as DocumentKind;
            throw new DocpackError({
              code: 'template-not-applicable',
              file,
              message: `${kind.name} does not apply to record ${record.id}: it needs ${kind.needs}`,
              hint: 'use --template all to write every document that applies',
            });
          }
          const documents = await renderer.renderRecord(record, applicable, documentOptions);
          for (const document of documents) {
            const target = path.join(options.out, document.fileName);
            writeFileAtomic(target, document.bytes);
            io.out(target);
          }
          if (documents.length === 0) io.err(`docpack: no document applies to record ${record.id}`);
        }
        setExit(ExitCode.ok);
      } catch (error) {
        if (!(error instanceof DocpackError)) throw error;
        for (const problem of error.problems) io.err(`docpack: ${formatProblem(problem)}`);
        setExit(ExitCode.invalidInput);
      }
    });
}
