import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsRunQueue } from '#adapters/sqs/sqs-run-queue.ts';
import type { RunQueue } from '#domain/runs/ports.ts';
import type { Instrument } from './instrument.ts';

/** The run queue at `url` over an SQS client (endpoint from the SDK's resolution, AWS_ENDPOINT_URL_SQS). */
export function sqsRunQueue(url: string, instrument: Instrument): RunQueue {
  return new SqsRunQueue(instrument(new SQSClient({})), url);
}
