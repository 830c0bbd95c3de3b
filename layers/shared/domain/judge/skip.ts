/**
 * "No new data, no call": the cases where a run is answered without asking the model.
 */
import { createHash } from 'node:crypto';
import type { JudgeKind, JudgeSkip, RuleResult } from '#domain/model/entities.ts';
import type { PreviousVerdict } from './ports.ts';

/** SHA-256 of `text` (UTF-8) as lowercase hex. */
export function hashPayload(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Everything the model's answer depends on, so a changed instruction, model or rule forces a new verdict. */
export interface JudgeFingerprintInput {
  kind: JudgeKind;
  modelId: string;
  prompt: string;
  ruleResults: readonly RuleResult[];
  /** The redacted payload, before the token budget cut. */
  payload: string;
}

/**
 * The hash stored as the run's `payloadHash`: the payload together with what else the verdict
 * depends on (judge kind, model, instruction, rule results). Two runs with the same hash would
 * get the same question, so the second may reuse the first one's answer.
 */
export function judgeFingerprint(input: JudgeFingerprintInput): string {
  const rules = input.ruleResults.map((rule) => [rule.label, rule.pattern, rule.count, rule.severity, rule.breached, rule.kind, rule.threshold, rule.unread]);
  return hashPayload(JSON.stringify(['vigil-judge-v1', input.kind, input.modelId, input.prompt, rules, input.payload]));
}

export interface SkipDecisionInput {
  /** Lines collected per label for this run (errored inputs count 0). */
  lineCounts: Readonly<Record<string, number>>;
  payloadHash: string;
  previousRun: PreviousVerdict | null;
  /** The window is usual for its baseline and the monitor asks the model only when it is not (no rule breached). */
  usual?: boolean;
}

/**
 * Whether the model can be skipped: `no_new_data` when no input brought a line, `unchanged` when
 * `usual` when the monitor asks the model only for unusual windows and this one is usual,
 * `unchanged` when the previous run asked the very same question (same hash) and got a verdict
 * (an `error` run has none to reuse), else null (ask the model).
 */
export function decideJudgeSkip({ lineCounts, payloadHash, previousRun, usual }: SkipDecisionInput): JudgeSkip | null {
  const total = Object.values(lineCounts).reduce((sum, lines) => sum + Math.max(0, lines), 0);
  if (total === 0) return 'no_new_data';
  if (usual === true) return 'usual';
  if (previousRun !== null && previousRun.status !== 'error' && previousRun.payloadHash === payloadHash) return 'unchanged';
  return null;
}
