/**
 * Errors only HTTP has: the body, the media type, the method, the API key, a dependency that is
 * down for now. The domain never throws these; `responses.ts` maps them to their status codes.
 */
import { VigilError } from '#domain/model/errors.ts';

export class PayloadTooLargeError extends VigilError {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'PayloadTooLargeError';
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaTypeError extends VigilError {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'UnsupportedMediaTypeError';
  readonly code = 'unsupported_media_type';
}

export class MethodNotAllowedError extends VigilError {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'MethodNotAllowedError';
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
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'ForbiddenError';
  readonly code = 'forbidden';
}

/** A dependency (local mode's DynamoDB Local) is down for now; the request may be retried. */
export class ServiceUnavailableError extends VigilError {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'ServiceUnavailableError';
  readonly code = 'service_unavailable';
}
