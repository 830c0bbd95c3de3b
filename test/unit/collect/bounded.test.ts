import { afterEach, describe, expect, it, vi } from 'vitest';
import { beforeDeadline, mapBounded } from '#domain/collect/bounded.ts';

describe('mapBounded', () => {
  it('keeps the input order whatever order the calls finish in', async () => {
    // Act
    const results = await mapBounded([30, 10, 20], 3, async (ms, i) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return `${i}:${ms}`;
    });

    // Assess
    expect(results).toEqual(['0:30', '1:10', '2:20']);
  });

  it('treats a limit below one as one and handles no items', async () => {
    // Act
    const none = await mapBounded([], 4, async () => 1);
    const one = await mapBounded([1, 2], 0, async (n) => n * 2);

    // Assess
    expect(none).toEqual([]);
    expect(one).toEqual([2, 4]);
  });
});

describe('beforeDeadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns the value of work that finishes in time', async () => {
    // Act
    const outcome = await beforeDeadline(Promise.resolve(7), Date.now() + 1_000, { now: () => new Date() });

    // Assess
    expect(outcome).toEqual({ done: true, value: 7 });
  });

  it('gives up at the deadline and absorbs a later rejection', async () => {
    // Prepare
    vi.useFakeTimers({ now: 0 });
    let fail: (error: Error) => void = () => undefined;
    const work = new Promise<number>((_, reject) => {
      fail = reject;
    });
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);

    // Act
    const pending = beforeDeadline(work, 5_000, { now: () => new Date() });
    await vi.advanceTimersByTimeAsync(5_000);
    const outcome = await pending;
    fail(new Error('late'));
    await vi.advanceTimersByTimeAsync(0);
    process.off('unhandledRejection', unhandled);

    // Assess
    expect(outcome).toEqual({ done: false });
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('passes on the rejection of work that fails in time', async () => {
    // Act
    const outcome = beforeDeadline(Promise.reject(new Error('denied')), Date.now() + 1_000, { now: () => new Date() });

    // Assess
    await expect(outcome).rejects.toThrow('denied');
  });
});
