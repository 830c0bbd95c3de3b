import { describe, expect, it } from 'vitest';
import type { DueMonitor } from '#domain/scheduling/ports.ts';
import { EnqueueError } from '#domain/runs/ports.ts';
import { scheduledRunId } from '#domain/runs/run-identity.ts';
import { nextSlotAfter } from '#domain/scheduling/schedule.ts';
import { failuresByReason, tick, TickIncompleteError, type TickDeps } from '#domain/scheduling/scheduler.ts';
import { aMonitor } from '../../support/builders.ts';
import { FakeMonitors, FakeQueue, FakeRuns, FakeSchedule, fixedClock } from '../../support/fake-ports.ts';

const SLOT = '2026-11-21T10:00:00.000Z';
const due = (monitorId: string, intervalSeconds = 60): DueMonitor => ({ monitorId, nextRunAt: SLOT, intervalSeconds, lastRun: null });

function setup(pages: DueMonitor[][]) {
  const schedule = new FakeSchedule(pages);
  const monitors = new FakeMonitors();
  for (const page of pages) for (const { monitorId } of page) monitors.items.set(monitorId, aMonitor('CW', { id: monitorId }));
  const runs = new FakeRuns(monitors);
  const queue = new FakeQueue();
  const clock = fixedClock('2026-11-21T10:00:20.000Z');
  const deps: TickDeps = { schedule, runs, queue, clock, runRetentionDays: 90 };
  return { deps, schedule, runs, queue, clock };
}

describe('tick', () => {
  it('claims each due slot for its next slot, queues the claimed ones, counts the lost ones, and beats', async () => {
    const { deps, schedule, queue, clock } = setup([[due('A'), due('B', 300), due('C')]]);
    schedule.decide = (claim) => (claim.monitorId === 'C' ? { kind: 'lost' } : { kind: 'claimed' });

    const result = await tick(deps);

    // The slots were due 20 s before the tick.
    expect(result).toEqual({ due: 3, claimed: 2, lost: 1, failedClaims: [], closedStaleRuns: 0, digests: 0, lagSeconds: 20 });
    expect(schedule.batches).toEqual([
      [
        { monitorId: 'A', from: SLOT, to: nextSlotAfter(clock.now(), 60, 'A').toISOString() },
        { monitorId: 'B', from: SLOT, to: nextSlotAfter(clock.now(), 300, 'B').toISOString() },
        { monitorId: 'C', from: SLOT, to: nextSlotAfter(clock.now(), 60, 'C').toISOString() },
      ],
    ]);
    expect(queue.sent).toEqual([
      { kind: 'schedule', monitorId: 'A', scheduledFor: SLOT },
      { kind: 'schedule', monitorId: 'B', scheduledFor: SLOT },
    ]);
    expect(schedule.heartbeat).toEqual(clock.now());
  });

  it('follows the due index page after page, handing each cursor back', async () => {
    const { deps, schedule, queue } = setup([[due('A')], [due('B')], [due('C')]]);

    const result = await tick({ ...deps, pageSize: 7 });

    expect(schedule.pageRequests).toEqual([{ limit: 7 }, { limit: 7, nextToken: 'page-1' }, { limit: 7, nextToken: 'page-2' }]);
    expect(result.claimed).toBe(3);
    expect(queue.sent.map((r) => r.monitorId)).toEqual(['A', 'B', 'C']);
  });

  it('claims at most a hundred slots a request', async () => {
    const { deps, schedule } = setup([Array.from({ length: 250 }, (_, i) => due(`M${i}`))]);

    await tick(deps);

    expect(schedule.batches.map((batch) => batch.length).sort((a, b) => b - a)).toEqual([100, 100, 50]);
  });

  it('reports each failed claim with its monitor, slot and reason, leaves it unqueued, and still beats', async () => {
    const { deps, schedule, queue } = setup([[due('A'), due('B')]]);
    schedule.decide = (claim) => (claim.monitorId === 'B' ? { kind: 'failed', reason: 'TransactionConflict: held by another write' } : { kind: 'claimed' });

    const result = await tick(deps);

    expect(result.failedClaims).toEqual([{ monitorId: 'B', slot: SLOT, reason: 'TransactionConflict: held by another write' }]);
    expect(queue.sent.map((r) => r.monitorId)).toEqual(['A']);
    expect(schedule.heartbeat).not.toBeNull();
  });

  it('a claim request that throws fails every claim of its batch with the error as the reason, not the others', async () => {
    const { deps, schedule, queue } = setup([Array.from({ length: 101 }, (_, i) => due(`M${i}`))]);
    schedule.failBatchesWith = {
      monitorIds: new Set(['M100']),
      error: Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    };

    const result = await tick(deps);

    expect(result.failedClaims).toEqual([{ monitorId: 'M100', slot: SLOT, reason: 'ThrottlingException: Rate exceeded' }]);
    expect(result.claimed).toBe(100);
    expect(queue.sent).toHaveLength(100);
  });

  it('adds the reaper’s count', async () => {
    const { deps } = setup([[]]);
    await expect(tick({ ...deps, reap: async () => 4 })).resolves.toMatchObject({ closedStaleRuns: 4 });
  });

  describe('when the queue refuses slots', () => {
    it('records each refused slot as an error run, names it, and fails the tick without a heartbeat', async () => {
      const { deps, queue, runs, schedule } = setup([[due('A'), due('B')]]);
      queue.failWith = (messages) => new EnqueueError('SQS refused one', messages.filter((m) => m.monitorId === 'B'));

      const error = await tick(deps).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(TickIncompleteError);
      const incomplete = error as TickIncompleteError;
      expect(incomplete.message).toBe('1 claimed slot(s) not queued: EnqueueError: SQS refused one');
      expect(incomplete.cause).toBeInstanceOf(EnqueueError);
      expect(incomplete.unqueued).toEqual([{ monitorId: 'B', slot: SLOT, reason: 'EnqueueError: SQS refused one; recorded as an error run' }]);
      expect(incomplete.result).toMatchObject({ due: 2, claimed: 2 });
      expect(runs.items.get(scheduledRunId('B', new Date(SLOT)))).toMatchObject({
        status: 'error',
        trigger: 'schedule',
        scheduledFor: SLOT,
        error: 'could not queue the run: SQS refused one',
      });
      expect(schedule.heartbeat).toBeNull();
    });

    it('says so when even the error run could not be written', async () => {
      const { deps, queue, runs } = setup([[due('A')]]);
      queue.failWith = () => new Error('SQS is down');
      runs.failCreate = Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' });

      const error = (await tick(deps).catch((e: unknown) => e)) as TickIncompleteError;

      expect(error.unqueued).toEqual([
        {
          monitorId: 'A',
          slot: SLOT,
          reason:
            'Error: SQS is down; not recorded as an error run either (ProvisionedThroughputExceededException: Throughput exceeds the current capacity)',
        },
      ]);
    });
  });
});

describe('failuresByReason', () => {
  it('groups failures by reason with a count and at most twenty monitor ids each', () => {
    const failures = [
      ...Array.from({ length: 25 }, (_, i) => ({ monitorId: `T${i}`, slot: SLOT, reason: 'ThrottlingException: slow down' })),
      { monitorId: 'X', slot: SLOT, reason: 'InternalServerError: oops' },
    ];

    const groups = failuresByReason(failures);

    expect(groups).toEqual([
      { reason: 'ThrottlingException: slow down', count: 25, monitorIds: Array.from({ length: 20 }, (_, i) => `T${i}`) },
      { reason: 'InternalServerError: oops', count: 1, monitorIds: ['X'] },
    ]);
  });
});
