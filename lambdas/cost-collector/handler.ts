/**
 * EventBridge schedule (every 6 hours by default) → one Cost Explorer snapshot per
 * `cost_explorer` source. Runs never call Cost Explorer: it charges $0.01 per request.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import {
  CostCollectionError,
  collectCostSnapshots,
  type CostCollectionOutcome,
  type CostCollectorDeps,
} from '#domain/collect/collect-cost-snapshots.ts';
import { costCollectorFromEnvironment } from '#composition/cost-collector.ts';
import { logger, metrics } from '#adapters/powertools/index.ts';
import { withEventHandler } from '#adapters/powertools/with-handler.ts';

export interface CostCollectionSummary {
  collected: number;
  failed: number;
  outcomes: CostCollectionOutcome[];
}

/** Each outcome in the logs; saved and failed snapshots as metrics (none when there were no sources). */
function recordOutcomes(outcomes: readonly CostCollectionOutcome[]): void {
  for (const outcome of outcomes) {
    if (outcome.ok) logger.info('cost snapshot saved', { logSourceId: outcome.logSourceId, notes: outcome.notes });
    else logger.warn('cost snapshot failed', { logSourceId: outcome.logSourceId, reason: outcome.error });
  }
  const failed = outcomes.filter((outcome) => !outcome.ok).length;
  // Custom metrics are billed per metric a month: a collector without cost sources publishes none.
  if (outcomes.length - failed > 0) metrics.addMetric('CostSnapshotsSaved', MetricUnit.Count, outcomes.length - failed);
  if (failed > 0) metrics.addMetric('CostSnapshotsFailed', MetricUnit.Count, failed);
}

/**
 * Collects every cost source, logs each outcome and counts them in metrics. Rejects (so the
 * invocation fails and EventBridge retries it) only when every source failed.
 */
export async function collectCosts(deps: CostCollectorDeps): Promise<CostCollectionSummary> {
  let outcomes: CostCollectionOutcome[] = [];
  try {
    outcomes = await collectCostSnapshots(deps);
  } catch (error) {
    // Every source failed: the error carries their outcomes, counted before the invocation fails.
    if (error instanceof CostCollectionError) outcomes = error.outcomes;
    throw error;
  } finally {
    recordOutcomes(outcomes);
  }
  const failed = outcomes.filter((outcome) => !outcome.ok).length;
  return { collected: outcomes.length - failed, failed, outcomes };
}

let deps: CostCollectorDeps | undefined;

export const handler = withEventHandler(async (_event: ScheduledEvent) =>
  collectCosts((deps ??= costCollectorFromEnvironment(process.env))),
);
