/** Commands report their exit code through this; the highest one wins. */
export type SetExit = (code: number) => void;

/** The only place that writes to stdout/stderr, so commands stay testable with a fake. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Bytes to stdout as they are (large outputs, already UTF-8); absent in a test's io, which gets text through out. */
  outBytes?(bytes: Uint8Array): void;
  /** True when stderr is an interactive terminal (progress bars, colour). */
  readonly isTty: boolean;
}

/** `docpack ... | head` closes stdout early: stop quietly instead of crashing with EPIPE. */
function exitOnBrokenPipe(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
}
process.stdout.on('error', exitOnBrokenPipe);

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  outBytes: (bytes) => process.stdout.write(bytes),
  isTty: Boolean(process.stderr.isTTY),
};

/** Collects output in memory, for tests. */
export function memoryIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    isTty: false,
    out: (text) => void stdout.push(text),
    err: (text) => void stderr.push(text),
  };
}
