/**
 * Vigil's domain entities (camelCase inside; the HTTP layer speaks snake_case on the wire).
 * Names follow the service Vigil grew from: Target, LogSource, Monitor, MonitorRun.
 */

import type { RunFeedback } from '../feedback/types.ts';

export type TargetType = 'aws_account' | 'local';

/** How to reach a target: its region and, for another account, the role to assume. */
export interface ConnectionConfig {
  region?: string;
  roleArn?: string;
  externalId?: string;
}

/** Where logs and costs live: an AWS account and region, or this machine (local mode). */
export interface Target {
  id: string;
  name: string;
  type: TargetType;
  connectionConfig: ConnectionConfig;
  createdAt: string;
  updatedAt: string;
}

/**
 * What a log source reads. "mode" names three different things in the API (a source's kind, an
 * input's kind, a window's mode); the types say which: SourceKind, InputKind, WindowMode. The
 * fields keep the name `mode`, as on the wire (docs/api.md) and in the table.
 */
export type SourceKind = 'cloudwatch_logs' | 'ecs' | 'cost_explorer' | 'file' | 'cloudwatch_metrics';

export interface CloudWatchLogsConfig {
  logGroupNames?: string[];
  logGroupNamePrefix?: string;
}

export interface EcsConfig {
  cluster: string;
  containerName: string;
  serviceName?: string;
  taskFamily?: string;
}

export type CostMetric =
  | 'AmortizedCost'
  | 'BlendedCost'
  | 'NetAmortizedCost'
  | 'NetUnblendedCost'
  | 'NormalizedUsageAmount'
  | 'UnblendedCost'
  | 'UsageQuantity';

export interface CostExplorerConfig {
  metric: CostMetric;
  /** A Cost Explorer dimension (`SERVICE`, `LINKED_ACCOUNT`, ...) or `TAG:<key>`. */
  groupBy: string;
  /**
   * Also take Cost Optimization Hub's top recommendations into each snapshot (needs the stack's
   * `costSavings` flag for the permission). Absent on sources stored before it: false.
   */
  includeSavings?: boolean;
}

/** CloudWatch metrics of the target's account and region: what to read is on each input. */
export type CloudWatchMetricsConfig = Record<string, never>;

export interface FileConfig {
  path: string;
}

/** A log source's configuration, discriminated by its kind (`mode`: a {@link SourceKind}). */
export type LogSourceSpec =
  | { mode: 'cloudwatch_logs'; config: CloudWatchLogsConfig }
  | { mode: 'ecs'; config: EcsConfig }
  | { mode: 'cost_explorer'; config: CostExplorerConfig }
  | { mode: 'file'; config: FileConfig }
  | { mode: 'cloudwatch_metrics'; config: CloudWatchMetricsConfig };

export type LogSource = LogSourceSpec & {
  id: string;
  targetId: string;
  name: string;
  createdAt: string;
  updatedAt: string;
};

/** How an input reads its source (an input's `mode`). */
export type InputKind = 'filter' | 'insights' | 'cost' | 'tail' | 'metrics';

/** The input kinds each source kind can serve. */
export const INPUT_KINDS_BY_SOURCE_KIND: Record<SourceKind, readonly InputKind[]> = {
  cloudwatch_logs: ['filter', 'insights'],
  ecs: ['filter', 'insights'],
  cost_explorer: ['cost'],
  file: ['tail'],
  cloudwatch_metrics: ['metrics'],
};

/**
 * One GetMetricData query of a `metrics` input: a metric with its statistic, or a metric math
 * expression over the input's other queries. `id` is unique within the input.
 */
export type MetricQuery =
  | { id: string; periodSeconds: number; namespace: string; metricName: string; dimensions: Record<string, string>; stat: string }
  | { id: string; periodSeconds: number; expression: string };

interface InputBase {
  /** Unique within the monitor (case-insensitive): `FULL_LOGS`, `ERRORS`, `BUDGET`. */
  label: string;
  /** Defaults to the monitor's log source. */
  logSourceId?: string;
  /** How far back to read; defaults to the monitor's interval. */
  lookbackMinutes?: number;
}

/** One labeled input of a monitor; its kind (`mode`) must fit its log source's kind. */
export type MonitorInput =
  | (InputBase & { mode: 'filter'; filterPattern: string })
  | (InputBase & { mode: 'insights'; query: string })
  | (InputBase & { mode: 'cost' })
  | (InputBase & { mode: 'tail'; match?: string })
  | (InputBase & { mode: 'metrics'; queries: MetricQuery[] });

