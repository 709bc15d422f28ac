// A mistake of the user's (a missing flag, an unreadable file, an invalid policy): the CLI shows
// its message alone, never a stack trace, and exits non-zero.
export class CliError extends Error {
  override name = 'CliError';
}
