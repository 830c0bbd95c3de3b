import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '#domain/model/errors.ts';
import { isTransientConflict, retryOnConflict } from '#adapters/dynamo/transactions.ts';

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
