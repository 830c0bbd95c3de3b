import { beforeAll, describe, expect, it } from 'vitest';
import type { JudgeUsage, MonitorRun } from '#domain/model/entities.ts';
import { NotFoundError } from '#domain/model/errors.ts';
import { aMonitor, aRun, expectSources } from '../support/builders.ts';
import { createTestStoreWithSource } from '../support/store.ts';

let ctx: Awaited<ReturnType<typeof createTestStoreWithSource>>['ctx'];
let sourceId: string;

const HAIKU = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';
const modelJudge = (inputTokens: number, outputTokens: number, cost: number, modelId = HAIKU): JudgeUsage => ({
  kind: 'bedrock',
  modelId,
  inputTokens,
  outputTokens,
  latencyMs: 900,
  estimatedCostUsd: cost,
  skipped: null,
});
const rulesJudge: JudgeUsage = { kind: 'rules', modelId: null, inputTokens: 0, outputTokens: 0, latencyMs: 1, estimatedCostUsd: 0, skipped: null };

/** A run created queued, started, then saved final on `day` with `judge`; then saved again with its notifications. */
async function finishRun(monitorId: string, day: string, judge: JudgeUsage | null, status: MonitorRun['status'] = 'ok'): Promise<MonitorRun> {
  const run = aRun(monitorId, { createdAt: `${day}T10:00:00.000Z` });
  expect(await ctx.store.runs.create(run)).toBe(true);
  await ctx.store.runs.save({ ...run, status: 'running', startedAt: `${day}T10:00:01.000Z` });
  const finished: MonitorRun = { ...run, status, judge, startedAt: `${day}T10:00:01.000Z`, finishedAt: `${day}T10:00:05.000Z`, notificationsPending: true };
  await ctx.store.runs.save(finished);
  await ctx.store.runs.save({ ...finished, notificationsPending: false, notifications: [] });
  return finished;
}

let busy: string;
let quiet: string;
beforeAll(async () => {
  ({ ctx, sourceId } = await createTestStoreWithSource('vigil-usage'));
  const a = aMonitor(sourceId, { name: 'busy' });
  const b = aMonitor(sourceId, { name: 'quiet' });
  await ctx.store.monitors.create(a, expectSources([sourceId]));
  await ctx.store.monitors.create(b, expectSources([sourceId]));
  busy = a.id;
  quiet = b.id;
  await finishRun(busy, '2026-11-20', modelJudge(3000, 300, 0.0045));
  await finishRun(busy, '2026-11-21', modelJudge(1000, 100, 0.0015), 'alert');
  await finishRun(busy, '2026-11-21', rulesJudge);
  await finishRun(busy, '2026-10-31', modelJudge(2000, 200, 0.003));
  await finishRun(quiet, '2026-11-21', { ...modelJudge(0, 0, 0), skipped: 'unchanged' });
  await finishRun(quiet, '2026-11-21', null, 'error');
});

describe('usage counters', () => {
  it("sums a monitor's days in a range, each run counted once however often its final state is saved", async () => {
    expect(await ctx.store.usage.monitorDays(busy, '2026-11-01', '2026-11-21')).toEqual({
      runs: 3,
      modelCalls: 2,
      inputTokens: 4000,
      outputTokens: 400,
      estimatedCostUsd: 0.006,
    });
    expect(await ctx.store.usage.monitorDays(busy, '2026-10-23', '2026-11-21')).toMatchObject({ runs: 4, modelCalls: 3, estimatedCostUsd: 0.009 });
    expect(await ctx.store.usage.monitorDays(busy, '2026-11-21', '2026-11-21')).toMatchObject({ runs: 2, modelCalls: 1 });
  });

  it('counts skipped and error runs as runs without model calls', async () => {
    expect(await ctx.store.usage.monitorDays(quiet, '2026-11-01', '2026-11-30')).toEqual({
      runs: 2,
      modelCalls: 0,
      inputTokens: 0,
      outputTokens: 0,
      estimatedCostUsd: 0,
    });
  });

  it("reads a month's counters by monitor and by model in one partition", async () => {
    const november = await ctx.store.usage.month('2026-11');
    expect(november.byMonitor.sort((x, y) => y.runs - x.runs)).toEqual([
      { monitorId: busy, runs: 3, modelCalls: 2, inputTokens: 4000, outputTokens: 400, estimatedCostUsd: 0.006 },
      { monitorId: quiet, runs: 2, modelCalls: 0, inputTokens: 0, outputTokens: 0, estimatedCostUsd: 0 },
    ]);
    expect(november.byModel).toEqual([{ modelId: HAIKU, runs: 2, modelCalls: 2, inputTokens: 4000, outputTokens: 400, estimatedCostUsd: 0.006 }]);
    expect((await ctx.store.usage.month('2026-10')).byMonitor).toEqual([
      { monitorId: busy, runs: 1, modelCalls: 1, inputTokens: 2000, outputTokens: 200, estimatedCostUsd: 0.003 },
    ]);
    expect(await ctx.store.usage.month('2026-09')).toEqual({ byMonitor: [], byModel: [] });
  });

  it('counts nothing for a run that is not there, and says so', async () => {
    const ghost = aRun(busy, { status: 'ok', finishedAt: '2026-11-21T11:00:00.000Z' });
    await expect(ctx.store.runs.save(ghost)).rejects.toBeInstanceOf(NotFoundError);
    expect(await ctx.store.usage.monitorDays(busy, '2026-11-21', '2026-11-21')).toMatchObject({ runs: 2 });
  });

  it("removes a monitor's daily counters with it; the month keeps what it cost", async () => {
    await ctx.store.monitors.delete(quiet);
    expect(await ctx.store.usage.monitorDays(quiet, '2026-11-01', '2026-11-30')).toMatchObject({ runs: 0 });
    expect((await ctx.store.usage.month('2026-11')).byMonitor.map((m) => m.monitorId)).toContain(quiet);
  });
});
