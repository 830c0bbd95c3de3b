import { describe, expect, it } from 'vitest';
import type { InputStats } from '#domain/model/entities.ts';
import { breakerDecision, CLOSED_BREAKER, DEFAULT_BREAKER_POLICY, probeLeaseUntil, shouldOpen } from '#domain/judge/breaker.ts';
import { GuardedJudge, type GuardedJudgeOptions } from '#domain/judge/guarded-judge.ts';
import { judgeRun, type JudgeRunRequest, type JudgeRunResult } from '#domain/judge/judge-run.ts';
import type { JudgeMetricsRecord, PreviousVerdict } from '#domain/judge/ports.ts';
import { budgetDecision, nextMonthStart, spendMonth } from '#domain/judge/spend-cap.ts';
import { InMemoryModelGuardStore, MovableClock, ScriptedModelJudge, THROTTLED } from './model-guard-fakes.ts';

const MODEL = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';
const START = '2026-11-21T10:00:00.000Z';
const MINUTE = 60_000;
const stats = (lines: number): InputStats => ({ lines, chars: lines * 40, truncated: false, error: null });

let runNumber = 0;
/** A run's judge request; every run brings new lines, so no run is skipped as unchanged. */
function runRequest(clock: MovableClock, previousRun: PreviousVerdict | null = null): JudgeRunRequest {
  runNumber += 1;
  return {
    monitorName: 'orders',
    prompt: 'Look for failed orders.',
    rules: [{ label: 'ERRORS', pattern: 'ERROR', minCount: 1, severity: 'warn' }],
    modelId: MODEL,
    payload: `[ERRORS]\n10:02 ERROR order ${runNumber} timeout`,
    inputs: { ERRORS: stats(1) },
    previousRun,
    maxInputTokens: 30_000,
    deadline: clock.now().getTime() + 2 * MINUTE,
  };
}

function guarded(model: ScriptedModelJudge, options: Partial<GuardedJudgeOptions> & { clock: MovableClock }) {
  const store = options.store instanceof InMemoryModelGuardStore ? options.store : new InMemoryModelGuardStore();
  const judge = new GuardedJudge(model, { store, monthlyBudgetUsd: null, ...options });
  const metrics: JudgeMetricsRecord[] = [];
  const run = (previousRun: PreviousVerdict | null = null) =>
    judgeRun(runRequest(options.clock, previousRun), { judge, metrics: { record: (usage) => metrics.push(usage) } });
  return { store, run, metrics };
}

describe('breaker decisions (pure)', () => {
  it('stays closed below the threshold, opens at it, and is half-open after the cool-down', () => {
    const now = Date.parse(START);
    const failing = { ...CLOSED_BREAKER, consecutiveFailures: 2 };
    expect(shouldOpen(failing, now, DEFAULT_BREAKER_POLICY)).toBe(false);
    expect(shouldOpen({ ...failing, consecutiveFailures: 3 }, now, DEFAULT_BREAKER_POLICY)).toBe(true);

    const open = { ...failing, consecutiveFailures: 3, openedAt: now, openUntil: now + 10 * MINUTE, lastFailure: THROTTLED };
    expect(shouldOpen({ ...open, consecutiveFailures: 4 }, now + MINUTE, DEFAULT_BREAKER_POLICY)).toBe(false);
    expect(breakerDecision(MODEL, open, now + 10 * MINUTE - 1)).toMatchObject({ state: 'open' });
    expect(breakerDecision(MODEL, open, now + 10 * MINUTE)).toEqual({ state: 'half_open' });
    const probing = { ...open, probeUntil: now + 12 * MINUTE };
    expect(breakerDecision(MODEL, probing, now + 11 * MINUTE)).toMatchObject({ state: 'open', reason: expect.stringContaining('another run is probing') });
    expect(breakerDecision(MODEL, probing, now + 12 * MINUTE)).toEqual({ state: 'half_open' });
    expect(breakerDecision(MODEL, CLOSED_BREAKER, now)).toEqual({ state: 'closed' });
  });

  it('leases the probe for the run, at least a minute', () => {
    const now = Date.parse(START);
    expect(probeLeaseUntil(now, now + 5 * MINUTE, DEFAULT_BREAKER_POLICY)).toBe(now + 5 * MINUTE);
    expect(probeLeaseUntil(now, now + 1000, DEFAULT_BREAKER_POLICY)).toBe(now + MINUTE);
  });
});

