/**
 * The error hierarchy the domain and the adapters speak. Adapters translate the SDK errors they
 * understand into these, with the data of what went wrong (which reference, which item); the API
 * layer names the request fields and one place (the HTTP edge) maps them to status codes.
 * Errors only HTTP has (a body too large, a wrong method) live in `#http/errors.ts`.
 */

/** One wrong field: `path` is where it is in the request (`inputs[1].label`), `message` why. */
export interface FieldIssue {
  path: string;
  message: string;
}

export abstract class VigilError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request is malformed or breaks a rule; `details` names each field and the reason. */
export class ValidationError extends VigilError {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'ValidationError';
  readonly code = 'validation_error';

  constructor(
    message: string,
    readonly details: FieldIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** A validation error about one field. */
  static field(path: string, message: string, options?: { cause?: unknown }): ValidationError {
    return new ValidationError(`${path}: ${message}`, [{ path, message }], options);
  }

  /** A validation error about every field of a request that is wrong, all named in the message. */
  static fields(details: FieldIssue[], options?: { cause?: unknown }): ValidationError {
    return new ValidationError(`invalid request: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details, options);
  }
}

export class NotFoundError extends VigilError {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'NotFoundError';
  readonly code = 'not_found';
}

/** The request is valid but clashes with the current state (a reference, a concurrent edit). */
export class ConflictError extends VigilError {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'ConflictError';
  readonly code = 'conflict';
}

/** A field of a spec, in the domain's words (the API layer names the request field). */
export type SpecField =
  | 'target.type'
  | 'logSource.mode'
  | 'logSource.filePath'
  | 'monitor.modelId'
  | 'monitor.schedule'
  | 'feedback.findingIndex'
  | 'feedback.note'
  | 'preview.useModel';

/**
 * A well-formed spec whose field holds a value this deployment does not allow: a local target
 * or a file source outside local mode, a path outside the file roots, a model the stack may not
 * invoke, a schedule that never fires again, feedback that does not fit its run (a finding it
 * does not have, a `missed` without a note). `message` says why, naming no request field.
 */
export class FieldNotAllowedError extends VigilError {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'FieldNotAllowedError';
  readonly code = 'validation_error';

  constructor(
    readonly field: SpecField,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * An entity something refers to. `inputIndex` is the monitor input that names (or, for an input
 * without its own source, uses) a log source; absent, the reference is the entity's own field (a
 * log source's target, a monitor's default source).
 */
export type Reference = { kind: 'target'; id: string } | LogSourceReference;
export interface LogSourceReference {
  kind: 'log_source';
  id: string;
  inputIndex?: number;
}

/**
 * Why a reference cannot be used: the entity does not exist (`missing`), exists but does not fit
 * (`unfit`: a target's type, a source's mode that changed), or the input's mode is not one its
 * source takes (`input_mode`). `message` says it in words, naming ids, not request fields.
 */
export type ReferenceProblem =
  | { reason: 'missing' | 'unfit'; reference: Reference; message: string }
  | { reason: 'input_mode'; reference: LogSourceReference & { inputIndex: number }; message: string };

/**
 * The store found one reference unusable inside its write: it vanished or changed since the
 * request was checked, or the store is what checks it (a log source's target).
 */
export class BrokenReferenceError extends VigilError {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'BrokenReferenceError';
  readonly code = 'validation_error';

  constructor(
    readonly problem: ReferenceProblem,
    options?: { cause?: unknown },
  ) {
    super(problem.message, options);
  }
}

/** A spec's references, checked before writing: every problem at once, in the spec's order. */
export class InvalidReferencesError extends VigilError {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'InvalidReferencesError';
  readonly code = 'validation_error';

  constructor(
    readonly problems: ReferenceProblem[],
    options?: { cause?: unknown },
  ) {
    super(problems.map((problem) => problem.message).join('; '), options);
  }
}

/** A list's cursor that this list did not hand out (another list's, or made by hand). */
export class InvalidCursorError extends VigilError {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'InvalidCursorError';
  readonly code = 'validation_error';

  constructor(options?: { cause?: unknown }) {
    super('is not a cursor from this list', options);
  }
}
