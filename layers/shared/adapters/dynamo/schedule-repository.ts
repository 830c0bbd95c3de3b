import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LastRunSummary, Page, PageRequest } from '#domain/entities.ts';
import type { DueMonitor, HealthProbe, ScheduleRepository } from '#domain/ports.ts';
import { DUE_PARTITION, keys, pageKeys } from './keys.ts';
import { INDEX } from './table-definition.ts';
import { conditionFailure } from './transactions.ts';
import { decodeNextToken, toPage, type Table } from './table.ts';

/**
 * The scheduler's view of the table: the sparse due index (only enabled monitors carry its
 * keys) and the heartbeat item. Claiming is a conditional write on `nextRunAt`, so when two
 * ticks overlap exactly one of them wins each slot.
 */
export class DynamoScheduleRepository implements ScheduleRepository, HealthProbe {
  constructor(private readonly table: Table) {}

  async listDue(now: Date, page: PageRequest): Promise<Page<DueMonitor>> {
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: INDEX.due,
        KeyConditionExpression: 'duePk = :due AND dueAt <= :now',
        ExpressionAttributeValues: { ':due': DUE_PARTITION, ':now': now.toISOString() },
        Limit: page.limit,
        ExclusiveStartKey: decodeNextToken(page.nextToken, pageKeys.due()),
      }),
    );
    return toPage(
      (result.Items ?? []).map((item) => ({
        monitorId: String(item.id),
        nextRunAt: String(item.dueAt),
        intervalSeconds: Number(item.intervalSeconds),
        lastRun: (item.lastRun as LastRunSummary | undefined) ?? null,
      })),
      result.LastEvaluatedKey,
    );
  }

  async claim(monitorId: string, from: string, to: string): Promise<boolean> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.monitor(monitorId),
          UpdateExpression: 'SET nextRunAt = :to, dueAt = :to',
          ConditionExpression: 'attribute_exists(pk) AND enabled = :enabled AND nextRunAt = :from',
          ExpressionAttributeValues: { ':to': to, ':from': from, ':enabled': true },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailure(error)) return false;
      throw error;
    }
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
