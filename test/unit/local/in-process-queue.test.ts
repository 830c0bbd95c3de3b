import { describe, expect, it } from 'vitest';
import type { RunRequest } from '#domain/runs/ports.ts';
import { scheduledRunId } from '#domain/runs/run-identity.ts';
import { InProcessRunQueue, runIdOf } from '../../../local/in-process-queue.ts';

const manual = (runId: string): RunRequest => ({ kind: 'manual', monitorId: 'm1', runId });

describe('the in-process run queue', () => {
  it('holds a run once, whether it is named by its slot or by its id, until it was handled', async () => {
    const handled: string[] = [];
    const queue = new InProcessRunQueue(async (request) => void handled.push(runIdOf(request)), () => undefined);
    const slot = { kind: 'schedule' as const, monitorId: 'm1', scheduledFor: '2026-11-27T10:00:00.000Z' };
    const slotRunId = scheduledRunId('m1', new Date(slot.scheduledFor));

    await queue.enqueue([slot, manual(slotRunId), manual('r2')]);
    expect(queue.holds(slotRunId)).toBe(true);
    await queue.idle();

    expect(handled).toEqual([slotRunId, 'r2']);
    expect(queue.holds(slotRunId)).toBe(false);
  });

  it('waits for the database before each message instead of spending its receives', async () => {
    let open!: () => void;
    let gate = new Promise<void>((done) => (open = done));
    const attempts: string[] = [];
    const dropped: RunRequest[] = [];
    const queue = new InProcessRunQueue(
      async (request) => void attempts.push(runIdOf(request)),
      (request) => dropped.push(request),
      3,
      () => gate,
    );

    await queue.enqueue([manual('r1')]);
    await new Promise((done) => setTimeout(done, 50));
    expect(attempts).toEqual([]);
    open();
    gate = Promise.resolve();
    await queue.idle();

    expect(attempts).toEqual(['r1']);
    expect(dropped).toEqual([]);
  });

  it('retries a failed message up to three receives, then reports it and lets it go', async () => {
    let calls = 0;
    const dropped: RunRequest[] = [];
    const queue = new InProcessRunQueue(
      async () => {
        calls += 1;
        throw new Error('ECONNREFUSED');
      },
      (request) => dropped.push(request),
    );

    await queue.enqueue([manual('r1')]);
    await queue.idle();

    expect(calls).toBe(3);
    expect(dropped).toEqual([manual('r1')]);
    expect(queue.holds('r1')).toBe(false);
  });

  it('once closed, runs nothing more and refuses new messages (they stay queued in the table)', async () => {
    let open!: () => void;
    const gate = new Promise<void>((done) => (open = done));
    const attempts: string[] = [];
    const queue = new InProcessRunQueue(async (request) => void attempts.push(runIdOf(request)), () => undefined, 3, () => gate);

    await queue.enqueue([manual('r1'), manual('r2')]);
    queue.close();
    open();
    await queue.idle();

    expect(attempts).toEqual([]);
    await expect(queue.enqueue([manual('r3')])).rejects.toThrow(/stays queued for the next start/);
  });
});
