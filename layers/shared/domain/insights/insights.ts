/**
 * A monitor's record over a period and what to change, computed in code from its runs, its
 * feedback and its baselines (no model involved): runs by status per day, notifications, the
 * false-positive rate, templates new in the period, tokens and cost, and concrete suggestions.
 */
import type { LabelBaseline } from '../baseline/types.ts';
import type { Feedback } from '../feedback/types.ts';
import { compileRulePattern } from '../judge/rules.ts';
import { DEFAULT_MODEL_PRICES, parseModelId, resolveModelPrice, type ModelPrice, type PriceTable } from '../judge/prices.ts';
import type { FinalRunStatus, Monitor, MonitorRun } from '../model/entities.ts';
import { WILDCARD } from '../shrink/masking.ts';

export const DEFAULT_INSIGHT_DAYS = 30;
export const MAX_INSIGHT_DAYS = 90;
/** Runs read for one answer at most (newest first); beyond, `runs.complete` is false. */
export const MAX_INSIGHT_RUNS = 20_000;

/** Days of `ok` runs without feedback before a longer interval is suggested. */
export const QUIET_DAYS = 30;
/** Model-judged runs needed before a cheaper model is suggested. */
export const STABLE_MIN_RUNS = 20;
/** Share of model-judged runs whose status may differ from the run before and still count as stable. */
export const STABLE_MAX_FLIP_SHARE = 0.1;
/** Remembered runs a template must have been in, every one, before an `expect_at_least` rule is suggested. */
export const ALWAYS_PRESENT_MIN_RUNS = 10;
/** Suggested `expect_at_least` rules at most per answer. */
const MAX_EXPECT_SUGGESTIONS = 5;
/** Templates new in the period listed at most. */
const MAX_NEW_TEMPLATES = 50;
const LONGEST_INTERVAL_SECONDS = 86_400;
const DAY_MS = 86_400_000;

/** A run as insights read it: no payload, no raw reply. */
export type RunRecord = Omit<MonitorRun, 'payload' | 'rawReply'>;

export interface DayCount {
  day: string;
  ok: number;
  warn: number;
  alert: number;
  error: number;
  /** Still queued or running. */
  open: number;
}

export type Suggestion =
  | { kind: 'raise_min_count'; label: string; pattern: string; current: number; suggested: number; message: string }
  | { kind: 'lengthen_interval'; current: number; suggested: number; message: string }
  | { kind: 'cheaper_model'; current: string; suggested: string; currentCostUsd: number; estimatedCostUsd: number; message: string }
  | { kind: 'expect_at_least'; label: string; pattern: string; expectAtLeast: number; template: string; message: string };

export interface Insights {
  monitorId: string;
  days: number;
  from: string;
  to: string;
  runs: {
    total: number;
    byStatus: Record<FinalRunStatus | 'open', number>;
    perDay: DayCount[];
    /** False when the period held more than {@link MAX_INSIGHT_RUNS} runs: the oldest were not read. */
    complete: boolean;
  };
  notifications: { sent: number; suppressed: number; failed: number; outbox: number };
  feedback: { total: number; correct: number; falsePositive: number; missed: number; falsePositiveRate: number | null };
  newTemplates: Array<{ label: string; template: string; firstSeen: string }>;
  model: { modelRuns: number; skippedRuns: number; inputTokens: number; outputTokens: number; estimatedCostUsd: number };
  suggestions: Suggestion[];
}

export interface InsightsInput {
  monitor: Monitor;
  days: number;
  now: Date;
  /** The period's runs, newest first. */
  runs: readonly RunRecord[];
  complete: boolean;
  /** The period's feedback. */
  feedback: readonly Feedback[];
  baselines: ReadonlyMap<string, LabelBaseline>;
  prices?: PriceTable;
}

const round = (value: number, digits = 6) => Number(value.toFixed(digits));
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

function perDay(runs: readonly RunRecord[], from: Date, now: Date): DayCount[] {
  const days = new Map<string, DayCount>();
  for (let at = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); at <= now.getTime(); at += DAY_MS) {
    const day = isoDay(new Date(at));
    days.set(day, { day, ok: 0, warn: 0, alert: 0, error: 0, open: 0 });
  }
  for (const run of runs) {
    const count = days.get(run.createdAt.slice(0, 10));
    if (count === undefined) continue;
    if (run.status === 'queued' || run.status === 'running') count.open += 1;
    else count[run.status] += 1;
  }
  return [...days.values()];
}

