import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { MonitorRun } from '#domain/model/entities.ts';
import type { OpenRun } from '#domain/runs/reap-stale-runs.ts';
import { INDEX } from './table-definition.ts';
import type { Item, Table } from './table.ts';

/**
 * The sparse open-runs index: a run carries `openPk`/`openAt` only while it is `queued` or
 * `running`, so the index holds just the runs in flight, and the reaper reads only those.
 * `openPk` is one of {@link OPEN_SHARDS} values chosen by a hash of the monitor id, so runs
 * starting at the same moment spread over partitions; `openAt` is when the run entered its
 * current status.
 */
export const OPEN_SHARDS = 8;
const OPEN_PREFIX = 'OPEN#';

function shardOf(monitorId: string): number {
  return createHash('sha256').update(monitorId).digest().readUInt32BE(0) % OPEN_SHARDS;
}

/** The index attributes of a run: set while it is open, absent once it is final. */
export function openRunAttributes(run: MonitorRun): { openPk?: string; openAt?: string } {
  if (run.status === 'queued') return { openPk: `${OPEN_PREFIX}${shardOf(run.monitorId)}`, openAt: run.createdAt };
  if (run.status === 'running') return { openPk: `${OPEN_PREFIX}${shardOf(run.monitorId)}`, openAt: run.startedAt ?? run.createdAt };
  return {};
}

function toOpenRun(item: Item): OpenRun {
  return {
    monitorId: String(item.monitorId),
    runId: String(item.id),
    status: item.status === 'running' ? 'running' : 'queued',
    since: String(item.openAt),
  };
}

/** Runs open since before `before`: every shard queried at once, each up to `limit`. */
export async function listOpenSince(table: Table, before: Date, limit: number): Promise<OpenRun[]> {
  const perShard = await Promise.all(
    Array.from({ length: OPEN_SHARDS }, async (_, shard) => {
      const found: OpenRun[] = [];
      let startKey: Item | undefined;
      do {
        const page = await table.client.send(
          new QueryCommand({
            TableName: table.name,
            IndexName: INDEX.openRuns,
            KeyConditionExpression: 'openPk = :shard AND openAt < :before',
            ExpressionAttributeValues: { ':shard': `${OPEN_PREFIX}${shard}`, ':before': before.toISOString() },
            ProjectionExpression: 'monitorId, id, #status, openAt',
            ExpressionAttributeNames: { '#status': 'status' },
            Limit: limit - found.length,
            ExclusiveStartKey: startKey,
          }),
        );
        found.push(...(page.Items ?? []).map(toOpenRun));
        startKey = page.LastEvaluatedKey;
      } while (startKey && found.length < limit);
      return found;
    }),
  );
  return perShard.flat().slice(0, limit);
}
