import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ManagementContext } from '#domain/use-cases/context.ts';
import { SqsRunQueue } from '#adapters/sqs-run-queue.ts';
import { createDynamoClient, createSqsClient } from '#clients/aws.ts';
import { loadConfig, required } from '#config/env.ts';
import { createManagementContext } from '#config/management-context.ts';
import { Router } from '#http/router.ts';
import { mapErrors, withHttpHandler, type HttpFunction } from '#http/with-http-handler.ts';
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

let api: HttpFunction | undefined;

/** Built on the first invocation, so importing this module reads no environment. */
function apiFromEnvironment(): HttpFunction {
  const config = loadConfig(process.env);
  return createApi(
    createManagementContext({
      dynamo: createDynamoClient(),
      tableName: config.TABLE_NAME,
      queue: new SqsRunQueue(createSqsClient(), required(config.RUN_QUEUE_URL, 'RUN_QUEUE_URL')),
      settings: { localMode: false, runRetentionDays: config.RUN_RETENTION_DAYS },
    }),
  );
}

export const handler = withHttpHandler(
  async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => (api ??= apiFromEnvironment())(event),
);