export type Severity = 'warn' | 'alert';

/**
 * What a rule counts against: `min_count` is breached when at least N lines match (too many),
 * `expect_at_least` when fewer than N match (silence: a heartbeat that stopped).
 */
export type RuleKind = 'min_count' | 'expect_at_least' | 'metric';

export type MetricOp = '>' | '>=' | '<' | '<=';

/**
 * A rule over one metric series of a `metrics` input (`label`, query `id`): breached when each of
 * the last `datapoints` points satisfies `op value`. Fewer points than that: not breached.
 */
export interface MetricRule {
  label: string;
  id: string;
  op: MetricOp;
  value: number;
  datapoints: number;
  severity: Severity;
}

interface RuleBase {
  label: string;
  pattern: string;
  severity: Severity;
}

/**
 * A deterministic rule over the lines its label read in the window: breached when at least
 * `minCount` lines match, or, with `expectAtLeast`, when fewer than that many match (exactly
 * one of the two is set).
 */
export type MonitorRule = RuleBase & ({ minCount: number; expectAtLeast?: never } | { expectAtLeast: number; minCount?: never });

/** The kinds of cost rule: computed in code from the latest cost snapshot a `cost` input read. */
export const COST_RULE_KINDS = ['daily_threshold', 'monthly_budget', 'anomaly', 'aws_anomaly'] as const;
export type CostRuleKind = (typeof COST_RULE_KINDS)[number];

interface CostRuleBase {
  /** The monitor's `cost` input whose snapshot the rule reads; absent when the monitor has exactly one. */
  label?: string;
  /** The currency the amounts are in; a snapshot in another unit makes the run an `error` run. @default 'USD' */
  unit: string;
}

/**
 * A cost rule (`cost_rules` on the wire). `daily_threshold`: the last complete day's total (or
 * one group's) above `amount`. `monthly_budget`: month-to-date and the month-end forecast
 * against each `alertPercentages` of `amount`. `anomaly`: per group, the last complete day far
 * above its trailing `lookbackDays` (robust z-score and an absolute `minDelta`). `aws_anomaly`:
 * Cost Anomaly Detection findings in the snapshot with total impact of at least `minImpact`.
 */
export type CostRule =
  | (CostRuleBase & { kind: 'daily_threshold'; amount: number; group?: string; severity: Severity })
  | (CostRuleBase & { kind: 'monthly_budget'; amount: number; alertPercentages: number[] })
  | (CostRuleBase & { kind: 'anomaly'; zScore: number; minDelta: number; lookbackDays: number })
  | (CostRuleBase & { kind: 'aws_anomaly'; minImpact: number });

/** A daily digest of a monitor's costs, sent at `hourUtc` whatever the status. */
export interface DigestConfig {
  /** 0–23: the UTC hour at which the digest run is enqueued. */
  hourUtc: number;
}

/** The status of a run in which every input was read and none had a line. */
export type NoDataStatus = 'ok' | 'warn' | 'alert';

/** How the window shrinks each input (a window's `mode`). */
export type WindowMode = 'raw' | 'templates';

export interface WindowConfig {
  maxLines: number;
  maxChars: number;
  /** `templates` summarises every pattern; `raw` keeps the newest lines. */
  mode: WindowMode;
}

export type NotifyOn = 'alert_only' | 'warn_and_alert' | 'all';

/**
 * When the model is asked: `always` (unless there is no new data or nothing changed), or
 * `unusual`: only when the window differs from the monitor's baseline or a rule is breached.
 */
export type JudgeWhen = 'always' | 'unusual';

export interface NotificationConfig {
  emailRecipients: string[];
  smsNumbers: string[];
  notifyOn: NotifyOn;
  cooldownMinutes: number;
}

export interface ModelSettings {
  /** A Bedrock model id or inference profile id; the stack's default when absent. */
  modelId?: string;
}

/** A short view of a monitor's newest run, kept on the monitor for `last_run`. */
export interface LastRunSummary {
  id: string;
  status: RunStatus;
  finishedAt: string | null;
}

/** The `last_run` view of a run. */
export function lastRunOf(run: MonitorRun): LastRunSummary {
  return { id: run.id, status: run.status, finishedAt: run.finishedAt };
}

