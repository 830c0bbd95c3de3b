import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { EnqueueError, type RunQueue, type RunRequest } from '#domain/runs/ports.ts';

const BATCH_LIMIT = 10;

/**
 * SendMessageBatch calls in flight at once. A tick of 20,000 due monitors is 2,000 batches: one
 * at a time (≈10–20 ms each) that alone would outlast the scheduler's timeout.
 */
export const SEND_CONCURRENCY = 10;

/**
 * Run requests as SQS messages, ten to a SendMessageBatch, up to `concurrency` batches at once.
 * When SQS refuses entries, or a batch call fails, no further batch is started, and the
 * EnqueueError names exactly the requests that were not queued (the refused entries, the failed
 * batches, and the batches not tried), so the caller never mistakes a queued run for a lost one.
 */
export class SqsRunQueue implements RunQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly concurrency = SEND_CONCURRENCY,
  ) {}

  async enqueue(messages: RunRequest[]): Promise<void> {
    const batches: RunRequest[][] = [];
    for (let start = 0; start < messages.length; start += BATCH_LIMIT) batches.push(messages.slice(start, start + BATCH_LIMIT));
    const failures: Array<{ batch: number; failed: RunRequest[]; reason: string }> = [];
    let next = 0;
    const sender = async () => {
      while (failures.length === 0 && next < batches.length) {
        const index = next;
        next += 1;
        const outcome = await this.send(batches[index] as RunRequest[]);
        if (outcome) failures.push({ batch: index, ...outcome });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batches.length) }, sender));
    if (failures.length === 0) return;
    failures.sort((a, b) => a.batch - b.batch);
    const notQueued = [...failures.flatMap((f) => f.failed), ...batches.slice(next).flat()];
    const reason = failures.map((f) => f.reason).join('; ');
    throw new EnqueueError(`SQS did not take ${notQueued.length} of ${messages.length} run message(s): ${reason}`, notQueued);
  }

  /** Sends one batch; what SQS did not take and why, or null when it took every entry. */
  private async send(batch: RunRequest[]): Promise<{ failed: RunRequest[]; reason: string } | null> {
    try {
      const result = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, i) => ({ Id: String(i), MessageBody: JSON.stringify(message) })),
        }),
      );
      const refused = result.Failed ?? [];
      if (refused.length === 0) return null;
      return {
        failed: refused.flatMap((entry) => batch[Number(entry.Id)] ?? []),
        reason: refused.map((entry) => `${entry.Code}: ${entry.Message ?? ''}`.trim()).join('; '),
      };
    } catch (error) {
      return { failed: batch, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  }
}
