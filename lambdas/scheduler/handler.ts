import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import { failuresByReason, tick, TickIncompleteError, type TickDeps, type TickResult } from '#domain/scheduling/scheduler.ts';
import { schedulerTickFromEnvironment } from '#composition/scheduler.ts';
import { HEARTBEAT_METRIC, SLOT_LAG_METRIC } from '#composition/contract.ts';
import { logger, metrics } from '#adapters/powertools/index.ts';
import { withEventHandler } from '#adapters/powertools/with-handler.ts';

/** One tick per EventBridge invocation (rate 1 minute); exported bare for tests. */
export async function runTick(deps: TickDeps) {
  let result: TickResult;
  try {
    result = await tick(deps);
  } catch (error) {
    if (error instanceof TickIncompleteError) {
      logger.error('scheduler tick: claimed slots not queued', { unqueued: error.unqueued.length, byReason: failuresByReason(error.unqueued) });
      report(error.result);
    }
    throw error;
  }
  report(result);
  // One datapoint a minute, idle or not: its absence is what the heartbeat alarm watches.
  metrics.addMetric(HEARTBEAT_METRIC, MetricUnit.Count, 1);
  const { failedClaims, ...counts } = result;
  logger.info('scheduler tick', { ...counts, failedClaims: failedClaims.length });
  return result;
}

/** Logs the failed claims (grouped by reason) and publishes the tick's counts as metrics. */
function report(result: TickResult): void {
  if (result.failedClaims.length > 0) {
    logger.warn('scheduler tick: claims failed; their slots stay due for the next tick', {
      failedClaims: result.failedClaims.length,
      byReason: failuresByReason(result.failedClaims),
    });
  }
  // Custom metrics are billed per metric a month: an idle scheduler publishes none.
  const counts = {
    DueMonitors: result.due,
    ClaimedSlots: result.claimed,
    LostClaims: result.lost,
    FailedClaims: result.failedClaims.length,
    ClosedStaleRuns: result.closedStaleRuns,
  };
  for (const [name, value] of Object.entries(counts)) if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
  if (result.due > 0) metrics.addMetric(SLOT_LAG_METRIC, MetricUnit.Seconds, result.lagSeconds);
}

let deps: TickDeps | undefined;

export const handler = withEventHandler(async (_event: ScheduledEvent) => runTick((deps ??= schedulerTickFromEnvironment(process.env))));