/** `raise_min_count`: a rule whose breaches were marked false positives, raised past the counts seen. */
function raiseMinCount(monitor: Monitor, feedback: readonly Feedback[]): Suggestion[] {
  const out: Suggestion[] = [];
  for (const rule of monitor.rules) {
    if (rule.minCount === undefined) continue;
    const countsOf = (verdict: Feedback['verdict']) =>
      feedback
        .filter((item) => item.verdict === verdict)
        .flatMap((item) => item.ruleBreaches.filter((breach) => breach.label === rule.label && breach.pattern === rule.pattern).map((breach) => breach.count));
    const falsePositive = countsOf('false_positive');
    if (falsePositive.length === 0) continue;
    const suggested = Math.max(...falsePositive) + 1;
    if (suggested <= rule.minCount) continue;
    const hidden = countsOf('correct').filter((count) => count < suggested);
    const seen = [...new Set(falsePositive)].sort((a, b) => a - b).join(', ');
    out.push({
      kind: 'raise_min_count',
      label: rule.label,
      pattern: rule.pattern,
      current: rule.minCount,
      suggested,
      message:
        `Rule on ${rule.label} /${rule.pattern}/ breached in ${falsePositive.length} run(s) marked false positive with ${seen} matching lines: ` +
        `raise min_count from ${rule.minCount} to ${suggested}.` +
        (hidden.length === 0 ? '' : ` It would also hide ${hidden.length} breach(es) marked correct (${hidden.join(', ')} lines).`),
    });
  }
  return out;
}

/** `lengthen_interval`: every run of the last {@link QUIET_DAYS} days `ok` and nobody said otherwise. */
function lengthenInterval(input: InsightsInput, finished: readonly RunRecord[]): Suggestion[] {
  const { monitor, now } = input;
  const quietFrom = now.getTime() - QUIET_DAYS * DAY_MS;
  if (input.days < QUIET_DAYS || !input.complete || Date.parse(monitor.createdAt) > quietFrom) return [];
  const recent = finished.filter((run) => Date.parse(run.createdAt) >= quietFrom);
  if (recent.length === 0 || recent.some((run) => run.status !== 'ok')) return [];
  if (input.feedback.some((item) => Date.parse(item.createdAt) >= quietFrom)) return [];
  const suggested = Math.min(LONGEST_INTERVAL_SECONDS, monitor.intervalSeconds * 4);
  if (suggested <= monitor.intervalSeconds) return [];
  return [
    {
      kind: 'lengthen_interval',
      current: monitor.intervalSeconds,
      suggested,
      message: `All ${recent.length} runs of the last ${QUIET_DAYS} days were ok and no one gave feedback: lengthen interval_seconds from ${monitor.intervalSeconds} to ${suggested}.`,
    },
  ];
}

function costOf(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
}

