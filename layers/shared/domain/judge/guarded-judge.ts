/**
 * A {@link Judge} decorator that keeps the model out when it cannot or should not be called:
 * while the model's circuit breaker is open (Bedrock gave no answer to several runs in a row) or
 * once the month's estimated model spend has reached the budget, the run is judged by the rules
 * alone and says why (`judge.fallback`, and the summary). Otherwise it calls the wrapped judge
 * and records what happened: the call's estimated cost added to the month, and an answer or a
 * service-side failure on the breaker.
 */
import type { JudgeFallback, JudgeKind } from '#domain/model/entities.ts';
import type { Clock } from '#domain/model/ports.ts';
import {
  breakerDecision,
  type BreakerPolicy,
  type BreakerState,
  DEFAULT_BREAKER_POLICY,
  needsClosing,
  probeBusyReason,
  probeLeaseUntil,
  shouldOpen,
} from './breaker.ts';
import { estimateCostUsd, type PriceTable } from './prices.ts';
import type { Judge, JudgeBudget, JudgeOutcome, JudgeRequest, ModelGuardStore } from './ports.ts';
import { RulesOnlyJudge } from './rules-only-judge.ts';
import { budgetDecision, spendMonth, toMicroUsd } from './spend-cap.ts';

export interface GuardedJudgeOptions {
  store: ModelGuardStore;
  clock: Clock;
  /** Estimated model spend allowed per UTC calendar month, USD; null for no cap. */
  monthlyBudgetUsd: number | null;
  /** Price overrides for the spend estimate, as for the runs' `estimated_cost_usd`. */
  prices?: PriceTable;
  policy?: Partial<BreakerPolicy>;
}

export class GuardedJudge implements Judge {
  readonly kind: JudgeKind;
  private readonly policy: BreakerPolicy;

  constructor(
    private readonly inner: Judge,
    private readonly options: GuardedJudgeOptions,
  ) {
    this.kind = inner.kind;
    this.policy = { ...DEFAULT_BREAKER_POLICY, ...options.policy };
  }

  async judge(request: JudgeRequest, budget: JudgeBudget): Promise<JudgeOutcome> {
    const { store, clock, monthlyBudgetUsd } = this.options;
    const now = clock.now();
    if (monthlyBudgetUsd !== null) {
      const decision = budgetDecision(await store.spend(spendMonth(now)), monthlyBudgetUsd, now);
      if (decision.reached) return this.fallback(request, { code: 'budget_reached', reason: decision.reason });
    }

    const state = await store.breaker(request.modelId);
    const decision = breakerDecision(request.modelId, state, now.getTime());
    if (decision.state === 'open') return this.fallback(request, { code: 'circuit_open', reason: decision.reason });
    if (decision.state === 'half_open') {
      const lease = probeLeaseUntil(now.getTime(), budget.deadline, this.policy);
      const claimed = await store.claimProbe(request.modelId, state.openedAt ?? 0, now.getTime(), lease);
      if (!claimed) return this.fallback(request, { code: 'circuit_open', reason: probeBusyReason(request.modelId, state) });
    }

    const outcome = await this.inner.judge(request, budget);
    await this.addSpend(outcome);
    return this.recordOnBreaker(request.modelId, state, outcome);
  }

  private async fallback(request: JudgeRequest, fallback: JudgeFallback): Promise<JudgeOutcome> {
    const outcome = await new RulesOnlyJudge(fallback.reason).judge(request);
    return { ...outcome, usage: { ...outcome.usage, fallback } };
  }

  /** Adds the call's estimated cost to the month it ended in (unpriced models add nothing). */
  private async addSpend(outcome: JudgeOutcome): Promise<void> {
    const { modelId, inputTokens, outputTokens } = outcome.usage;
    if (modelId === null || inputTokens + outputTokens === 0) return;
    const microUsd = toMicroUsd(estimateCostUsd(modelId, inputTokens, outputTokens, this.options.prices).usd);
    if (microUsd > 0) await this.options.store.addSpend(spendMonth(this.options.clock.now()), microUsd);
  }

  /**
   * A service-side failure counts towards opening the breaker (and a failed probe reopens it);
   * any answer, valid or not, closes it. The run that opens it says so in its error.
   */
  private async recordOnBreaker(modelId: string, before: BreakerState, outcome: JudgeOutcome): Promise<JudgeOutcome> {
    const { store, clock } = this.options;
    if (outcome.unavailable !== true) {
      if (needsClosing(before)) await store.close(modelId);
      return outcome;
    }
    const at = clock.now().getTime();
    const after = await store.addFailure(modelId, outcome.error ?? 'no answer from Bedrock', at);
    if (!shouldOpen(after, at, this.policy)) return outcome;
    const until = at + this.policy.coolDownMs;
    if (!(await store.open(modelId, at, until))) return outcome;
    const note = `This was run ${after.consecutiveFailures} in a row without an answer from Bedrock: the circuit breaker for ${modelId} is open until ${new Date(until).toISOString()}, and runs are judged by the rules alone until then.`;
    return { ...outcome, error: outcome.error === null ? note : `${outcome.error} ${note}` };
  }
}
