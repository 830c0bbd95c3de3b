/**
 * The error hierarchy every layer speaks. Adapters translate the SDK errors they understand
 * into these; one place (the HTTP edge) maps them to status codes.
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
  readonly code = 'validation_error';

  constructor(
    message: string,
    readonly details: FieldIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** A validation error about one field. */
  static field(path: string, message: string): ValidationError {
    return new ValidationError(`${path}: ${message}`, [{ path, message }]);
  }
}

export class NotFoundError extends VigilError {
  readonly code = 'not_found';
}

/** The request is valid but clashes with the current state (a reference, a concurrent edit). */
export class ConflictError extends VigilError {
  readonly code = 'conflict';
}

export class PayloadTooLargeError extends VigilError {
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaTypeError extends VigilError {
  readonly code = 'unsupported_media_type';
}

export class MethodNotAllowedError extends VigilError {
  readonly code = 'method_not_allowed';

  constructor(
    message: string,
    readonly allowed: string[],
  ) {
    super(message);
  }
}

/** The API key is missing or wrong (local mode; API Gateway does this in AWS, also with 403). */
export class ForbiddenError extends VigilError {
  readonly code = 'forbidden';
}

/** A dependency (local mode's DynamoDB Local) is down for now; the request may be retried. */
export class ServiceUnavailableError extends VigilError {
  readonly code = 'service_unavailable';
}
