import type { LogSource, Target } from '../entities.ts';
import type { LogSourceTestResult } from '../collect/test-log-source.ts';
import type { FileAccess } from '../collect/file-access.ts';
import type { CostSnapshotReader } from '../collect/ports.ts';
import type {
  Clock,
  HealthProbe,
  IdGenerator,
  LogSourceRepository,
  MonitorRepository,
  RunQueue,
  RunRepository,
  ScheduleRepository,
  TargetRepository,
} from '../ports.ts';

/** Everything the management use-cases may need; each takes only the parts it uses. */
export interface ManagementContext {
  targets: TargetRepository;
  logSources: LogSourceRepository;
  monitors: MonitorRepository;
  runs: RunRepository;
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
  /** Which paths `file` sources may name (local mode); absent, file sources are refused. */
  fileAccess?: FileAccess;
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
