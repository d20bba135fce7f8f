import os from 'node:os';
import type { Command } from 'commander';
import { didYouMean } from '../../records/schema-paths.ts';
import { formatProblem, type Problem } from '../../errors.ts';
import { expandInputs, markDuplicateIds } from '../../records/load.ts';
import { calendarHorizonWarnings, mergeTallies, tallyReaches, type FindingTally } from '../../pack/summary.ts';
import { formatTime } from '../../time.ts';
import { checkContextOf, checkFile, type CheckFormat, type CheckSetup, type CheckTask, type FileCheck } from '../check-files.ts';
import { OutputSpill, type SpilledPiece } from '../spill.ts';
import { asOfOption, loadCheckContext, calendarProvisionalOption, withCalendarProvisional, withRuleDirs } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CliIo, SetExit } from '../io.ts';
import { UsageError } from '../usage-error.ts';
import { workerEntry, workerOptions } from '../../worker-entry.ts';

export { formatFinding } from '../check-files.ts';

interface CheckOptions {
  asOf?: string;
  json?: boolean;
  failOn?: string;
  rules?: string;
  deadlines?: string;
  calendarDir?: string;
  calendarProvisional?: boolean;
  rule?: string[];
  concurrency?: string;
}

export function failOnOption(text: string | undefined): 'warning' | 'escalation' | undefined {
  if (text === undefined) return undefined;
  if (text !== 'warning' && text !== 'escalation') throw new UsageError(`--fail-on "${text}": use warning or escalation`);
  return text;
}

/** From this many record files up, check runs on every core by default (a worker takes ~0.3 s to start). */
export const CHECK_WORKERS_FROM = 1000;
/** Files per worker task: enough to make the messages' cost small, few enough to keep the workers even. */
const BATCH = 16;

export function registerCheck(program: Command, io: CliIo, setExit: SetExit): void {
  withCalendarProvisional(withRuleDirs(
    program
      .command('check')
      .description('compute the deadline clocks and run the alert rules: warnings and escalations, sorted')
      .argument('<inputs...>', 'record files, directories or glob patterns')
      .option('--as-of <time>', 'the moment to check at, e.g. 2026-11-25T09:00:00+08:00 (default: now, Asia/Shanghai)')
      .option('--json', 'print findings and problems as JSON')
      .option('--fail-on <type>', 'exit 1 when an open finding reaches this type: warning or escalation')
      .option('--rule <id...>', 'only these rules')
      .option('--concurrency <n>', `worker threads checking records (default: the number of cores from ${CHECK_WORKERS_FROM} records up; 1 = no workers)`),
  ))
    .action(async (inputs: string[], options: CheckOptions) => {
      const failOn = failOnOption(options.failOn);
      const asOf = asOfOption(options.asOf);
      const concurrency = options.concurrency === undefined ? undefined : Number(options.concurrency);
      if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)) throw new UsageError(`--concurrency "${options.concurrency}": write a whole number from 1 to 64`);
      const setup: CheckSetup = { asOfMs: asOf.toMillis(), rules: { rulesDir: options.rules, deadlinesDir: options.deadlines, calendarDir: options.calendarDir, calendarProvisional: calendarProvisionalOption(options.calendarProvisional) } };
      let context = loadCheckContext(asOf, setup.rules);
      if (options.rule) {
        const known = new Set(context.ruleSet.rules.map((entry) => entry.rule.id));
        const unknown = options.rule.filter((id) => !known.has(id));
        if (unknown.length > 0) throw new UsageError(`unknown rule ${unknown.map((id) => { const near = didYouMean(id, [...known]); return near ? `${id} (did you mean ${near}?)` : id; }).join(', ')}; run docpack rules list`);
        setup.ruleIds = [...options.rule];
        context = checkContextOf(setup);
      }
      const format: CheckFormat = options.json ? 'json' : 'text';
      const { files, problems: inputProblems } = await expandInputs(inputs);
      // Each file is read and checked once, in file order (on worker threads for many files); its findings,
      // already formatted, wait in a spill (memory, then a temporary file) until every file is known: findings
      // print by project id, and a later file with the same id makes both invalid.
      const spill = new OutputSpill();
      try {
        const outcomes: (FileCheck & { piece?: SpilledPiece })[] = new Array(files.length);
        const keep = (index: number, result: FileCheck): void => {
          const kept: FileCheck & { piece?: SpilledPiece } = result;
          if (result.checked) {
            kept.piece = spill.add(result.checked.output);
            result.checked.output = new Uint8Array(0);
          }
          outcomes[index] = kept;
        };
        const threads = Math.max(1, Math.min(concurrency ?? (files.length >= CHECK_WORKERS_FROM ? os.availableParallelism() : 1), Math.ceil(files.length / BATCH)));
        if (threads === 1) files.forEach((file, index) => keep(index, checkFile(file, context, format)));
        else await checkOnWorkers(files, { setup, format, load: {} }, threads, keep, (file) => checkFile(file, context, format), io);
        await markDuplicateIds(outcomes);
        const problems: Problem[] = [...inputProblems, ...outcomes.flatMap((outcome) => outcome.problems)];
        const valid = outcomes.filter((outcome) => outcome.valid && outcome.id !== undefined && outcome.checked).sort((a, b) => ((a.id as string) < (b.id as string) ? -1 : 1));
        const tallies: FindingTally[] = [];
        let total = 0;
        for (const outcome of valid) {
          const checked = outcome.checked as NonNullable<FileCheck['checked']>;
          problems.push(...checked.problems);
          tallies.push(checked.tally);
          total += checked.findings;
        }
        const tally = mergeTallies(tallies, 0);
        problems.push(...calendarHorizonWarnings({ calendar: context.calendar, asOfMs: context.asOfMs, tally, problems }));
        const pieces = valid.map((outcome) => outcome.piece as SpilledPiece).filter((piece) => piece.length > 0);
        const out = outputOf(io, format);
        if (format === 'json') {
          out.write(`{\n  "asOf": ${JSON.stringify(formatTime(asOf))},\n  "findings": [${pieces.length > 0 ? '\n' : ''}`);
          pieces.forEach((piece, index) => {
            if (index > 0) out.write(',\n');
            out.write(spill.read(piece));
          });
          out.write(`${pieces.length > 0 ? '\n  ' : ''}],\n  "problems": ${JSON.stringify(problems, null, 2).replaceAll('\n', '\n  ')}\n}\n`);
          out.end();
        } else {
          for (const piece of pieces) out.write(spill.read(piece));
          out.end();
          for (const problem of problems) io.err(formatProblem(problem));
          io.out(summaryLine(total, tally, valid.length, files.length - valid.length));
        }
        if (problems.some((problem) => problem.severity === 'error')) setExit(ExitCode.invalidInput);
        if (tallyReaches(tally, failOn)) setExit(ExitCode.findings);
      } finally {
        spill.close();
      }
    });
}

