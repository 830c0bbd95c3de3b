/**
 * The contract between the infrastructure (lib/, the CDK app) and the runtime (the functions and
 * local mode): the names of the environment variables, the defaults of the settings behind them,
 * the table's key schema and the API's body limit. Both sides import these constants, so a typo is
 * a compile error instead of a silent fallback to a default.
 *
 * Plain constants and types only: the CDK app imports this file, and must not pull AWS SDK
 * clients or runtime code in with it.
 */

/**
 * Every environment variable a Vigil function reads or its construct sets, by name. Adding one:
 * name it here, give it a schema in `environment.ts` (and a default in {@link DEFAULTS} if it has
 * one), list it for the functions that read it there, and set it in lib/ with `VigilFunction`'s
 * `environment` or a binder. The contract test fails until both sides agree.
 */
export const ENV = {
  /** The single table (VigilTable.bind). */
  TABLE_NAME: 'TABLE_NAME',
  /** The run queue the API and the scheduler enqueue to (QueueWithDlq.bindSender). */
  RUN_QUEUE_URL: 'RUN_QUEUE_URL',
  /** The alert topic every notification is also published to (AlertTopic.bindPublisher). */
  ALERT_TOPIC_ARN: 'ALERT_TOPIC_ARN',
  /** A verified SES identity to send from; email is off without it (AlertChannels.bind). */
  SENDER_EMAIL: 'SENDER_EMAIL',
  /** Days a run is kept before DynamoDB's TTL removes it. */
  RUN_RETENTION_DAYS: 'RUN_RETENTION_DAYS',
  /** The model of monitors that name none. */
  DEFAULT_MODEL_ID: 'DEFAULT_MODEL_ID',
  /** The models monitors may name (comma-separated); unset allows any. */
  ALLOWED_MODEL_IDS: 'ALLOWED_MODEL_IDS',
  /** The web console's origin (`https://<distribution>.cloudfront.net`): the one origin the API's CORS allows. */
  CONSOLE_ORIGIN: 'CONSOLE_ORIGIN',
  /** The management API's URL, for run links in notifications. */
  API_BASE_URL: 'API_BASE_URL',
  /** Per-model price overrides (USD per 1M tokens), see docs/judge.md. */
  MODEL_PRICES_JSON: 'MODEL_PRICES_JSON',
  /** Estimated model spend allowed per UTC month (USD); unset: no cap. */
  MODEL_MONTHLY_BUDGET_USD: 'MODEL_MONTHLY_BUDGET_USD',
  /** The most tokens a run's payload may take; longer payloads are cut, label by label. */
  MAX_INPUT_TOKENS: 'MAX_INPUT_TOKENS',
  /** How many inputs of one run are read at once. */
  COLLECT_CONCURRENCY: 'COLLECT_CONCURRENCY',
  /** Hours between cost snapshots: what a run says when a source has none yet. */
  COST_COLLECTOR_HOURS: 'COST_COLLECTOR_HOURS',
  /** `on` when the stack lets the API call ce:ProvideAnomalyFeedback (config `anomalyFeedback`); unset: off. */
  ANOMALY_FEEDBACK: 'ANOMALY_FEEDBACK',
  /** Cost collector: `on` when the stack granted Cost Optimization Hub (config `costSavings`). */
  COST_SAVINGS: 'COST_SAVINGS',
  /** Time kept back from the runner's Lambda timeout to write the run's final status. */
  RUN_MARGIN_SECONDS: 'RUN_MARGIN_SECONDS',
  /** Set by Lambda itself: the Region of targets that name none. */
  AWS_REGION: 'AWS_REGION',
  /** Powertools and Node.js settings every function gets from VigilFunction. */
  POWERTOOLS_SERVICE_NAME: 'POWERTOOLS_SERVICE_NAME',
  POWERTOOLS_METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
  POWERTOOLS_LOG_LEVEL: 'POWERTOOLS_LOG_LEVEL',
  NODE_OPTIONS: 'NODE_OPTIONS',
} as const;

export type EnvironmentVariable = keyof typeof ENV;

