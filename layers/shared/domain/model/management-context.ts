import type { LogSource, Target } from './entities.ts';
import type { LogSourceTestResult } from '../log-sources/test-log-source.ts';
import type { FileAccess } from '../collect/file-access.ts';
import type { Clock, IdGenerator } from './ports.ts';
import type { HealthProbe } from '../health/ports.ts';
import type { LogSourceRepository } from '../log-sources/ports.ts';
import type { MonitorRepository } from '../monitors/ports.ts';
import type { RunQueue, RunRepository } from '../runs/ports.ts';
import type { MonitorPreviewer } from '../runs/preview-run.ts';
import type { UsageRepository } from '../runs/usage.ts';
import type { ScheduleRepository } from '../scheduling/ports.ts';
import type { TargetRepository } from '../targets/ports.ts';
import type { AnomalyFeedbackSender, FeedbackRepository } from '../feedback/ports.ts';
import type { BaselineRepository } from '../baseline/ports.ts';
import type { RunHistoryReader } from '../insights/monitor-insights.ts';
import type { CostSnapshotReader } from '../collect/ports.ts';

/** Everything the management use-cases may need; each takes only the parts it uses. */
export interface ManagementContext {
  targets: TargetRepository;
  logSources: LogSourceRepository;
  monitors: MonitorRepository;
  runs: RunRepository;
  /** Runs, model calls, tokens and cost per monitor per day and per month. */
  usage: UsageRepository;
  feedback: FeedbackRepository;
  /** The runs of a period, for insights. */
  runHistory: RunHistoryReader;
  /** The monitors' baselines (insights count the templates new in a period). */
  baselines: BaselineRepository;
  schedule: ScheduleRepository;
  health: HealthProbe;
  /** The cost collector's snapshots (`GET /log-sources/{id}/cost-snapshot`). */
  costSnapshots: CostSnapshotReader;
  queue: RunQueue;
  clock: Clock;
  ids: IdGenerator;
  settings: ManagementSettings;
  /** Reads a small recent sample of a source through the collectors (`POST /log-sources/{id}/test`). */
  sourceTester: SourceTester;
  /** Collects and judges an unsaved monitor once (`POST /monitors/preview`). */
  previewer: MonitorPreviewer;
  /** Which paths `file` sources may name (local mode); absent, file sources are refused. */
  fileAccess?: FileAccess;
  /** Cost Anomaly Detection feedback; present only when the stack allows `ce:ProvideAnomalyFeedback`. */
  anomalyFeedback?: AnomalyFeedbackSender;
}

export interface SourceTester {
  test(source: LogSource, target: Target): Promise<LogSourceTestResult>;
}

export interface ManagementSettings {
  /** Local mode allows `local` targets and `file` sources. */
  localMode: boolean;
  /** How long runs are kept before DynamoDB's TTL removes them. */
  runRetentionDays: number;
  /**
   * The Bedrock models the runner may invoke (the stack's `allowedModelIds`); a monitor naming
   * another is refused when saved rather than failing every run. Absent: any model.
   */
  allowedModelIds?: readonly string[];
}
