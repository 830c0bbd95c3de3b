import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EnqueueError, type RunRequest } from '#domain/runs/ports.ts';
import { SqsRunQueue } from '#adapters/sqs/sqs-run-queue.ts';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/vigil-runs';
const sqs = mockClient(SQSClient);
const requests = (n: number): RunRequest[] =>
  Array.from({ length: n }, (_, i) => ({ kind: 'schedule', monitorId: `m${i}`, scheduledFor: '2026-11-21T10:00:00.000Z' }));

beforeEach(() => sqs.reset());

describe('SqsRunQueue', () => {
  it('sends ten messages to a batch, each the JSON of its request', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

    await new SqsRunQueue(new SQSClient({ region: 'eu-west-1' }), QUEUE).enqueue(requests(12));

    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input.QueueUrl).toBe(QUEUE);
    expect(calls[0]?.args[0].input.Entries).toHaveLength(10);
    expect(calls[1]?.args[0].input.Entries).toEqual([
      { Id: '0', MessageBody: JSON.stringify(requests(12)[10]) },
      { Id: '1', MessageBody: JSON.stringify(requests(12)[11]) },
    ]);
  });

  it('names exactly the refused entries and the batches not tried', async () => {
    sqs.on(SendMessageBatchCommand).resolvesOnce({ Successful: [], Failed: [{ Id: '3', Code: 'InternalError', SenderFault: false, Message: 'try again' }] });

    const error = await new SqsRunQueue(new SQSClient({ region: 'eu-west-1' }), QUEUE, 1).enqueue(requests(12)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EnqueueError);
    expect((error as EnqueueError).notQueued.map((r) => r.monitorId)).toEqual(['m3', 'm10', 'm11']);
    expect((error as EnqueueError).message).toBe('SQS did not take 3 of 12 run message(s): InternalError: try again');
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });

  it('names the whole batch when the call itself fails, and not the batches already sent', async () => {
    sqs.on(SendMessageBatchCommand).resolvesOnce({ Successful: [], Failed: [] }).rejectsOnce(new Error('socket hang up'));

    const error = await new SqsRunQueue(new SQSClient({ region: 'eu-west-1' }), QUEUE, 1).enqueue(requests(12)).catch((e: unknown) => e);

    expect((error as EnqueueError).notQueued.map((r) => r.monitorId)).toEqual(['m10', 'm11']);
  });

  it('keeps several batches in flight, and starts none after one fails', async () => {
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    sqs.on(SendMessageBatchCommand).callsFake(async () => {
      calls += 1;
      const call = calls;
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((done) => setTimeout(done, 20));
      inFlight -= 1;
      if (call === 4) throw new Error('socket hang up');
      return { Successful: [], Failed: [] };
    });

    const error = await new SqsRunQueue(new SQSClient({ region: 'eu-west-1' }), QUEUE, 3).enqueue(requests(100)).catch((e: unknown) => e);

    expect(most).toBe(3);
    // Batches 1-3 went out together; the fourth failed, and the two started beside it completed.
    expect(calls).toBe(6);
    expect((error as EnqueueError).notQueued.map((r) => r.monitorId)).toEqual(requests(100).slice(30, 40).concat(requests(100).slice(60)).map((r) => r.monitorId));
  });
});
