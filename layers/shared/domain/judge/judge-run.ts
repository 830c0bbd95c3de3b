/**
 * The judge side of a run, from "payload collected" to "verdict and usage decided":
 * redact → rules → skip decision → token budget → judge (Bedrock or rules only) → merge.
 */
import type { FinalRunStatus, Finding, InputStats, JudgeSkip, JudgeUsage, MetricRule, MonitorRule, RuleResult } from '#domain/model/entities.ts';
import { evaluateMetricRules } from '../numbers/metric-rules.ts';
import type { MetricSeries } from '../numbers/metric-series.ts';
import { estimateCostUsd, type PriceTable } from './prices.ts';
import { estimateTokens, fitToTokenBudget, linesByLabel, parsePayload } from './payload.ts';
import type { Judge, JudgeCallUsage, JudgeContext, JudgeMetrics, PreviousVerdict, VerdictStatus } from './ports.ts';
import { capExpectedAlert } from '../feedback/expected.ts';
import type { ExpectedTemplate } from '../feedback/types.ts';
import { buildUserMessage, JUDGE_SYSTEM_PROMPT } from './prompt.ts';
import { countRedactionMarks, redactSecrets } from './redact.ts';
import { describeRuleResult, evaluateRules, linesOfLabel, maxStatus, statusFloor } from './rules.ts';
import { decideJudgeSkip, judgeFingerprint } from './skip.ts';
import { VERDICT_JSON_SCHEMA } from './verdict.ts';

export interface JudgeRunRequest {
  monitorName: string;
  /** The monitor's prompt: the operator's instruction. */
  prompt: string;
  rules: readonly MonitorRule[];
  /** Rules over the series of `metrics` inputs, evaluated after the line rules. */
  metricRules?: readonly MetricRule[];
  /** Each `metrics` label's series (absent labels have none). */
  seriesByLabel?: ReadonlyMap<string, readonly MetricSeries[]>;
  /**
   * Results of rules computed from numbers (cost snapshots, metric series) before the judge: they
   * follow the line rules in `rules`, set the same status floor and are shown to the model.
   */
  numberRuleResults?: readonly RuleResult[];
  /** The model to ask: the monitor's, else the stack's default. */
  modelId: string;
  /** The collectors' labeled payload (`[LABEL]` blocks), not yet redacted. */
  payload: string;
  /** Per-label collection stats, in the monitor's input order; their keys are the labels. */
  inputs: Readonly<Record<string, InputStats>>;
  /**
   * Each label's window lines, for the rules (stand-in bodies such as "(no lines)" excluded). When
   * absent, the lines are read back from the redacted payload.
   */
  linesByLabel?: ReadonlyMap<string, readonly string[]>;
  /**
   * The status of a run in which every input was read and none had a line (the monitor's
   * `no_data_status`). Not applied when an input failed: its error is what the run reports.
   * @default 'ok'
   */
  noDataStatus?: VerdictStatus;
  /** The monitor's newest finished run, for the `unchanged` skip. */
  previousRun: PreviousVerdict | null;
  /**
   * `judge_when: "unusual"` and a window its baseline calls usual: unless a rule is breached, the
   * run is `ok` without a model call (`usual`).
   */
  skipWhenUsual?: boolean;
  /** Guidance lines from the monitor's newest operator feedback, newest first. */
  guidance?: readonly string[];
  /** Templates operators called a false positive: alone, they do not make an `alert`. */
  expected?: readonly ExpectedTemplate[];
  /** Input tokens the model may be sent (system prompt and instruction included). */
  maxInputTokens: number;
  /** Epoch milliseconds by which the judge must have answered. */
  deadline: number;
}

export interface JudgeRunDeps {
  judge: Judge;
  metrics: JudgeMetrics;
  /** Price overrides (e.g. parsed from `MODEL_PRICES_JSON`); the built-in table otherwise. */
  prices?: PriceTable;
}

/** The fields of the run the judge decides. */
export interface JudgeRunResult {
  status: FinalRunStatus;
  summary: string;
  findings: Finding[];
  rules: RuleResult[];
  judge: JudgeUsage;
  /** Secrets redacted from the payload. */
  redactions: number;
  payloadHash: string;
  rawReply: string | null;
  error: string | null;
  /** Evidence lines the model quoted that were not in the payload, removed. */
  droppedEvidence: number;
  /** False when the model has no known price: `judge.estimatedCostUsd` is 0 for want of one. */
  priceKnown: boolean;
  /** Payload lines cut to fit the model's input budget. */
  cutLines: number;
  /**
   * The labeled payload the judge read, after redaction (and, for a model, after the cut to its
   * input budget): exactly what was sent, unless `judge.skipped` says nothing was.
   */
  payload: string;
}

