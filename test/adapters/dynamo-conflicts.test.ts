import { DynamoDBClient, TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConflictError } from '#domain/model/errors.ts';
import { isTransientConflict, reasonsByRole, retryOnConflict, transactWrite, type TransactItem } from '#adapters/dynamo/transactions.ts';

const conflict = () => new TransactionConflictException({ message: 'Transaction is ongoing for the item', $metadata: {} });
const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('retryOnConflict', () => {
  it('tries a write again when it lost a race with another transaction', async () => {
    let attempts = 0;
    const result = await retryOnConflict(async () => {
      attempts += 1;
      if (attempts < 3) throw attempts === 1 ? conflict() : cancelled(['None', 'TransactionConflict']);
      return 'written';
    });

    expect(result).toBe('written');
    expect(attempts).toBe(3);
  });

  it('reports a race it keeps losing as a ConflictError (a 409), not the SDK error', async () => {
    let attempts = 0;
    const error = await retryOnConflict(async () => {
      attempts += 1;
      throw conflict();
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConflictError);
    expect(attempts).toBe(4);
  });

  it('never retries a failed condition or another error', async () => {
    expect(isTransientConflict(cancelled(['ConditionalCheckFailed', 'TransactionConflict']))).toBe(false);
    let attempts = 0;
    const error = await retryOnConflict(async () => {
      attempts += 1;
      throw cancelled(['ConditionalCheckFailed']);
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(attempts).toBe(1);
  });
});

describe('transactWrite (mocked client)', () => {
  const doc = mockClient(DynamoDBDocumentClient);
  const table = { client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), name: 'vigil' };
  const put = (pk: string): TransactItem => ({ Put: { TableName: 'vigil', Item: { pk, sk: pk }, ConditionExpression: 'attribute_not_exists(pk)' } });
  const operations = [
    { role: 'monitor', write: put('MONITOR#m') },
    { role: 'reference', write: put('REF#a') },
    { role: 'source a', write: put('LOGSOURCE#a') },
    { role: 'source b', write: put('LOGSOURCE#b') },
  ];

  afterEach(() => doc.reset());
  afterAll(() => doc.restore());

  it('sends the operations in order and explains a cancellation by the role of each failed one, with its old item', async () => {
    doc.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [
          { Code: 'None' },
          { Code: 'None' },
          { Code: 'ConditionalCheckFailed' },
          { Code: 'ConditionalCheckFailed', Item: { pk: { S: 'LOGSOURCE#b' }, mode: { S: 'ecs' } } },
        ],
      }),
    );
    let explained: unknown = null;

    const error = await transactWrite(table, operations, (failed) => ((explained = failed), new Error('explained'))).catch((e: unknown) => e);

    expect(doc.commandCalls(TransactWriteCommand).map((call) => call.args[0].input)).toEqual([{ TransactItems: operations.map((o) => o.write) }]);
    expect((error as Error).message).toBe('explained');
    expect(explained).toEqual([
      { role: 'source a', item: null },
      { role: 'source b', item: { pk: 'LOGSOURCE#b', mode: 'ecs' } },
    ]);
  });

  it('rethrows a cancellation without a failed condition, and any other error, untouched', async () => {
    const lostRace = cancelled(['None', 'TransactionConflict', 'None', 'None']);
    doc.on(TransactWriteCommand).rejectsOnce(lostRace).rejectsOnce(new Error('network down'));
    const explain = () => new Error('never');

    await expect(transactWrite(table, operations, explain)).rejects.toBe(lostRace);
    await expect(transactWrite(table, operations, explain)).rejects.toThrow('network down');
  });

  it('reasonsByRole pairs each reason with the role at its index', () => {
    expect(reasonsByRole(cancelled(['None', 'ConditionalCheckFailed']), ['first', 'second'])).toEqual([
      { role: 'first', code: 'None', item: null },
      { role: 'second', code: 'ConditionalCheckFailed', item: null },
    ]);
    expect(reasonsByRole(new Error('other'), ['first'])).toBeNull();
  });
});