/** The notification state that cooldown and recovery decisions read (the alert issue). */
export interface AlertState {
  status: RunStatus;
  fingerprint: string;
  notifiedAt: string;
  /** The run that claimed this notice, so its own retry can finish delivering it. */
  runId?: string;
}

/** A recurring quiet time: open for `durationMinutes` from each slot of its cron `schedule`. */
export interface MaintenanceWindow {
  /** An EventBridge cron expression (UTC), `cron(0 22 ? * SAT *)`. */
  schedule: string;
  durationMinutes: number;
}

/** What an operator sets on a monitor. */
export interface MonitorSpec {
  name: string;
  logSourceId: string;
  enabled: boolean;
  /**
   * Seconds between slots: the operator's `interval_seconds`, or, with a `schedule`, the interval
   * it stands for (a rate's; a cron's longest gap, at most 7 days), which inputs' lookback defaults to.
   */
  intervalSeconds: number;
  /** `rate(5 minutes)` or `cron(0 9 * * ? *)` (EventBridge syntax, UTC); absent: slots every `intervalSeconds`. */
  schedule?: string | null;
  /** Until then runs go on and their notifications are suppressed (`snoozed`); absent or null: not snoozed. */
  snoozedUntil?: string | null;
  /** While one is open, notifications are suppressed (`maintenance`). */
  maintenanceWindows?: MaintenanceWindow[];
  prompt: string;
  inputs: MonitorInput[];
  rules: MonitorRule[];
  windowConfig: WindowConfig;
  notificationConfig: NotificationConfig;
  model: ModelSettings;
  /** The status when every input was read and none had a line; absent (monitors stored before it) means `ok`. */
  noDataStatus?: NoDataStatus;
  /** @default 'always' (monitors stored before the field existed have none) */
  judgeWhen?: JudgeWhen;
  /** Rules over metric series, computed in code; absent on monitors stored before them. */
  metricRules?: MetricRule[];
  /** Rules over the `cost` inputs' snapshots, computed in code; none when absent. */
  costRules?: CostRule[];
  /** A daily digest run; none when absent. */
  digest?: DigestConfig | null;
}

