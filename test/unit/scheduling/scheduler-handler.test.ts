import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DueMonitor } from '#domain/scheduling/ports.ts';
import { TickIncompleteError } from '#domain/scheduling/scheduler.ts';
import { runTick } from '../../../lambdas/scheduler/handler.ts';
import { FakeMonitors, FakeQueue, FakeRuns, FakeSchedule, fixedClock } from '../../support/fake-ports.ts';
import { aMonitor } from '../../support/builders.ts';

const SLOT = '2026-11-21T10:00:00.000Z';

/** The logger's JSON lines (stdout and stderr) written while `act` runs, and what `act` threw. */
async function logLines(act: () => Promise<unknown>) {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
  let thrown: unknown = null;
  try {
    await act().catch((error: unknown) => (thrown = error));
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const lines = written.flatMap((text) => text.split('\n')).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, thrown };
}

function deps(ids: string[]) {
  const schedule = new FakeSchedule([ids.map((monitorId): DueMonitor => ({ monitorId, nextRunAt: SLOT, intervalSeconds: 60, lastRun: null }))]);
  const monitors = new FakeMonitors();
  for (const id of ids) monitors.items.set(id, aMonitor('CW', { id }));
  const queue = new FakeQueue();
  return { schedule, queue, deps: { schedule, runs: new FakeRuns(monitors), queue, clock: fixedClock('2026-11-21T10:00:20.000Z'), runRetentionDays: 90 } };
}

afterEach(() => vi.restoreAllMocks());

describe('the scheduler handler', () => {
  it('logs failed claims grouped by reason, with their monitors, and the tick’s counts', async () => {
    const { schedule, deps: tickDeps } = deps(['A', 'B', 'C']);
    schedule.decide = (claim) => (claim.monitorId === 'A' ? { kind: 'claimed' } : { kind: 'failed', reason: 'ThrottlingException: Rate exceeded' });

    const { lines, thrown } = await logLines(() => runTick(tickDeps));

    expect(thrown).toBeNull();

    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'scheduler tick: claims failed; their slots stay due for the next tick',
        failedClaims: 2,
        byReason: [{ reason: 'ThrottlingException: Rate exceeded', count: 2, monitorIds: ['B', 'C'] }],
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'INFO', message: 'scheduler tick', due: 3, claimed: 1, lost: 0, failedClaims: 2, closedStaleRuns: 0 }),
    );
  });

  it('logs the slots the queue refused, then fails', async () => {
    const { queue, deps: tickDeps } = deps(['A']);
    queue.failWith = () => new Error('SQS is down');

    const { lines, thrown } = await logLines(() => runTick(tickDeps));

    expect(thrown).toBeInstanceOf(TickIncompleteError);

    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'scheduler tick: claimed slots not queued',
        unqueued: 1,
        byReason: [{ reason: 'Error: SQS is down; recorded as an error run', count: 1, monitorIds: ['A'] }],
      }),
    );
  });
});
