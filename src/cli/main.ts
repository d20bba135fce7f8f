import { Command, CommanderError } from 'commander';
import { ExitCode } from './exit-codes.ts';
import { processIo, type CliIo, type SetExit } from './io.ts';
import { UsageError } from './usage-error.ts';
import { DocpackError, formatProblem } from '../errors.ts';
import { overriddenDataPaths, ownDataPaths, packageVersion } from '../package-files.ts';

/**
 * Each command module exports `register(program, io, setExit)`.
 * A command reports its exit code through setExit; it never calls process.exit.
 */
export type { SetExit } from './io.ts';

type Register = (program: Command, io: CliIo, setExit: SetExit) => void;

/**
 * The commands in help order, each module loaded only when needed: a command does not pay for the
 * libraries of the others (docx, exceljs...), and --version loads none.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  validate: async () => (await import('./commands/validate.ts')).registerValidate,
  check: async () => (await import('./commands/check.ts')).registerCheck,
  explain: async () => (await import('./commands/explain.ts')).registerExplain,
  rules: async () => (await import('./commands/rules.ts')).registerRules,
  clocks: async () => (await import('./commands/clocks.ts')).registerClocks,
  calendar: async () => (await import('./commands/calendar.ts')).registerCalendar,
  build: async () => (await import('./commands/build.ts')).registerBuild,
  merge: async () => (await import('./commands/merge.ts')).registerMerge,
  report: async () => (await import('./commands/report.ts')).registerReport,
  render: async () => (await import('./commands/render.ts')).registerRender,
  workbook: async () => (await import('./commands/workbook.ts')).registerWorkbook,
};

/** The commands argv needs: its command alone, none for --version, all for help or an unknown command. */
function commandsFor(argv: readonly string[]): string[] {
  const [first] = argv;
  if (first !== undefined && Object.hasOwn(COMMANDS, first)) return [first];
  if (argv.length === 1 && (first === '--version' || first === '-V')) return [];
  return Object.keys(COMMANDS);
}

export async function buildProgram(io: CliIo, setExit: SetExit, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('docpack')
    .description('Validate project records, compute deadlines, raise warnings and render document packs.')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();
  // A records repository's own rules or templates replace the package's: say which, so a run is never
  // silently made with other rules than the user thinks.
  program.hook('preAction', () => {
    // DOCPACK_DATA is set on purpose, as a flag is (docpack's tests set it): no note, but a wrong one is an error.
    try {
      overriddenDataPaths();
    } catch (error) {
      throw new UsageError(`${(error as Error).message}: unset it, or point it at a folder laid out like docpack's (rules/alerts, rules/deadlines, templates/...)`);
    }
    const own = ownDataPaths();
    if (own.length > 0) io.err(`docpack: using this folder's ${own.join(', ')} instead of the package's`);
  });
  const registers = await Promise.all(commandsFor(argv).map((name) => (COMMANDS[name] as () => Promise<Register>)()));
  for (const register of registers) register(program, io, setExit);
  return program;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const setExit: SetExit = (code) => {
    exitCode = Math.max(exitCode, code);
  };
  try {
    const program = await buildProgram(io, setExit, argv);
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
      for (const problem of error.problems) io.err(formatProblem(problem));
      return ExitCode.invalidInput;
    }
    const environment = environmentFailure(error);
    if (environment) {
      // The machine, not docpack: a full disk, a read-only file system, a folder we may not write.
      io.err(`docpack: ${environment}`);
      return ExitCode.invalidInput;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.err(`docpack: internal error, please report it with the command you ran:\n${detail}`);
    return ExitCode.internal;
  }
}

/** What the operating system says about a file system call, by error code. */
const ENVIRONMENT_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a folder',
  ENAMETOOLONG: 'the path is too long',
  EBUSY: 'the file or folder is busy',
  EXDEV: 'the path crosses file systems',
};

/**
 * One line for a file system failure of the environment (`cannot write out/x: no space left on the
 * device (ENOSPC)`), or undefined for anything else. Errors from worker threads arrive without their
 * properties, so the code and path are also read from the message Node gives them.
 */
export function environmentFailure(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const fields = error as NodeJS.ErrnoException & { dest?: string };
  const parsed = /^(E[A-Z]+): [^,]*, (\w+)(?: '([^']*)')?/.exec(error.message);
  const code = fields.code ?? parsed?.[1];
  const cause = code ? ENVIRONMENT_ERRORS[code] : undefined;
  if (!code || !cause) return undefined;
  const syscall = fields.syscall ?? parsed?.[2] ?? '';
  const file = fields.path ?? parsed?.[3];
  const verb = /^(read|stat|lstat|scandir|readlink|access)$/.test(syscall) ? 'cannot read' : syscall === 'mkdir' ? 'cannot create' : 'cannot write';
  return `${verb} ${file ?? '(a file)'}: ${cause} (${code})`;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}
