import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { costExplorerReader } from '#adapters/cost-explorer/cost-explorer-reader.ts';
import { savingsReader } from '#adapters/cost-optimization-hub/savings-reader.ts';
import { LocalFileTailer } from '#adapters/files/file-tailer.ts';
import { LocalFileAccess, parseFileRoots } from '#adapters/files/file-access.ts';
import { createStore, type Store } from '#adapters/dynamo/index.ts';
import { OutboxChannels } from '#adapters/files/outbox-channels.ts';
import { systemClock } from '#composition/clock.ts';
import { costCollector } from '#composition/cost-collector.ts';
import { bedrockJudge } from '#composition/judge.ts';
import { createManagementContext, sourceTester } from '#composition/management.ts';
import { awsChannels } from '#composition/notifier.ts';
import { sourceReaders, type Readers } from '#composition/readers.ts';
import { monitorPreviewer } from '#composition/preview.ts';
import { createRunner, guardedJudge, runnerSettings, type Runner, type RunnerSettings } from '#composition/runner.ts';
import { schedulerTick } from '#composition/scheduler.ts';
import { openTable } from '#composition/table.ts';
import type { JudgeMetrics } from '#domain/judge/ports.ts';
import { RulesOnlyJudge } from '#domain/judge/rules-only-judge.ts';
import type { ManagementContext } from '#domain/model/management-context.ts';
import type { Clock } from '#domain/model/ports.ts';
import type { MonitorPreviewer } from '#domain/runs/preview-run.ts';
import { failuresByReason, tick, TickIncompleteError, type SlotFailure } from '#domain/scheduling/scheduler.ts';
import { withHttpHandler } from '#http/with-http-handler.ts';
import { createApi } from '../lambdas/api/handler.ts';
import { awsCredentialsAvailable, withoutAwsReason } from './aws-detect.ts';
import { LocalCostCollection, watchCostSources } from './cost-collection.ts';
import { ensureTable, localDynamoClient } from './dynamo-local.ts';
import { superviseDynamoLocal, type DynamoSupervisor } from './dynamo-supervisor.ts';
import { answerUnavailableWhileDown, externalDatabase, idleUnlessDatabaseDown } from './database-gate.ts';
import { claimsThatKeepTheirRuns, queuedRunRequests, reapRunsLeftOpen } from './durable-runs.ts';
import { createApiServer } from './http-server.ts';
import { loadConsoleSite } from './console-site.ts';
import { allowedHosts } from './request-guard.ts';
import { InProcessRunQueue } from './in-process-queue.ts';
import type { LocalConfig } from './local-config.ts';

export interface LocalApp {
  url: string;
  ctx: ManagementContext;
  queue: InProcessRunQueue;
  /** Whether AWS credentials were found (Bedrock, SES/SNS and CloudWatch are then real). */
  aws: boolean;
  /** Runs one scheduler tick now (the timer does this every VIGIL_TICK_SECONDS). */
  tickNow(): Promise<void>;
  stop(): Promise<void>;
}

/** Local mode has no CloudWatch metrics; the model's usage goes to the console and the run record. */
function consoleJudgeMetrics(log: (line: string) => void): JudgeMetrics {
  return {
    record(usage) {
      if (usage.fallback) log(`judge: rules only, ${usage.fallback.reason}`);
      if (usage.kind === 'bedrock' && usage.skipped === null) {
        log(`judge ${usage.modelId}: ${usage.inputTokens} tokens in, ${usage.outputTokens} out, ~$${usage.estimatedCostUsd.toFixed(4)}`);
      }
    },
  };
}

/**
 * DynamoDB Local persisted under the data folder, supervised (restarted when it dies), or the
 * DynamoDB AWS_ENDPOINT_URL_DYNAMODB names.
 */
async function openDatabase(
  config: LocalConfig,
  log: (line: string) => void,
): Promise<{ dynamo: DynamoDBClient; dynamoLocal?: DynamoSupervisor }> {
  // The SDK resolves AWS_ENDPOINT_URL_DYNAMODB itself.
  if (config.AWS_ENDPOINT_URL_DYNAMODB) return { dynamo: new DynamoDBClient({}) };
  const dynamoLocal = await superviseDynamoLocal({ dataDir: join(config.VIGIL_DATA_DIR, 'dynamodb'), log });
  return { dynamo: localDynamoClient(dynamoLocal.endpoint), dynamoLocal };
}

/**
 * The runner as in AWS, with local mode's choices: with credentials Bedrock judges and SES/SNS
 * deliver; without, the rules judge and the outbox folder.
 */