export interface Monitor extends MonitorSpec {
  id: string;
  /** When the scheduler runs it next; null while disabled. */
  nextRunAt: string | null;
  lastRun: LastRunSummary | null;
  alertState: AlertState | null;
  /** Optimistic-concurrency counter, bumped on every write of the spec. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type RunStatus = 'queued' | 'running' | 'ok' | 'warn' | 'alert' | 'error';
export type FinalRunStatus = 'ok' | 'warn' | 'alert' | 'error';
/** `digest`: the monitor's daily cost digest (see {@link DigestConfig}). */
export type RunTrigger = 'schedule' | 'manual' | 'digest';

export const FINAL_STATUSES: readonly FinalRunStatus[] = ['ok', 'warn', 'alert', 'error'];

/** Per-label collection stats stored on the run. */
export interface InputStats {
  lines: number;
  chars: number;
  truncated: boolean;
  error: string | null;
  /** Templates left out when the budget could not show every one (templates mode). */
  omittedTemplates?: number;
  /** What limited the read: a cap hit (events scanned, time), a partial Insights result, ... */
  notes?: string[];
}

export interface Finding {
  title: string;
  severity: 'info' | Severity;
  label: string | null;
  evidence: string[];
  recommendation: string | null;
}

/** Kinds of rule computed from numbers (cost snapshots, metric series) rather than counted lines. */
export type NumberRuleKind = CostRuleKind;

/** Which figure a number rule compared: what was spent, or what is forecast. */
export type RuleBasis = 'actual' | 'forecast';

/**
 * One rule's outcome. Line rules (`min_count`, `expect_at_least`) count `pattern` over a label's
 * lines; number rules (cost kinds) have an empty `pattern`, a `count` of 0, and carry the figures
 * behind them (`actual`, `threshold`, `percent`, `day`, `group`, `basis`, `unit`, `detail`).
 */
export interface RuleResult {
  label: string;
  pattern: string;
  /** Which kind of rule this was; absent on runs stored before `expect_at_least` (then `min_count`). */
  kind?: RuleKind | NumberRuleKind;
  /** The rule's `minCount` or `expectAtLeast`, or a number rule's limit; absent on runs stored before it. */
  threshold?: number;
  /** The figure a number rule compared with its threshold (a `metric` rule's newest value; null without one). */
  actual?: number | null;
  /** A budget's percentage crossed (`monthly_budget`), or `actual` as a percentage of the threshold. */
  percent?: number;
  /** `YYYY-MM-DD` the figure is about (the last complete day, an anomaly's start). */
  day?: string;
  /** The group (service, account, tag value) the figure is about. */
  group?: string;
  basis?: RuleBasis;
  /** The currency or unit of `actual` and `threshold`. */
  unit?: string;
  /** One short human line with the figures: what the rule found (for a `metric` rule, which points were compared, or why none were). */
  detail?: string;
  /** True when the label's input failed: nothing was counted and the rule is not breached. */
  unread?: boolean;
  /** A `metric` rule's query id, comparison and the points it needs. */
  id?: string;
  op?: MetricOp;
  datapoints?: number;
  count: number;
  severity: Severity;
  breached: boolean;
  /**
   * For a breached rule, the masked-line id (runs/run-steps.ts `maskedLineId`, not a mined
   * template's id) most of its matching lines share: what the breach is about ("order <*> timeout
   * after <*>"), so the alert fingerprint tells one problem from another. The field keeps its
   * stored name (runs in the table carry it) and is `template_id` on the wire (docs/api.md).
   */
  templateId?: string | null;
}

export type JudgeKind = 'bedrock' | 'rules';
export type JudgeSkip = 'no_new_data' | 'unchanged' | 'usual';
/** Why a run meant for a model was judged by the rules alone. */
export type JudgeFallbackCode = 'circuit_open' | 'budget_reached';

export interface JudgeFallback {
  code: JudgeFallbackCode;
  /** What happened and when model calls resume, for operators. */
  reason: string;
}

export interface JudgeUsage {
  kind: JudgeKind;
  modelId: string | null;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  estimatedCostUsd: number;
  skipped: JudgeSkip | null;
  /** Set when the circuit breaker or the monthly model budget kept the model out (`kind` is then `rules`). */
  fallback?: JudgeFallback | null;
}

export type NotificationChannel = 'email' | 'sms' | 'topic';
export type NotificationStatus = 'sent' | 'failed' | 'suppressed' | 'outbox';

/** What happened to one target of one channel: an email recipient, an SMS number, the topic. */
export interface ChannelOutcome {
  channel: NotificationChannel;
  target: string;
  status: NotificationStatus;
  reason: string | null;
}

/**
 * The notification step itself failed before it could report per target (a bug, an unexpected
 * error): no channel, no target, and why. The run keeps its verdict.
 */
export interface NotifyStepFailure {
  channel: null;
  target: null;
  status: 'failed';
  reason: string;
}

export type NotificationOutcome = ChannelOutcome | NotifyStepFailure;

/** One execution of a monitor, from `queued` to a final status. */
export interface MonitorRun {
  id: string;
  monitorId: string;
  trigger: RunTrigger;
  status: RunStatus;
  /** The schedule slot a `schedule` or `digest` run belongs to; null for manual runs. */
  scheduledFor: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  summary: string | null;
  findings: Finding[];
  inputs: Record<string, InputStats>;
  rules: RuleResult[];
  judge: JudgeUsage | null;
  notifications: NotificationOutcome[];
  /**
   * True from the save of the verdict until the notify step has recorded its outcomes (the
   * verdict is saved before delivery, so a failed delivery never loses it). Absent on runs stored
   * before it and on runs the reaper closed.
   */
  notificationsPending?: boolean;
  /** Secrets redacted from the payload before it left for the model. */
  redactions: number;
  /** Hash of the payload the judge saw, to skip unchanged payloads. */
  payloadHash: string | null;
  /**
   * The redacted labeled payload the judge read — what was sent to the model unless
   * `judge.skipped` — kept up to {@link MAX_STORED_PAYLOAD_BYTES}.
   */
  payload: string | null;
  /** The model's raw reply when it could not be validated. */
  rawReply: string | null;
  error: string | null;
  /** Operators' feedback on this run's verdict, oldest first (absent: none yet). */
  feedback?: RunFeedback[];
  /** Epoch seconds after which DynamoDB's TTL removes the run. */
  expiresAt: number;
}

/** A run keeps at most this much of its payload (DynamoDB items hold 400 KB in all). */
export const MAX_STORED_PAYLOAD_BYTES = 64 * 1024;

/** A page of a list and the opaque cursor of the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  nextToken: string | null;
}

/** `nextToken`: a cursor the same list handed out; any other is an InvalidCursorError. */
export interface PageRequest {
  limit: number;
  nextToken?: string;
}
