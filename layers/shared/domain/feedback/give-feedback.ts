import { FINAL_STATUSES, type FinalRunStatus, type MonitorRun, type Page, type PageRequest } from '../model/entities.ts';
import { ConflictError, FieldNotAllowedError, NotFoundError } from '../model/errors.ts';
import type { Clock, IdGenerator } from '../model/ports.ts';
import type { MonitorRepository } from '../monitors/ports.ts';
import { getMonitor } from '../monitors/manage-monitors.ts';
import type { RunRepository } from '../runs/ports.ts';
import { anomalyIdsOf, evidenceTemplates } from './expected.ts';
import type { AnomalyFeedbackSender, FeedbackRepository } from './ports.ts';
import { MAX_FEEDBACK_PER_RUN as MAX_PER_RUN, type AnomalyFeedbackOutcome, type AnomalyFeedbackValue, type Feedback, type FeedbackRuleBreach, type FeedbackVerdict } from './types.ts';

export interface FeedbackInput {
  verdict: FeedbackVerdict;
  findingIndex?: number;
  note?: string;
}

export interface FeedbackDeps {
  monitors: MonitorRepository;
  runs: Pick<RunRepository, 'get'>;
  feedback: FeedbackRepository;
  clock: Clock;
  ids: IdGenerator;
  /** Present only when the stack lets the API call `ce:ProvideAnomalyFeedback`. */
  anomalyFeedback?: AnomalyFeedbackSender;
}

const ANOMALY_VALUE: Partial<Record<FeedbackVerdict, AnomalyFeedbackValue>> = { correct: 'YES', false_positive: 'NO' };

const isFinal = (status: string): status is FinalRunStatus => (FINAL_STATUSES as readonly string[]).includes(status);

/** Tells Cost Anomaly Detection about each anomaly; a failure is recorded, never thrown. */
async function sendAnomalyFeedback(ids: readonly string[], value: AnomalyFeedbackValue | undefined, sender: AnomalyFeedbackSender | undefined) {
  if (value === undefined) return [];
  const outcomes: AnomalyFeedbackOutcome[] = [];
  for (const anomalyId of ids) {
    if (sender === undefined) {
      outcomes.push({ anomalyId, value, status: 'skipped', reason: 'the stack does not allow ce:ProvideAnomalyFeedback (anomalyFeedback is off)' });
      continue;
    }
    try {
      await sender.provide(anomalyId, value);
      outcomes.push({ anomalyId, value, status: 'sent', reason: null });
    } catch (error) {
      outcomes.push({ anomalyId, value, status: 'failed', reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcomes;
}

function breachesOf(run: MonitorRun, labels: ReadonlySet<string | null>): FeedbackRuleBreach[] {
  const anyLabel = labels.size === 0 || labels.has(null);
  return run.rules
    .filter((rule) => rule.breached && (anyLabel || labels.has(rule.label)))
    .map((rule) => ({
      label: rule.label,
      pattern: rule.pattern,
      severity: rule.severity,
      threshold: rule.threshold ?? null,
      count: rule.count,
    }));
}

/**
 * Records an operator's feedback on a finished run: on the run and in the monitor's history. A
 * `false_positive` makes the templates of the findings' evidence expected; feedback on a finding
 * that quotes a Cost Anomaly Detection anomaly is passed on to it when the stack allows.
 */
export async function giveFeedback(monitorId: string, runId: string, input: FeedbackInput, deps: FeedbackDeps): Promise<Feedback> {
  await getMonitor(monitorId, deps);
  const run = await deps.runs.get(monitorId, runId);
  if (!run) throw new NotFoundError(`run ${runId} of monitor ${monitorId} not found`);
  if (!isFinal(run.status)) throw new ConflictError(`run ${runId} is still ${run.status}: feedback is taken on finished runs`);
  if (input.verdict === 'missed' && input.findingIndex !== undefined) {
    throw new FieldNotAllowedError('feedback.findingIndex', 'a missed feedback is about what the run did not find: it names no finding');
  }
  if (input.verdict === 'missed' && (input.note === undefined || input.note.trim() === '')) {
    throw new FieldNotAllowedError('feedback.note', 'a missed feedback needs a note saying what was missed');
  }
  if (input.findingIndex !== undefined && input.findingIndex >= run.findings.length) {
    throw new FieldNotAllowedError(
      'feedback.findingIndex',
      run.findings.length === 0 ? 'the run has no findings' : `the run has ${run.findings.length} findings (indexes 0–${run.findings.length - 1})`,
    );
  }
  if ((run.feedback?.length ?? 0) >= MAX_PER_RUN) throw new ConflictError(`run ${runId} already holds ${MAX_PER_RUN} feedback items`);

  const findings = input.verdict === 'missed' ? [] : input.findingIndex === undefined ? run.findings : [run.findings[input.findingIndex]!];
  const now = deps.clock.now();
  const feedback: Feedback = {
    id: deps.ids.next(now),
    monitorId,
    runId,
    verdict: input.verdict,
    findingIndex: input.findingIndex ?? null,
    note: input.note === undefined || input.note.trim() === '' ? null : input.note,
    createdAt: now.toISOString(),
    runAt: run.scheduledFor ?? run.startedAt ?? run.createdAt,
    runStatus: run.status,
    findingTitles: findings.map((finding) => finding.title),
    expectedTemplates: input.verdict === 'false_positive' ? evidenceTemplates(run, findings) : [],
    ruleBreaches: input.verdict === 'missed' ? [] : breachesOf(run, new Set(input.findingIndex === undefined ? [] : findings.map((f) => f.label))),
    anomalyFeedback: await sendAnomalyFeedback(anomalyIdsOf(findings), ANOMALY_VALUE[input.verdict], deps.anomalyFeedback),
  };
  await deps.feedback.add(feedback);
  return feedback;
}

export async function listFeedback(monitorId: string, page: PageRequest, deps: Pick<FeedbackDeps, 'monitors' | 'feedback'>): Promise<Page<Feedback>> {
  await getMonitor(monitorId, deps);
  return deps.feedback.list(monitorId, page);
}
