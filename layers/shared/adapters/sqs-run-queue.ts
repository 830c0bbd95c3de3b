import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RunQueue, RunRequest } from '#domain/ports.ts';

const BATCH_LIMIT = 10;

export class RunQueueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunQueueError';
  }
}

/** Run requests as SQS messages, ten to a SendMessageBatch; any refused entry is an error. */
export class SqsRunQueue implements RunQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(messages: RunRequest[]): Promise<void> {
    for (let start = 0; start < messages.length; start += BATCH_LIMIT) {
      const batch = messages.slice(start, start + BATCH_LIMIT);
      const result = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, i) => ({ Id: String(i), MessageBody: JSON.stringify(message) })),
        }),
      );
      const failed = result.Failed ?? [];
      if (failed.length > 0) {
        const reasons = failed.map((entry) => `${entry.Code}: ${entry.Message ?? ''}`.trim()).join('; ');
        throw new RunQueueError(`SQS refused ${failed.length} of ${batch.length} run message(s): ${reasons}`);
      }
    }
  }
}
