/**
 * Translates what the SES and SNS clients throw into DeliveryError, deciding what is worth
 * retrying. SDK errors are matched by shape (`name`, `$metadata.httpStatusCode`, `$retryable`),
 * as the SDK's own retry strategy does, so any client's errors classify alike.
 */
import type { Delivery } from '#domain/notify/channels.ts';
import { DeliveryError } from '#domain/notify/channels.ts';

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'SlowDown',
  'KMSThrottlingException',
]);
const SERVER_SIDE = new Set([
  'InternalFailure',
  'InternalError',
  'InternalErrorException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** Whether an SDK (or socket) error is worth another attempt: throttling, 5xx, timeouts, network. */
export function isTransientAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const shape = error as SdkErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  return (
    (typeof shape.name === 'string' && (THROTTLING.has(shape.name) || SERVER_SIDE.has(shape.name))) ||
    (typeof shape.code === 'string' && NETWORK_CODES.has(shape.code)) ||
    (typeof status === 'number' && (status === 429 || status >= 500)) ||
    Boolean(shape.$retryable)
  );
}

/** The DeliveryError for anything a send threw: the SDK's name and message, transient or not. */
export function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = typeof shape.name === 'string' && shape.name !== '' ? shape.name : 'Error';
  const message = typeof shape.message === 'string' ? shape.message : String(error);
  return new DeliveryError(name, message, isTransientAwsError(error), { cause: error });
}

/** Runs an AWS call that delivers a message: `sent` when it resolves, a DeliveryError when it throws. */
export async function deliveredBy(call: () => Promise<unknown>): Promise<Delivery> {
  try {
    await call();
  } catch (error) {
    throw toDeliveryError(error);
  }
  return { status: 'sent', detail: null };
}
