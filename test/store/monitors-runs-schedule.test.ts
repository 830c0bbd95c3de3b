import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertState } from '#domain/model/entities.ts';
import { BrokenReferenceError, ConflictError, InvalidCursorError, NotFoundError } from '#domain/model/errors.ts';
import { scheduledRunId } from '#domain/runs/run-identity.ts';
import { tick, TickIncompleteError } from '#domain/scheduling/scheduler.ts';
import { nextSlotAfter } from '#domain/scheduling/schedule.ts';
import { DUE_SHARDS, duePartitionOf, keys, LEGACY_DUE_PARTITION } from '#adapters/dynamo/keys.ts';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { EnqueueError } from '#domain/runs/ports.ts';
import type { ClaimOutcome, SlotClaim } from '#domain/scheduling/ports.ts';
import { aLogSource, aMonitor, aRun, aTarget, expectSources } from '../support/builders.ts';
import { RecordingQueue } from '../support/api.ts';
import { createTestStore } from '../support/store.ts';

let ctx: Awaited<ReturnType<typeof createTestStore>>;
let sourceId: string;
beforeAll(async () => {
  ctx = await createTestStore('vigil-monitors');
  const target = aTarget();
  await ctx.store.targets.create(target);
  const source = aLogSource(target.id);
  await ctx.store.logSources.create(source);
  sourceId = source.id;
});

async function aStoredMonitor(overrides: Parameters<typeof aMonitor>[1] = {}) {
  const monitor = aMonitor(sourceId, overrides);
  await ctx.store.monitors.create(monitor, expectSources([sourceId]));
  return monitor;
}

describe('monitors', () => {
  it('re-checks the source mode inside the write and names the field', async () => {
    const error = await ctx.store.monitors
      .create(aMonitor(sourceId), expectSources([sourceId], 'file'))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BrokenReferenceError);
    expect((error as BrokenReferenceError).problem).toEqual({
      reason: 'unfit',
      reference: { kind: 'log_source', id: sourceId },
      message: `log source ${sourceId} changed mode to cloudwatch_logs (expected file); check the inputs again`,
    });
  });

  it('refuses an update written against a stale version', async () => {
    const monitor = await aStoredMonitor();
    await ctx.store.monitors.update({ ...monitor, name: 'one', version: 2 }, monitor, expectSources([sourceId]));

    await expect(
      ctx.store.monitors.update({ ...monitor, name: 'two', version: 2 }, monitor, expectSources([sourceId])),
    ).rejects.toThrow(ConflictError);
    expect((await ctx.store.monitors.get(monitor.id))?.name).toBe('one');
  });

  it('does not hand the scheduler back a slot it claimed while an edit was in flight', async () => {
    const monitor = await aStoredMonitor({ intervalSeconds: 300, nextRunAt: '2026-11-21T10:05:00.000Z' });
    expect(await ctx.store.schedule.claim(monitor.id, '2026-11-21T10:05:00.000Z', '2026-11-21T10:10:00.000Z')).toBe(true);

    // An edit read before the claim: same schedule, new prompt.
    await ctx.store.monitors.update({ ...monitor, prompt: 'new', version: 2 }, monitor, expectSources([sourceId]));

    const stored = await ctx.store.monitors.get(monitor.id);
    expect(stored).toMatchObject({ prompt: 'new', nextRunAt: '2026-11-21T10:10:00.000Z' });
    const due = await ctx.store.schedule.listDue(new Date('2026-11-21T10:06:00.000Z'), { limit: 100 });
    expect(due.items.map((d) => d.monitorId)).not.toContain(monitor.id);
  });

  it('swaps the alert state only from the state the caller saw', async () => {
    const monitor = await aStoredMonitor();
    const first: AlertState = { status: 'alert', fingerprint: 'f1', notifiedAt: '2026-11-21T10:00:00.000Z' };
    const second: AlertState = { status: 'alert', fingerprint: 'f2', notifiedAt: '2026-11-21T10:05:00.000Z' };

    const [a, b] = await Promise.all([
      ctx.store.monitors.swapAlertState(monitor.id, null, first),
      ctx.store.monitors.swapAlertState(monitor.id, null, second),
    ]);

    expect([a, b].filter(Boolean)).toHaveLength(1);
    const winner = a ? first : second;
    expect((await ctx.store.monitors.get(monitor.id))?.alertState).toEqual(winner);
    expect(await ctx.store.monitors.swapAlertState(monitor.id, a ? second : first, null)).toBe(false);
    expect(await ctx.store.monitors.swapAlertState(monitor.id, winner, null)).toBe(true);
    expect((await ctx.store.monitors.get(monitor.id))?.alertState).toBeNull();
  });
});

