import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DynamoCostSnapshotRepository } from '#adapters/dynamo/cost-snapshot-repository.ts';
import { createTestStore } from '../../support/store.ts';
import { aSnapshot } from '../../unit/collect/fakes.ts';

describe('DynamoCostSnapshotRepository (mocked client)', () => {
  const doc = mockClient(DynamoDBDocumentClient);
  const repository = () => new DynamoCostSnapshotRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), 'vigil');

  afterEach(() => {
    doc.reset();
  });

  // The mock patches every document client; the DynamoDB Local tests below need the real one.
  afterAll(() => {
    doc.restore();
  });

  it('puts the snapshot beside its log source with a 40-day expiry', async () => {
    // Prepare
    const snapshot = aSnapshot('ls-1');

    // Act
    await repository().save(snapshot);

    // Assess
    expect(doc.commandCalls(PutCommand).map((c) => c.args[0].input)).toEqual([
      {
        TableName: 'vigil',
        Item: {
          pk: 'LOGSOURCE#ls-1',
          sk: 'COSTSNAPSHOT#2026-11-21T06:00:00.000Z',
          ...snapshot,
          expiresAt: Date.parse('2026-11-21T06:00:00.000Z') / 1000 + 40 * 86_400,
        },
      },
    ]);
  });

  it('reads the newest snapshot with one descending query', async () => {
    // Prepare
    const snapshot = aSnapshot('ls-1');
    doc.on(QueryCommand).resolves({ Items: [{ pk: 'LOGSOURCE#ls-1', sk: 'COSTSNAPSHOT#x', expiresAt: 1, ...snapshot }] });

    // Act
    const latest = await repository().latest('ls-1');

    // Assess
    expect(doc.commandCalls(QueryCommand).map((c) => c.args[0].input)).toEqual([
      {
        TableName: 'vigil',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': 'LOGSOURCE#ls-1', ':prefix': 'COSTSNAPSHOT#' },
        ScanIndexForward: false,
        Limit: 1,
      },
    ]);
    expect(latest).toEqual(snapshot);
  });

  it('answers null before the first collection', async () => {
    // Prepare
    doc.on(QueryCommand).resolves({ Items: [] });

    // Act
    const latest = await repository().latest('ls-1');

    // Assess
    expect(latest).toBeNull();
  });

  it('passes a DynamoDB failure on to the collector', async () => {
    // Prepare
    doc.on(PutCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    // Act
    const saved = repository().save(aSnapshot('ls-1'));

    // Assess
    await expect(saved).rejects.toThrow('ProvisionedThroughputExceededException');
  });
});

describe('DynamoCostSnapshotRepository (DynamoDB Local)', () => {
  it('returns the newest of several snapshots, and only the source’s own', async () => {
    // Prepare
    const { table } = await createTestStore('vigil-cost');
    const repository = new DynamoCostSnapshotRepository(table.client, table.name);
    await repository.save(aSnapshot('ls-1', { collectedAt: '2026-11-21T00:00:00.000Z', unit: 'OLD' }));
    await repository.save(aSnapshot('ls-1', { collectedAt: '2026-11-21T06:00:00.000Z', forecast: null, anomalies: [] }));
    await repository.save(aSnapshot('ls-10', { collectedAt: '2026-11-22T00:00:00.000Z' }));

    // Act
    const latest = await repository.latest('ls-1');
    const none = await repository.latest('ls-2');

    // Assess
    expect(latest).toEqual(aSnapshot('ls-1', { collectedAt: '2026-11-21T06:00:00.000Z', forecast: null, anomalies: [] }));
    expect(none).toBeNull();
  });
});
