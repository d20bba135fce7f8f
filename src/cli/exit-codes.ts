/** Exit codes every docpack command shares. */
export const ExitCode = {
  /** Done; nothing at or above the failure threshold. */
  ok: 0,
  /** Findings at or above `--fail-on`. */
  findings: 1,
  /** Invalid input: a record, rule file, argument or date the user can fix. */
  invalidInput: 2,
  /** A bug or an environment failure inside docpack. */
  internal: 3,
} as const;
