import type { Context, SQSEvent } from 'aws-lambda';
import { AwsSourceClients } from '#adapters/aws-source-clients.ts';
import { DynamoCostSnapshotRepository } from '#adapters/dynamo/cost-snapshot-repository.ts';
import { createStore } from '#adapters/dynamo/index.ts';
import { PowertoolsJudgeMetrics } from '#adapters/powertools/powertools-judge-metrics.ts';
import { createDynamoClient } from '#clients/aws.ts';
import { documentClient } from '#clients/dynamo.ts';
import { createRunnerClients } from '#clients/runner-clients.ts';
import { loadConfig, required } from '#config/env.ts';
import { systemClock } from '#config/management-context.ts';
import { awsChannels, bedrockJudge, createRunner, type Runner } from '#config/runner-context.ts';
import { parsePriceOverrides } from '#domain/judge/prices.ts';
import { logger, metrics, tracer } from '#adapters/powertools/index.ts';
import { withEventHandler } from '#adapters/powertools/with-handler.ts';
import { processBatch } from './process-batch.ts';

/** A run is started only with at least this long left before the margin. */
const MINIMUM_RUN_MS = 30_000;

let composed: { runner: Runner; marginMs: number } | undefined;

/** Built on the first invocation: config validated, clients created once per container. */
function fromEnvironment() {
  const config = loadConfig(process.env);
  const region = required(process.env.AWS_REGION, 'AWS_REGION');
  const client = documentClient(createDynamoClient());
  const clients = createRunnerClients();
  const runner = createRunner({
    store: createStore({ client, name: config.TABLE_NAME }),
    readers: {
      aws: new AwsSourceClients({ defaultRegion: region, clock: systemClock, instrument: (c) => tracer.captureAWSv3Client(c) }),
      costSnapshots: new DynamoCostSnapshotRepository(client, config.TABLE_NAME),
    },
    judge: bedrockJudge(clients.bedrock),
    judgeMetrics: new PowertoolsJudgeMetrics(metrics),
    channels: awsChannels({ ses: clients.ses, sns: clients.sns, senderEmail: config.SENDER_EMAIL, topicArn: config.ALERT_TOPIC_ARN }),
    clock: systemClock,
    settings: {
      defaultModelId: config.DEFAULT_MODEL_ID,
      maxInputTokens: config.MAX_INPUT_TOKENS,
      collectConcurrency: config.COLLECT_CONCURRENCY,
      apiBaseUrl: config.API_BASE_URL,
      runRetentionDays: config.RUN_RETENTION_DAYS,
      costCollectorHours: config.COST_COLLECTOR_HOURS,
      ...(config.MODEL_PRICES_JSON && { prices: parsePriceOverrides(config.MODEL_PRICES_JSON, 'MODEL_PRICES_JSON') }),
      modelMonthlyBudgetUsd: config.MODEL_MONTHLY_BUDGET_USD ?? null,
    },
  });
  return { runner, marginMs: config.RUN_MARGIN_SECONDS * 1000 };
}

export const handler = withEventHandler(async (event: SQSEvent, context: Context) => {
  composed ??= fromEnvironment();
  const { runner, marginMs } = composed;
  return processBatch(event, {
    execute: runner,
    remainingMs: () => context.getRemainingTimeInMillis(),
    marginMs,
    minimumRunMs: MINIMUM_RUN_MS,
    now: () => Date.now(),
    log: (message, fields) => logger.info(message, fields),
  });
});
