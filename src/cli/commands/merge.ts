import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { tallyReaches } from '../../pack/summary.ts';
import { DocpackError, formatProblem } from '../../errors.ts';
import { loadConfig } from '../../pack/config.ts';
import { defaultPackPath, loadPackSpec } from '../../pack/spec.ts';
import { parseAsOf } from '../../time.ts';
import { loadCheckContext, runExitCode, calendarProvisionalOption, withCalendarProvisional, withRuleDirs } from '../context.ts';
import type { CliIo, SetExit } from '../io.ts';
import { failOnOption } from './check.ts';

interface MergeCliOptions {
  out?: string;
  pack?: string;
  failOn?: string;
  json?: boolean;
  referenceDoc?: string;
  rules?: string;
  deadlines?: string;
  calendarDir?: string;
  calendarProvisional?: boolean;
}

export function registerMerge(program: Command, io: CliIo, setExit: SetExit): void {
  withCalendarProvisional(withRuleDirs(
    program
      .command('merge')
      .description('join the packs of docpack build --shard k/n into one pack, identical to an unsharded build')
      .argument('<dirs...>', 'the shard pack directories, e.g. shard-1/2026-11-25 shard-2/2026-11-25')
      .option('--out <dir>', 'output directory; the pack goes to <dir>/<as-of date>/ (default: out)')
      .option('--pack <file>', 'pack definition (default: templates/pack.json)')
      .option('--fail-on <type>', 'exit 1 when an open finding reaches this type: warning or escalation')
      .option('--reference-doc <file.docx>', 'take Word styles, page set-up, header and footer from this document')
      .option('--json', 'print the run result as JSON on stdout'),
  ))
    .action(async (dirs: string[], options: MergeCliOptions) => {
      // Loaded when the command runs: the document libraries (docx, handlebars, the Markdown parser, worker threads) cost every other command its start-up.
      const { mergePacks } = await import('../../pack/merge.ts');
      const config = loadConfig();
      const failOn = failOnOption(options.failOn ?? config.failOn);
      let asOfText: string;
      try {
        asOfText = (JSON.parse(readFileSync(path.join(dirs[0] ?? '', 'shard.json'), 'utf8')) as { asOf: string }).asOf;
      } catch {
        throw new DocpackError({ code: 'not-a-shard', file: dirs[0], message: 'no shard.json here', hint: 'give the directories written by docpack build --shard k/n (out/<date>)' });
      }
      const asOf = parseAsOf(asOfText);
      if (!asOf) throw new DocpackError({ code: 'not-a-shard', file: dirs[0], message: `as-of "${asOfText}" in shard.json is not a time` });
      const context = loadCheckContext(asOf, { rulesDir: options.rules ?? config.rules, deadlinesDir: options.deadlines ?? config.deadlines, calendarDir: options.calendarDir ?? config.calendar, calendarProvisional: calendarProvisionalOption(options.calendarProvisional, config) });
      const result = await mergePacks({ dirs, outDir: options.out ?? config.out ?? 'out', context, pack: loadPackSpec(options.pack ?? config.pack ?? defaultPackPath()), referenceDoc: options.referenceDoc ?? config.referenceDoc, onNotice: (message) => io.err(`note: ${message}`) });
      for (const item of result.invalid) for (const problem of item.problems) io.err(formatProblem(problem));
      for (const problem of result.problems) io.err(formatProblem(problem));
      const open = { length: result.tally.open };
      const exitCode = runExitCode(result, tallyReaches(result.tally, failOn));
      if (options.json) io.out(JSON.stringify({ exitCode, asOf: result.asOf, out: result.out, projects: result.projects, invalid: result.invalid, findings: { total: result.findingCount, open: result.tally.open, escalations: result.tally.escalationsOpen }, files: result.manifest }, null, 2));
      else {
        io.out(`pack ${result.out}: ${result.projects.length} projects from ${dirs.length} shards, ${result.manifest.length} files, ${open.length} open findings, ${result.invalid.length} invalid records`);
        io.out(`summary: ${result.out}/summary.md`);
      }
      setExit(exitCode);
    });
}
