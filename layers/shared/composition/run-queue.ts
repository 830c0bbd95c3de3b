import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsRunQueue } from '#adapters/sqs/sqs-run-queue.ts';
import type { RunQueue } from '#domain/runs/ports.ts';

/** The run queue at `url` over an SQS client (endpoint from the SDK's resolution, AWS_ENDPOINT_URL_SQS). */
export function sqsRunQueue(url: string): RunQueue {
  return new SqsRunQueue(new SQSClient({}), url);
}
