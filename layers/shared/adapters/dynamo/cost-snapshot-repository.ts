/**
 * Cost snapshots in the single table, beside their log source:
 * pk `LOGSOURCE#<id>`, sk `COSTSNAPSHOT#<collectedAt>`, removed by TTL after 40 days.
 */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CostSnapshotRepository } from '#domain/collect/ports.ts';
import type { CostSnapshot } from '#domain/collect/types.ts';

export const COST_SNAPSHOT_PREFIX = 'COSTSNAPSHOT#';
/** Snapshots are read for the newest one; 40 days keeps a month of history to look back on. */
export const COST_SNAPSHOT_RETENTION_DAYS = 40;

const partitionOf = (logSourceId: string): string => `LOGSOURCE#${logSourceId}`;

export class DynamoCostSnapshotRepository implements CostSnapshotRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Writes the snapshot; one taken at the same instant is replaced (the collector retried). */
  async save(snapshot: CostSnapshot): Promise<void> {
    const expiresAt = Math.floor(Date.parse(snapshot.collectedAt) / 1000) + COST_SNAPSHOT_RETENTION_DAYS * 86_400;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: partitionOf(snapshot.logSourceId),
          sk: `${COST_SNAPSHOT_PREFIX}${snapshot.collectedAt}`,
          ...snapshot,
          expiresAt,
        },
      }),
    );
  }

  /** The newest snapshot of the source (ISO timestamps sort by time), or null. */
  async latest(logSourceId: string): Promise<CostSnapshot | null> {
    const { Items: items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partitionOf(logSourceId), ':prefix': COST_SNAPSHOT_PREFIX },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = items?.[0];
    if (!item) return null;
    return {
      logSourceId: item.logSourceId,
      collectedAt: item.collectedAt,
      metric: item.metric,
      groupBy: item.groupBy,
      unit: item.unit,
      estimatedFrom: item.estimatedFrom ?? null,
      daily: item.daily ?? [],
      monthToDate: item.monthToDate ?? [],
      forecast: item.forecast ?? null,
      anomalies: item.anomalies ?? [],
      notes: item.notes ?? [],
    };
  }
}
