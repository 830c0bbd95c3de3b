/** Why a source could not be read, in words an operator can act on. */
export type ReadFailureReason =
  | 'permission'
  | 'not_found'
  | 'throttled'
  | 'timeout'
  | 'credentials'
  | 'invalid'
  | 'unavailable'
  | 'unsupported'
  | 'other';

/**
 * A source could not be read. The message is actionable (which permission, which group, which
 * file) and safe to store on the run and to return from `POST /log-sources/{id}/test`.
 */
export class SourceReadError extends Error {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'SourceReadError';
  constructor(
    message: string,
    readonly reason: ReadFailureReason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SourceReadError';
  }
}

/** The message to store for a failed read: ours as is, anything else named so it can be traced. */
export function describeReadFailure(error: unknown): string {
  if (error instanceof SourceReadError) return error.message;
  if (error instanceof Error) return `unexpected error: ${error.name}: ${error.message}`;
  return `unexpected error: ${String(error)}`;
}
