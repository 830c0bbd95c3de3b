import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LastRunSummary, Page, PageRequest } from '#domain/model/entities.ts';
import { CLAIM_BATCH_LIMIT, type ClaimOutcome, type DueMonitor, type ScheduleRepository, type SlotClaim } from '#domain/scheduling/ports.ts';
import type { HealthProbe } from '#domain/health/ports.ts';
import { DUE_PARTITIONS, duePartitionOf, keys, pageKeys } from './keys.ts';
import { INDEX } from './table-definition.ts';
import { cancellationReasons, conditionFailure, reasonsByRole } from './transactions.ts';
import { decodeCursorObject, encodeCursor, startKeyOf, type Item, type Table } from './table.ts';
import { InvalidCursorError } from '#domain/model/errors.ts';
import { describeError } from '#domain/notify/channels.ts';

/** Tries of one batch of claims when a whole transaction fails (throttling, a cancellation with no reason per item). */
const CLAIM_ATTEMPTS = 3;

const CLAIMED: ClaimOutcome = { kind: 'claimed' };
const LOST: ClaimOutcome = { kind: 'lost' };

/** A cancellation or error worth one more try: throttled, or cancelled for no item's fault. */
function isTransient(error: unknown): boolean {
  if (cancellationReasons(error) !== null) return true;
  const name = error instanceof Error ? error.name : '';
  return name === 'ThrottlingException' || name === 'ProvisionedThroughputExceededException' || name === 'InternalServerError';
}

/**
 * The scheduler's view of the table: the sparse due index (only enabled monitors carry its
 * keys) and the heartbeat item. Claiming is a conditional write on `nextRunAt`, so when two
 * ticks overlap exactly one of them wins each slot.
 */
export class DynamoScheduleRepository implements ScheduleRepository, HealthProbe {
  constructor(private readonly table: Table) {}

  /**
   * Reads every partition of the due index (the 16 shards and the legacy `DUE` one) in
   * parallel, up to `page.limit` items from each, so one page holds up to 17 × limit monitors,
   * oldest first within each partition. The `nextToken` carries each unfinished partition's
   * position; a partition that is done is not read again.
   */
  async listDue(now: Date, page: PageRequest): Promise<Page<DueMonitor>> {
    const positions = decodeDueCursor(page.nextToken);
    const partitions = positions === null ? DUE_PARTITIONS.map((partition) => [partition, undefined] as const) : [...positions];
    const results = await Promise.all(
      partitions.map(async ([partition, startKey]) => {
        const result = await this.table.client.send(
          new QueryCommand({
            TableName: this.table.name,
            IndexName: INDEX.due,
            KeyConditionExpression: 'duePk = :due AND dueAt <= :now',
            // The tick needs only these; the index holds whole monitors (prompts, inputs, rules).
            ProjectionExpression: '#id, dueAt, intervalSeconds, #schedule, lastRun, digest',
            ExpressionAttributeNames: { '#id': 'id', '#schedule': 'schedule' },
            ExpressionAttributeValues: { ':due': partition, ':now': now.toISOString() },
            Limit: page.limit,
            ExclusiveStartKey: startKey,
          }),
        );
        return { partition, result };
      }),
    );
    const unfinished = new Map<string, Item>();
    for (const { partition, result } of results) if (result.LastEvaluatedKey) unfinished.set(partition, result.LastEvaluatedKey);
    return {
      items: results.flatMap(({ result }) =>
        (result.Items ?? []).map((item) => ({
          monitorId: String(item.id),
          nextRunAt: String(item.dueAt),
          intervalSeconds: Number(item.intervalSeconds),
          schedule: typeof item.schedule === 'string' ? item.schedule : null,
          lastRun: (item.lastRun as LastRunSummary | undefined) ?? null,
          digestHourUtc: (item.digest as { hourUtc?: number } | null | undefined)?.hourUtc ?? null,
        })),
      ),
      nextToken: encodeCursor(unfinished.size > 0 ? Object.fromEntries(unfinished) : undefined),
    };
  }

