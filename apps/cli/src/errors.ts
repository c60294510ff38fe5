/** A failure to report to the user as one line on stderr, with an exit code (no stack trace). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/**
 * Exit codes: 0 ok, 1 the API refused or failed, 2 bad usage, 3 not signed in / token refused, 4 the
 * audit chain is broken (`audit verify`: the API answered, and what it found is tampering) or an evidence
 * pack fails verification (`evidence verify`).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, auth: 3, broken: 4 } as const