function localRunner(
  config: LocalConfig,
  parts: { aws: boolean; region: string; store: Store; readers: Readers; clock: Clock; settings: RunnerSettings; log: (line: string) => void },
): Runner {
  const { clock, log, aws, region } = parts;
  return createRunner({
    store: parts.store,
    readers: parts.readers,
    judge: aws
      ? bedrockJudge({ region })
      : new RulesOnlyJudge(`local mode with ${withoutAwsReason(config.VIGIL_AWS)}: Bedrock was not consulted`),
    judgeMetrics: consoleJudgeMetrics(log),
    channels: aws
      ? awsChannels({ senderEmail: config.VIGIL_SENDER_EMAIL, topicArn: config.VIGIL_ALERT_TOPIC_ARN, region })
      : new OutboxChannels({ dir: join(config.VIGIL_DATA_DIR, 'outbox'), from: config.VIGIL_SENDER_EMAIL ?? 'vigil@localhost', clock, log }),
    clock,
    settings: parts.settings,
  });
}

/**
 * Previews in local mode: rules only unless `use_model`, which calls Bedrock (through the runner's
 * budget guard) when AWS credentials are available.
 */
function localPreviewer(
  config: LocalConfig,
  parts: { aws: boolean; region: string; store: Store; readers: Readers; clock: Clock; settings: RunnerSettings; log: (line: string) => void },
): MonitorPreviewer {
  const { aws, store, clock, settings } = parts;
  return monitorPreviewer({
    store,
    readers: parts.readers,
    clock,
    judgeMetrics: consoleJudgeMetrics(parts.log),
    model: aws
      ? guardedJudge(bedrockJudge({ region: parts.region }), { store, clock, settings })
      : { unavailable: `needs Bedrock, and this is local mode with ${withoutAwsReason(config.VIGIL_AWS)}` },
    settings,
    timeoutMs: config.VIGIL_RUN_TIMEOUT_SECONDS * 1000,
  });
}

/** One console line per reason: how many slots, and the first monitor ids. */
function logSlotFailures(what: string, failures: readonly SlotFailure[], log: (line: string) => void): void {
  for (const group of failuresByReason(failures)) {
    log(`scheduler tick: ${group.count} ${what}: ${group.reason} (monitors ${group.monitorIds.join(', ')}${group.count > group.monitorIds.length ? ', …' : ''})`);
  }
}

/**
 * Local mode: DynamoDB Local (persisted under the data folder), the same API handler over
 * HTTP, the runner and the scheduler tick in-process. With AWS credentials the judge is
 * Bedrock and notifications go through SES/SNS; without, the judge is rules-only and
 * notifications land in the outbox folder.
 */
