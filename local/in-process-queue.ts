import type { RunQueue, RunRequest } from '#domain/runs/ports.ts';
import { scheduledRunId } from '#domain/runs/run-identity.ts';

export type RunConsumer = (request: RunRequest) => Promise<void>;

/** The run a request names: a manual run's id, or the id a scheduled slot's run gets. */
export function runIdOf(request: RunRequest): string {
  return request.kind === 'manual' ? request.runId : scheduledRunId(request.monitorId, new Date(request.scheduledFor));
}

/**
 * Local mode's run queue: what SQS does in AWS, in-process. Messages are handed to the
 * consumer one at a time in the background (like a runner with concurrency 1); a failed
 * message is retried up to `maxReceives` times, then reported like a DLQ arrival.
 *
 * The queue itself is memory; what makes it durable is that every run it is given already
 * exists in the table as `queued` (manual runs are created before they are sent, scheduled
 * slots when they are claimed), so local mode drains those records at start. A request for a
 * run the queue already holds is not added twice. With `ready`, each message waits until the
 * database answers (DynamoDB Local restarting) instead of spending its receives.
 */
export class InProcessRunQueue implements RunQueue {
  private readonly pending: Array<{ request: RunRequest; receives: number }> = [];
  private readonly held = new Set<string>();
  private draining: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly consume: RunConsumer,
    private readonly onDeadLetter: (request: RunRequest, error: unknown) => void,
    private readonly maxReceives = 3,
    private readonly ready: () => Promise<void> = () => Promise.resolve(),
  ) {}

  async enqueue(messages: RunRequest[]): Promise<void> {
    if (this.closed) throw new Error('local mode is stopping: the run stays queued for the next start');
    for (const request of messages) {
      const id = runIdOf(request);
      if (this.held.has(id)) continue;
      this.held.add(id);
      this.pending.push({ request, receives: 0 });
    }
    this.draining ??= this.drain().finally(() => (this.draining = null));
  }

  /** Whether the queue holds the run (waiting, or being run now): it is alive, not stale. */
  holds(runId: string): boolean {
    return this.held.has(runId);
  }

  /**
   * Stops handing out messages: the one being run finishes, the others stay `queued` in the
   * table for the next start ({@link idle} says when nothing runs).
   */
  close(): void {
    this.closed = true;
  }

  /** Resolves when every message so far has been handled (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    // Let enqueue() return first, as SendMessage does.
    await new Promise((done) => setImmediate(done));
    for (let next = this.pending.shift(); next; next = this.pending.shift()) {
      await this.ready();
      if (this.closed) {
        this.pending.length = 0;
        this.held.clear();
        return;
      }
      next.receives += 1;
      try {
        await this.consume(next.request);
        this.held.delete(runIdOf(next.request));
      } catch (error) {
        if (next.receives < this.maxReceives) this.pending.push(next);
        else {
          this.held.delete(runIdOf(next.request));
          this.onDeadLetter(next.request, error);
        }
      }
    }
  }
}