describe('spend cap decisions (pure)', () => {
  it('uses UTC calendar months, December rolling into January', () => {
    expect(spendMonth(new Date('2026-11-30T23:59:59.999Z'))).toBe('2026-11');
    expect(spendMonth(new Date('2026-12-01T00:00:00.000Z'))).toBe('2026-12');
    // 23:30 on Nov 30 in New York is already December in UTC.
    expect(spendMonth(new Date('2026-11-30T23:30:00-05:00'))).toBe('2026-12');
    expect(nextMonthStart(new Date('2026-12-15T08:00:00Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('is reached at the budget, not before, and says when calls resume', () => {
    const at = new Date(START);
    expect(budgetDecision(9_999_999, 10, at)).toEqual({ reached: false });
    const reached = budgetDecision(10_000_000, 10, at);
    expect(reached).toEqual({
      reached: true,
      reason:
        'the monthly model budget is reached: $10.00 of $10.00 estimated for 2026-11 (UTC); model calls resume on 2026-12-01 or when the budget is raised',
    });
  });
});

describe('GuardedJudge: circuit breaker', () => {
  it('opens after three throttled runs in a row, judges the next run by the rules with the reason, and closes after the cool-down', async () => {
    // Prepare
    const clock = new MovableClock(Date.parse(START));
    const model = new ScriptedModelJudge(['throttled', 'throttled', 'throttled', 'answer', 'answer']);
    const { run, store } = guarded(model, { clock });

    // Act: three throttled runs, a minute apart
    const failed: JudgeRunResult[] = [];
    for (let i = 0; i < 3; i += 1) {
      failed.push(await run());
      clock.advance(MINUTE);
    }
    const duringOutage = await run();

    // Assess: the throttled runs are error runs; the third says it opened the breaker
    expect(failed.map((result) => result.status)).toEqual(['error', 'error', 'error']);
    expect(failed[0]?.error).toBe(THROTTLED);
    const openedAt = Date.parse('2026-11-21T10:02:00.000Z');
    const openUntil = new Date(openedAt + 10 * MINUTE).toISOString();
    expect(failed[2]?.error).toBe(
      `${THROTTLED} This was run 3 in a row without an answer from Bedrock: the circuit breaker for ${MODEL} is open until ${openUntil}, and runs are judged by the rules alone until then.`,
    );
    expect(await store.breaker(MODEL)).toMatchObject({ consecutiveFailures: 3, openedAt, openUntil: openedAt + 10 * MINUTE });

    // The next run: rules only, the model not called, the reason on the run and in its summary
    expect(model.calls).toBe(3);
    const reason = `circuit breaker open for ${MODEL} since 2026-11-21T10:02:00.000Z: 3 runs in a row got no answer from Bedrock (last: ${THROTTLED}); the model is tried again after ${openUntil}`;
    expect(duringOutage.status).toBe('warn');
    expect(duringOutage.error).toBeNull();
    expect(duringOutage.judge).toEqual({
      kind: 'rules',
      modelId: null,
      inputTokens: 0,
      outputTokens: 0,
      latencyMs: 0,
      estimatedCostUsd: 0,
      skipped: null,
      fallback: { code: 'circuit_open', reason },
    });
    expect(duringOutage.summary).toBe(`Rules only, the model was not consulted (${reason}): breached: ERRORS /ERROR/: 1 matching line (warn).`);
    expect(duringOutage.findings).toHaveLength(1);

    // Act: still open one millisecond before the cool-down ends; then the probe
    clock.set(new Date(openedAt + 10 * MINUTE - 1).toISOString());
    expect((await run()).judge.fallback?.code).toBe('circuit_open');
    clock.set(openUntil);
    const probe = await run();
    clock.advance(MINUTE);
    const after = await run();

    // Assess: the probe called the model and closed the breaker; the run after it calls the model too
    expect(probe.judge).toMatchObject({ kind: 'bedrock', modelId: MODEL });
    expect(probe.judge.fallback).toBeUndefined();
    expect(probe.status).toBe('warn');
    expect(probe.summary).toContain('All quiet.');
    expect(await store.breaker(MODEL)).toMatchObject({ consecutiveFailures: 0, openUntil: null, probeUntil: null });
    expect(after.judge.kind).toBe('bedrock');
    expect(model.calls).toBe(5);
  });

  it('keeps the other runs on the rules while a probe runs, and reopens for another cool-down when the probe fails', async () => {
    const clock = new MovableClock(Date.parse(START));
    const model = new ScriptedModelJudge(['throttled', 'throttled', 'throttled', 'throttled']);
    const { run, store } = guarded(model, { clock });
    for (let i = 0; i < 3; i += 1) await run();
    const opened = await store.breaker(MODEL);
    clock.advance(10 * MINUTE);

    // Another runner holds the probe: this run keeps to the rules.
    const at = clock.now().getTime();
    expect(await store.claimProbe(MODEL, opened.openedAt ?? 0, at, at + 2 * MINUTE)).toBe(true);
    const waiting = await run();
    expect(waiting.judge.fallback).toEqual({
      code: 'circuit_open',
      reason: `circuit breaker half-open for ${MODEL}: another run is probing Bedrock after 3 runs in a row got no answer; the rules decide until it does`,
    });
    expect(model.calls).toBe(3);

    // The probe's lease ends without an answer (the runner died); this run probes, is throttled, and reopens it.
    clock.advance(2 * MINUTE);
    const failedProbe = await run();
    expect(model.calls).toBe(4);
    expect(failedProbe.status).toBe('error');
    expect(failedProbe.error).toContain('This was run 4 in a row without an answer from Bedrock');
    const reopened = await store.breaker(MODEL);
    expect(reopened).toMatchObject({ consecutiveFailures: 4, openedAt: clock.now().getTime(), openUntil: clock.now().getTime() + 10 * MINUTE, probeUntil: null });
    expect((await run()).judge.fallback?.code).toBe('circuit_open');
    expect(model.calls).toBe(4);
  });

  it('counts only runs in a row without an answer: an answer or a refusal resets the count', async () => {
    const clock = new MovableClock(Date.parse(START));
    const model = new ScriptedModelJudge(['throttled', 'throttled', 'answer', 'throttled', 'throttled', 'denied', 'throttled', 'throttled']);
    const { run, store } = guarded(model, { clock });
    for (let i = 0; i < 8; i += 1) await run();

    expect(model.calls).toBe(8);
    expect(await store.breaker(MODEL)).toMatchObject({ consecutiveFailures: 2, openUntil: null });
    expect((await run()).judge.kind).toBe('bedrock');
  });

  it('fingerprints a fallback verdict as the rules, so the first model run after it is not skipped as unchanged', async () => {
    const clock = new MovableClock(Date.parse(START));
    const model = new ScriptedModelJudge(['answer']);
    const store = new InMemoryModelGuardStore();
    store.breakers.set(MODEL, { consecutiveFailures: 3, openedAt: clock.now().getTime(), openUntil: clock.now().getTime() + MINUTE, probeUntil: null, lastFailure: THROTTLED });
    const judge = new GuardedJudge(model, { store, clock, monthlyBudgetUsd: null });
    const metrics = { record: () => undefined };
    const request = runRequest(clock);

    const fallback = await judgeRun(request, { judge, metrics });
    clock.advance(MINUTE);
    const previousRun: PreviousVerdict = { payloadHash: fallback.payloadHash, status: fallback.status, summary: fallback.summary, findings: fallback.findings };
    const next = await judgeRun({ ...request, previousRun }, { judge, metrics });

    expect(fallback.judge.kind).toBe('rules');
    expect(next.judge).toMatchObject({ kind: 'bedrock', skipped: null });
    expect(model.calls).toBe(1);
    // An unchanged payload after a model verdict is still skipped.
    const again = await judgeRun(
      { ...request, previousRun: { payloadHash: next.payloadHash, status: next.status, summary: next.summary, findings: next.findings } },
      { judge, metrics },
    );
    expect(again.judge.skipped).toBe('unchanged');
    expect(model.calls).toBe(1);
  });
});

describe('GuardedJudge: monthly model budget', () => {
  it('adds each call to the UTC month, judges by the rules once the budget is reached, and calls the model again next month', async () => {
    // Prepare: Haiku 4.5 (global) at $1/$5 per million: 3,000 in + 300 out = $0.0045 a call; budget $0.01
    const clock = new MovableClock(Date.parse('2026-11-30T23:00:00.000Z'));
    const model = new ScriptedModelJudge([]);
    const { run, store, metrics } = guarded(model, { clock, monthlyBudgetUsd: 0.01 });

    // Act
    const calls = [await run(), await run(), await run()];
    const overBudget = await run();
    clock.set('2026-11-30T23:59:59.999Z');
    const lastMillisecond = await run();
    clock.set('2026-12-01T00:00:00.000Z');
    const nextMonth = await run();

    // Assess
    expect(calls.map((result) => [result.judge.kind, result.judge.estimatedCostUsd])).toEqual([
      ['bedrock', 0.0045],
      ['bedrock', 0.0045],
      ['bedrock', 0.0045],
    ]);
    const reason =
      'the monthly model budget is reached: $0.0135 of $0.0100 estimated for 2026-11 (UTC); model calls resume on 2026-12-01 or when the budget is raised';
    expect(overBudget.judge).toMatchObject({ kind: 'rules', modelId: null, estimatedCostUsd: 0, fallback: { code: 'budget_reached', reason } });
    expect(overBudget.summary).toBe(`Rules only, the model was not consulted (${reason}): breached: ERRORS /ERROR/: 1 matching line (warn).`);
    expect(lastMillisecond.judge.fallback?.code).toBe('budget_reached');
    expect(nextMonth.judge).toMatchObject({ kind: 'bedrock', estimatedCostUsd: 0.0045 });
    expect(nextMonth.judge.fallback).toBeUndefined();
    expect(model.calls).toBe(4);
    expect(Object.fromEntries(store.spends)).toEqual({ '2026-11': 13_500, '2026-12': 4_500 });
    expect(metrics.map((record) => record.kind)).toEqual(['bedrock', 'bedrock', 'bedrock', 'rules', 'rules', 'bedrock']);
  });

  it('prices the spend with the overrides, and tracks spend without a budget', async () => {
    const clock = new MovableClock(Date.parse(START));
    const model = new ScriptedModelJudge([]);
    const prices = { 'anthropic.claude-haiku-4-5': { input: 10, output: 50 } };
    const { run, store } = guarded(model, { clock, prices });

    await run();
    await run();

    expect(store.spends.get('2026-11')).toBe(2 * 45_000);
  });
});
