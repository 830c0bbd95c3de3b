/**
 * What runs cost: per monitor per UTC day and per month by monitor and by model, counted when a
 * run turns final (the run store adds them atomically in the same write as the verdict).
 */
import type { MonitorRun } from '../model/entities.ts';
import type { Clock } from '../model/ports.ts';
import type { MonitorRepository } from '../monitors/ports.ts';

export interface UsageTotals {
  runs: number;
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  estimatedCostUsd: number;
}

export interface MonthUsage {
  /** `YYYY-MM` (UTC). */
  month: string;
  total: UsageTotals;
  /** Largest estimated cost first; `name` when the monitor still exists. */
  byMonitor: Array<UsageTotals & { monitorId: string; name?: string }>;
  /** Largest estimated cost first; only runs that asked a model. */
  byModel: Array<UsageTotals & { modelId: string }>;
}

/** Where the counters are kept (the table, next to the runs). */
export interface UsageRepository {
  /** The sum of the monitor's days from `from` to `to` (`YYYY-MM-DD`, both inclusive). */
  monitorDays(monitorId: string, from: string, to: string): Promise<UsageTotals>;
  /** The month's counters by monitor and by model, unordered. */
  month(month: string): Promise<Pick<MonthUsage, 'byMonitor' | 'byModel'>>;
}

export const NO_USAGE: UsageTotals = { runs: 0, modelCalls: 0, inputTokens: 0, outputTokens: 0, estimatedCostUsd: 0 };

/** The days a monitor's `usage_30d` sums: today (UTC) and the 29 before it. */
export const USAGE_WINDOW_DAYS = 30;

/**
 * What one finished run adds: one run and, when a model was asked, its calls, tokens and cost.
 * A model judge's call count is not kept on the run: a judged run (`kind: bedrock`, not skipped)
 * counts one call (a repair turn's tokens are in its totals).
 */
export function usageOfRun(run: MonitorRun): UsageTotals & { modelId: string | null } {
  const judge = run.judge;
  const asked = judge !== null && judge.kind === 'bedrock' && judge.skipped === null && judge.modelId !== null;
  return {
    runs: 1,
    modelCalls: asked ? 1 : 0,
    inputTokens: judge?.inputTokens ?? 0,
    outputTokens: judge?.outputTokens ?? 0,
    estimatedCostUsd: judge?.estimatedCostUsd ?? 0,
    modelId: asked ? judge.modelId : null,
  };
}

/** The UTC day (`YYYY-MM-DD`) a run's usage counts on: when it finished. */
export const usageDay = (run: MonitorRun): string => (run.finishedAt ?? run.createdAt).slice(0, 10);

/** A monitor's usage over the last {@link USAGE_WINDOW_DAYS} UTC days, today included: one query. */
export function monitorUsage30d(monitorId: string, deps: { usage: UsageRepository; clock: Clock }): Promise<UsageTotals> {
  const today = deps.clock.now();
  const from = new Date(today.getTime() - (USAGE_WINDOW_DAYS - 1) * 86_400_000);
  return deps.usage.monitorDays(monitorId, from.toISOString().slice(0, 10), today.toISOString().slice(0, 10));
}

/** The current UTC month, `YYYY-MM`. */
export const currentMonth = (clock: Clock): string => clock.now().toISOString().slice(0, 7);

/** The sum of counters; the cost summed in micro-dollars, as they are kept, so it stays exact. */
export function sumUsage(items: readonly UsageTotals[]): UsageTotals {
  return items.reduce(
    (total, item) => ({
      runs: total.runs + item.runs,
      modelCalls: total.modelCalls + item.modelCalls,
      inputTokens: total.inputTokens + item.inputTokens,
      outputTokens: total.outputTokens + item.outputTokens,
      estimatedCostUsd: (Math.round(total.estimatedCostUsd * 1e6) + Math.round(item.estimatedCostUsd * 1e6)) / 1e6,
    }),
    NO_USAGE,
  );
}

const byCost = (a: UsageTotals, b: UsageTotals) => b.estimatedCostUsd - a.estimatedCostUsd || b.runs - a.runs;

/** `GET /usage`: the month's totals, by monitor (named when it still exists) and by model. */
export async function monthUsage(month: string, deps: { usage: UsageRepository; monitors: Pick<MonitorRepository, 'get'> }): Promise<MonthUsage> {
  const { byMonitor, byModel } = await deps.usage.month(month);
  const named = await Promise.all(
    byMonitor.map(async (item) => {
      const monitor = await deps.monitors.get(item.monitorId);
      return monitor ? { ...item, name: monitor.name } : item;
    }),
  );
  return { month, total: sumUsage(byMonitor), byMonitor: named.sort(byCost), byModel: [...byModel].sort(byCost) };
}
