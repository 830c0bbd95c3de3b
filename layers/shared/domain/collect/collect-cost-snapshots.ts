/**
 * The cost collector: Cost Explorer charges $0.01 per request, so runs never call it. A
 * scheduled collector takes one snapshot per `cost_explorer` source (3 requests when nothing
 * paginates) and `cost` inputs read the latest snapshot.
 */
import type { LogSource, Target } from '../model/entities.ts';
import type { Clock } from '../model/ports.ts';
import type { LogSourceRepository } from '../log-sources/ports.ts';
import type { TargetRepository } from '../targets/ports.ts';
import { mapBounded } from './bounded.ts';
import { addDays, isoDay } from './cost-lines.ts';
import { describeReadFailure } from './errors.ts';
import type { CostAndUsage, CostExplorerPort, CostSnapshotRepository, SavingsPort } from './ports.ts';
import type { CostAnomaly, CostForecast, CostSnapshot, DailyCost, GroupCost } from './types.ts';

export const DAILY_HISTORY_DAYS = 35;
export const ANOMALY_HISTORY_DAYS = 30;
/** Groups kept by name; smaller ones are summed into `Other`, so a snapshot stays a small item. */
export const MAX_GROUPS = 25;
export const OTHER_GROUP = 'Other';
/** Savings recommendations kept per snapshot (one ListRecommendations page). */
export const TOP_SAVINGS = 20;
/** The note of a source that asks for savings where the deployment does not grant them. */
export const SAVINGS_NOT_GRANTED =
  'include_savings is set, but this deployment does not grant Cost Optimization Hub: set costSavings to true in cdk.json (context vigil) and deploy';
/** Amounts that print as 0.00 are left out. */
const NEGLIGIBLE = 0.005;

export type CostSource = Extract<LogSource, { mode: 'cost_explorer' }>;

export interface CostCollectorDeps {
  listCostSources: () => Promise<Array<{ source: LogSource; target: Target }>>;
  /** Cost Explorer reached with the target's identity (its assumed role, if any). */
  costExplorerFor: (target: Target) => CostExplorerPort;
  snapshots: CostSnapshotRepository;
  /**
   * Cost Optimization Hub with the target's identity, for sources with `include_savings`; absent
   * when the deployment does not grant it (such sources get a note instead).
   */
  savingsFor?: (target: Target) => SavingsPort;
  clock: Clock;
  /** Sources collected at the same time; Cost Explorer's request rate is low. @default 2 */
  concurrency?: number;
}

export type CostCollectionOutcome =
  | { logSourceId: string; ok: true; collectedAt: string; notes: string[] }
  | { logSourceId: string; ok: false; error: string };

/** Every source failed: the invocation fails so its error and retry are visible. */
export class CostCollectionError extends Error {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'CostCollectionError';
  constructor(readonly outcomes: CostCollectionOutcome[]) {
    super(
      `every cost source failed: ${outcomes
        .map((o) => (o.ok ? '' : `${o.logSourceId}: ${o.error}`))
        .filter(Boolean)
        .join('; ')}`,
    );
    this.name = 'CostCollectionError';
  }
}

const round = (amount: number): number => Math.round(amount * 10_000) / 10_000;
const negligible = (amount: number): boolean => Math.abs(amount) < NEGLIGIBLE;

/** Keeps the {@link MAX_GROUPS} largest groups by name and sums the rest per day into `Other`. */
function foldGroups(usage: CostAndUsage): { daily: DailyCost[]; folded: number } {
  const totals = new Map<string, number>();
  for (const day of usage.days) for (const g of day.groups) totals.set(g.group, (totals.get(g.group) ?? 0) + Math.abs(g.amount));
  const kept = new Set(
    [...totals]
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_GROUPS)
      .map(([group]) => group),
  );
  const daily: DailyCost[] = [];
  for (const day of usage.days) {
    const sums = new Map<string, number>();
    for (const g of day.groups) {
      const group = kept.has(g.group) ? g.group : OTHER_GROUP;
      sums.set(group, (sums.get(group) ?? 0) + g.amount);
    }
    for (const [group, amount] of sums) daily.push({ day: day.day, group, amount: round(amount) });
  }
  return { daily, folded: totals.size - kept.size };
}

function monthToDate(daily: readonly DailyCost[], monthStart: string): GroupCost[] {
  const sums = new Map<string, number>();
  for (const cost of daily) if (cost.day >= monthStart) sums.set(cost.group, (sums.get(cost.group) ?? 0) + cost.amount);
  return [...sums]
    .map(([group, amount]) => ({ group, amount: round(amount) }))
    .filter((cost) => !negligible(cost.amount))
    .sort((a, b) => b.amount - a.amount);
}

/**
 * Takes one snapshot of a source: GetCostAndUsage (daily, by the source's group-by, the last
 * 35 days and today), GetCostForecast (today to the end of the month) and GetAnomalies (the
 * last 30 days). Cost and usage must succeed; a missing forecast or anomaly list is noted.
 */
