/**
 * The model guard's state in the single table, one partition for all of it:
 *
 * | item          | pk          | sk                  | attributes                                                    |
 * |---------------|-------------|---------------------|---------------------------------------------------------------|
 * | breaker       | MODELGUARD  | BREAKER#<model id>  | consecutiveFailures, openedAt, openUntil, probeUntil, lastFailure, lastFailureAt |
 * | month's spend | MODELGUARD  | SPEND#<YYYY-MM>     | spentMicroUsd, expiresAt (TTL)                                 |
 *
 * Every transition is one UpdateItem: failures and spend are counted with ADD (concurrent
 * runners never lose a count), opening and claiming the probe are conditional writes (exactly
 * one runner wins). Reads are strongly consistent: a runner must see a breaker another just opened.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CLOSED_BREAKER, type BreakerState } from '#domain/judge/breaker.ts';
import type { ModelGuardStore } from '#domain/judge/ports.ts';
import { MODEL_GUARD_PARTITION } from './keys.ts';
import { conditionFailure } from './transactions.ts';
import type { Item, Table } from './table.ts';

/** A month's spend item is kept this long after the month ends, for the record. */
export const SPEND_RETENTION_DAYS = 400;

export const modelGuardKeys = {
  breaker: (modelId: string) => ({ pk: MODEL_GUARD_PARTITION, sk: `BREAKER#${modelId}` }),
  spend: (month: string) => ({ pk: MODEL_GUARD_PARTITION, sk: `SPEND#${month}` }),
};

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);

function breakerFromItem(item: Item | undefined): BreakerState {
  if (item === undefined) return CLOSED_BREAKER;
  return {
    consecutiveFailures: numberOrNull(item.consecutiveFailures) ?? 0,
    openedAt: numberOrNull(item.openedAt),
    openUntil: numberOrNull(item.openUntil),
    probeUntil: numberOrNull(item.probeUntil),
    lastFailure: typeof item.lastFailure === 'string' ? item.lastFailure : null,
  };
}

/** Epoch seconds at which a month's spend item expires: {@link SPEND_RETENTION_DAYS} after the month ends. */
function spendExpiresAt(month: string): number {
  const [year, monthNumber] = month.split('-').map(Number);
  const nextMonth = Date.UTC(year ?? 1970, monthNumber ?? 1, 1);
  return Math.floor(nextMonth / 1000) + SPEND_RETENTION_DAYS * 86_400;
}

// The reason is AWS's message; a long one is cut so the item stays small.
const MAX_REASON_CHARS = 1000;

export class DynamoModelGuardRepository implements ModelGuardStore {
  constructor(private readonly table: Table) {}

  async breaker(modelId: string): Promise<BreakerState> {
    const { Item: item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.name, Key: modelGuardKeys.breaker(modelId), ConsistentRead: true }),
    );
    return breakerFromItem(item);
  }

  async addFailure(modelId: string, reason: string, at: number): Promise<BreakerState> {
    const { Attributes: item } = await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: modelGuardKeys.breaker(modelId),
        UpdateExpression: 'ADD consecutiveFailures :one SET lastFailure = :reason, lastFailureAt = :at',
        ExpressionAttributeValues: { ':one': 1, ':reason': reason.slice(0, MAX_REASON_CHARS), ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return breakerFromItem(item);
  }

  async open(modelId: string, at: number, until: number): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.table.name,
        Key: modelGuardKeys.breaker(modelId),
        UpdateExpression: 'SET openedAt = :at, openUntil = :until REMOVE probeUntil',
        ConditionExpression: 'attribute_not_exists(openUntil) OR openUntil <= :at',
        ExpressionAttributeValues: { ':at': at, ':until': until },
      }),
    );
  }

  async claimProbe(modelId: string, openedAt: number, at: number, until: number): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.table.name,
        Key: modelGuardKeys.breaker(modelId),
        UpdateExpression: 'SET probeUntil = :until',
        ConditionExpression: 'openedAt = :openedAt AND openUntil <= :at AND (attribute_not_exists(probeUntil) OR probeUntil <= :at)',
        ExpressionAttributeValues: { ':openedAt': openedAt, ':at': at, ':until': until },
      }),
    );
  }

  async close(modelId: string): Promise<void> {
    await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: modelGuardKeys.breaker(modelId),
        UpdateExpression: 'SET consecutiveFailures = :zero REMOVE openedAt, openUntil, probeUntil',
        ExpressionAttributeValues: { ':zero': 0 },
      }),
    );
  }

  async spend(month: string): Promise<number> {
    const { Item: item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.name, Key: modelGuardKeys.spend(month), ConsistentRead: true }),
    );
    return numberOrNull(item?.spentMicroUsd) ?? 0;
  }

  async addSpend(month: string, microUsd: number): Promise<number> {
    const { Attributes: item } = await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: modelGuardKeys.spend(month),
        UpdateExpression: 'ADD spentMicroUsd :amount SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
        ExpressionAttributeValues: { ':amount': microUsd, ':expiresAt': spendExpiresAt(month) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return numberOrNull(item?.spentMicroUsd) ?? 0;
  }

  /** Sends a conditional write: true when it applied, false when its condition failed. */
  private async conditionally(command: UpdateCommand): Promise<boolean> {
    try {
      await this.table.client.send(command);
      return true;
    } catch (error) {
      if (conditionFailure(error) !== null) return false;
      throw error;
    }
  }
}
