/** In-memory fakes for the model guard's tests: a store with the DynamoDB adapter's semantics, a clock to move. */
import { CLOSED_BREAKER, type BreakerState } from '#domain/judge/breaker.ts';
import type { Judge, JudgeBudget, JudgeOutcome, JudgeRequest, ModelGuardStore, Verdict } from '#domain/judge/ports.ts';

export class InMemoryModelGuardStore implements ModelGuardStore {
  readonly breakers = new Map<string, BreakerState>();
  readonly spends = new Map<string, number>();

  async breaker(modelId: string): Promise<BreakerState> {
    return { ...(this.breakers.get(modelId) ?? CLOSED_BREAKER) };
  }

  async addFailure(modelId: string, reason: string): Promise<BreakerState> {
    const state = await this.breaker(modelId);
    const next = { ...state, consecutiveFailures: state.consecutiveFailures + 1, lastFailure: reason };
    this.breakers.set(modelId, next);
    return { ...next };
  }

  async open(modelId: string, at: number, until: number): Promise<boolean> {
    const state = await this.breaker(modelId);
    if (state.openUntil !== null && state.openUntil > at) return false;
    this.breakers.set(modelId, { ...state, openedAt: at, openUntil: until, probeUntil: null });
    return true;
  }

  async claimProbe(modelId: string, openedAt: number, at: number, until: number): Promise<boolean> {
    const state = await this.breaker(modelId);
    if (state.openedAt !== openedAt || state.openUntil === null || state.openUntil > at) return false;
    if (state.probeUntil !== null && state.probeUntil > at) return false;
    this.breakers.set(modelId, { ...state, probeUntil: until });
    return true;
  }

  async close(modelId: string): Promise<void> {
    const state = await this.breaker(modelId);
    this.breakers.set(modelId, { ...state, consecutiveFailures: 0, openedAt: null, openUntil: null, probeUntil: null });
  }

  async spend(month: string): Promise<number> {
    return this.spends.get(month) ?? 0;
  }

  async addSpend(month: string, microUsd: number): Promise<number> {
    const total = (this.spends.get(month) ?? 0) + microUsd;
    this.spends.set(month, total);
    return total;
  }
}

export class MovableClock {
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  set(iso: string): void {
    this.at = Date.parse(iso);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

export const OK_VERDICT: Verdict = { status: 'ok', summary: 'All quiet.', findings: [] };

export const THROTTLED =
  'Bedrock call failed (ThrottlingException): Too many requests, please wait before trying again. (gave up after 4 attempts)';

/** A model judge whose next outcomes are scripted: `throttled` (no answer), `answer`, or `denied` (a refusal). */
export class ScriptedModelJudge implements Judge {
  readonly kind = 'bedrock' as const;
  calls = 0;
  constructor(
    public script: Array<'throttled' | 'answer' | 'denied'>,
    private readonly tokens = { input: 3000, output: 300 },
  ) {}

  async judge(request: JudgeRequest, _budget: JudgeBudget): Promise<JudgeOutcome> {
    this.calls += 1;
    const step = this.script.shift() ?? 'answer';
    const answered = step !== 'throttled';
    const usage = {
      kind: 'bedrock' as const,
      modelId: request.modelId,
      inputTokens: step === 'answer' ? this.tokens.input : 0,
      outputTokens: step === 'answer' ? this.tokens.output : 0,
      latencyMs: 100,
      modelCalls: step === 'answer' ? 1 : 0,
    };
    if (step === 'answer') return { verdict: OK_VERDICT, usage, error: null, rawReply: null, droppedEvidence: 0 };
    return {
      verdict: null,
      usage,
      error: answered ? `bedrock:InvokeModel denied for ${request.modelId}` : THROTTLED,
      rawReply: null,
      droppedEvidence: 0,
      ...(answered ? {} : { unavailable: true }),
    };
  }
}
