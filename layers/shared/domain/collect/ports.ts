/**
 * Ports of the collectors. Adapters in `#adapters/*` (cloudwatch-logs/, ecs/, cost-explorer/, dynamo/, files/) implement them over CloudWatch
 * Logs, ECS, Cost Explorer, DynamoDB and the local file system; tests hand in fakes.
 */
import type { CostMetric, EcsConfig, Target } from '../model/entities.ts';
import type { LinePattern } from '../model/line-pattern.ts';
import type { CostAnomaly, CostSnapshot, LogGroupSelection, ReadResult } from './types.ts';

/** A bounded read of CloudWatch Logs over `[start, end]`. */
export interface LogReadRequest {
  groups: LogGroupSelection;
  /** Only streams whose names start with this (an ECS container's `prefix/container/`). */
  streamPrefix?: string;
  start: Date;
  end: Date;
  /** The newest lines wanted; a reader may stop once it holds this many. */
  maxLines: number;
  /** Epoch milliseconds by which the read must have returned (queries stopped, partial results kept). */
  deadline: number;
}

/** Reads CloudWatch Logs (for `cloudwatch_logs` and `ecs` sources) in one region with one identity. */
export interface LogReader {
  /** FilterLogEvents; an empty pattern matches every event. */
  filter(request: LogReadRequest & { filterPattern: string }): Promise<ReadResult>;
  /** A Logs Insights query; each result row becomes a line. */
  insights(request: LogReadRequest & { query: string }): Promise<ReadResult>;
}

/** Where an ECS container's `awslogs` driver writes. */
export interface ContainerLogLocation {
  logGroup: string;
  /** `awslogs-region`, when the container logs to another region than the target's. */
  region: string | null;
  /** `awslogs-stream-prefix`: streams are then `prefix/container/task-id`. */
  streamPrefix: string | null;
  /** `family:revision` the location was read from. */
  taskDefinition: string;
}

/** Resolves an ECS container's log location from its task definition. */
export interface ContainerLogLocator {
  locate(config: EcsConfig): Promise<ContainerLogLocation>;
}

/** The AWS readers of one target: its region and, for another account, its assumed role. */
export interface TargetReaders {
  /** A log reader in the target's region, or in `region` (an ECS container's `awslogs-region`). */
  logs(region?: string): LogReader;
  containers: ContainerLogLocator;
}

/** Builds (and caches) the AWS readers for a target. */
export interface SourceClients {
  forTarget(target: Target): TargetReaders;
}

export interface CostSnapshotReader {
  /** The newest snapshot of a `cost_explorer` source, or null before the first collection. */
  latest(logSourceId: string): Promise<CostSnapshot | null>;
}

export interface CostSnapshotRepository extends CostSnapshotReader {
  save(snapshot: CostSnapshot): Promise<void>;
}

export interface TailOptions {
  maxLines: number;
  /** Only lines this expression matches count. */
  match?: LinePattern;
  /** Epoch milliseconds after which reading stops with what it has. */
  deadline: number;
}

/** Reads the newest lines of a local file (local mode). */
export interface FileTailer {
  tail(path: string, options: TailOptions): Promise<ReadResult>;
}

/** Everything the collectors read through. */
export interface SourceReaders {
  aws: SourceClients;
  costSnapshots: CostSnapshotReader;
  /** Present in local mode only: `file` sources exist nowhere else. */
  files?: FileTailer;
}

/** A Cost Explorer period: `YYYY-MM-DD`, `end` exclusive. */
export interface CostPeriod {
  start: string;
  end: string;
}

/** Daily costs as Cost Explorer returns them, per group. */
export interface CostAndUsage {
  /** The currency or usage unit; null when the period had no data at all. */
  unit: string | null;
  /** False when the page cap stopped pagination (each page is another $0.01). */
  complete: boolean;
  days: Array<{ day: string; estimated: boolean; groups: Array<{ group: string; amount: number }> }>;
}

/** The three Cost Explorer reads a snapshot needs (each request costs $0.01). */
export interface CostExplorerPort {
  /** GetCostAndUsage, daily, grouped by `groupBy` (a dimension, `TAG:<key>` or `COST_CATEGORY:<name>`). */
  costAndUsage(request: CostPeriod & { metric: CostMetric; groupBy: string }): Promise<CostAndUsage>;
  /** GetCostForecast over the period, as one amount. */
  forecast(request: CostPeriod & { metric: CostMetric }): Promise<{ amount: number; unit: string | null }>;
  /** GetAnomalies whose dates fall in the period. */
  anomalies(request: CostPeriod): Promise<CostAnomaly[]>;
}
