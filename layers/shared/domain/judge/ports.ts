/**
 * The judge's ports: what `judgeRun` needs from a model (Bedrock, or the rules alone) and from
 * a metrics sink. Adapters live in `#adapters/*`; tests hand in fakes.
 */
import type { Finding, FinalRunStatus, JudgeFallback, JudgeKind, JudgeUsage, RuleResult } from '#domain/model/entities.ts';
import type { BreakerState } from './breaker.ts';

/** The verdict a judge can reach; `error` is not a verdict but a failed judgement. */
export type VerdictStatus = Exclude<FinalRunStatus, 'error'>;

export interface Verdict {
  status: VerdictStatus;
  summary: string;
  findings: Finding[];
}

/** What the judge is asked to decide for one run. */
export interface JudgeRequest {
  monitorName: string;
  /** The operator's instruction (the monitor's prompt): trusted. */
  prompt: string;
  /** The labeled payload (`[LABEL]` blocks), already redacted and cut to the token budget: untrusted. */
  payload: string;
  /** The monitor's labels in order; only these are read as `[LABEL]` headers in the payload. */
  labels: string[];
  /** Computed in code before the call; the model is told they are facts. */
  ruleResults: RuleResult[];
  /** A Bedrock model id or inference profile id (or ARN). */
  modelId: string;
  /** The previous verdict and the operator's feedback, told to the model outside the data. */
  context?: JudgeContext;
}

/** The previous finished run as the prompt shows it. */
export interface PreviousRunContext {
  status: FinalRunStatus;
  summary: string | null;
  findingTitles: string[];
  finishedAt: string | null;
}

/** What the model is told besides the data: its previous verdict and the operator's feedback. */
export interface JudgeContext {
  previous: PreviousRunContext | null;
  /** Guidance lines from the monitor's newest feedback, newest first (feedback/guidance.ts). */
  guidance: readonly string[];
}

export interface JudgeBudget {
  /** Epoch milliseconds after which no model call may still be running. */
  deadline: number;
}

export interface JudgeCallUsage {
  kind: JudgeKind;
  /** The model asked; null when no model was consulted. */
  modelId: string | null;
  /** Summed over every answered call of this judgement (a repair turn is billed too). */
  inputTokens: number;
  outputTokens: number;
  /** Wall-clock time of the judgement, retries and back-off included. */
  latencyMs: number;
  /** Converse calls that were answered (1, or 2 with a repair turn; 0 when none was). */
  modelCalls: number;
  /** Why the rules judged a run meant for the model (circuit breaker, budget). */
  fallback?: JudgeFallback;
}

/** What a judge decided: a verdict, or an error with the reason (and the raw reply, if any). */
export interface JudgeOutcome {
  verdict: Verdict | null;
  usage: JudgeCallUsage;
  /** Why there is no verdict (Bedrock refused, the reply stayed invalid, the deadline passed). */
  error: string | null;
  /** The model's reply as received, kept when it could not be validated. */
  rawReply: string | null;
  /** Evidence lines the model quoted that are not in the payload: removed from the findings. */
  droppedEvidence: number;
  /**
   * The model service gave no answer (throttled, 5xx, timed out, unreachable) rather than
   * refusing the request or answering badly: what the circuit breaker counts.
   */
  unavailable?: boolean;
}

/** Decides a run's verdict from its payload and rule results. */
export interface Judge {
  readonly kind: JudgeKind;
  /**
   * Never throws for a model-side failure (throttled past the deadline, access denied, invalid
   * reply): that is an outcome with `error` set, so one bad run does not fail the schedule.
   */
  judge(request: JudgeRequest, budget: JudgeBudget): Promise<JudgeOutcome>;
}

/** One judged run as the metrics see it. */
export type JudgeMetricsRecord = JudgeUsage & {
  modelCalls: number;
  /** The judge gave no verdict (the run is an `error` run). */
  failed: boolean;
};

/** Where the judge's usage goes as metrics (Powertools Metrics in Lambda). */
export interface JudgeMetrics {
  record(usage: JudgeMetricsRecord): void;
}

/** The newest finished run of the monitor, as far as the skip rules need it. */
export interface PreviousVerdict {
  payloadHash: string | null;
  status: FinalRunStatus;
  summary: string | null;
  findings: Finding[];
  finishedAt?: string | null;
}

/**
 * Where the circuit breaker and the month's model spend are kept, shared by every runner. Each
 * method is one atomic step; the decisions are the pure functions of breaker.ts and spend-cap.ts.
 */
export interface ModelGuardStore {
  /** The breaker of `modelId` (closed when never written). */
  breaker(modelId: string): Promise<BreakerState>;
  /** Counts one more run in a row without an answer; the state after the count. */
  addFailure(modelId: string, reason: string, at: number): Promise<BreakerState>;
  /** Opens the breaker until `until`, unless another runner opened it first (then false). */
  open(modelId: string, at: number, until: number): Promise<boolean>;
  /** Claims the half-open probe until `until`, unless another run holds it or the breaker moved on (then false). */
  claimProbe(modelId: string, openedAt: number, at: number, until: number): Promise<boolean>;
  /** Back to closed: the model answered. */
  close(modelId: string): Promise<void>;
  /** The estimated spend of `month` (`YYYY-MM`), micro-USD. */
  spend(month: string): Promise<number>;
  /** Adds `microUsd` to `month`'s spend atomically; the new total. */
  addSpend(month: string, microUsd: number): Promise<number>;
}