/** Variables Lambda sets in every function: no construct sets them. */
export const LAMBDA_PROVIDED_VARIABLES: readonly EnvironmentVariable[] = [ENV.AWS_REGION];

/** Variables VigilFunction sets for Powertools and Node.js, which read them themselves. */
export const PLATFORM_VARIABLES: readonly EnvironmentVariable[] = [
  ENV.POWERTOOLS_SERVICE_NAME,
  ENV.POWERTOOLS_METRICS_NAMESPACE,
  ENV.POWERTOOLS_LOG_LEVEL,
  ENV.NODE_OPTIONS,
];

/**
 * The defaults of the settings, defined once: the runtime's environment parsing, the CDK config
 * (lib/config.ts) and local mode read them from here.
 */
export const DEFAULTS = {
  runRetentionDays: 90,
  costCollectorHours: 6,
  maxInputTokens: 30_000,
  collectConcurrency: 4,
  runMarginSeconds: 15,
  /** Run links in notifications when no API URL is set: local mode's default address. */
  apiBaseUrl: 'http://127.0.0.1:3000',
} as const;

/** The largest request body the API accepts (docs/api.md): API Gateway's WAF rule and the handler agree. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * The single table's key schema: the CDK table (lib/constructs/vigil-table.ts), the table local
 * mode and the tests create (adapters' table definition) and the repositories' queries use it.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** The attribute DynamoDB's TTL reads: epoch seconds (`MonitorRun.expiresAt`). */
  ttlAttribute: 'expiresAt',
  /** The global secondary indexes, by name; each projects all attributes unless its `projection` is keys only. */
  indexes: {
    /** Every item of a type (`typePk`), sorted by `typeSk`: the resource lists, in id (creation) order. */
    byType: { partitionKey: 'typePk', sortKey: 'typeSk' },
    /** Children of an item (`parentPk`), sorted by `parentSk`: a target's sources, a source's monitors, a monitor's runs. */
    byParent: { partitionKey: 'parentPk', sortKey: 'parentSk' },
    /** Sparse: only enabled monitors carry `duePk`, sorted by `dueAt`, so the tick reads due ones. */
    due: { partitionKey: 'duePk', sortKey: 'dueAt' },
    /** Sparse and sharded: only runs still `queued`/`running` carry `openPk`, so the reaper reads runs in flight. */
    openRuns: { partitionKey: 'openPk', sortKey: 'openAt' },
    /**
     * Every run by status (`RUNS#<status>`), sorted by `sk` (its id, so its time): the run lists
     * across monitors. Keys only: a page reads its runs by key, so the index stays small and a run
     * field added later needs no index change. The one index this version adds (CloudFormation
     * creates one GSI per table update).
     */
    runsByStatus: { partitionKey: 'runStatusPk', sortKey: 'sk', projection: 'KEYS_ONLY' },
  },
} as const;

export type TableIndexName = keyof typeof TABLE_SCHEMA.indexes;

// ---------- metrics ----------
// The CloudWatch metrics Vigil's functions publish (EMF through Powertools Metrics), named once
// for the functions that publish them and the alarms and dashboard that read them. Each also
// carries Powertools' `service` dimension, `vigil-<function>` (lib/constructs/vigil-function.ts).

/** 1 per scheduler tick that finished: missing datapoints mean no tick ran. */
export const HEARTBEAT_METRIC = 'SchedulerHeartbeat';
/** Seconds the most overdue due slot waited at a tick. */
export const SLOT_LAG_METRIC = 'SlotLagSeconds';

/** 1 per finished run, with a `Status` dimension (ok, warn, alert, error). */
export const RUNS_METRIC = 'Runs';
/** Milliseconds from a run's start to its verdict. */
export const RUN_DURATION_METRIC = 'RunDuration';
/** 1 per notification outcome, with an `Outcome` dimension (sent, failed, suppressed, outbox). */
export const NOTIFICATIONS_METRIC = 'Notifications';

/** The judge's estimated model cost in USD: per `ModelId`, and in total (service dimension only). */
export const MODEL_COST_METRIC = 'EstimatedCostUsd';
export const INPUT_TOKENS_METRIC = 'InputTokens';
export const OUTPUT_TOKENS_METRIC = 'OutputTokens';
