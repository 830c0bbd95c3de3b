/**
 * Ports: what the use-cases need from the outside world. Adapters in `#adapters/*` implement
 * them over AWS; tests hand in fakes or run the DynamoDB adapter against DynamoDB Local.
 */
import type {
  AlertState,
  LastRunSummary,
  LogSource,
  LogSourceMode,
  Monitor,
  MonitorRun,
  Page,
  PageRequest,
  Target,
} from './entities.ts';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new sortable id (a ULID) for the given time. */
  next(at: Date): string;
}

export interface TargetRepository {
  /** Fails with ConflictError when the id is taken. */
  create(target: Target): Promise<void>;
  get(id: string): Promise<Target | null>;
  list(page: PageRequest): Promise<Page<Target>>;
  /**
   * Replaces the target written at `previous.updatedAt`. ConflictError when it changed since,
   * or when its type changes while log sources use it; NotFoundError when it is gone.
   */
  update(target: Target, previous: Target): Promise<void>;
  /** NotFoundError when missing; ConflictError while log sources reference it. */
  delete(id: string): Promise<void>;
}

export interface LogSourceRepository {
  /**
   * Creates the source and counts it on its target in one transaction. ValidationError on
   * `target_id` when the target is missing, or is not a `local` target for a `file` source.
   */
  create(source: LogSource): Promise<void>;
  get(id: string): Promise<LogSource | null>;
  /** Several at once, for a monitor's references; missing ids are absent from the map. */
  getMany(ids: readonly string[]): Promise<Map<string, LogSource>>;
  list(page: PageRequest, filter?: { targetId?: string }): Promise<Page<LogSource>>;
  /** ConflictError when changed since `previous`, or when the mode changes while monitors use it. */
  update(source: LogSource, previous: LogSource): Promise<void>;
  /** NotFoundError when missing; ConflictError while monitors reference it. */
  delete(id: string): Promise<void>;
}

/** The log sources a monitor references, with the mode each was validated against. */
export type SourceExpectations = ReadonlyMap<string, LogSourceMode>;

export interface MonitorRepository {
  /**
   * Creates the monitor and its references in one transaction; ValidationError on the
   * referencing field when a source vanished or changed mode meanwhile.
   */
  create(monitor: Monitor, sources: SourceExpectations): Promise<void>;
  get(id: string): Promise<Monitor | null>;
  list(page: PageRequest, filter?: { logSourceId?: string }): Promise<Page<Monitor>>;
  /** Replaces the monitor at `previous.version`, moving its references with it. */
  update(monitor: Monitor, previous: Monitor, sources: SourceExpectations): Promise<void>;
  /** Deletes the run history, then the monitor and its references. NotFoundError when missing. */
  delete(id: string): Promise<void>;
  /**
   * Sets the alert state only if it is still `expected` (compare-and-set), so two concurrent
   * runs cannot both notify. Returns false when another run got there first.
   */
  swapAlertState(monitorId: string, expected: AlertState | null, next: AlertState | null): Promise<boolean>;
}

export interface RunRepository {
  /**
   * Creates the run if its id is new and its monitor exists, and points the monitor's
   * `last_run` at it. Returns false (and writes nothing) when the run already exists.
   * NotFoundError when the monitor is gone.
   */
  create(run: MonitorRun): Promise<boolean>;
  get(monitorId: string, runId: string): Promise<MonitorRun | null>;
  /** Newest first. */
  list(monitorId: string, page: PageRequest): Promise<Page<MonitorRun>>;
  latest(monitorId: string): Promise<MonitorRun | null>;
  /** Writes the run's new state and, when the run is the monitor's newest, its `last_run`. */
  save(run: MonitorRun): Promise<void>;
}

/** An entry of the due index: an enabled monitor whose next run time has come. */
export interface DueMonitor {
  monitorId: string;
  nextRunAt: string;
  intervalSeconds: number;
  /** The monitor's schedule expression, when it has one instead of an interval. */
  schedule?: string | null;
  /** The monitor's newest run, to close one the runner never finished. */
  lastRun: LastRunSummary | null;
}

/** A claim of one monitor's slot: move `nextRunAt` from `from` to `to`. */
export interface SlotClaim {
  monitorId: string;
  from: string;
  to: string;
}

export type ClaimOutcome = 'claimed' | 'lost' | 'failed';

/** The most claims one `claimMany` call takes (DynamoDB's TransactWriteItems limit). */
export const CLAIM_BATCH_LIMIT = 100;

export interface ScheduleRepository {
  /**
   * Enabled monitors whose next run is due at `now`, a page at a time (oldest first within each
   * partition of the index; a page may hold more than `page.limit` when the index is sharded).
   */
  listDue(now: Date, page: PageRequest): Promise<Page<DueMonitor>>;
  /**
   * Moves the monitor's next run from `from` to `to` only if it is still `from`; false when
   * another scheduler claimed it (or the monitor changed) first.
   */
  claim(monitorId: string, from: string, to: string): Promise<boolean>;
  /**
   * {@link claim} for up to {@link CLAIM_BATCH_LIMIT} slots in as few requests as the store
   * allows; the outcome of each, in order. `failed`: neither won nor lost (a conflict with
   * another write, throttling), so the slot stays due for the next tick.
   */
  claimMany(claims: readonly SlotClaim[]): Promise<ClaimOutcome[]>;
  recordHeartbeat(at: Date): Promise<void>;
  lastHeartbeat(): Promise<Date | null>;
}

/** Sends a run to the runner (SQS in AWS, in-process in local mode). */
export interface RunQueue {
  /** Throws {@link EnqueueError} naming the requests that were not queued. */
  enqueue(messages: RunRequest[]): Promise<void>;
}

/** Some run requests were not queued; the others were. */
export class EnqueueError extends Error {
  constructor(
    message: string,
    readonly notQueued: RunRequest[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EnqueueError';
  }
}

/** What the runner is asked to do: run a monitor for a slot, or a manual run already created. */
export type RunRequest =
  | { kind: 'schedule'; monitorId: string; scheduledFor: string }
  | { kind: 'manual'; monitorId: string; runId: string };

export interface HealthProbe {
  /** Resolves when the database answers. */
  pingDatabase(): Promise<void>;
}
