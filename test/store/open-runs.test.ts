import { beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { reapStaleRuns } from '#domain/runs/reap-stale-runs.ts';
import { tick } from '#domain/scheduling/scheduler.ts';
import { aMonitor, aRun, expectSources } from '../support/builders.ts';
import { RecordingQueue } from '../support/api.ts';
import { createTestStoreWithSource, type createTestStore } from '../support/store.ts';

let ctx: Awaited<ReturnType<typeof createTestStore>>;
let sourceId: string;
beforeAll(async () => {
  ({ ctx, sourceId } = await createTestStoreWithSource('vigil-open-runs'));
});

async function aStoredMonitor() {
  const monitor = aMonitor(sourceId, { intervalSeconds: 60, nextRunAt: '2026-11-21T12:00:00.000Z' });
  await ctx.store.monitors.create(monitor, expectSources([sourceId]));
  return monitor;
}

const at = (iso: string) => ({ now: () => new Date(iso) });
const hint = 'local mode stopped while it was in flight';

describe('the open-runs index and the reaper', () => {
  it('lists only runs still queued or running, by when they entered that status', async () => {
    const monitor = await aStoredMonitor();
    const queued = aRun(monitor.id, { id: ulid(Date.parse('2026-11-21T09:00:00Z')), createdAt: '2026-11-21T09:00:00.000Z' });
    const running = aRun(monitor.id, { id: ulid(Date.parse('2026-11-21T09:01:00Z')), createdAt: '2026-11-21T09:01:00.000Z' });
    const done = aRun(monitor.id, { id: ulid(Date.parse('2026-11-21T09:02:00Z')), createdAt: '2026-11-21T09:02:00.000Z' });
    for (const run of [queued, running, done]) await ctx.store.runs.create(run);
    await ctx.store.runs.save({ ...running, status: 'running', startedAt: '2026-11-21T09:03:00.000Z' });
    await ctx.store.runs.save({ ...done, status: 'ok', startedAt: '2026-11-21T09:02:01.000Z', finishedAt: '2026-11-21T09:02:02.000Z' });

    const open = (await ctx.store.runs.listOpenSince(new Date('2026-11-21T09:10:00Z'), 100)).filter((r) => r.monitorId === monitor.id);
    const before = (await ctx.store.runs.listOpenSince(new Date('2026-11-21T09:02:00Z'), 100)).filter((r) => r.monitorId === monitor.id);

    expect(open.sort((a, b) => a.since.localeCompare(b.since))).toEqual([
      { monitorId: monitor.id, runId: queued.id, status: 'queued', since: '2026-11-21T09:00:00.000Z' },
      { monitorId: monitor.id, runId: running.id, status: 'running', since: '2026-11-21T09:03:00.000Z' },
    ]);
    expect(before.map((r) => r.runId)).toEqual([queued.id]);
    // The index attributes are storage detail: the run read back has none.
    expect(await ctx.store.runs.get(monitor.id, queued.id)).toEqual(queued);
  });

  it('closes, from the scheduler tick, a run left running past the timeout even when newer runs replaced last_run', async () => {
    const crashed = await aStoredMonitor();
    const stale = aRun(crashed.id, { id: ulid(Date.parse('2026-11-21T10:00:00Z')), createdAt: '2026-11-21T10:00:00.000Z' });
    const newer = aRun(crashed.id, { id: ulid(Date.parse('2026-11-21T10:01:00Z')), createdAt: '2026-11-21T10:01:00.000Z' });
    await ctx.store.runs.create(stale);
    await ctx.store.runs.save({ ...stale, status: 'running', startedAt: '2026-11-21T10:00:01.000Z' });
    await ctx.store.runs.create(newer);
    await ctx.store.runs.save({ ...newer, status: 'ok', startedAt: '2026-11-21T10:01:01.000Z', finishedAt: '2026-11-21T10:01:02.000Z' });
    const fresh = await aStoredMonitor();
    const recent = aRun(fresh.id, { id: ulid(Date.parse('2026-11-21T10:02:00Z')), createdAt: '2026-11-21T10:02:00.000Z' });
    await ctx.store.runs.create(recent);
    const clock = at('2026-11-21T10:02:10Z');

    const result = await tick({
      schedule: ctx.store.schedule,
      runs: ctx.store.runs,
      queue: new RecordingQueue(),
      clock,
      runRetentionDays: 90,
      // Other tests' runs share the table: only this test's monitors are in play.
      reap: () => reapStaleRuns({ runs: ctx.store.runs, clock, staleAfterMs: 65_000, hint, isAlive: (r) => ![crashed.id, fresh.id].includes(r.monitorId) }),
    });

    expect(result.closedStaleRuns).toBe(1);
    expect(await ctx.store.runs.get(crashed.id, stale.id)).toMatchObject({
      status: 'error',
      finishedAt: '2026-11-21T10:02:10.000Z',
      error: `stopped before it finished: running for 129 s, longer than the run timeout plus a margin (65 s); ${hint}`,
    });
    expect((await ctx.store.runs.get(fresh.id, recent.id))?.status).toBe('queued');
    // last_run still names the newer run; the closed run left the index.
    expect((await ctx.store.monitors.get(crashed.id))?.lastRun).toMatchObject({ id: newer.id, status: 'ok' });
    const open = await ctx.store.runs.listOpenSince(new Date('2026-11-21T11:00:00Z'), 100);
    expect(open.map((r) => r.runId)).not.toContain(stale.id);
    expect(open.map((r) => r.runId)).toContain(recent.id);
  });

  it('points last_run at the closed run when it is the newest', async () => {
    const monitor = await aStoredMonitor();
    const run = aRun(monitor.id, { id: ulid(Date.parse('2026-11-21T10:30:00Z')), createdAt: '2026-11-21T10:30:00.000Z' });
    await ctx.store.runs.create(run);

    const closed = await reapStaleRuns({ runs: ctx.store.runs, clock: at('2026-11-21T10:40:00Z'), staleAfterMs: 60_000, hint, isAlive: (r) => r.monitorId !== monitor.id });

    expect(closed).toBe(1);
    expect((await ctx.store.monitors.get(monitor.id))?.lastRun).toMatchObject({ id: run.id, status: 'error' });
  });

  it('leaves runs the caller knows are alive, and a run that moved on since it was listed', async () => {
    const monitor = await aStoredMonitor();
    const alive = aRun(monitor.id, { id: ulid(Date.parse('2026-11-21T08:00:00Z')), createdAt: '2026-11-21T08:00:00.000Z' });
    const movedOn = aRun(monitor.id, { id: ulid(Date.parse('2026-11-21T08:01:00Z')), createdAt: '2026-11-21T08:01:00.000Z' });
    await ctx.store.runs.create(alive);
    await ctx.store.runs.create(movedOn);
    const listed = (await ctx.store.runs.listOpenSince(new Date('2026-11-21T08:30:00Z'), 100)).find((r) => r.runId === movedOn.id);
    await ctx.store.runs.save({ ...movedOn, status: 'running', startedAt: '2026-11-21T08:02:00.000Z' });

    const closed = await reapStaleRuns({
      runs: ctx.store.runs,
      clock: at('2026-11-21T08:30:00Z'),
      staleAfterMs: 60_000,
      hint,
      isAlive: (r) => r.monitorId !== monitor.id || r.runId === alive.id,
    });

    expect((await ctx.store.runs.get(monitor.id, alive.id))?.status).toBe('queued');
    expect(listed).toBeDefined();
    expect(await ctx.store.runs.closeOpen(listed!, new Date('2026-11-21T08:30:00Z'), 'late')).toBe(false);
    // Listed again it is stale as `running` since 08:02, and the reaper closed it.
    expect(closed).toBe(1);
    expect(await ctx.store.runs.get(monitor.id, movedOn.id)).toMatchObject({ status: 'error', error: expect.stringMatching(/^stopped before it finished: running for 1680 s/) });
  });
});