export async function startLocalApp(
  config: LocalConfig,
  options: {
    log: (line: string) => void;
    clock?: Clock;
    /** A built console (`console/dist`) to serve at `/`; without it only the API answers. */
    consoleDir?: string;
  },
): Promise<LocalApp> {
  const { log } = options;
  const { dynamo, dynamoLocal } = await openDatabase(config, log);
  const database = dynamoLocal ?? externalDatabase;
  let ticker: NodeJS.Timeout | undefined;
  let server: Server | undefined;
  let costs: LocalCostCollection | undefined;
  const release = async () => {
    clearInterval(ticker);
    await costs?.stop();
    if (server?.listening) {
      await new Promise<void>((done) => server?.close(() => done()));
      server.closeAllConnections();
    }
    dynamo.destroy();
    await dynamoLocal?.stop();
  };
  try {
    await ensureTable(dynamo, config.VIGIL_TABLE_NAME);

    const aws = await awsCredentialsAvailable(config.VIGIL_AWS);
    const region = config.AWS_REGION ?? 'us-east-1';
    const clock = options.clock ?? systemClock;
    const table = openTable(config.VIGIL_TABLE_NAME, { client: dynamo });
    const store = createStore(table);
    // Vigil's own data (DynamoDB Local's database, the outbox) stays unreadable even inside a root.
    const fileAccess = await LocalFileAccess.create({ roots: parseFileRoots(config.VIGIL_FILE_ROOTS), denied: [resolve(config.VIGIL_DATA_DIR)] });
    const readers = sourceReaders({
      table,
      defaultRegion: region,
      clock,
      files: new LocalFileTailer({ access: fileAccess, clock }),
      costExplorer: costExplorerReader,
      savings: savingsReader,
    });
    const url = `http://${config.HOST}:${config.PORT}`;
    const settings = runnerSettings(config, {
      apiBaseUrl: url,
      modelMonthlyBudgetUsd: config.VIGIL_MODEL_MONTHLY_BUDGET_USD,
      baselineLearningRuns: config.VIGIL_BASELINE_LEARNING_RUNS,
    });
    const runner = localRunner(config, { aws, region, store, readers, clock, settings, log });

    const queue = new InProcessRunQueue(
      async (request) => {
        const result = await runner(request, Date.now() + config.VIGIL_RUN_TIMEOUT_SECONDS * 1000);
        if (result.outcome === 'finished') log(`run ${result.run.id} of monitor ${result.run.monitorId}: ${result.run.status}`);
      },
      (request, error) => log(`run request ${JSON.stringify(request)} failed 3 times and was dropped: ${String(error)}`),
      3,
      () => database.whenAvailable(),
    );
    // The queue is memory; the runs it holds are `queued` records. Those a crash (or a database
    // outage that spent their receives) left behind are sent again at start and after a restart.
    const resumeQueuedRuns = async () => {
      const requests = await queuedRunRequests(store.runs);
      if (requests.length > 0) log(`resuming ${requests.length} queued run(s)`);
      await queue.enqueue(requests);
    };
    dynamoLocal?.onRestart(async () => {
      await ensureTable(dynamo, config.VIGIL_TABLE_NAME);
      await resumeQueuedRuns();
    });
    // Cost Explorer costs $0.01 a request, so snapshots are taken by the collector, never per run:
    // at start, every COST_COLLECTOR_HOURS, and when the API creates or changes a cost source.
    const costCollection = new LocalCostCollection({
      collector: aws
? costCollector({ store, readers, clock, savings: true }) : null,
      targets: store.targets,
      hours: config.COST_COLLECTOR_HOURS,
      log,
    });
    costs = costCollection;
    const managed = createManagementContext({
      store,
      queue,
      clock,
      settings: { localMode: true, runRetentionDays: config.RUN_RETENTION_DAYS },
      sourceTester: sourceTester({ readers, clock, costCollectorHours: config.COST_COLLECTOR_HOURS, missingSnapshot: (id) => costCollection.missingSnapshot(id) }),
      previewer: localPreviewer(config, { aws, region, store, readers, clock, settings, log }),
      fileAccess,
    });
    const ctx: ManagementContext = { ...managed, logSources: watchCostSources(managed.logSources, (source) => costCollection.sourceChanged(source)) };

    let inFlightTick: Promise<void> | null = null;
    const tickNow = async () => {
      // One tick at a time, as EventBridge's one-minute schedule gives in AWS; stop() waits for it.
      if (!database.available()) return;
      inFlightTick ??= tick(
        schedulerTick({
          store,
          queue,
          clock,
          runRetentionDays: config.RUN_RETENTION_DAYS,
          schedule: claimsThatKeepTheirRuns(store.schedule, store.runs, { clock, runRetentionDays: config.RUN_RETENTION_DAYS }),
          reap: () => reapRunsLeftOpen({ runs: store.runs, clock, queue, config }),
        }),
      )
        .then((result) => logSlotFailures('claims failed (their slots stay due)', result.failedClaims, log))
        .catch((error: unknown) => {
          log(`scheduler tick failed: ${error instanceof Error ? error.message : String(error)}`);
          if (error instanceof TickIncompleteError) logSlotFailures('slots not queued', error.unqueued, log);
        })
        .finally(() => (inFlightTick = null));
      await inFlightTick;
    };

    costCollection.start();

    const handler = answerUnavailableWhileDown(withHttpHandler(createApi(ctx)), database, () =>
      store.health.pingDatabase().then(
        () => true,
        () => false,
      ),
    );
    const listening = createApiServer((event, context) => handler(event, context), {
      ...(config.VIGIL_API_KEY !== undefined && { apiKey: config.VIGIL_API_KEY }),
      ...(options.consoleDir !== undefined && { consoleSite: await loadConsoleSite(options.consoleDir) }),
      allowedHosts: allowedHosts({ host: config.HOST, port: config.PORT, extra: config.VIGIL_ALLOWED_HOSTS }),
    });
    server = listening;
    await new Promise<void>((done, fail) => {
      listening.once('error', fail);
      listening.listen(config.PORT, config.HOST, () => done());
    });
    await resumeQueuedRuns();
    await tickNow();
    ticker = setInterval(() => void tickNow(), config.VIGIL_TICK_SECONDS * 1000);
    return {
      url,
      ctx,
      queue,
      aws,
      tickNow,
      async stop() {
        clearInterval(ticker);
        await inFlightTick;
        await idleUnlessDatabaseDown(queue, database);
        // What is still queued stays in the table for the next start.
        queue.close();
        await release();
        await queue.idle();
      },
    };
  } catch (error) {
    // A start that fails halfway (a port in use, no credentials with VIGIL_AWS=on) leaves nothing running.
    await release();
    throw error;
  }
}
