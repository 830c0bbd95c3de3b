import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import { reapStaleRuns } from '#domain/runs/reap-stale-runs.ts';
import { STALE_RUN_MS, tick, type TickDeps } from '#domain/scheduling/scheduler.ts';
import { createStore } from '#adapters/dynamo/index.ts';
import { SqsRunQueue } from '#adapters/sqs/sqs-run-queue.ts';
import { createDynamoClient, createSqsClient } from '#clients/aws.ts';
import { documentClient } from '#clients/dynamo.ts';
import { loadConfig, required } from '#config/env.ts';
import { systemClock } from '#config/management-context.ts';
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

function depsFromEnvironment(): TickDeps {
  const config = loadConfig(process.env);
  const store = createStore({ client: documentClient(createDynamoClient()), name: config.TABLE_NAME });
  return {
    schedule: store.schedule,
    runs: store.runs,
    queue: new SqsRunQueue(createSqsClient(), required(config.RUN_QUEUE_URL, 'RUN_QUEUE_URL')),
    clock: systemClock,
    runRetentionDays: config.RUN_RETENTION_DAYS,
    reap: () =>
      reapStaleRuns({
        runs: store.runs,
        clock: systemClock,
        // Three receives of up to 15 minutes each, plus a margin: no attempt can still be alive.
        staleAfterMs: STALE_RUN_MS,
        hint: "see the run queue's dead-letter queue and the runner's logs",
      }),
  };
}

export const handler = withEventHandler(async (_event: ScheduledEvent) => runTick((deps ??= depsFromEnvironment())));