/** Tokens the fixed parts of the request take: system prompt, tool schema, instruction and rule facts. */
function requestOverheadTokens(request: JudgeRunRequest, labels: string[], ruleResults: RuleResult[], context: JudgeContext): number {
  const message = buildUserMessage({ monitorName: request.monitorName, prompt: request.prompt, labels, ruleResults, payload: '', context });
  return estimateTokens(JUDGE_SYSTEM_PROMPT) + estimateTokens(JSON.stringify(VERDICT_JSON_SCHEMA)) + estimateTokens(message);
}

const USUAL_SUMMARY =
  'Every template was known and within its usual range, none usually present was missing, and no rule was breached; the model was not called (judge_when: unusual).';

function noNewDataSummary(inputs: Readonly<Record<string, InputStats>>): string {
  const failed = Object.entries(inputs)
    .filter(([, stats]) => stats.error !== null)
    .map(([label, stats]) => `${label} (${stats.error})`);
  const base = 'No new lines in any input since the last run; the model was not called.';
  return failed.length === 0 ? base : `${base} Inputs that could not be read: ${failed.join('; ')}.`;
}

/** True when every input was read (none failed) and none had a line: the sources were silent. */
function everyInputSilent(inputs: Readonly<Record<string, InputStats>>, lines: ReadonlyMap<string, readonly string[]>): boolean {
  return Object.entries(inputs).every(([label, stats]) => stats.error === null && linesOfLabel(lines, label).length === 0);
}

/** The previous verdict and the operator's guidance, as the prompt shows them. */
function judgeContext(request: JudgeRunRequest): JudgeContext {
  const previous = request.previousRun;
  return {
    previous:
      previous === null
        ? null
        : {
            status: previous.status,
            summary: previous.summary,
            findingTitles: previous.findings.map((finding) => finding.title),
            finishedAt: previous.finishedAt ?? null,
          },
    guidance: request.guidance ?? [],
  };
}

/**
 * What the fingerprint knows of the instruction: the prompt and the operator's guidance, so new
 * feedback makes the next run ask the model again rather than skip as `unchanged`.
 */
function instructionOf(request: JudgeRunRequest): string {
  const guidance = request.guidance ?? [];
  return guidance.length === 0 ? request.prompt : `${request.prompt}\n\n${guidance.join('\n')}`;
}

/** The verdict status raised to the rules' floor, and a sentence naming the rules that raised it. */
function applyFloor(status: VerdictStatus, ruleResults: RuleResult[]): { status: VerdictStatus; note: string | null } {
  const floor = statusFloor(ruleResults);
  const merged = maxStatus(status, floor);
  if (merged === status) return { status, note: null };
  const raising = ruleResults.filter((result) => result.breached && result.severity === floor).map(describeRuleResult);
  return { status: merged, note: `Status raised to ${floor} by rule: ${raising.join('; ')}.` };
}

function usageOf(call: JudgeCallUsage, costUsd: number, skipped: JudgeSkip | null): JudgeUsage {
  const { kind, modelId, inputTokens, outputTokens, latencyMs } = call;
  return {
    kind,
    modelId,
    inputTokens,
    outputTokens,
    latencyMs,
    estimatedCostUsd: costUsd,
    skipped,
    ...(call.fallback && { fallback: call.fallback }),
  };
}

/**
 * Judges one run: redacts the payload, counts the rules, skips the model when there is no new
 * data or the question is unchanged, cuts the payload to the token budget, asks the judge and
 * merges its verdict with the rules' floor (`max(model, floor)`). A judge without a verdict makes
 * an `error` run that keeps the reason and the raw reply. Records the usage as metrics.
 */
