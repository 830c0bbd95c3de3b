import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { EnqueueError, type RunQueue, type RunRequest } from '#domain/ports.ts';

const BATCH_LIMIT = 10;

/**
 * Run requests as SQS messages, ten to a SendMessageBatch. When SQS refuses entries, or a batch
 * call fails, the EnqueueError names exactly the requests that were not queued (the refused
 * entries, that batch, and the batches not tried), so the caller never mistakes a queued run
 * for a lost one.
 */
export class SqsRunQueue implements RunQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(messages: RunRequest[]): Promise<void> {
    for (let start = 0; start < messages.length; start += BATCH_LIMIT) {
      const batch = messages.slice(start, start + BATCH_LIMIT);
      let failed: RunRequest[];
      let reason: string;
      try {
        const result = await this.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: batch.map((message, i) => ({ Id: String(i), MessageBody: JSON.stringify(message) })),
          }),
        );
        const refused = result.Failed ?? [];
        if (refused.length === 0) continue;
        failed = refused.flatMap((entry) => batch[Number(entry.Id)] ?? []);
        reason = refused.map((entry) => `${entry.Code}: ${entry.Message ?? ''}`.trim()).join('; ');
      } catch (error) {
        failed = batch;
        reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      const notQueued = [...failed, ...messages.slice(start + BATCH_LIMIT)];
      throw new EnqueueError(`SQS did not take ${notQueued.length} of ${messages.length} run message(s): ${reason}`, notQueued);
    }
  }
}