/**
 * Checks the files on a pool of worker threads, in batches; `keep` gets each file's result with its
 * index, in whatever order the batches finish. A batch whose worker fails is checked on this thread
 * instead, and the run says so.
 */
async function checkOnWorkers(files: readonly string[], task: Omit<CheckTask, 'files'>, threads: number, keep: (index: number, result: FileCheck) => void, onMainThread: (file: string) => FileCheck, io: CliIo): Promise<void> {
  const { Piscina } = await import('piscina');
  const filename = workerEntry(import.meta.url, '../check-worker.mjs', '../check-worker.js', 'cli/check-worker.js');
  const pool = new Piscina<CheckTask, FileCheck[]>({
    filename,
    ...workerOptions(filename),
    maxThreads: threads,
    minThreads: threads,
    idleTimeout: 1000,
  });
  let noticed = false;
  try {
    const batches: number[] = [];
    for (let start = 0; start < files.length; start += BATCH) batches.push(start);
    await Promise.all(
      batches.map(async (start) => {
        const batch = files.slice(start, start + BATCH);
        let results: FileCheck[];
        try {
          results = await pool.run({ ...task, files: batch });
        } catch (error) {
          if (!noticed) io.err(`docpack: a worker thread failed (${(error as Error | undefined)?.message ?? String(error)}); checking its records on the main thread`);
          noticed = true;
          results = batch.map(onMainThread);
        }
        results.forEach((result, offset) => keep(start + offset, result));
      }),
    );
  } finally {
    await pool.destroy();
  }
}

/** Where the output goes: bytes straight to stdout, or (a test's io) text in the pieces io.out gets. */
function outputOf(io: CliIo, format: CheckFormat): { write(piece: string | Uint8Array): void; end(): void } {
  if (io.outBytes) {
    const write = io.outBytes.bind(io);
    return { write: (piece) => write(typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece), end: () => undefined };
  }
  // io.out adds a newline to a piece that lacks one: JSON goes as one piece, text one record at a time.
  const decoder = new TextDecoder();
  let text = '';
  return {
    write: (piece) => {
      const part = typeof piece === 'string' ? piece : decoder.decode(piece);
      if (format === 'json') text += part;
      else if (part.length > 0) io.out(part.replace(/\n$/, ''));
    },
    end: () => {
      if (format === 'json') io.out(text.replace(/\n$/, ''));
    },
  };
}

function summaryLine(total: number, tally: FindingTally, valid: number, invalid: number): string {
  return `${total} findings (${tally.open} open: ${tally.open - tally.escalationsOpen} warnings, ${tally.escalationsOpen} escalations) in ${valid} records${invalid > 0 ? `; ${invalid} invalid` : ''}`;
}
