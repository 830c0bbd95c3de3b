/**
 * The one place SDK errors become the messages stored on runs and returned by the log-source
 * test: which permission is missing on what, what was not found where, throttled, timed out.
 */
import { seconds } from '#domain/collect/bounded.ts';
import { SourceReadError, type ReadFailureReason } from '#domain/collect/errors.ts';
import type { Clock } from '#domain/model/ports.ts';

/** What was being done when an AWS call failed. */
export interface AwsCallContext {
  /** `CloudWatch Logs`, `ECS`, `Cost Explorer`, `STS`. */
  service: string;
  /** The IAM action: `logs:FilterLogEvents`. */
  action: string;
  /** What it was done on: `log group /ecs/api`. */
  resource: string;
  region: string;
  /** The client's retry budget, named in the throttled message. */
  maxAttempts: number;
  /** The message for a not-found error, when the service's own would not say what is missing. */
  notFound?: string;
}

const PERMISSION = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'UnauthorizedException']);
const NOT_FOUND = new Set(['ResourceNotFoundException', 'ClusterNotFoundException', 'ServiceNotFoundException', 'DataUnavailableException']);
// The SDK's standard retry strategy already retried these; they surface once its attempts are spent.
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceQuotaExceededException',
]);
const TIMEOUT = new Set(['TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException']);
const CREDENTIALS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);
const UNAVAILABLE = new Set(['ServiceUnavailableException', 'InternalServerException', 'InternalFailure', 'ServiceUnavailable']);
const INVALID = new Set(['InvalidParameterException', 'ValidationException', 'InvalidParameterValue', 'InvalidParameterCombination']);

function errorName(error: unknown): string {
  if (error instanceof Error) return error.name;
  return typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string' ? error.name : 'Error';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function classify(name: string): ReadFailureReason {
  if (PERMISSION.has(name)) return 'permission';
  if (NOT_FOUND.has(name)) return 'not_found';
  if (THROTTLED.has(name)) return 'throttled';
  if (TIMEOUT.has(name)) return 'timeout';
  if (CREDENTIALS.has(name)) return 'credentials';
  if (UNAVAILABLE.has(name)) return 'unavailable';
  if (INVALID.has(name) || name === 'MalformedQueryException') return 'invalid';
  return 'other';
}

/**
 * An actionable message for an SDK error: `missing permission logs:FilterLogEvents on log
 * group /ecs/api in eu-west-1`, `log group /ecs/api not found in eu-west-1`, `throttled by
 * CloudWatch Logs (logs:StartQuery) after 5 attempts`, `timed out after 12s (…)`.
 */
export function describeAwsError(error: unknown, context: AwsCallContext, elapsedMs: number): string {
  const name = errorName(error);
  const { service, action, resource, region } = context;
  switch (classify(name)) {
    case 'permission':
      return `missing permission ${action} on ${resource} in ${region}`;
    case 'not_found':
      return context.notFound ?? `${resource} not found in ${region}`;
    case 'throttled':
      return `throttled by ${service} (${action} on ${resource}) after ${context.maxAttempts} attempts`;
    case 'timeout':
      return `timed out after ${seconds(elapsedMs)} (${action} on ${resource})`;
    case 'credentials':
      return `the AWS credentials for ${service} in ${region} are missing, invalid or expired (${name}: ${errorMessage(error)})`;
    case 'unavailable':
      return `${service} is unavailable in ${region} (${name}) after ${context.maxAttempts} attempts`;
    case 'invalid':
      return name === 'MalformedQueryException'
        ? `the Logs Insights query is malformed: ${errorMessage(error)}`
        : `${service} rejected ${action} on ${resource}: ${errorMessage(error)}`;
    default:
      return `${action} on ${resource} in ${region} failed: ${name}: ${errorMessage(error)}`;
  }
}

/** The error as a {@link SourceReadError}; one already mapped (an assumed role refused) passes unchanged. */
export function toSourceReadError(error: unknown, context: AwsCallContext, elapsedMs: number): SourceReadError {
  if (error instanceof SourceReadError) return error;
  return new SourceReadError(describeAwsError(error, context, elapsedMs), classify(errorName(error)), { cause: error });
}

/**
 * Sends one AWS call with an abort signal at `deadline` (so a hung connection cannot outlive
 * the run's budget) and maps its failure to a {@link SourceReadError}.
 */
export async function callAws<T>(
  context: AwsCallContext,
  timing: { clock: Clock; deadline?: number },
  send: (options: { abortSignal?: AbortSignal }) => Promise<T>,
): Promise<T> {
  const started = timing.clock.now().getTime();
  const options = timing.deadline === undefined ? {} : { abortSignal: AbortSignal.timeout(Math.max(1, timing.deadline - started)) };
  try {
    return await send(options);
  } catch (error) {
    throw toSourceReadError(error, context, timing.clock.now().getTime() - started);
  }
}
