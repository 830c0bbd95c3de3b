import { beforeAll, describe, expect, it } from 'vitest';
import type { Monitor, MonitorRun } from '#domain/model/entities.ts';
import { capText, executeRun, type ExecuteRunDeps, type JudgedRun, type RunSteps } from '#domain/runs/execute-run.ts';
import { scheduledRunId } from '#domain/runs/run-identity.ts';
import { aLogSource, aMonitor, aRun, aTarget, expectSources } from '../../support/builders.ts';
import { createTestStore } from '../../support/store.ts';

let ctx: Awaited<ReturnType<typeof createTestStore>>;
let sourceId: string;
beforeAll(async () => {
  ctx = await createTestStore('vigil-execute');
  const target = aTarget();
  await ctx.store.targets.create(target);
  const source = aLogSource(target.id);
  await ctx.store.logSources.create(source);
  sourceId = source.id;
});

const verdict: JudgedRun = {
  status: 'alert',
  summary: '12 errors',
  findings: [],
  rules: [{ label: 'ALL', pattern: 'ERROR', count: 12, severity: 'alert', breached: true }],
  judge: { kind: 'rules', modelId: null, inputTokens: 0, outputTokens: 0, latencyMs: 0, estimatedCostUsd: 0, skipped: null },
  redactions: 0,
  payloadHash: 'abc',
  rawReply: null,
  error: null,
};

function steps(overrides: Partial<RunSteps> = {}): RunSteps & { notified: MonitorRun[] } {
  const notified: MonitorRun[] = [];
  return {
    notified,
    collect: async () => ({ text: '[ALL]\nERROR x', inputs: { ALL: { lines: 1, chars: 7, truncated: false, error: null } }, linesByLabel: new Map([['ALL', ['ERROR x']]]) }),
    judge: async () => verdict,
    notify: async (run) => {
      notified.push(run);
      return [{ channel: 'email', target: 'ops@example.com', status: 'sent', reason: null }];
    },
    ...overrides,
  };
}

async function setup(stepOverrides: Partial<RunSteps> = {}, budgetMs = 10_000) {
  const now = '2026-11-21T10:00:05.000Z';
  const monitor: Monitor = aMonitor(sourceId);
  await ctx.store.monitors.create(monitor, expectSources([sourceId]));
  const runSteps = steps(stepOverrides);
  const clock = { now: () => new Date(now) };
  const deps: ExecuteRunDeps = {
    monitors: ctx.store.monitors,
    runs: ctx.store.runs,
    steps: runSteps,
    clock,
    runRetentionDays: 90,
    deadline: () => clock.now().getTime() + budgetMs,
  };
  return { monitor, deps, runSteps };
}

describe('executeRun', () => {
  it("tells collection which run it collects for (the baseline counts each run once)", async () => {
    const asked: string[] = [];
    const { monitor, deps } = await setup({
      collect: async (_monitor, _deadline, run) => {
        asked.push(run?.id ?? 'none');
        return { text: '[ALL]\nx', inputs: { ALL: { lines: 1, chars: 1, truncated: false, error: null } }, linesByLabel: new Map([['ALL', ['x']]]) };
      },
    });
    const slot = '2026-11-21T10:00:00.000Z';

    await executeRun({ kind: 'schedule', monitorId: monitor.id, scheduledFor: slot }, deps);

    expect(asked).toEqual([scheduledRunId(monitor.id, new Date(slot))]);
  });

  it('turns a schedule slot into one finished run with its verdict, inputs and notifications', async () => {
    const { monitor, deps } = await setup();
    const slot = '2026-11-21T10:00:00.000Z';

    const result = await executeRun({ kind: 'schedule', monitorId: monitor.id, scheduledFor: slot }, deps);

    expect(result.outcome).toBe('finished');
    const stored = await ctx.store.runs.get(monitor.id, scheduledRunId(monitor.id, new Date(slot)));
    expect(stored).toMatchObject({
      trigger: 'schedule',
      scheduledFor: slot,
      status: 'alert',
      summary: '12 errors',
      startedAt: '2026-11-21T10:00:05.000Z',
      finishedAt: '2026-11-21T10:00:05.000Z',
      inputs: { ALL: { lines: 1, chars: 7, truncated: false, error: null } },
      notifications: [{ channel: 'email', target: 'ops@example.com', status: 'sent', reason: null }],
    });
    expect((await ctx.store.monitors.get(monitor.id))?.lastRun).toEqual({ id: stored?.id, status: 'alert', finishedAt: '2026-11-21T10:00:05.000Z' });
  });

  it('does nothing twice for a redelivered message: one run, one notification', async () => {
    const { monitor, deps, runSteps } = await setup();
    const request = { kind: 'schedule', monitorId: monitor.id, scheduledFor: '2026-11-21T10:00:00.000Z' } as const;

    await executeRun(request, deps);
    const again = await executeRun(request, deps);

    expect(again.outcome).toBe('duplicate');
    expect((await ctx.store.runs.list(monitor.id, { limit: 10 })).items).toHaveLength(1);
    expect(runSteps.notified).toHaveLength(1);
  });

  it('finishes a run an earlier attempt left running', async () => {
    const { monitor, deps } = await setup();
    const slot = '2026-11-21T10:00:00.000Z';
    const id = scheduledRunId(monitor.id, new Date(slot));
    await ctx.store.runs.create(aRun(monitor.id, { id, trigger: 'schedule', scheduledFor: slot, status: 'running' }));

    const result = await executeRun({ kind: 'schedule', monitorId: monitor.id, scheduledFor: slot }, deps);

    expect(result.outcome).toBe('finished');
    expect((await ctx.store.runs.get(monitor.id, id))?.status).toBe('alert');
  });

  it('runs a manual run that the API queued', async () => {
    const { monitor, deps } = await setup();
    const queued = aRun(monitor.id);
    await ctx.store.runs.create(queued);

    await executeRun({ kind: 'manual', monitorId: monitor.id, runId: queued.id }, deps);

    expect((await ctx.store.runs.get(monitor.id, queued.id))?.status).toBe('alert');
  });

  it('ends the run as error with the reason when a step fails, and still decides notifications', async () => {
    const { monitor, deps, runSteps } = await setup({
      collect: async () => {
        throw new Error('every input failed');
      },
    });
    const queued = aRun(monitor.id);
    await ctx.store.runs.create(queued);

    const result = await executeRun({ kind: 'manual', monitorId: monitor.id, runId: queued.id }, deps);

    expect(result.outcome === 'finished' && result.run).toMatchObject({ status: 'error', error: 'every input failed' });
    expect(runSteps.notified.map((r) => r.status)).toEqual(['error']);
  });

  it('ends the run as error before the Lambda times out when a step overruns the deadline', async () => {
    const { monitor, deps } = await setup({ judge: () => new Promise<JudgedRun>(() => undefined) }, 50);
    const queued = aRun(monitor.id);
    await ctx.store.runs.create(queued);

    await executeRun({ kind: 'manual', monitorId: monitor.id, runId: queued.id }, deps);

    expect(await ctx.store.runs.get(monitor.id, queued.id)).toMatchObject({
      status: 'error',
      error: 'the run did not finish in its time budget (0 s) and was stopped',
    });
  });

  it('keeps the verdict when notifying throws', async () => {
    const { monitor, deps } = await setup({
      notify: async () => {
        throw new Error('SES exploded');
      },
    });
    const queued = aRun(monitor.id);
    await ctx.store.runs.create(queued);

    await executeRun({ kind: 'manual', monitorId: monitor.id, runId: queued.id }, deps);

    const saved = await ctx.store.runs.get(monitor.id, queued.id);
    expect(saved?.status).toBe('alert');
    // Its own kind of outcome: no channel, no target (not a made-up topic target).
    expect(saved?.notifications).toEqual([
      { channel: null, target: null, status: 'failed', reason: 'notification step failed: SES exploded' },
    ]);
  });

  it('drops a request whose monitor was deleted', async () => {
    const { deps } = await setup();
    expect(await executeRun({ kind: 'manual', monitorId: '01GONE', runId: '01X' }, deps)).toEqual({
      outcome: 'gone',
      reason: 'monitor 01GONE no longer exists',
    });
  });
});

