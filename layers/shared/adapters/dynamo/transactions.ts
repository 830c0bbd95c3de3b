import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Item, Table } from './table.ts';

/**
 * Why one operation of a cancelled transaction failed. `item` is the item as it was (from
 * ReturnValuesOnConditionCheckFailure: ALL_OLD), or null when it did not exist.
 */
export interface CancellationReason {
  code: string | undefined;
  item: Item | null;
}

/**
 * The per-operation reasons of a cancelled transaction, in operation order, or null when
 * the error is something else (and should be rethrown).
 */
export function cancellationReasons(error: unknown): CancellationReason[] | null {
  if (!(error instanceof TransactionCanceledException)) return null;
  return (error.CancellationReasons ?? []).map((reason) => ({
    code: reason.Code,
    item: reason.Item ? (unmarshall(reason.Item) as Item) : null,
  }));
}

/** True when the single-item write failed on its condition; its old item when asked for. */
export function conditionFailure(error: unknown): { item: Item | null } | null {
  if (!(error instanceof ConditionalCheckFailedException)) return null;
  return { item: error.Item ? (unmarshall(error.Item) as Item) : null };
}

export const failedOnCondition = (reason: CancellationReason | undefined): boolean =>
  reason?.code === 'ConditionalCheckFailed';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Runs a transaction; when a condition cancels it, `explain` turns the per-operation reasons
 * into the domain error the caller should see. Other failures are rethrown untouched.
 */
export async function transactWrite(
  table: Table,
  items: TransactItem[],
  explain: (reasons: CancellationReason[]) => Error,
): Promise<void> {
  try {
    await table.client.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (!reasons || !reasons.some(failedOnCondition)) throw error;
    throw explain(reasons);
  }
}
