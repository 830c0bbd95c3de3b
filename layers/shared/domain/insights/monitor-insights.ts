import type { BaselineRepository } from '../baseline/ports.ts';
import type { FeedbackRepository } from '../feedback/ports.ts';
import type { Clock } from '../model/ports.ts';
import type { MonitorRepository } from '../monitors/ports.ts';
import { getMonitor } from '../monitors/manage-monitors.ts';
import { computeInsights, MAX_INSIGHT_RUNS, type Insights, type RunRecord } from './insights.ts';

/** The runs of a period, read by time (run ids sort by time): no table scan. */
export interface RunHistoryReader {
  /** The monitor's runs created at or after `since`, newest first, at most `limit`, without payloads. */
  since(monitorId: string, since: Date, limit: number): Promise<RunRecord[]>;
}

export interface InsightsDeps {
  monitors: MonitorRepository;
  runHistory: RunHistoryReader;
  feedback: Pick<FeedbackRepository, 'since'>;
  baselines: Pick<BaselineRepository, 'load'>;
  clock: Clock;
}

/** `GET /monitors/{id}/insights?days=`: reads the period's runs, feedback and the baselines once each. */
export async function monitorInsights(monitorId: string, days: number, deps: InsightsDeps): Promise<Insights> {
  const monitor = await getMonitor(monitorId, deps);
  const now = deps.clock.now();
  const since = new Date(now.getTime() - days * 86_400_000);
  const [runs, feedback, baselines] = await Promise.all([
    deps.runHistory.since(monitorId, since, MAX_INSIGHT_RUNS + 1),
    deps.feedback.since(monitorId, since.toISOString()),
    deps.baselines.load(monitorId),
  ]);
  return computeInsights({
    monitor,
    days,
    now,
    runs: runs.slice(0, MAX_INSIGHT_RUNS),
    complete: runs.length <= MAX_INSIGHT_RUNS,
    feedback,
    baselines,
  });
}