describe('executeRun when every input fails', () => {
  it('records an error run that keeps each input error, asks no judge, and still decides notifications', async () => {
    let judged = false;
    const { monitor, deps, runSteps } = await setup({
      collect: async () => ({
        text: '[ALL]\nerror: log group /ecs/orders not found in eu-west-1',
        inputs: { ALL: { lines: 0, chars: 0, truncated: false, error: 'log group /ecs/orders not found in eu-west-1' } },
        linesByLabel: new Map([['ALL', []]]),
      }),
      judge: async () => {
        judged = true;
        return verdict;
      },
    });
    const queued = aRun(monitor.id);
    await ctx.store.runs.create(queued);

    await executeRun({ kind: 'manual', monitorId: monitor.id, runId: queued.id }, deps);

    expect(await ctx.store.runs.get(monitor.id, queued.id)).toMatchObject({
      status: 'error',
      error: 'every input failed: ALL: log group /ecs/orders not found in eu-west-1',
      inputs: { ALL: { error: 'log group /ecs/orders not found in eu-west-1' } },
    });
    expect(judged).toBe(false);
    expect(runSteps.notified.map((r) => r.status)).toEqual(['error']);
  });
});

describe('executeRun after an attempt died between the verdict and the notifications', () => {
  it('notifies on redelivery when the saved final run has no notifications recorded', async () => {
    const { monitor, deps, runSteps } = await setup();
    const slot = '2026-11-21T10:00:00.000Z';
    const id = scheduledRunId(monitor.id, new Date(slot));
    await ctx.store.runs.create(aRun(monitor.id, { id, trigger: 'schedule', scheduledFor: slot, status: 'alert', finishedAt: '2026-11-21T10:00:04.000Z' }));

    const result = await executeRun({ kind: 'schedule', monitorId: monitor.id, scheduledFor: slot }, deps);

    expect(result.outcome).toBe('notified');
    expect(runSteps.notified.map((r) => r.id)).toEqual([id]);
    expect((await ctx.store.runs.get(monitor.id, id))?.notifications).toEqual([
      { channel: 'email', target: 'ops@example.com', status: 'sent', reason: null },
    ]);
  });
});

describe('capText', () => {
  it('keeps text within the byte limit, saying how much was cut, and leaves short text alone', () => {
    const long = 'é'.repeat(50_000); // 100,000 bytes of UTF-8

    const kept = capText(long, 64 * 1024);

    expect(new TextEncoder().encode(kept).length).toBeLessThanOrEqual(64 * 1024);
    expect(kept).toMatch(/\n… \(\d+ more bytes not kept\)$/);
    expect(kept.startsWith('éé')).toBe(true);
    expect(capText('short', 64 * 1024)).toBe('short');
  });
});