export async function takeCostSnapshot(
  source: CostSource,
  explorer: CostExplorerPort,
  now: Date,
  savings?: SavingsPort,
): Promise<CostSnapshot> {
  const { metric, groupBy } = source.config;
  const today = addDays(now, 0);
  const monthStart = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));
  const nextMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 1));

  // Cost Explorer's end dates are exclusive: tomorrow includes today's partial costs.
  const usage = await explorer.costAndUsage({
    start: isoDay(addDays(today, -DAILY_HISTORY_DAYS)),
    end: isoDay(addDays(today, 1)),
    metric,
    groupBy,
  });
  const wantsSavings = source.config.includeSavings === true;
  const [forecast, anomalies, recommendations] = await Promise.allSettled([
    explorer.forecast({ start: isoDay(today), end: isoDay(nextMonth), metric }),
    explorer.anomalies({ start: isoDay(addDays(today, -ANOMALY_HISTORY_DAYS)), end: isoDay(today) }),
    wantsSavings && savings !== undefined ? savings.topRecommendations(TOP_SAVINGS) : Promise.resolve(null),
  ]);

  const notes: string[] = [];
  const { daily, folded } = foldGroups(usage);
  if (folded > 0) notes.push(`${folded} smaller groups are summed into ${OTHER_GROUP}`);
  if (!usage.complete) notes.push('Cost Explorer had more pages of groups than were read; the smallest groups may be missing');
  let projected: CostForecast | null = null;
  if (forecast.status === 'fulfilled') {
    const { amount, lower, upper } = forecast.value;
    projected = {
      start: isoDay(today),
      end: isoDay(nextMonth),
      amount: round(amount),
      ...(lower !== undefined && upper !== undefined && { lower: round(lower), upper: round(upper) }),
    };
  } else {
    notes.push(`no forecast: ${describeReadFailure(forecast.reason)}`);
  }
  let found: CostAnomaly[] = [];
  if (anomalies.status === 'fulfilled') {
    found = [...anomalies.value].sort((a, b) => a.start.localeCompare(b.start));
  } else {
    notes.push(`no anomalies: ${describeReadFailure(anomalies.reason)}`);
  }
  const unit = usage.unit ?? (forecast.status === 'fulfilled' ? forecast.value.unit : null) ?? 'USD';
  let foundSavings: CostSnapshot['savings'];
  if (wantsSavings && savings === undefined) notes.push(SAVINGS_NOT_GRANTED);
  else if (recommendations.status === 'rejected') notes.push(`no savings recommendations: ${describeReadFailure(recommendations.reason)}`);
  else if (recommendations.value !== null) foundSavings = recommendations.value;

  return {
    logSourceId: source.id,
    collectedAt: now.toISOString(),
    metric,
    groupBy,
    unit,
    estimatedFrom: usage.days.find((day) => day.estimated)?.day ?? null,
    daily: daily.filter((cost) => !negligible(cost.amount)),
    monthToDate: monthToDate(daily, isoDay(monthStart)),
    forecast: projected,
    anomalies: found,
    ...(foundSavings !== undefined && { savings: foundSavings }),
    notes,
  };
}

/**
 * Takes and saves a snapshot of every `cost_explorer` source. One source failing does not
 * stop the others; the outcome of each is returned, and when every source failed this throws
 * {@link CostCollectionError} so the scheduled invocation is marked failed.
 */
export async function collectCostSnapshots(deps: CostCollectorDeps): Promise<CostCollectionOutcome[]> {
  const sources = (await deps.listCostSources()).filter(
    (entry): entry is { source: CostSource; target: Target } => entry.source.mode === 'cost_explorer',
  );
  const outcomes = await mapBounded(sources, deps.concurrency ?? 2, async ({ source, target }): Promise<CostCollectionOutcome> => {
    try {
      const snapshot = await takeCostSnapshot(source, deps.costExplorerFor(target), deps.clock.now(), deps.savingsFor?.(target));
      await deps.snapshots.save(snapshot);
      return { logSourceId: source.id, ok: true, collectedAt: snapshot.collectedAt, notes: snapshot.notes };
    } catch (error) {
      return { logSourceId: source.id, ok: false, error: describeReadFailure(error) };
    }
  });
  if (outcomes.length > 0 && outcomes.every((outcome) => !outcome.ok)) throw new CostCollectionError(outcomes);
  return outcomes;
}

/**
 * Every `cost_explorer` source with its target, read through the store's ports a page at a
 * time. A source whose target is gone (the store forbids it) is skipped.
 */
export async function listCostSources(deps: {
  logSources: LogSourceRepository;
  targets: TargetRepository;
}): Promise<Array<{ source: LogSource; target: Target }>> {
  const found: Array<{ source: LogSource; target: Target }> = [];
  const targets = new Map<string, Target | null>();
  let nextToken: string | undefined;
  do {
    const page = await deps.logSources.list(nextToken === undefined ? { limit: 100 } : { limit: 100, nextToken });
    for (const source of page.items) {
      if (source.mode !== 'cost_explorer') continue;
      if (!targets.has(source.targetId)) targets.set(source.targetId, await deps.targets.get(source.targetId));
      const target = targets.get(source.targetId);
      if (target) found.push({ source, target });
    }
    nextToken = page.nextToken ?? undefined;
  } while (nextToken !== undefined);
  return found;
}
