// `docpack rules diff` and `docpack rules accept`: the sample's findings against the reviewed
// expected-findings file, in words, and writing the current findings into it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { checkRecord } from '../../alerts/pipeline.ts';
import {
  DEFAULT_SAMPLE_FILE,
  describeDiff,
  diffSample,
  formatSampleFile,
  isEmptyDiff,
  readSampleFile,
  sampleFindingOf,
  sampleInputs,
  sortSample,
  summarizeDiff,
  type SampleFile,
  type SampleFinding,
} from '../../alerts/sample.ts';
import { formatProblem, type Problem } from '../../errors.ts';
import { loadRecordFile, scanRecords } from '../../records/load.ts';
import { formatTime } from '../../time.ts';
import { writeFileAtomic } from '../../write/atomic.ts';
import { asOfOption, loadCheckContext, type RuleDirFlags, type RulesOptions } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CliIo, SetExit } from '../io.ts';
import { UsageError } from '../usage-error.ts';

interface SampleOptions extends RuleDirFlags {
  expected: string;
  asOf?: string;
  json?: boolean;
}

const COMMENT =
  'The findings docpack check must raise on the sample records at asOf (fixtures/projects/STORIES.md tells why). Written by `docpack rules accept`; see the change with `docpack rules diff` and review it like code.';

/** Runs clocks and rules over the inputs at the as-of: the sample's findings, and what could not be checked. */
export async function sampleFindings(inputs: readonly string[], asOf: string, dirs: RulesOptions): Promise<{ findings: SampleFinding[]; problems: Problem[] }> {
  const context = loadCheckContext(asOfOption(asOf), dirs);
  const scanned = await scanRecords(inputs);
  const problems: Problem[] = [...scanned.problems];
  const findings: SampleFinding[] = [];
  for (const file of scanned.files) {
    if (!file.valid) continue;
    const record = loadRecordFile(file.file).record;
    if (!record) continue;
    const result = checkRecord(record, context);
    problems.push(...result.problems);
    findings.push(...result.findings.map(sampleFindingOf));
  }
  return { findings: sortSample(findings), problems };
}

function dirsOf(options: SampleOptions, calendarProvisional: boolean): RulesOptions {
  return { rulesDir: options.rules, deadlinesDir: options.deadlines, calendarDir: options.calendarDir, calendarProvisional };
}

function withDirs(command: Command): Command {
  return command
    .option('--expected <file>', 'the expected-findings file', DEFAULT_SAMPLE_FILE)
    .option('--rules <dir>', 'alert rules directory (default rules/alerts)')
    .option('--deadlines <dir>', 'deadline clocks directory (default rules/deadlines)')
    .option('--calendar-dir <dir>', 'working-day calendar directory (default rules/calendars)')
    .option('--calendar-provisional', 'use provisional calendar years (accept: and remember it in the file; diff: as the file says by default)');
}

export function registerRulesSample(rules: Command, io: CliIo, setExit: SetExit): void {
  withDirs(
    rules
      .command('diff')
      .description("the sample's findings now against the reviewed expected-findings file, in words: new, gone and changed findings")
      .option('--json', 'print the difference as JSON'),
  ).action(async (options: SampleOptions) => {
    const sample = readSampleFile(options.expected);
    const { findings, problems } = await sampleFindings(sampleInputs(options.expected, sample), sample.asOf, dirsOf(options, options.calendarProvisional === true || sample.calendarProvisional === true));
    const diff = diffSample(sample.findings, findings);
    if (options.json) io.out(JSON.stringify({ expected: options.expected, asOf: sample.asOf, ...diff, problems }, null, 2));
    else {
      io.out(`${options.expected}: the sample (${sample.inputs.join(', ')}) as of ${sample.asOf}`);
      for (const line of describeDiff(diff)) io.out(line);
      io.out(summarizeDiff(diff));
      if (!isEmptyDiff(diff)) io.out(`review the lines above; when they are what you meant, run docpack rules accept${options.expected === DEFAULT_SAMPLE_FILE ? '' : ` --expected ${options.expected}`} and commit ${options.expected}`);
      for (const problem of problems) io.err(formatProblem(problem));
    }
    if (!isEmptyDiff(diff)) setExit(ExitCode.findings);
    if (problems.some((problem) => problem.severity === 'error')) setExit(ExitCode.invalidInput);
  });

  withDirs(
    rules
      .command('accept')
      .description("writes the sample's current findings into the expected-findings file (after docpack rules diff shows what changes)")
      .argument('[inputs...]', 'record files or folders (default: those the file names; a new file needs them)')
      .option('--as-of <time>', "the moment the sample is checked at (default: the file's asOf; a new file needs it)"),
  ).action(async (inputs: string[], options: SampleOptions) => {
    const exists = existsSync(options.expected);
    const previous = exists ? readSampleFile(options.expected) : undefined;
    const asOf = options.asOf !== undefined ? formatTime(asOfOption(options.asOf)) : previous?.asOf;
    if (asOf === undefined) throw new UsageError(`${options.expected} does not exist yet: give --as-of <time> and the record inputs`);
    const fileInputs = inputs.length > 0 ? inputs.map((input) => path.relative(path.dirname(options.expected), input) || '.') : previous?.inputs;
    if (!fileInputs || fileInputs.length === 0) throw new UsageError(`${options.expected} does not exist yet: give the record inputs, e.g. docpack rules accept fixtures/projects --as-of 2026-11-25T09:00:00+08:00`);
    const provisional = options.calendarProvisional === true;
    const { findings, problems } = await sampleFindings(sampleInputs(options.expected, { inputs: fileInputs }), asOf, dirsOf(options, provisional));
    for (const problem of problems) io.err(formatProblem(problem));
    if (problems.some((problem) => problem.severity === 'error')) {
      io.err(`${options.expected} not written: the sample must check without errors (a finding could be missing)`);
      setExit(ExitCode.invalidInput);
      return;
    }
    const diff = diffSample(previous?.findings ?? [], findings);
    for (const line of describeDiff(diff)) io.out(line);
    const file: SampleFile = { $comment: previous?.$comment ?? COMMENT, asOf, inputs: fileInputs, ...(provisional ? { calendarProvisional: true } : {}), findings };
    writeFileAtomic(options.expected, formatSampleFile(file));
    io.out(`${options.expected}: ${findings.length} findings accepted (${summarizeDiff(diff)})`);
  });
}
