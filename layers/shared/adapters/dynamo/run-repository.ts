import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { lastRunOf, type LastRunSummary, type MonitorRun, type Page, type PageRequest } from '#domain/model/entities.ts';
import { NotFoundError } from '#domain/model/errors.ts';
import type { RunRepository } from '#domain/runs/ports.ts';
import type { OpenRun, OpenRunRepository } from '#domain/runs/reap-stale-runs.ts';
import { keys, pageKeys, RUN_PREFIX } from './keys.ts';
import { listOpenSince, openRunAttributes } from './open-runs.ts';
import { conditionFailure, transactWrite } from './transactions.ts';
import { decodeCursor, toPage, withoutStorageAttributes, type Item, type Table } from './table.ts';

export function runFromItem(item: Item): MonitorRun {
  return withoutStorageAttributes(item) as MonitorRun;
}

const BATCH_WRITE_LIMIT = 25;

/** Deletes every run of a monitor, a page and a batch at a time. */
export async function deleteRuns(table: Table, monitorId: string): Promise<void> {
  await deleteMonitorItems(table, monitorId, RUN_PREFIX);
}

/** Deletes the items of a monitor's partition whose sort key starts with `prefix`. */
export async function deleteMonitorItems(table: Table, monitorId: string, prefix: string): Promise<void> {
  let startKey: Item | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.monitor(monitorId).pk, ':prefix': prefix },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: startKey,
      }),
    );
    let requests: Array<{ DeleteRequest: { Key: Item } }> = (page.Items ?? []).map((key) => ({
      DeleteRequest: { Key: { pk: key.pk, sk: key.sk } },
    }));
    while (requests.length > 0) {
      const batch = requests.slice(0, BATCH_WRITE_LIMIT);
      requests = requests.slice(BATCH_WRITE_LIMIT);
      const result = await table.client.send(new BatchWriteCommand({ RequestItems: { [table.name]: batch } }));
      const unprocessed = result.UnprocessedItems?.[table.name] ?? [];
      requests.push(...unprocessed.flatMap((request) => (request.DeleteRequest?.Key ? [{ DeleteRequest: { Key: request.DeleteRequest.Key } }] : [])));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/**
 * Runs live in their monitor's partition, sorted by id (ULIDs sort by time), so the newest
 * run is the last item of the partition.
 */
export class DynamoRunRepository implements RunRepository, OpenRunRepository {
  constructor(private readonly table: Table) {}

  async create(run: MonitorRun): Promise<boolean> {
    try {
      await transactWrite(
        this.table,
        [
          {
            role: 'run' as const,
            write: {
              Put: {
                TableName: this.table.name,
                Item: { ...keys.run(run.monitorId, run.id), ...run, ...openRunAttributes(run) },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          },
          {
            role: 'monitor' as const,
            write: {
              ConditionCheck: {
                TableName: this.table.name,
                Key: keys.monitor(run.monitorId),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
          },
        ],
        (failed) =>
          failed.some(({ role }) => role === 'run')
            ? new RunExistsError(run.id)
            : new NotFoundError(`monitor ${run.monitorId} not found`),
      );
    } catch (error) {
      if (error instanceof RunExistsError) return false;
      throw error;
    }
    await this.pointLastRun(run.monitorId, lastRunOf(run));
    return true;
  }

  async get(monitorId: string, runId: string): Promise<MonitorRun | null> {
    const { Item: item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.name, Key: keys.run(monitorId, runId), ConsistentRead: true }),
    );
    return item ? runFromItem(item) : null;
  }

  async list(monitorId: string, page: PageRequest): Promise<Page<MonitorRun>> {
    const pk = keys.monitor(monitorId).pk;
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': RUN_PREFIX },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.nextToken, pageKeys.runsOfMonitor(monitorId)),
      }),
    );
    return toPage((result.Items ?? []).map(runFromItem), result.LastEvaluatedKey);
  }

  async latest(monitorId: string): Promise<MonitorRun | null> {
    const { items } = await this.list(monitorId, { limit: 1 });
    return items[0] ?? null;
  }

  async save(run: MonitorRun): Promise<void> {
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...keys.run(run.monitorId, run.id), ...run, ...openRunAttributes(run) },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (error) {
      if (conditionFailure(error)) throw new NotFoundError(`run ${run.id} of monitor ${run.monitorId} not found`);
      throw error;
    }
    await this.pointLastRun(run.monitorId, lastRunOf(run));
  }

  listOpenSince(before: Date, limit: number): Promise<OpenRun[]> {
    return listOpenSince(this.table, before, limit);
  }

  async closeOpen(open: OpenRun, finishedAt: Date, reason: string): Promise<boolean> {
    let closed: MonitorRun;
    try {
      const result = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.run(open.monitorId, open.runId),
          UpdateExpression: 'SET #status = :error, finishedAt = :finishedAt, #error = :reason REMOVE openPk, openAt',
          ConditionExpression: '#status = :status AND openAt = :since',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: {
            ':error': 'error',
            ':finishedAt': finishedAt.toISOString(),
            ':reason': reason,
            ':status': open.status,
            ':since': open.since,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      closed = runFromItem(result.Attributes ?? {});
    } catch (error) {
      // The run moved on (started, finished) or was deleted since it was listed.
      if (conditionFailure(error)) return false;
      throw error;
    }
    await this.pointLastRun(closed.monitorId, lastRunOf(closed));
    return true;
  }

  /** Moves the monitor's `last_run` forward, never back to an older run. */
  private async pointLastRun(monitorId: string, lastRun: LastRunSummary): Promise<void> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.monitor(monitorId),
          UpdateExpression: 'SET lastRun = :lastRun',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(lastRun) OR lastRun = :null OR lastRun.id <= :id)',
          ExpressionAttributeValues: { ':lastRun': lastRun, ':id': lastRun.id, ':null': null },
        }),
      );
    } catch (error) {
      // A newer run already owns `last_run`, or the monitor was deleted: both fine.
      if (!conditionFailure(error)) throw error;
    }
  }
}

class RunExistsError extends Error {
  constructor(runId: string) {
    super(`run ${runId} exists`);
    this.name = 'RunExistsError';
  }
}