describe('runs', () => {
  it('creates a run once: a redelivered create writes nothing and says so', async () => {
    const monitor = await aStoredMonitor();
    const run = aRun(monitor.id, { trigger: 'schedule', id: scheduledRunId(monitor.id, new Date('2026-11-21T10:05:00Z')) });

    expect(await ctx.store.runs.create(run)).toBe(true);
    expect(await ctx.store.runs.create({ ...run, status: 'running' })).toBe(false);
    expect((await ctx.store.runs.list(monitor.id, { limit: 10 })).items).toEqual([run]);
  });

  it('refuses a run for a missing monitor', async () => {
    await expect(ctx.store.runs.create(aRun('01NOMONITOR'))).rejects.toThrow(NotFoundError);
  });

  it('moves last_run forward only', async () => {
    const monitor = await aStoredMonitor();
    const older = aRun(monitor.id, { id: '01KAAAAAAAAAAAAAAAAAAAAAAA' });
    const newer = aRun(monitor.id, { id: '01KBBBBBBBBBBBBBBBBBBBBBBB' });
    await ctx.store.runs.create(newer);
    await ctx.store.runs.create(older);
    await ctx.store.runs.save({ ...older, status: 'ok', finishedAt: '2026-11-21T10:01:00.000Z' });

    expect((await ctx.store.monitors.get(monitor.id))?.lastRun).toEqual({ id: newer.id, status: 'queued', finishedAt: null });
    expect((await ctx.store.runs.latest(monitor.id))?.id).toBe(newer.id);
  });
});