export async function judgeRun(request: JudgeRunRequest, deps: JudgeRunDeps): Promise<JudgeRunResult> {
  const { judge, metrics } = deps;
  const labels = Object.keys(request.inputs);
  const redacted = redactSecrets(request.payload);

  const lines = new Map(request.linesByLabel ?? linesByLabel(parsePayload(redacted.text, labels)));
  const unread = new Set(Object.entries(request.inputs).flatMap(([label, stats]) => (stats.error === null ? [] : [label])));
  for (const label of unread) lines.set(label, []);
  const ruleResults = [
    ...evaluateRules(request.rules, lines, unread),
    ...evaluateMetricRules(request.metricRules ?? [], request.seriesByLabel ?? new Map(), unread),
    ...(request.numberRuleResults ?? []),
  ];

  const modelId = judge.kind === 'bedrock' ? request.modelId : null;
  const payloadHash = judgeFingerprint({
    kind: judge.kind,
    modelId: modelId ?? 'rules',
    prompt: instructionOf(request),
    ruleResults,
    payload: redacted.text,
  });
  const lineCounts = Object.fromEntries(
    Object.entries(request.inputs).map(([label, stats]) => [label, stats.error === null ? stats.lines : 0]),
  );
  const skipped = decideJudgeSkip({
    lineCounts,
    payloadHash,
    previousRun: request.previousRun,
    usual: request.skipWhenUsual === true && !ruleResults.some((result) => result.breached),
  });
  const base = {
    rules: ruleResults,
    // the lines were redacted before rendering too: count every mark the payload holds
    redactions: countRedactionMarks(redacted.text),
    payloadHash,
    droppedEvidence: 0,
    priceKnown: true,
    cutLines: 0,
    payload: redacted.text,
  };

  if (skipped !== null) {
    const usage = usageOf(
      { kind: judge.kind, modelId, inputTokens: 0, outputTokens: 0, latencyMs: 0, modelCalls: 0 },
      0,
      skipped,
    );
    metrics.record({ ...usage, modelCalls: 0, failed: false });
    const previous = request.previousRun;
    if (skipped === 'unchanged' && previous !== null && previous.status !== 'error') {
      const { status, note } = applyFloor(previous.status, ruleResults);
      const summary = [previous.summary, note].filter((part) => part !== null && part !== '').join(' ');
      return { ...base, status, summary, findings: previous.findings, judge: usage, rawReply: null, error: null };
    }
    // Silence is judged by the operator's settings: `no_data_status` and `expect_at_least` rules.
    const silent = everyInputSilent(request.inputs, lines);
    const noData = silent ? (request.noDataStatus ?? 'ok') : 'ok';
    const { status, note } = applyFloor(noData, ruleResults);
    const noDataNote = noData === 'ok' ? null : `Every input was read and none had a line; no_data_status makes this run ${noData}.`;
    return {
      ...base,
      status,
      summary: [skipped === 'usual' ? USUAL_SUMMARY : noNewDataSummary(request.inputs), noDataNote, note]
        .filter((part) => part !== null)
        .join(' '),
      findings: [],
      judge: usage,
      rawReply: null,
      error: null,
    };
  }

  const context = judgeContext(request);
  // The rules-only judge reads the whole window; only a model has an input budget.
  const fitted =
    judge.kind === 'bedrock'
      ? fitToTokenBudget(
          redacted.text,
          Math.max(0, request.maxInputTokens - requestOverheadTokens(request, labels, ruleResults, context)),
          labels,
        )
      : { payload: redacted.text, cutLines: 0 };

  const outcome = await judge.judge(
    { monitorName: request.monitorName, prompt: request.prompt, payload: fitted.payload, labels, ruleResults, modelId: request.modelId, context },
    { deadline: request.deadline },
  );
  const cost =
    outcome.usage.modelId === null
      ? { usd: 0, priced: true }
      : estimateCostUsd(outcome.usage.modelId, outcome.usage.inputTokens, outcome.usage.outputTokens, deps.prices);
  const usage = usageOf(outcome.usage, cost.usd, null);
  metrics.record({ ...usage, modelCalls: outcome.usage.modelCalls, failed: outcome.verdict === null });

  const common = {
    ...base,
    // A fallback to the rules (breaker, budget) is fingerprinted as a rules verdict, so the model's
    // first run after it is not skipped as `unchanged`.
    payloadHash:
      outcome.usage.kind === judge.kind
        ? payloadHash
        : judgeFingerprint({ kind: outcome.usage.kind, modelId: 'rules', prompt: instructionOf(request), ruleResults, payload: redacted.text }),
    judge: usage,
    priceKnown: cost.priced,
    cutLines: fitted.cutLines,
    payload: fitted.payload,
    droppedEvidence: outcome.droppedEvidence,
    rawReply: outcome.rawReply,
  };
  if (outcome.verdict === null) {
    const breached = ruleResults.filter((result) => result.breached).map(describeRuleResult);
    return {
      ...common,
      status: 'error',
      summary:
        breached.length === 0
          ? 'The model gave no verdict (see the error); no rule breached.'
          : `The model gave no verdict (see the error); rules breached: ${breached.join('; ')}.`,
      findings: [],
      error: outcome.error ?? 'the judge gave no verdict',
    };
  }
  const capped = capExpectedAlert(outcome.verdict, ruleResults, request.expected ?? []);
  const verdict = capped === null ? outcome.verdict : { ...outcome.verdict, status: capped.status, findings: capped.findings };
  const { status, note } = applyFloor(verdict.status, ruleResults);
  return {
    ...common,
    status,
    summary: [verdict.summary, capped?.note ?? null, note].filter((part) => part !== null).join(' '),
    findings: verdict.findings,
    error: null,
  };
}
