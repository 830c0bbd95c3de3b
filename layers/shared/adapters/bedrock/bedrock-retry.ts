/**
 * Retries for Bedrock calls that respect the run's deadline.
 *
 * Why not the SDK's retry strategy: its standard mode makes 3 attempts with up to 20 s of
 * back-off and knows nothing of the Lambda's remaining time, and adaptive mode adds a
 * per-container rate limiter that does not see other containers' throttling either. A Converse
 * call itself can take tens of seconds, so the question "is there time for one more attempt?"
 * needs the deadline. We therefore create the client with `maxAttempts: 1` (see
 * `BEDROCK_RUNTIME_CLIENT_CONFIG`) and retry here: equal-jitter exponential back-off on
 * throttling and transient faults, every attempt aborted at the deadline, and no attempt started
 * without `minAttemptMs` left.
 */
import type { BedrockFailure } from './bedrock-errors.ts';

export interface ModelCallRetryPolicy {
  /** Attempts in all, the first included. @default 6 */
  maxAttempts: number;
  /** Back-off before the second attempt; doubles each time. @default 1000 */
  baseDelayMs: number;
  /** Back-off ceiling. @default 8000 */
  maxDelayMs: number;
  /** Do not start an attempt with less time than this before the deadline. @default 3000 */
  minAttemptMs: number;
}

export const DEFAULT_MODEL_CALL_RETRY: ModelCallRetryPolicy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 8000, minAttemptMs: 3000 };

/** Time and randomness, injected so tests pin them. */
export interface RetryEnvironment {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const SYSTEM_RETRY_ENVIRONMENT: RetryEnvironment = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

export type RetryResult<T> = { ok: true; value: T; attempts: number } | { ok: false; failure: BedrockFailure; attempts: number };

/**
 * Equal jitter: half the exponential step is fixed, half random. A throttled call retried
 * immediately (what full jitter allows) is almost always throttled again.
 */
export function modelCallBackoffMs(attempt: number, policy: ModelCallRetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

function deadlineFailure(last: BedrockFailure | null, attempts: number): BedrockFailure {
  const reason =
    last === null
      ? "Bedrock was not called: the run's deadline left no time for a model call."
      : `${last.reason} (gave up after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}: the run's deadline leaves no time for another)`;
  return { name: last?.name ?? 'DeadlineExceeded', retryable: false, reason, toolChoiceUnsupported: false, unavailable: last?.unavailable ?? false };
}

/**
 * Calls `call` until it succeeds, fails for good, runs out of attempts or would run past
 * `deadline` (epoch ms). Each attempt gets a signal that aborts at the deadline.
 */
export async function callWithinDeadline<T>(
  call: (signal: AbortSignal) => Promise<T>,
  classify: (error: unknown) => BedrockFailure,
  deadline: number,
  policy: ModelCallRetryPolicy = DEFAULT_MODEL_CALL_RETRY,
  environment: RetryEnvironment = SYSTEM_RETRY_ENVIRONMENT,
): Promise<RetryResult<T>> {
  let last: BedrockFailure | null = null;
  for (let attempt = 1; ; attempt += 1) {
    const remaining = deadline - environment.now();
    if (remaining < policy.minAttemptMs) return { ok: false, failure: deadlineFailure(last, attempt - 1), attempts: attempt - 1 };
    try {
      return { ok: true, value: await call(AbortSignal.timeout(remaining)), attempts: attempt };
    } catch (error) {
      last = classify(error);
      if (environment.now() >= deadline) {
        // A call still unanswered at the deadline is the service not answering, whatever aborted it.
        const failure = { ...last, retryable: false, unavailable: true, reason: `Bedrock did not answer before the run's deadline (${last.name}).` };
        return { ok: false, failure, attempts: attempt };
      }
      if (!last.retryable) return { ok: false, failure: last, attempts: attempt };
      if (attempt >= policy.maxAttempts) {
        const reason = `${last.reason} (gave up after ${attempt} attempts)`;
        return { ok: false, failure: { ...last, retryable: false, reason }, attempts: attempt };
      }
      const delay = modelCallBackoffMs(attempt, policy, environment.random);
      if (environment.now() + delay + policy.minAttemptMs > deadline) {
        return { ok: false, failure: deadlineFailure(last, attempt), attempts: attempt };
      }
      await environment.sleep(delay);
    }
  }
}
