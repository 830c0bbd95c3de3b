/** What running a monitor needs: the run history and the queue to the runner. */
import type { MonitorRun, Page, PageRequest } from '../model/entities.ts';

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

