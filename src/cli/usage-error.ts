/** A mistake in how the command was called (bad date argument, unknown template): exit 2, no stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
