import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { CLOSED_BREAKER } from '#domain/judge/breaker.ts';
import { DynamoModelGuardRepository, modelGuardKeys } from '#adapters/dynamo/model-guard-repository.ts';
import { createRunner } from '#composition/runner.ts';
import { scheduledRunId } from '#domain/runs/run-identity.ts';
import { aLogSource, aMonitor, aTarget, expectSources } from '../support/builders.ts';
import { SENDING_CHANNELS } from '../support/run-steps.ts';
import { createTestStore } from '../support/store.ts';
import { fakeReaders } from '../unit/collect/fakes.ts';
import { MovableClock, ScriptedModelJudge, THROTTLED } from '../unit/judge/model-guard-fakes.ts';

const MODEL = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';
const MINUTE = 60_000;
const T0 = Date.parse('2026-11-21T10:00:00.000Z');

let ctx: Awaited<ReturnType<typeof createTestStore>>;
let guard: DynamoModelGuardRepository;
beforeAll(async () => {
  ctx = await createTestStore('vigil-guard');
  guard = new DynamoModelGuardRepository(ctx.table);
}, 120_000);

let modelCounter = 0;
const aModel = () => `test.model-${(modelCounter += 1)}`;
const count = (results: boolean[]) => results.filter(Boolean).length;

describe('DynamoModelGuardRepository (DynamoDB Local)', () => {
  it('reads a model it never saw as closed, and counts concurrent failures without losing one', async () => {
    const model = aModel();
    expect(await guard.breaker(model)).toEqual(CLOSED_BREAKER);

    await Promise.all(Array.from({ length: 20 }, (_, i) => guard.addFailure(model, `throttled ${i}`, T0 + i)));

    const state = await guard.breaker(model);
    expect(state.consecutiveFailures).toBe(20);
    expect(state.lastFailure).toMatch(/^throttled \d+$/);
    expect(state.openUntil).toBeNull();
  });

  it('lets exactly one of several runners open the breaker, and reopens it only once the cool-down is over', async () => {
    const model = aModel();
    await guard.addFailure(model, THROTTLED, T0);

    const opened = await Promise.all(Array.from({ length: 6 }, () => guard.open(model, T0, T0 + 10 * MINUTE)));

    expect(count(opened)).toBe(1);
    expect(await guard.breaker(model)).toMatchObject({ openedAt: T0, openUntil: T0 + 10 * MINUTE, probeUntil: null });
    expect(await guard.open(model, T0 + 10 * MINUTE - 1, T0 + 20 * MINUTE)).toBe(false);
    expect(await guard.open(model, T0 + 10 * MINUTE, T0 + 20 * MINUTE)).toBe(true);
    expect(await guard.breaker(model)).toMatchObject({ openedAt: T0 + 10 * MINUTE, openUntil: T0 + 20 * MINUTE });
  });

  it('hands the half-open probe to exactly one run, only after the cool-down, and again when its lease ends', async () => {
    const model = aModel();
    await guard.addFailure(model, THROTTLED, T0);
    await guard.open(model, T0, T0 + 10 * MINUTE);
    const afterCoolDown = T0 + 10 * MINUTE;

    expect(await guard.claimProbe(model, T0, afterCoolDown - 1, afterCoolDown + MINUTE)).toBe(false);
    expect(await guard.claimProbe(model, T0 - 1, afterCoolDown, afterCoolDown + MINUTE)).toBe(false);
    const claims = await Promise.all(Array.from({ length: 6 }, () => guard.claimProbe(model, T0, afterCoolDown, afterCoolDown + 2 * MINUTE)));
    expect(count(claims)).toBe(1);
    expect((await guard.breaker(model)).probeUntil).toBe(afterCoolDown + 2 * MINUTE);
    expect(await guard.claimProbe(model, T0, afterCoolDown + 2 * MINUTE - 1, afterCoolDown + 3 * MINUTE)).toBe(false);
    expect(await guard.claimProbe(model, T0, afterCoolDown + 2 * MINUTE, afterCoolDown + 3 * MINUTE)).toBe(true);

    // A failed probe reopens it (the claim is gone); an answer closes it.
    expect(await guard.open(model, afterCoolDown + 2 * MINUTE, afterCoolDown + 12 * MINUTE)).toBe(true);
    expect((await guard.breaker(model)).probeUntil).toBeNull();
    await guard.close(model);
    expect(await guard.breaker(model)).toEqual({ ...CLOSED_BREAKER, lastFailure: THROTTLED });
  });

  it('adds concurrent spend exactly, one item per month, kept 400 days after the month ends', async () => {
    const month = '2031-12';
    expect(await guard.spend(month)).toBe(0);

    const totals = await Promise.all(Array.from({ length: 40 }, () => guard.addSpend(month, 4_500)));
    await guard.addSpend('2032-01', 7);

    expect(await guard.spend(month)).toBe(180_000);
    expect(Math.max(...totals)).toBe(180_000);
    expect(await guard.spend('2032-01')).toBe(7);
    const { Item: item } = await ctx.table.client.send(new GetCommand({ TableName: ctx.table.name, Key: modelGuardKeys.spend(month) }));
    expect(item).toEqual({
      ...modelGuardKeys.spend(month),
      spentMicroUsd: 180_000,
      expiresAt: Date.parse('2032-01-01T00:00:00Z') / 1000 + 400 * 86_400,
    });
  });
});

