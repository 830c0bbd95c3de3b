import { monotonicFactory } from 'ulid';
import { createStore, type Store } from '#adapters/dynamo/index.ts';
import type { FileAccess } from '#domain/collect/file-access.ts';
import type { SourceReaders } from '#domain/collect/ports.ts';
import { testLogSource } from '#domain/log-sources/test-log-source.ts';
import type { Clock, IdGenerator } from '#domain/model/ports.ts';
import type { RunQueue } from '#domain/runs/ports.ts';
import type { MonitorPreviewer } from '#domain/runs/preview-run.ts';
import type { AnomalyFeedbackSender } from '#domain/feedback/ports.ts';
import type { ManagementContext, ManagementSettings, SourceTester } from '#domain/model/management-context.ts';
import { systemClock } from './clock.ts';
import { readEnvironment } from './environment.ts';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { CostAnomalyFeedbackSender } from '#adapters/cost-explorer/anomaly-feedback.ts';
import { COST_EXPLORER_REGION } from '#adapters/aws-source-clients.ts';
import { sourceReaders } from './readers.ts';
import { sqsRunQueue } from './run-queue.ts';
import { openTable } from './table.ts';
import { monitorPreviewer, uncountedJudgeMetrics } from './preview.ts';

const monotonicUlid = monotonicFactory();
/** ULIDs that keep creation order even within one millisecond, so lists read in order. */
export const ulidGenerator: IdGenerator = { next: (at) => monotonicUlid(at.getTime()) };

/** `POST /log-sources/{id}/test`: reads a sample through the same readers the runner uses. */
export function sourceTester(options: {
  readers: SourceReaders;
  clock: Clock;
  costCollectorHours: number;
  /** How long one test may read. @default 10000 */
  timeoutMs?: number;
  /** What to say of a cost source without a snapshot, where the collector is local mode's. */
  missingSnapshot?: (logSourceId: string) => string;
}): SourceTester {
  const { readers, clock, costCollectorHours, timeoutMs, missingSnapshot } = options;
  return {
    test: (source, target) =>
      testLogSource(source, target, {
        readers,
        clock,
        costCollectorHours,
        ...(timeoutMs !== undefined && { timeoutMs }),
        ...(missingSnapshot !== undefined && { missingSnapshot }),
      }),
  };
}

/** Wires the management use-cases to the store, the run queue and the settings. */
export function createManagementContext(options: {
  store: Store;
  queue: RunQueue;
  settings: ManagementSettings;
  sourceTester: SourceTester;
  previewer: MonitorPreviewer;
  /** Local mode's file roots; without it `file` sources are refused. */
  fileAccess?: FileAccess;
  /** Cost Anomaly Detection feedback, when the stack allows it. */
  anomalyFeedback?: AnomalyFeedbackSender;
  clock?: Clock;
  ids?: IdGenerator;
}): ManagementContext {
  return {
    ...options.store,
    runHistory: options.store.runs,
    queue: options.queue,
    clock: options.clock ?? systemClock,
    ids: options.ids ?? ulidGenerator,
    settings: options.settings,
    sourceTester: options.sourceTester,
    previewer: options.previewer,
    ...(options.fileAccess && { fileAccess: options.fileAccess }),
    ...(options.anomalyFeedback && { anomalyFeedback: options.anomalyFeedback }),
  };
}

/** How long the API waits for Cost Anomaly Detection before recording the feedback as failed. */
const ANOMALY_FEEDBACK_TIMEOUT_MS = 3_000;

/** `ce:ProvideAnomalyFeedback` as the API function's own identity (the stack's account). */
export function anomalyFeedbackSender(): AnomalyFeedbackSender {
  const client = new CostExplorerClient({ region: COST_EXPLORER_REGION, maxAttempts: 2 });
  return new CostAnomalyFeedbackSender(client, { clock: systemClock, maxAttempts: 2, timeoutMs: ANOMALY_FEEDBACK_TIMEOUT_MS });
}

/** How long `POST /log-sources/{id}/test` may read (the API function times out at 10 s). */
const SOURCE_TEST_TIMEOUT_MS = 7_000;

/** How long `POST /monitors/preview` may collect and judge (inside the API function's 10 s). */
const PREVIEW_TIMEOUT_MS = 7_000;

/**
 * Why `use_model` is refused in AWS: the API function holds no Bedrock grant (a model call can
 * outlast its 10 s timeout and API Gateway's 29 s), so a preview there is rules-only.
 */
export const NO_MODEL_IN_API = 'is not available through the API in AWS (the API function may not invoke Bedrock); preview with the rules here, or with the model in local mode';

/** The API function's composition root: the table, the run queue and the monitored accounts' readers. */
export function managementContextFromEnvironment(env: Record<string, string | undefined>): ManagementContext {
  const config = readEnvironment('api', env);
  const table = openTable(config.TABLE_NAME);
  const store = createStore(table);
  const readers = sourceReaders({ table, defaultRegion: config.AWS_REGION, clock: systemClock });
  return createManagementContext({
    store,
    queue: sqsRunQueue(config.RUN_QUEUE_URL),
    settings: {
      localMode: false,
      runRetentionDays: config.RUN_RETENTION_DAYS,
      ...(config.ALLOWED_MODEL_IDS && { allowedModelIds: config.ALLOWED_MODEL_IDS }),
    },
    ...(config.ANOMALY_FEEDBACK === 'on' && { anomalyFeedback: anomalyFeedbackSender() }),
    sourceTester: sourceTester({
      readers,
      clock: systemClock,
      costCollectorHours: config.COST_COLLECTOR_HOURS,
      // Inside the API function's 10 s timeout, so a slow read is `ok: false`, not a 504.
      timeoutMs: SOURCE_TEST_TIMEOUT_MS,
    }),
    previewer: monitorPreviewer({
      store,
      readers,
      clock: systemClock,
      judgeMetrics: uncountedJudgeMetrics,
      model: { unavailable: NO_MODEL_IN_API },
      settings: {
        defaultModelId: config.DEFAULT_MODEL_ID,
        maxInputTokens: config.MAX_INPUT_TOKENS,
        collectConcurrency: config.COLLECT_CONCURRENCY,
        costCollectorHours: config.COST_COLLECTOR_HOURS,
      },
      timeoutMs: PREVIEW_TIMEOUT_MS,
    }),
  });
}
