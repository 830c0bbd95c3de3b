/** Small helpers that keep collection bounded in parallelism and in time. */
import type { Clock } from '../model/ports.ts';

/**
 * Maps `items` with at most `limit` calls of `fn` in flight, keeping the order of `items` in
 * the result. Rejects with the first error `fn` throws (callers that must not fail catch inside).
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index] as T, index);
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit), items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

export type DeadlineOutcome<T> = { done: true; value: T } | { done: false };

/**
 * Waits for `work` until `deadline` (epoch ms by `clock`). A reader that ignores its deadline
 * (a hung connection) must not hold the whole run, so past the deadline this gives up on it;
 * its later rejection is absorbed here so it cannot surface as an unhandled rejection.
 */
export async function beforeDeadline<T>(work: Promise<T>, deadline: number, clock: Clock): Promise<DeadlineOutcome<T>> {
  const settled = work.then((value): DeadlineOutcome<T> => ({ done: true, value }));
  settled.catch(() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<DeadlineOutcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), Math.max(0, deadline - clock.now().getTime()));
  });
  try {
    return await Promise.race([settled, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** `12s`: how long something ran, for messages. */
export function seconds(ms: number): string {
  return `${Math.max(0, Math.round(ms / 1000))}s`;
}
