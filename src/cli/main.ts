import { Command, CommanderError } from 'commander';
import { ExitCode } from './exit-codes.ts';
import { processIo, type CliIo, type SetExit } from './io.ts';
import { UsageError } from './usage-error.ts';
import { DocpackError, formatProblem } from '../errors.ts';
import { ownDataPaths, packageVersion } from '../package-files.ts';
import { registerValidate } from './commands/validate.ts';
import { registerCheck } from './commands/check.ts';
import { registerExplain } from './commands/explain.ts';
import { registerRules } from './commands/rules.ts';
import { registerClocks } from './commands/clocks.ts';
import { registerCalendar } from './commands/calendar.ts';
import { registerRender } from './commands/render.ts';
import { registerBuild } from './commands/build.ts';
import { registerReport } from './commands/report.ts';
import { registerMerge } from './commands/merge.ts';
import { registerWorkbook } from './commands/workbook.ts';

/**
 * Each command module exports `register(program, io, setExit)`.
 * A command reports its exit code through setExit; it never calls process.exit.
 */
export type { SetExit } from './io.ts';

export function buildProgram(io: CliIo, setExit: SetExit): Command {
  const program = new Command('docpack')
    .description('Validate project records, compute deadlines, raise warnings and render document packs.')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();
  // A records repository's own rules or templates replace the package's: say which, so a run is never
  // silently made with other rules than the user thinks.
  program.hook('preAction', () => {
    const own = ownDataPaths();
    if (own.length > 0) io.err(`docpack: using this folder's ${own.join(', ')} instead of the package's`);
  });
  registerValidate(program, io, setExit);
  registerCheck(program, io, setExit);
  registerExplain(program, io, setExit);
  registerRules(program, io, setExit);
  registerClocks(program, io, setExit);
  registerCalendar(program, io, setExit);
  registerBuild(program, io, setExit);
  registerMerge(program, io, setExit);
  registerReport(program, io, setExit);
  registerRender(program, io, setExit);
  registerWorkbook(program, io, setExit);
  return program;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const setExit: SetExit = (code) => {
    exitCode = Math.max(exitCode, code);
  };
  const program = buildProgram(io, setExit);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; bad usage is invalid input.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput;
    }
    if (error instanceof UsageError) {
      io.err(`docpack: ${error.message}`);
      return ExitCode.invalidInput;
    }
    if (error instanceof DocpackError) {
      // Bad input the user can fix: a rule file, a calendar year, a config or pack file.
      io.err(formatProblem(error.problem));
      return ExitCode.invalidInput;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.err(`docpack: internal error, please report it with the command you ran:\n${detail}`);
    return ExitCode.internal;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}