describe('the scheduler over the due index', () => {
  it('lets exactly one of two overlapping ticks claim each due slot', async () => {
    const { store } = await createTestStore('vigil-claims');
    const target = aTarget();
    await store.targets.create(target);
    const source = aLogSource(target.id);
    await store.logSources.create(source);
    const due = aMonitor(source.id, { intervalSeconds: 60, nextRunAt: '2026-11-21T10:00:00.000Z' });
    const later = aMonitor(source.id, { intervalSeconds: 60, nextRunAt: '2026-11-21T10:09:00.000Z' });
    const disabled = aMonitor(source.id, { enabled: false, nextRunAt: null });
    for (const m of [due, later, disabled]) await store.monitors.create(m, expectSources([source.id]));
    const [queueA, queueB] = [new RecordingQueue(), new RecordingQueue()];
    const clock = { now: () => new Date('2026-11-21T10:00:20.000Z') };
    const deps = (queue: RecordingQueue) => ({ schedule: store.schedule, runs: store.runs, queue, clock, runRetentionDays: 90 });

    const [a, b] = await Promise.all([tick(deps(queueA)), tick(deps(queueB))]);

    expect(a.claimed + b.claimed).toBe(1);
    expect(a.due).toBe(a.claimed + a.lost);
    expect(b.due).toBe(b.claimed + b.lost);
    expect([...queueA.sent, ...queueB.sent]).toEqual([
      { kind: 'schedule', monitorId: due.id, scheduledFor: '2026-11-21T10:00:00.000Z' },
    ]);
    expect((await store.monitors.get(due.id))?.nextRunAt).toBe(nextSlotAfter(clock.now(), 60, due.id).toISOString());
    expect(await store.schedule.lastHeartbeat()).toEqual(clock.now());
  });

  it('grants a slot to one of two claims that both saw it due', async () => {
    const monitor = await aStoredMonitor({ intervalSeconds: 60, nextRunAt: '2026-11-21T10:00:00.000Z' });

    const results = await Promise.all(
      Array.from({ length: 5 }, () => ctx.store.schedule.claim(monitor.id, '2026-11-21T10:00:00.000Z', '2026-11-21T10:01:00.000Z')),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await ctx.store.schedule.claim(monitor.id, '2026-11-21T10:00:00.000Z', '2026-11-21T10:01:00.000Z')).toBe(false);
  });

  it('records only the slots the queue did not take, and leaves a slot whose claim failed for the next tick', async () => {
    const { store } = await createTestStore('vigil-partial');
    const target = aTarget();
    await store.targets.create(target);
    const source = aLogSource(target.id);
    await store.logSources.create(source);
    const monitors = [0, 1, 2].map(() => aMonitor(source.id, { intervalSeconds: 60, nextRunAt: '2026-11-21T10:00:00.000Z' }));
    for (const m of monitors) await store.monitors.create(m, expectSources([source.id]));
    const [queued, refused, failing] = monitors as [typeof monitors[0], typeof monitors[0], typeof monitors[0]];
    const queue = {
      sent: [] as string[],
      async enqueue(requests: Array<{ monitorId: string; scheduledFor?: string; kind: string }>) {
        this.sent.push(...requests.filter((r) => r.monitorId !== refused.id).map((r) => r.monitorId));
        const notQueued = requests.filter((r) => r.monitorId === refused.id);
        if (notQueued.length > 0) throw new EnqueueError('SQS refused one', notQueued as never);
      },
    };
    const schedule = {
      ...store.schedule,
      listDue: store.schedule.listDue.bind(store.schedule),
      recordHeartbeat: store.schedule.recordHeartbeat.bind(store.schedule),
      lastHeartbeat: store.schedule.lastHeartbeat.bind(store.schedule),
      claim: store.schedule.claim.bind(store.schedule),
      // The batch holding the failing monitor is throttled; the others claim theirs one by one.
      claimMany: async (claims: readonly SlotClaim[]): Promise<ClaimOutcome[]> =>
        claims.some((c) => c.monitorId === failing.id)
          ? Promise.all(
              claims.map((c): Promise<ClaimOutcome> | ClaimOutcome =>
                c.monitorId === failing.id
                  ? { kind: 'failed', reason: 'ThrottlingException: Rate exceeded' }
                  : store.schedule.claim(c.monitorId, c.from, c.to).then((won) => ({ kind: won ? 'claimed' : 'lost' })),
              ),
            )
          : store.schedule.claimMany(claims),
    };

    const error = await tick({ schedule, runs: store.runs, queue, clock: { now: () => new Date('2026-11-21T10:00:05Z') }, runRetentionDays: 90 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TickIncompleteError);
    expect((error as TickIncompleteError).cause).toBeInstanceOf(EnqueueError);
    expect((error as TickIncompleteError).unqueued).toEqual([
      { monitorId: refused.id, slot: '2026-11-21T10:00:00.000Z', reason: 'EnqueueError: SQS refused one; recorded as an error run' },
    ]);
    expect((error as TickIncompleteError).result.failedClaims).toEqual([
      { monitorId: failing.id, slot: '2026-11-21T10:00:00.000Z', reason: 'ThrottlingException: Rate exceeded' },
    ]);
    expect(queue.sent).toEqual([queued.id]);
    expect((await store.runs.list(queued.id, { limit: 5 })).items).toEqual([]);
    expect((await store.runs.list(refused.id, { limit: 5 })).items).toMatchObject([{ status: 'error', error: 'could not queue the run: SQS refused one' }]);
    expect((await store.monitors.get(failing.id))?.nextRunAt).toBe('2026-11-21T10:00:00.000Z');
  });

  it('records slots the queue refused as error runs and fails the tick', async () => {
    const { store } = await createTestStore('vigil-unqueued');
    const target = aTarget();
    await store.targets.create(target);
    const source = aLogSource(target.id);
    await store.logSources.create(source);
    const monitor = aMonitor(source.id, { intervalSeconds: 60, nextRunAt: '2026-11-21T10:00:00.000Z' });
    await store.monitors.create(monitor, expectSources([source.id]));
    const queue = new RecordingQueue();
    queue.failWith = new Error('SQS is down');

    await expect(
      tick({ schedule: store.schedule, runs: store.runs, queue, clock: { now: () => new Date('2026-11-21T10:00:05Z') }, runRetentionDays: 90 }),
    ).rejects.toThrow('SQS is down');

    const runs = (await store.runs.list(monitor.id, { limit: 5 })).items;
    expect(runs).toMatchObject([{ status: 'error', trigger: 'schedule', scheduledFor: '2026-11-21T10:00:00.000Z', error: 'could not queue the run: SQS is down' }]);
    expect(await store.schedule.lastHeartbeat()).toBeNull();
  });
});

describe('the sharded due index', () => {
  async function storeWithSource() {
    const created = await createTestStore('vigil-shards');
    const target = aTarget();
    await created.store.targets.create(target);
    const source = aLogSource(target.id);
    await created.store.logSources.create(source);
    return { ...created, sourceId: source.id };
  }

  it('files each monitor under its shard, and spreads monitors over all sixteen', async () => {
    const { store, table, sourceId: source } = await storeWithSource();
    const monitors = Array.from({ length: 40 }, () => aMonitor(source, { intervalSeconds: 60, nextRunAt: '2026-11-21T10:00:00.000Z' }));
    for (const m of monitors) await store.monitors.create(m, expectSources([source]));

    const { Item: item } = await table.client.send(new GetCommand({ TableName: table.name, Key: keys.monitor(monitors[0]!.id) }));
    expect(item?.duePk).toBe(duePartitionOf(monitors[0]!.id));
    expect(new Set(monitors.map((m) => duePartitionOf(m.id))).size).toBeGreaterThan(DUE_SHARDS / 2);
    expect(new Set(Array.from({ length: 2000 }, (_, i) => duePartitionOf(`m${i}`))).size).toBe(DUE_SHARDS);

    // Every shard is read, a page at a time, and nothing is returned twice or missed.
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await store.schedule.listDue(new Date('2026-11-21T10:00:30.000Z'), { limit: 2, ...(nextToken && { nextToken }) });
      seen.push(...page.items.map((d) => d.monitorId));
      nextToken = page.nextToken ?? undefined;
      pages += 1;
    } while (nextToken);
    expect(seen.sort()).toEqual(monitors.map((m) => m.id).sort());
    expect(pages).toBeGreaterThan(1);
  });

  it('refuses a due token that is not one it made', async () => {
    const other = Buffer.from(JSON.stringify({ 'DUE#99': { pk: 'MONITOR#x', sk: 'MONITOR', duePk: 'DUE#99', dueAt: '2026-11-21T10:00:00.000Z' } })).toString('base64url');
    await expect(ctx.store.schedule.listDue(new Date(), { limit: 5, nextToken: other })).rejects.toThrow(InvalidCursorError);
    await expect(ctx.store.schedule.listDue(new Date(), { limit: 5, nextToken: 'not-json' })).rejects.toThrow(InvalidCursorError);
  });

  it('still runs a monitor written before sharding, and moves it to its shard when it claims the slot', async () => {
    // Prepare: an item as the unsharded store wrote it (duePk DUE).
    const { store, table, sourceId: source } = await storeWithSource();
    const legacy = aMonitor(source, { intervalSeconds: 300, nextRunAt: '2026-11-21T10:00:00.000Z' });
    await store.monitors.create(legacy, expectSources([source]));
    const { Item: item } = await table.client.send(new GetCommand({ TableName: table.name, Key: keys.monitor(legacy.id) }));
    await table.client.send(new PutCommand({ TableName: table.name, Item: { ...item, duePk: LEGACY_DUE_PARTITION } }));
    const queue = new RecordingQueue();
    const now = new Date('2026-11-21T10:00:05.000Z');

    // Act
    const result = await tick({ schedule: store.schedule, runs: store.runs, queue, clock: { now: () => now }, runRetentionDays: 90 });

    // Assess
    expect(result).toMatchObject({ due: 1, claimed: 1 });
    expect(queue.sent).toEqual([{ kind: 'schedule', monitorId: legacy.id, scheduledFor: '2026-11-21T10:00:00.000Z' }]);
    const { Item: after } = await table.client.send(new GetCommand({ TableName: table.name, Key: keys.monitor(legacy.id) }));
    expect(after).toMatchObject({ duePk: duePartitionOf(legacy.id), dueAt: nextSlotAfter(now, 300, legacy.id).toISOString() });
  });

  it('claims a batch in one go, and reports the slots another tick won as lost without losing the others', async () => {
    const { store, sourceId: source } = await storeWithSource();
    const monitors = Array.from({ length: 5 }, () => aMonitor(source, { intervalSeconds: 60, nextRunAt: '2026-11-21T10:00:00.000Z' }));
    for (const m of monitors) await store.monitors.create(m, expectSources([source]));
    const claims = monitors.map((m) => ({ monitorId: m.id, from: '2026-11-21T10:00:00.000Z', to: '2026-11-21T10:01:00.000Z' }));
    expect(await store.schedule.claim(monitors[2]!.id, '2026-11-21T10:00:00.000Z', '2026-11-21T10:01:00.000Z')).toBe(true);

    const outcomes = await store.schedule.claimMany(claims);

    const [claimed, lost] = [{ kind: 'claimed' }, { kind: 'lost' }];
    expect(outcomes).toEqual([claimed, claimed, lost, claimed, claimed]);
    for (const m of monitors) expect((await store.monitors.get(m.id))?.nextRunAt).toBe('2026-11-21T10:01:00.000Z');
    expect(await store.schedule.claimMany(claims)).toEqual([lost, lost, lost, lost, lost]);
  });
});