/** `cheaper_model`: stable verdicts, no correction by feedback, and a cheaper model in the price table. */
function cheaperModel(input: InsightsInput, modelRuns: readonly RunRecord[]): Suggestion[] {
  if (modelRuns.length < STABLE_MIN_RUNS) return [];
  if (input.feedback.some((item) => item.verdict !== 'correct')) return [];
  const chronological = [...modelRuns].reverse();
  const flips = chronological.filter((run, index) => index > 0 && run.status !== chronological[index - 1]!.status).length;
  if (flips > STABLE_MAX_FLIP_SHARE * modelRuns.length) return [];
  const uses = new Map<string, number>();
  for (const run of modelRuns) uses.set(run.judge!.modelId!, (uses.get(run.judge!.modelId!) ?? 0) + 1);
  const current = [...uses].sort((a, b) => b[1] - a[1])[0]![0];
  const currentPrice = resolveModelPrice(current, input.prices);
  if (currentPrice === undefined) return [];
  const inputTokens = modelRuns.reduce((sum, run) => sum + run.judge!.inputTokens, 0);
  const outputTokens = modelRuns.reduce((sum, run) => sum + run.judge!.outputTokens, 0);
  const currentCost = costOf(currentPrice, inputTokens, outputTokens);
  const currentBase = parseModelId(current).baseModelId;
  // The smallest step down: the dearest model still cheaper, so the change is the gentlest one.
  const cheaper = Object.entries({ ...DEFAULT_MODEL_PRICES, ...input.prices })
    .filter(([id]) => !currentBase.startsWith(id))
    .map(([id, price]) => ({ id, cost: costOf(price, inputTokens, outputTokens) }))
    .filter((candidate) => candidate.cost < currentCost)
    .sort((a, b) => b.cost - a.cost)[0];
  if (cheaper === undefined) return [];
  return [
    {
      kind: 'cheaper_model',
      current,
      suggested: cheaper.id,
      currentCostUsd: round(currentCost),
      estimatedCostUsd: round(cheaper.cost),
      message:
        `Verdicts were stable over ${modelRuns.length} model runs (${flips} status changes, no false positive or missed feedback): ` +
        `try ${cheaper.id}, about ${round(cheaper.cost, 4)} USD for the same tokens instead of ${round(currentCost, 4)} USD with ${current}.`,
    },
  ];
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const NUMERIC_TOKEN = /<-?\d[\d.,]*(?:–-?\d[\d.,]*)?>/g;

/** A rule pattern matching the lines of a template: its fixed text in order, anything between. */
export function patternOfTemplate(template: string): string {
  return template
    .replace(NUMERIC_TOKEN, WILDCARD)
    .split(WILDCARD)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(escapeRegex)
    .join('.*');
}

/** `expect_at_least`: a template in every remembered run of its label that no such rule watches yet. */
function expectAtLeast(monitor: Monitor, baselines: ReadonlyMap<string, LabelBaseline>): Suggestion[] {
  const out: Suggestion[] = [];
  for (const [label, baseline] of [...baselines].sort(([a], [b]) => a.localeCompare(b))) {
    if (baseline.runs.length < ALWAYS_PRESENT_MIN_RUNS) continue;
    const watching = monitor.rules.filter((rule) => rule.label === label && rule.expectAtLeast !== undefined).map((rule) => compileRulePattern(rule.pattern));
    for (const template of baseline.templates) {
      const counts = template.counts.slice(-baseline.runs.length);
      if (counts.length < baseline.runs.length || counts.some((count) => count === 0)) continue;
      const pattern = patternOfTemplate(template.template);
      const sample = template.template.replace(NUMERIC_TOKEN, '0').split(WILDCARD).join('x');
      if (pattern === '' || watching.some((existing) => existing?.test(sample) === true)) continue;
      const least = Math.min(...counts);
      out.push({
        kind: 'expect_at_least',
        label,
        pattern,
        expectAtLeast: least,
        template: template.template,
        message: `"${template.template}" was in each of the last ${baseline.runs.length} runs of ${label} (${least}–${Math.max(...counts)} lines a run): add an expect_at_least ${least} rule with pattern ${pattern} so its absence alerts.`,
      });
      if (out.length >= MAX_EXPECT_SUGGESTIONS) return out;
    }
  }
  return out;
}

/** The insights of one monitor over `days` days up to `now`. */
export function computeInsights(input: InsightsInput): Insights {
  const { monitor, now, runs } = input;
  const from = new Date(now.getTime() - input.days * DAY_MS);
  const byStatus = { ok: 0, warn: 0, alert: 0, error: 0, open: 0 };
  for (const run of runs) byStatus[run.status === 'queued' || run.status === 'running' ? 'open' : run.status] += 1;
  const notifications = { sent: 0, suppressed: 0, failed: 0, outbox: 0 };
  for (const run of runs) for (const outcome of run.notifications) notifications[outcome.status] += 1;
  const count = (verdict: Feedback['verdict']) => input.feedback.filter((item) => item.verdict === verdict).length;
  const [correct, falsePositive, missed] = [count('correct'), count('false_positive'), count('missed')];
  const modelRuns = runs.filter((run) => run.judge?.kind === 'bedrock' && run.judge.skipped === null && run.judge.modelId !== null);
  const finished = runs.filter((run) => run.status !== 'queued' && run.status !== 'running');
  const newTemplates = [...input.baselines]
    .flatMap(([label, baseline]) => baseline.templates.filter((t) => t.firstSeen >= from.toISOString()).map((t) => ({ label, template: t.template, firstSeen: t.firstSeen })))
    .sort((a, b) => b.firstSeen.localeCompare(a.firstSeen))
    .slice(0, MAX_NEW_TEMPLATES);
  return {
    monitorId: monitor.id,
    days: input.days,
    from: from.toISOString(),
    to: now.toISOString(),
    runs: { total: runs.length, byStatus, perDay: perDay(runs, from, now), complete: input.complete },
    notifications,
    feedback: {
      total: input.feedback.length,
      correct,
      falsePositive,
      missed,
      falsePositiveRate: correct + falsePositive === 0 ? null : round(falsePositive / (correct + falsePositive), 4),
    },
    newTemplates,
    model: {
      modelRuns: modelRuns.length,
      skippedRuns: runs.filter((run) => run.judge?.skipped != null).length,
      inputTokens: runs.reduce((sum, run) => sum + (run.judge?.inputTokens ?? 0), 0),
      outputTokens: runs.reduce((sum, run) => sum + (run.judge?.outputTokens ?? 0), 0),
      estimatedCostUsd: round(runs.reduce((sum, run) => sum + (run.judge?.estimatedCostUsd ?? 0), 0)),
    },
    suggestions: [
      ...raiseMinCount(monitor, input.feedback),
      ...lengthenInterval(input, finished),
      ...cheaperModel(input, modelRuns),
      ...expectAtLeast(monitor, input.baselines),
    ],
  };
}
