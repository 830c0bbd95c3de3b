/**
 * Bounded retries for deliveries. The AWS SDK already retries each call (3 attempts in standard
 * mode); this layer covers what outlives that (a throttled SES sandbox sending 1 email a second, a
 * network blip), and stops after a few attempts so a dead channel cannot hold the run.
 */

export interface DeliveryRetryPolicy {
  /** Attempts in all, the first included (1 means no retry). */
  maxAttempts: number;
  /** The backoff cap of the first retry; it doubles each time, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** @default a setTimeout promise */
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter. @default Math.random */
  random?: () => number;
}

export const DEFAULT_DELIVERY_RETRY: DeliveryRetryPolicy = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 };

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The wait before retry number `retry` (1-based): half the capped exponential backoff plus a random
 * half ("equal jitter"), so concurrent runs spread out yet never retry at once.
 */
export function deliveryBackoffMs(retry: number, policy: DeliveryRetryPolicy): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const random = policy.random ?? Math.random;
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/**
 * Runs `action`, retrying while `isTransient(error)` holds and attempts remain; rethrows the last
 * error otherwise.
 */
export async function withRetry<T>(
  action: () => Promise<T>,
  isTransient: (error: unknown) => boolean,
  policy: DeliveryRetryPolicy,
): Promise<T> {
  const sleep = policy.sleep ?? sleepFor;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= policy.maxAttempts || !isTransient(error)) throw error;
      await sleep(deliveryBackoffMs(attempt, policy));
    }
  }
}
