/** What running a monitor needs: the run history and the queue to the runner. */
import type { MonitorRun, Page, PageRequest, RunStatus } from '../model/entities.ts';

/**
 * Which runs a list returns. A run's time is the time its id carries: the slot of a scheduled
 * run, the creation of a manual one. `since` is inclusive, `until` exclusive.
 */
export interface RunQuery {
  monitorId?: string;
  status?: RunStatus;
  since?: Date;
  until?: Date;
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
  /** Newest first, of one monitor or of all; a page may hold fewer than `limit` runs and still have a next one. */
  query(query: RunQuery, page: PageRequest): Promise<Page<MonitorRun>>;
  latest(monitorId: string): Promise<MonitorRun | null>;
  /** Writes the run's new state and, when the run is the monitor's newest, its `last_run`. */
  save(run: MonitorRun): Promise<void>;
}

/** Sends a run to the runner (SQS in AWS, in-process in local mode). */
export interface RunQueue {
  /** Throws {@link EnqueueError} naming the requests that were not queued. */
  enqueue(messages: RunRequest[]): Promise<void>;
}

/** Some run requests were not queued; the others were. */
export class EnqueueError extends Error {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'EnqueueError';
  constructor(
    message: string,
    readonly notQueued: RunRequest[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EnqueueError';
  }
}

/**
 * What the runner is asked to do: run a monitor for a slot, or a run already created (`manual`:
 * an operator's run, or a `digest` run the scheduler created; the stored run's trigger says which).
 */
export type RunRequest =
  | { kind: 'schedule'; monitorId: string; scheduledFor: string }
  | { kind: 'manual'; monitorId: string; runId: string };