describe('the runner with the model guard (DynamoDB Local)', () => {
  async function aRunnerSetup(options: { budgetUsd?: number; script: Array<'throttled' | 'answer'>; at: string }) {
    const target = aTarget();
    await ctx.store.targets.create(target);
    const source = aLogSource(target.id);
    await ctx.store.logSources.create(source);
    const monitor = aMonitor(source.id, {
      inputs: [{ label: 'ERRORS', mode: 'filter', filterPattern: 'ERROR' }],
      rules: [{ label: 'ERRORS', pattern: 'ERROR', minCount: 1, severity: 'alert' }],
    });
    await ctx.store.monitors.create(monitor, expectSources([source.id]));
    const clock = new MovableClock(Date.parse(options.at));
    let read = 0;
    // Every run reads a new line, so no run is skipped as unchanged.
    const readers = fakeReaders({
      logs: async () => ({ lines: [{ timestamp: clock.now().toISOString(), text: `ERROR order ${(read += 1)} timeout` }], notes: [] }),
    });
    const model = new ScriptedModelJudge(options.script);
    const runner = createRunner({
      store: ctx.store,
      readers,
      judge: model,
      judgeMetrics: { record: () => undefined },
      channels: SENDING_CHANNELS,
      clock,
      settings: {
        defaultModelId: MODEL,
        maxInputTokens: 30_000,
        collectConcurrency: 1,
        apiBaseUrl: 'http://127.0.0.1:3000',
        runRetentionDays: 90,
        costCollectorHours: 6,
        modelMonthlyBudgetUsd: options.budgetUsd ?? null,
      },
    });
    /** One scheduled run at the clock's time; the stored run afterwards. */
    const runNow = async () => {
      const scheduledFor = clock.now().toISOString();
      await runner({ kind: 'schedule', monitorId: monitor.id, scheduledFor }, clock.now().getTime() + 2 * MINUTE);
      const run = await ctx.store.runs.get(monitor.id, scheduledRunId(monitor.id, new Date(scheduledFor)));
      if (run === null) throw new Error(`no run stored for ${scheduledFor}`);
      return run;
    };
    return { clock, model, runNow };
  }

  it('opens the breaker after three throttled runs, stores the next run as rules-only with the reason, and closes after the cool-down', async () => {
    // The breaker item is per model and this table is shared by the file: start from a closed one.
    await guard.close(MODEL);
    const { clock, model, runNow } = await aRunnerSetup({ script: ['throttled', 'throttled', 'throttled', 'answer', 'answer'], at: '2026-11-21T10:00:00.000Z' });

    const throttled = [];
    for (let i = 0; i < 3; i += 1) {
      throttled.push(await runNow());
      clock.advance(MINUTE);
    }
    const duringOutage = await runNow();
    clock.set('2026-11-21T10:12:00.000Z');
    const probe = await runNow();
    clock.advance(MINUTE);
    const after = await runNow();

    expect(throttled.map((run) => run.status)).toEqual(['error', 'error', 'error']);
    expect(throttled[2]?.error).toContain(`the circuit breaker for ${MODEL} is open until 2026-11-21T10:12:00.000Z`);
    expect(duringOutage.status).toBe('alert');
    expect(duringOutage.judge).toMatchObject({ kind: 'rules', modelId: null, fallback: { code: 'circuit_open' } });
    expect(duringOutage.judge?.fallback?.reason).toBe(
      `circuit breaker open for ${MODEL} since 2026-11-21T10:02:00.000Z: 3 runs in a row got no answer from Bedrock (last: ${THROTTLED}); the model is tried again after 2026-11-21T10:12:00.000Z`,
    );
    expect(duringOutage.summary).toMatch(/^Rules only, the model was not consulted \(circuit breaker open for /);
    expect(probe.judge).toMatchObject({ kind: 'bedrock', modelId: MODEL });
    expect(after.judge).toMatchObject({ kind: 'bedrock', modelId: MODEL });
    expect(model.calls).toBe(5);
    expect(await guard.breaker(MODEL)).toMatchObject({ consecutiveFailures: 0, openUntil: null });
  });

  it('stores runs over the monthly budget as rules-only with the reason, and calls the model again when the UTC month rolls over', async () => {
    await guard.close(MODEL);
    // $0.0045 a call; a budget of $0.009 allows two.
    const { clock, model, runNow } = await aRunnerSetup({ budgetUsd: 0.009, script: [], at: '2029-03-31T23:50:00.000Z' });
    const before = await guard.spend('2029-03');

    const first = await runNow();
    clock.advance(MINUTE);
    const second = await runNow();
    clock.advance(MINUTE);
    const over = await runNow();
    clock.set('2029-04-01T00:00:00.000Z');
    const april = await runNow();

    expect(before).toBe(0);
    expect([first, second].map((run) => run.judge?.kind)).toEqual(['bedrock', 'bedrock']);
    expect(over.status).toBe('alert');
    expect(over.judge).toMatchObject({
      kind: 'rules',
      fallback: {
        code: 'budget_reached',
        reason: 'the monthly model budget is reached: $0.0090 of $0.0090 estimated for 2029-03 (UTC); model calls resume on 2029-04-01 or when the budget is raised',
      },
    });
    expect(over.summary).toContain('Rules only, the model was not consulted (the monthly model budget is reached');
    expect(april.judge).toMatchObject({ kind: 'bedrock', estimatedCostUsd: 0.0045 });
    expect(model.calls).toBe(3);
    expect(await guard.spend('2029-03')).toBe(9_000);
    expect(await guard.spend('2029-04')).toBe(4_500);
  });
});
