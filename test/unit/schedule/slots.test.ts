import { describe, expect, it } from 'vitest';
import { forEachConcurrently } from '#domain/model/concurrency.ts';
import { nextSlotAfter, slotOffsetSeconds, stableHash } from '#domain/scheduling/schedule.ts';

const ids = Array.from({ length: 3000 }, (_, i) => `01JD${String(i).padStart(22, '0')}`);

describe('monitor slots', () => {
  it('keeps a monitor on the same offset, different from an aligned slot for most monitors', () => {
    expect(stableHash('01JDXYZ')).toBe(stableHash('01JDXYZ'));
    // Pinned: a changed hash would move every deployed monitor's slots.
    expect(stableHash('abc')).toBe(440920331);
    expect(slotOffsetSeconds('abc', 300)).toBe(440920331 % 300);
  });

  it('gives the first slot strictly after now, on the monitor offset, within one interval', () => {
    for (const id of ids.slice(0, 200)) {
      for (const now of [new Date('2026-11-27T12:00:00.000Z'), new Date('2026-11-27T12:03:17.250Z')]) {
        const slot = nextSlotAfter(now, 300, id).getTime();
        expect(slot).toBeGreaterThan(now.getTime());
        expect(slot - now.getTime()).toBeLessThanOrEqual(300_000);
        expect(((slot / 1000) % 300 + 300) % 300).toBe(slotOffsetSeconds(id, 300));
      }
    }
    // On the slot itself, the next one is a whole interval later.
    const slot = nextSlotAfter(new Date('2026-11-27T12:00:00.000Z'), 300, ids[0] as string);
    expect(nextSlotAfter(slot, 300, ids[0] as string).getTime() - slot.getTime()).toBe(300_000);
  });

  it('spreads same-interval monitors evenly over the interval', () => {
    // Prepare: 3,000 five-minute monitors, counted per one-minute tick of the interval.
    const start = new Date('2026-11-27T12:00:00.000Z');
    const perMinute = [0, 0, 0, 0, 0];

    // Act
    for (const id of ids) perMinute[Math.floor((nextSlotAfter(start, 300, id).getTime() - start.getTime() - 1) / 60_000)]! += 1;

    // Assess: 600 a minute expected; aligned slots would put all 3,000 in the last minute.
    for (const count of perMinute) expect(Math.abs(count - 600)).toBeLessThan(90);
  });
});

describe('forEachConcurrently', () => {
  it('never runs more than the limit at once, and runs every item', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await forEachConcurrently([...Array(20).keys()], 3, async (item) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      done.push(item);
    });
    expect(most).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });

  it('rejects with the first failure after the started items settle, starting no more', async () => {
    const started: number[] = [];
    let settled = 0;
    const error = await forEachConcurrently([...Array(10).keys()], 2, async (item) => {
      started.push(item);
      await new Promise((resolve) => setTimeout(resolve, 5));
      settled += 1;
      if (item === 1) throw new Error('boom');
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('boom');
    expect(settled).toBe(started.length);
    expect(started.length).toBeLessThan(10);
  });

  it('refuses a limit that is not a positive integer', async () => {
    await expect(forEachConcurrently([1], 0, async () => undefined)).rejects.toThrow(RangeError);
  });
});
