import type { RunQueue, RunRequest } from '#domain/ports.ts';

export type RunConsumer = (request: RunRequest) => Promise<void>;

/**
 * Local mode's run queue: what SQS does in AWS, in-process. Messages are handed to the
 * consumer one at a time in the background (like a runner with concurrency 1); a failed
 * message is retried up to `maxReceives` times, then reported like a DLQ arrival.
 */
export class InProcessRunQueue implements RunQueue {
  private readonly pending: Array<{ request: RunRequest; receives: number }> = [];
  private draining: Promise<void> | null = null;

  constructor(
    private readonly consume: RunConsumer,
    private readonly onDeadLetter: (request: RunRequest, error: unknown) => void,
    private readonly maxReceives = 3,
  ) {}

  async enqueue(messages: RunRequest[]): Promise<void> {
    this.pending.push(...messages.map((request) => ({ request, receives: 0 })));
    this.draining ??= this.drain().finally(() => (this.draining = null));
  }

  /** Resolves when every message so far has been handled (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    // Let enqueue() return first, as SendMessage does.
    await new Promise((done) => setImmediate(done));
    for (let next = this.pending.shift(); next; next = this.pending.shift()) {
      next.receives += 1;
      try {
        await this.consume(next.request);
      } catch (error) {
        if (next.receives < this.maxReceives) this.pending.push(next);
        else this.onDeadLetter(next.request, error);
      }
    }
  }
}
