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
  queue: RunQueue;
  clock: Clock;
  ids: IdGenerator;
  settings: ManagementSettings;
}

export interface ManagementSettings {
  /** Local mode allows `local` targets and `file` sources. */
  localMode: boolean;
  /** How long runs are kept before DynamoDB's TTL removes them. */
  runRetentionDays: number;
}