  /**
   * Claims the slot and, in the same write, moves the monitor to its due shard: a monitor
   * written before the index was sharded (`duePk = DUE`) migrates on its first claim.
   */
  async claim(monitorId: string, from: string, to: string): Promise<boolean> {
    try {
      await this.table.client.send(new UpdateCommand(this.claimUpdate({ monitorId, from, to })));
      return true;
    } catch (error) {
      if (conditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * The claims as one TransactWriteItems of conditional updates. A cancelled transaction names
   * each item's reason: a failed condition is a slot another tick won (lost); an item another
   * write held at that moment (a conflict) is claimed again on its own, by a single conditional
   * write; the rest are tried again without both. A transaction costs two write units per item
   * instead of one (index updates cost the same either way), but one request instead of a
   * hundred: a tick's time and CPU go to requests, not to items.
   */
  async claimMany(claims: readonly SlotClaim[]): Promise<ClaimOutcome[]> {
    if (claims.length > CLAIM_BATCH_LIMIT) throw new RangeError(`at most ${CLAIM_BATCH_LIMIT} claims at once, got ${claims.length}`);
    const outcomes = new Map<number, ClaimOutcome>();
    const alone: number[] = [];
    let pending = claims.map((claim, index) => ({ claim, index }));
    // Each cancellation that names its items removes at least one, so only failures are counted.
    let failures = 0;
    while (pending.length > 0) {
      try {
        await this.table.client.send(
          new TransactWriteCommand({ TransactItems: pending.map(({ claim }) => ({ Update: this.claimUpdate(claim) })) }),
        );
        for (const { index } of pending) outcomes.set(index, CLAIMED);
        pending = [];
      } catch (error) {
        // The pending claims are the roles of the transaction's operations, in order.
        const reasons = reasonsByRole(error, pending);
        const decided = reasons?.some(({ code }) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict');
        if (reasons && decided) {
          pending = reasons.flatMap(({ role, code }) => {
            if (code === 'ConditionalCheckFailed') outcomes.set(role.index, LOST);
            else if (code === 'TransactionConflict') alone.push(role.index);
            else return [role];
            return [];
          });
          continue;
        }
        failures += 1;
        if (failures >= CLAIM_ATTEMPTS || !isTransient(error)) throw error;
        await new Promise((done) => setTimeout(done, 25 * 2 ** failures * (0.5 + Math.random() / 2)));
      }
    }
    for (const index of alone) {
      const { monitorId, from, to } = claims[index] as SlotClaim;
      // A claim that fails again is `failed`: its slot is still due at the next tick.
      outcomes.set(
        index,
        await this.claim(monitorId, from, to).then(
          (won): ClaimOutcome => (won ? CLAIMED : LOST),
          (error: unknown): ClaimOutcome => ({ kind: 'failed', reason: describeError(error) }),
        ),
      );
    }
    return claims.map((_, index) => outcomes.get(index) ?? { kind: 'failed', reason: 'the claim was never decided' });
  }

  private claimUpdate({ monitorId, from, to }: SlotClaim) {
    return {
      TableName: this.table.name,
      Key: keys.monitor(monitorId),
      UpdateExpression: 'SET nextRunAt = :to, dueAt = :to, duePk = :shard',
      ConditionExpression: 'attribute_exists(pk) AND enabled = :enabled AND nextRunAt = :from',
      ExpressionAttributeValues: { ':to': to, ':from': from, ':enabled': true, ':shard': duePartitionOf(monitorId) },
    };
  }

  async recordHeartbeat(at: Date): Promise<void> {
    await this.table.client.send(
      new PutCommand({ TableName: this.table.name, Item: { ...keys.heartbeat(), at: at.toISOString() } }),
    );
  }

  async lastHeartbeat(): Promise<Date | null> {
    const { Item: item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.name, Key: keys.heartbeat(), ConsistentRead: true }),
    );
    return typeof item?.at === 'string' ? new Date(item.at) : null;
  }

  /** One cheap read proves the table answers (no DescribeTable permission needed). */
  async pingDatabase(): Promise<void> {
    await this.lastHeartbeat();
  }
}

/**
 * The positions of a `listDue` cursor: each unfinished partition with its ExclusiveStartKey, each
 * checked like any list's cursor (its partition, a monitor key); null for the first page.
 */
function decodeDueCursor(cursor: string | undefined): Array<readonly [string, Item]> | null {
  if (cursor === undefined) return null;
  const entries = Object.entries(decodeCursorObject(cursor));
  if (entries.length === 0) throw new InvalidCursorError();
  return entries.map(([partition, startKey]) => {
    if (!DUE_PARTITIONS.includes(partition)) throw new InvalidCursorError();
    return [partition, startKeyOf(startKey, pageKeys.due(partition))] as const;
  });
}
