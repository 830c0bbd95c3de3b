import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import { tick, type TickDeps } from '#domain/use-cases/scheduler.ts';
import { createStore } from '#adapters/dynamo/index.ts';
import { SqsRunQueue } from '#adapters/sqs-run-queue.ts';
import { createDynamoClient, createSqsClient } from '#clients/aws.ts';
import { documentClient } from '#clients/dynamo.ts';
import { loadConfig, required } from '#config/env.ts';
import { systemClock } from '#config/management-context.ts';
import { logger, metrics } from '#powertools/index.ts';
import { withEventHandler } from '#powertools/with-handler.ts';

/** One tick per EventBridge invocation (rate 1 minute); exported bare for tests. */
export async function runTick(deps: TickDeps) {
  const result = await tick(deps);
  metrics.addMetric('DueMonitors', MetricUnit.Count, result.due);
  metrics.addMetric('ClaimedSlots', MetricUnit.Count, result.claimed);
  metrics.addMetric('LostClaims', MetricUnit.Count, result.lost);
  metrics.addMetric('FailedClaims', MetricUnit.Count, result.failedClaims);
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
  };
}

export const handler = withEventHandler(async (_event: ScheduledEvent) => runTick((deps ??= depsFromEnvironment())));
