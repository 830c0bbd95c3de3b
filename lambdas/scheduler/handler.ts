import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import { tick, type TickDeps } from '#domain/scheduling/scheduler.ts';
import { schedulerTickFromEnvironment } from '#composition/scheduler.ts';
import { logger, metrics } from '#adapters/powertools/index.ts';
import { withEventHandler } from '#adapters/powertools/with-handler.ts';

/** One tick per EventBridge invocation (rate 1 minute); exported bare for tests. */
export async function runTick(deps: TickDeps) {
  const result = await tick(deps);
  // Custom metrics are billed per metric a month: an idle scheduler publishes none.
  const counts = {
    DueMonitors: result.due,
    ClaimedSlots: result.claimed,
    LostClaims: result.lost,
    FailedClaims: result.failedClaims,
    ClosedStaleRuns: result.closedStaleRuns,
  };
  for (const [name, value] of Object.entries(counts)) if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
  logger.info('scheduler tick', { ...result });
  return result;
}

let deps: TickDeps | undefined;

export const handler = withEventHandler(async (_event: ScheduledEvent) => runTick((deps ??= schedulerTickFromEnvironment(process.env))));
