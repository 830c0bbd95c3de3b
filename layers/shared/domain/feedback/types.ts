/**
 * Operator feedback on a run's verdict: what the next runs of the monitor learn from (guidance in
 * the prompt, templates marked expected) and what insights count.
 */
import type { FinalRunStatus, Severity } from '../model/entities.ts';

export type FeedbackVerdict = 'correct' | 'false_positive' | 'missed';
export const FEEDBACK_VERDICTS: readonly FeedbackVerdict[] = ['correct', 'false_positive', 'missed'];

/** A note holds at most this many characters. */
export const MAX_FEEDBACK_NOTE_CHARS = 1000;
/** Feedback items a run keeps on itself (the history keeps every one). */
export const MAX_FEEDBACK_PER_RUN = 20;
/** The newest feedback items the runner reads into the prompt. */
export const GUIDANCE_FEEDBACK = 5;

/** A template a `false_positive` made expected: its label and its text with `<*>` for variables. */
export interface ExpectedTemplate {
  label: string | null;
  template: string;
}

/** A rule breached in the run the feedback is about (for insights' `min_count` suggestion). */
export interface FeedbackRuleBreach {
  label: string;
  pattern: string;
  severity: Severity;
  threshold: number | null;
  count: number;
}

export type AnomalyFeedbackValue = 'YES' | 'NO';

/** What became of telling Cost Anomaly Detection about an anomaly a finding quoted. */
export interface AnomalyFeedbackOutcome {
  anomalyId: string;
  value: AnomalyFeedbackValue;
  /** `skipped`: the stack does not allow the API to send it (`anomalyFeedback` off). */
  status: 'sent' | 'failed' | 'skipped';
  reason: string | null;
}

export interface Feedback {
  id: string;
  monitorId: string;
  runId: string;
  verdict: FeedbackVerdict;
  /** The finding the feedback is about; null: the run's verdict as a whole. */
  findingIndex: number | null;
  note: string | null;
  createdAt: string;
  /** When the run ran (its slot, else its start), for "missed at …" in the guidance. */
  runAt: string;
  runStatus: FinalRunStatus;
  /** Titles of the findings the feedback is about (all of the run's when no index was given). */
  findingTitles: string[];
  /** For `false_positive`: the templates of the findings' evidence, now expected. */
  expectedTemplates: ExpectedTemplate[];
  /** For `false_positive` and `correct`: the run's breached rules on the findings' labels. */
  ruleBreaches: FeedbackRuleBreach[];
  anomalyFeedback: AnomalyFeedbackOutcome[];
}

/** The short form kept on the run itself. */
export type RunFeedback = Pick<Feedback, 'id' | 'verdict' | 'findingIndex' | 'note' | 'createdAt'>;

export function runFeedbackOf(feedback: Feedback): RunFeedback {
  const { id, verdict, findingIndex, note, createdAt } = feedback;
  return { id, verdict, findingIndex, note, createdAt };
}
