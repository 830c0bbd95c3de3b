import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { RunRequest } from '#domain/runs/ports.ts';
import { processBatch, type BatchDeps } from '../../../lambdas/runner/process-batch.ts';

function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1795000000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1795000000001',
    },
    messageAttributes: {},
    md5OfBody: 'md5',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:vigil-runs',
    awsRegion: 'eu-west-1',
  };
}

function deps(overrides: Partial<BatchDeps> = {}): BatchDeps & { executed: Array<{ request: RunRequest; deadline: number }> } {
  const executed: Array<{ request: RunRequest; deadline: number }> = [];
  return {
    executed,
    execute: async (request, deadline) => {
      executed.push({ request, deadline });
      return { outcome: 'gone', reason: 'test' };
    },
    remainingMs: () => 300_000,
    marginMs: 15_000,
    minimumRunMs: 30_000,
    now: () => 1_000,
    log: () => undefined,
    ...overrides,
  };
}

const schedule = JSON.stringify({ kind: 'schedule', monitorId: 'm1', scheduledFor: '2026-11-21T10:00:00.000Z' });
const manual = JSON.stringify({ kind: 'manual', monitorId: 'm1', runId: 'r1' });

describe('processBatch', () => {
  it('executes each request with a deadline that keeps the margin', async () => {
    const d = deps();
    const event: SQSEvent = { Records: [sqsRecord('a', schedule), sqsRecord('b', manual)] };

    const response = await processBatch(event, d);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(d.executed).toEqual([
      { request: JSON.parse(schedule), deadline: 1_000 + 285_000 },
      { request: JSON.parse(manual), deadline: 1_000 + 285_000 },
    ]);
  });

  it('reports malformed messages and failed runs as batch item failures, and runs the rest', async () => {
    const d = deps({
      execute: async (request) => {
        if (request.kind === 'manual') throw new Error('DynamoDB unavailable');
        return { outcome: 'gone', reason: 'x' };
      },
    });
    const event: SQSEvent = {
      Records: [sqsRecord('bad-json', '{'), sqsRecord('bad-shape', '{"kind":"manual"}'), sqsRecord('fails', manual), sqsRecord('ok', schedule)],
    };

    const response = await processBatch(event, d);

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'bad-json' },
      { itemIdentifier: 'bad-shape' },
      { itemIdentifier: 'fails' },
    ]);
  });

  it('hands a record back untouched when there is no time left to start it', async () => {
    const d = deps({ remainingMs: () => 40_000 });

    const response = await processBatch({ Records: [sqsRecord('late', manual)] }, d);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'late' }]);
    expect(d.executed).toEqual([]);
  });
});
