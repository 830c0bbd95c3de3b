import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { ConflictError } from '#domain/model/errors.ts';
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

const CONFLICT_ATTEMPTS = 4;

/**
 * True when DynamoDB refused a write only because another transaction held the same item at that
 * moment: no condition failed, so trying again is right. (The SDK does not retry these itself.)
 */
export function isTransientConflict(error: unknown): boolean {
  if (error instanceof TransactionConflictException) return true;
  const reasons = cancellationReasons(error);
  return reasons !== null && reasons.some((r) => r.code === 'TransactionConflict') && !reasons.some(failedOnCondition);
}

/**
 * Runs `write`, trying again with jittered back-off when it lost a race with another transaction
 * on the same items. After the last attempt the caller sees a ConflictError (a 409), not a 500.
 */
export async function retryOnConflict<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!isTransientConflict(error)) throw error;
      if (attempt >= CONFLICT_ATTEMPTS) {
        throw new ConflictError('another request changed the same items at the same moment; retry', { cause: error });
      }
      await new Promise((done) => setTimeout(done, 25 * 2 ** attempt * (0.5 + Math.random() / 2)));
    }
  }
}

/**
 * One operation of a transaction and the role it plays in it (the entity written, a count on a
 * referenced item, a check). A cancellation is explained by these roles: DynamoDB lists its
 * reasons in the order of the operations, so each reason is matched to the role at its index.
 */
export interface TransactOperation<R> {
  role: R;
  write: TransactItem;
}

/** An operation whose condition failed; `item` as it was (ReturnValuesOnConditionCheckFailure), or null. */
export interface FailedOperation<R> {
  role: R;
  item: Item | null;
}

/**
 * The reasons of a cancelled transaction, each with the role of the operation it is about
 * (`roles` in the order the operations were sent); null when the error is not a cancellation.
 */
export function reasonsByRole<R>(error: unknown, roles: readonly R[]): Array<CancellationReason & { role: R }> | null {
  const reasons = cancellationReasons(error);
  if (reasons === null) return null;
  return roles.map((role, index) => ({ role, code: reasons[index]?.code, item: reasons[index]?.item ?? null }));
}

/**
 * Runs the operations as one transaction; when conditions cancel it, `explain` turns the failed
 * operations (by role, in operation order) into the domain error the caller should see. (A lost
 * race with another transaction is retried by the client: see `retryOnConflict`.) Other failures
 * are rethrown untouched.
 */
export async function transactWrite<R>(
  table: Table,
  operations: readonly TransactOperation<R>[],
  explain: (failed: FailedOperation<R>[]) => Error,
): Promise<void> {
  try {
    await table.client.send(new TransactWriteCommand({ TransactItems: operations.map((operation) => operation.write) }));
  } catch (error) {
    const reasons = reasonsByRole(error, operations.map((operation) => operation.role));
    const failed = (reasons ?? []).filter(failedOnCondition).map(({ role, item }) => ({ role, item }));
    if (failed.length === 0) throw error;
    throw explain(failed);
  }
}
