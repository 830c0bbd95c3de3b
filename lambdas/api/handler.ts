import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ManagementContext } from '#domain/model/management-context.ts';
import { AwsSourceClients } from '#adapters/aws-source-clients.ts';
import { DynamoCostSnapshotRepository } from '#adapters/dynamo/cost-snapshot-repository.ts';
import { createStore } from '#adapters/dynamo/index.ts';
import { SqsRunQueue } from '#adapters/sqs/sqs-run-queue.ts';
import { documentClient } from '#clients/dynamo.ts';
import { testLogSource } from '#domain/log-sources/test-log-source.ts';
import { createDynamoClient, createSqsClient } from '#clients/aws.ts';
import { loadConfig, required } from '#config/env.ts';
import { createManagementContext, systemClock } from '#config/management-context.ts';
import { tracer } from '#adapters/powertools/index.ts';
import { Router } from '#http/router.ts';
import { mapErrors, withHttpHandler, type HttpFunction } from '#http/with-http-handler.ts';
import { withCors } from '#http/cors.ts';
import { healthRoutes } from './resources/health.ts';
import { logSourceRoutes } from './resources/log-sources.ts';
import { monitorRoutes } from './resources/monitors.ts';
import { runRoutes } from './resources/runs.ts';
import { targetRoutes } from './resources/targets.ts';

/** The management API over a context: the same function serves Lambda, tests and local mode. */
export function createApi(ctx: ManagementContext): HttpFunction {
  const router = new Router([
    ...targetRoutes(ctx),
    ...logSourceRoutes(ctx),
    ...monitorRoutes(ctx),
    ...runRoutes(ctx),
    ...healthRoutes(ctx),
  ]);
  return mapErrors((event) => router.handle(event));
}

/** How long `POST /log-sources/{id}/test` may read (the API function times out at 10 s). */
const SOURCE_TEST_TIMEOUT_MS = 7_000;

let api: HttpFunction | undefined;

/** Built on the first invocation, so importing this module reads no environment. */
function apiFromEnvironment(): HttpFunction {
  const config = loadConfig(process.env);
  const table = { client: documentClient(createDynamoClient()), name: config.TABLE_NAME };
  const readers = {
    aws: new AwsSourceClients({
      defaultRegion: required(process.env.AWS_REGION, 'AWS_REGION'),
      clock: systemClock,
      instrument: (c) => tracer.captureAWSv3Client(c),
    }),
    costSnapshots: new DynamoCostSnapshotRepository(table.client, table.name),
  };
  const management = createApi(
    createManagementContext({
      store: createStore(table),
      queue: new SqsRunQueue(createSqsClient(), required(config.RUN_QUEUE_URL, 'RUN_QUEUE_URL')),
      settings: {
        localMode: false,
        runRetentionDays: config.RUN_RETENTION_DAYS,
        ...(config.ALLOWED_MODEL_IDS && { allowedModelIds: config.ALLOWED_MODEL_IDS }),
      },
      sourceTester: {
        test: (source, target) =>
          testLogSource(source, target, {
            readers,
            clock: systemClock,
            costCollectorHours: config.COST_COLLECTOR_HOURS,
            // Inside the API function's 10 s timeout, so a slow read is `ok: false`, not a 504.
            timeoutMs: SOURCE_TEST_TIMEOUT_MS,
          }),
      },
    }),
  );
  // In a browser, only the web console's origin may read the answers.
  return withCors(management, config.CONSOLE_ORIGIN);
}

export const handler = withHttpHandler(
  async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => (api ??= apiFromEnvironment())(event),
);
