import type { Server } from 'node:http';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ManagementContext } from '#domain/use-cases/context.ts';
import type { RunRequest } from '#domain/ports.ts';
import { createManagementContext } from '#config/management-context.ts';
import { withHttpHandler } from '#http/with-http-handler.ts';
import { createApi } from '../lambdas/api/handler.ts';
import { ensureTable, localDynamoClient, startDynamoLocal, type DynamoLocal } from './dynamo-local.ts';
import { createApiServer } from './http-server.ts';
import { InProcessRunQueue, type RunConsumer } from './in-process-queue.ts';
import type { LocalConfig } from './local-config.ts';

export interface LocalApp {
  url: string;
  ctx: ManagementContext;
  queue: InProcessRunQueue;
  stop(): Promise<void>;
}

/**
 * Local mode: DynamoDB Local (persisted under the data folder), the table, the same API
 * handler served over HTTP, and the run queue in-process. `consumer` is what receives run
 * requests (the runner).
 */
export async function startLocalApp(
  config: LocalConfig,
  options: { consumer: (ctx: ManagementContext) => RunConsumer; log: (line: string) => void },
): Promise<LocalApp> {
  let dynamoLocal: DynamoLocal | undefined;
  let dynamo: DynamoDBClient;
  if (config.AWS_ENDPOINT_URL_DYNAMODB) {
    // The SDK resolves AWS_ENDPOINT_URL_DYNAMODB itself.
    dynamo = new DynamoDBClient({});
  } else {
    dynamoLocal = await startDynamoLocal({ dataDir: join(config.VIGIL_DATA_DIR, 'dynamodb') });
    dynamo = localDynamoClient(dynamoLocal.endpoint);
  }
  await ensureTable(dynamo, config.VIGIL_TABLE_NAME);

  let consume: RunConsumer = async () => undefined;
  const queue = new InProcessRunQueue(
    (request: RunRequest) => consume(request),
    (request, error) => options.log(`run ${JSON.stringify(request)} failed 3 times and was dropped: ${String(error)}`),
  );
  const ctx = createManagementContext({
    dynamo,
    tableName: config.VIGIL_TABLE_NAME,
    queue,
    settings: { localMode: true, runRetentionDays: config.RUN_RETENTION_DAYS },
  });
  consume = options.consumer(ctx);

  const handler = withHttpHandler(createApi(ctx));
  const server: Server = createApiServer((event, context) => handler(event, context), {
    ...(config.VIGIL_API_KEY !== undefined && { apiKey: config.VIGIL_API_KEY }),
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(config.PORT, config.HOST, () => done());
  });

  return {
    url: `http://${config.HOST}:${config.PORT}`,
    ctx,
    queue,
    async stop() {
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await queue.idle();
      dynamo.destroy();
      await dynamoLocal?.stop();
    },
  };
}
