import { beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '#domain/model/errors.ts';
import { MAX_FEEDBACK_PER_RUN, runFeedbackOf, type Feedback } from '#domain/feedback/types.ts';
import type { MonitorRun } from '#domain/model/entities.ts';
import { encodeTime } from 'ulid';
import { aMonitor, aRun, expectSources } from '../support/builders.ts';
import { createTestStoreWithSource, type createTestStore } from '../support/store.ts';

let ctx: Awaited<ReturnType<typeof createTestStore>>;
let sourceId: string;
beforeAll(async () => {
  ({ ctx, sourceId } = await createTestStoreWithSource('vigil-feedback'));
});

async function aMonitorWithRun(): Promise<{ monitorId: string; run: MonitorRun }> {
  const monitor = aMonitor(sourceId);
  await ctx.store.monitors.create(monitor, expectSources([sourceId]));
  const run = aRun(monitor.id, { status: 'alert', finishedAt: '2026-11-21T10:00:05.000Z' });
  await ctx.store.runs.create(run);
  return { monitorId: monitor.id, run };
}

let sequence = 0;
function aFeedback(monitorId: string, runId: string, createdAt: string, overrides: Partial<Feedback> = {}): Feedback {
  sequence += 1;
  return {
    id: `FB${String(sequence).padStart(6, '0')}`,
    monitorId,
    runId,
    verdict: 'false_positive',
    findingIndex: null,
    note: null,
    createdAt,
    runAt: '2026-11-21T10:00:00.000Z',
    runStatus: 'alert',
    findingTitles: [],
    expectedTemplates: [{ label: 'APP', template: 'order <*> timeout' }],
    ruleBreaches: [],
    anomalyFeedback: [],
    ...overrides,
  };
}

describe('DynamoFeedbackRepository', { timeout: 60_000 }, () => {
  it('writes the item in the monitor partition and its short form on the run; lists newest first with paging', async () => {
    const { monitorId, run } = await aMonitorWithRun();
    const older = aFeedback(monitorId, run.id, '2026-11-21T10:01:00.000Z', { note: 'expected batch' });
    const newer = aFeedback(monitorId, run.id, '2026-11-21T10:02:00.000Z', { verdict: 'correct' });

    await ctx.store.feedback.add(older);
    await ctx.store.feedback.add(newer);

    expect((await ctx.store.runs.get(monitorId, run.id))?.feedback).toEqual([runFeedbackOf(older), runFeedbackOf(newer)]);
    const first = await ctx.store.feedback.list(monitorId, { limit: 1 });
    expect(first.items).toEqual([newer]);
    const second = await ctx.store.feedback.list(monitorId, { limit: 1, nextToken: first.nextToken! });
    expect(second.items).toEqual([older]);
    expect(await ctx.store.feedback.recent(monitorId, 5)).toEqual([newer, older]);
    expect(await ctx.store.feedback.since(monitorId, '2026-11-21T10:01:30.000Z')).toEqual([newer]);
    const items = await ctx.scanAll();
    expect(items.filter((item) => String(item.sk).startsWith('FEEDBACK#')).map((item) => [item.pk, item.sk])).toContainEqual([
      `MONITOR#${monitorId}`,
      `FEEDBACK#2026-11-21T10:01:00.000Z#${older.id}`,
    ]);
  });

  it('refuses feedback on a run that does not exist, and writes nothing', async () => {
    const { monitorId } = await aMonitorWithRun();

    await expect(ctx.store.feedback.add(aFeedback(monitorId, '01NORUN', '2026-11-21T10:01:00.000Z'))).rejects.toBeInstanceOf(NotFoundError);

    expect(await ctx.store.feedback.recent(monitorId, 5)).toEqual([]);
  });

  it(`refuses an item past ${MAX_FEEDBACK_PER_RUN} on one run with a conflict`, async () => {
    const { monitorId, run } = await aMonitorWithRun();
    for (let i = 0; i < MAX_FEEDBACK_PER_RUN; i += 1) {
      await ctx.store.feedback.add(aFeedback(monitorId, run.id, `2026-11-21T10:${String(i).padStart(2, '0')}:00.000Z`));
    }

    await expect(ctx.store.feedback.add(aFeedback(monitorId, run.id, '2026-11-21T11:00:00.000Z'))).rejects.toBeInstanceOf(ConflictError);
    expect(await ctx.store.feedback.recent(monitorId, 100)).toHaveLength(MAX_FEEDBACK_PER_RUN);
  });

  it("keeps feedback added while the runner held an older copy of the run when the runner saves it", async () => {
    const { monitorId, run } = await aMonitorWithRun();
    const feedback = aFeedback(monitorId, run.id, '2026-11-21T10:01:00.000Z');
    await ctx.store.feedback.add(feedback);

    // The runner's copy was read before the feedback: it records its notifications on it.
    await ctx.store.runs.save({ ...run, notifications: [{ channel: 'email', target: 'ops@example.com', status: 'sent', reason: null }] });

    const saved = await ctx.store.runs.get(monitorId, run.id);
    expect(saved?.feedback).toEqual([runFeedbackOf(feedback)]);
    expect(saved?.notifications).toHaveLength(1);
  });

  it('deletes the history with its monitor', async () => {
    const { monitorId, run } = await aMonitorWithRun();
    await ctx.store.feedback.add(aFeedback(monitorId, run.id, '2026-11-21T10:01:00.000Z'));

    await ctx.store.monitors.delete(monitorId);

    expect((await ctx.scanAll()).filter((item) => item.pk === `MONITOR#${monitorId}`)).toEqual([]);
  });
});

describe('DynamoRunRepository.since', { timeout: 60_000 }, () => {
  it('reads the runs of a period newest first, without their payloads, and stops at the limit', async () => {
    const { monitorId } = await aMonitorWithRun();
    const at = (iso: string) => `${encodeTime(Date.parse(iso), 10)}${'0'.repeat(16)}`;
    const old = aRun(monitorId, { id: at('2026-11-01T00:00:00.000Z'), payload: 'old' });
    const mid = aRun(monitorId, { id: at('2026-11-20T00:00:00.000Z'), payload: 'mid' });
    const last = aRun(monitorId, { id: at('2026-11-21T09:00:00.000Z'), payload: 'last' });
    for (const run of [old, mid, last]) await ctx.store.runs.create(run);

    const period = await ctx.store.runs.since(monitorId, new Date('2026-11-15T00:00:00.000Z'), 10);
    const limited = await ctx.store.runs.since(monitorId, new Date('2026-11-15T00:00:00.000Z'), 1);

    expect(period.map((run) => run.id).filter((id) => id !== undefined && [old.id, mid.id, last.id].includes(id))).toEqual([last.id, mid.id]);
    expect(period.every((run) => !('payload' in run))).toBe(true);
    expect(limited).toHaveLength(1);
  });
});
