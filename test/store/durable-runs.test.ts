import { describe, expect, it } from 'vitest';
import { scheduledRunId } from '#domain/runs/run-identity.ts';
import { claimsThatKeepTheirRuns, queuedRunRequests } from '../../local/durable-runs.ts';
import { aLogSource, aMonitor, aRun, aTarget, expectSources } from '../support/builders.ts';
import { createTestStore } from '../support/store.ts';

const clock = { now: () => new Date('2026-11-27T10:00:05.000Z') };
const slot = '2026-11-27T10:00:00.000Z';

async function storeWithMonitor() {
  const { store } = await createTestStore('vigil-durable');
  const target = aTarget();
  await store.targets.create(target);
  const source = aLogSource(target.id);
  await store.logSources.create(source);
  const monitor = aMonitor(source.id, { intervalSeconds: 60, nextRunAt: slot });
  await store.monitors.create(monitor, expectSources([source.id]));
  return { store, monitor };
}

describe("local mode's durable claims", () => {
  it('writes the slot’s run as queued before the claim, once, however often the slot is claimed', async () => {
    const { store, monitor } = await storeWithMonitor();
    const schedule = claimsThatKeepTheirRuns(store.schedule, store.runs, { clock, runRetentionDays: 90 });

    expect(await schedule.claim(monitor.id, slot, '2026-11-27T10:01:00.000Z')).toBe(true);
    // A second claim of the same slot (another tick, or after a crash) is refused and writes nothing new.
    expect(await schedule.claim(monitor.id, slot, '2026-11-27T10:01:00.000Z')).toBe(false);

    const runs = (await store.runs.list(monitor.id, { limit: 10 })).items;
    expect(runs).toMatchObject([{ id: scheduledRunId(monitor.id, new Date(slot)), status: 'queued', trigger: 'schedule', scheduledFor: slot }]);
    expect(await queuedRunRequests(store.runs)).toEqual([{ kind: 'manual', monitorId: monitor.id, runId: runs[0]?.id }]);
  });

  it('closes the run it wrote when the claim is refused because the monitor changed', async () => {
    const { store, monitor } = await storeWithMonitor();
    const schedule = claimsThatKeepTheirRuns(store.schedule, store.runs, { clock, runRetentionDays: 90 });

    // The monitor was rescheduled after the tick listed it as due at `slot`.
    expect(await schedule.claim(monitor.id, '2026-11-27T09:59:00.000Z', '2026-11-27T10:01:00.000Z')).toBe(false);

    const runs = (await store.runs.list(monitor.id, { limit: 10 })).items;
    expect(runs).toMatchObject([{ status: 'error', error: 'not run: the monitor was disabled or rescheduled as this slot came due' }]);
    expect(await queuedRunRequests(store.runs)).toEqual([]);
  });

  it('lists queued runs oldest first and leaves running and final ones out', async () => {
    const { store, monitor } = await storeWithMonitor();
    const older = aRun(monitor.id, { id: '01KB0000000000000000000001', createdAt: '2026-11-27T09:00:00.000Z' });
    const newer = aRun(monitor.id, { id: '01KB0000000000000000000002', createdAt: '2026-11-27T09:30:00.000Z' });
    const running = aRun(monitor.id, { id: '01KB0000000000000000000003', createdAt: '2026-11-27T09:40:00.000Z' });
    for (const run of [newer, older, running]) await store.runs.create(run);
    await store.runs.save({ ...running, status: 'running', startedAt: '2026-11-27T09:40:01.000Z' });

    expect(await queuedRunRequests(store.runs)).toEqual([
      { kind: 'manual', monitorId: monitor.id, runId: older.id },
      { kind: 'manual', monitorId: monitor.id, runId: newer.id },
    ]);
  });
});
