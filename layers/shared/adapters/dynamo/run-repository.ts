import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { encodeTime } from 'ulid';
import { FINAL_STATUSES, lastRunOf, type LastRunSummary, type MonitorRun, type Page, type PageRequest, type RunStatus } from '#domain/model/entities.ts';
import { ConflictError, NotFoundError } from '#domain/model/errors.ts';
import type { RunQuery, RunRepository } from '#domain/runs/ports.ts';
import type { RunHistoryReader } from '#domain/insights/monitor-insights.ts';
import type { RunRecord } from '#domain/insights/insights.ts';
import type { OpenRun, OpenRunRepository } from '#domain/runs/reap-stale-runs.ts';
import { keys, pageKeys, RUN_PREFIX, runStatusPartition } from './keys.ts';
import { INDEX } from './table-definition.ts';
import { listOpenSince, openRunAttributes } from './open-runs.ts';
import { usageUpdates } from './usage-repository.ts';
import { conditionFailure, transactWrite } from './transactions.ts';
import { batchGet, decodeCursor, encodeCursor, toPage, withoutStorageAttributes, type Item, type Table } from './table.ts';

const STATUSES: readonly RunStatus[] = ['queued', 'running', 'ok', 'warn', 'alert', 'error'];
const FINAL: ReadonlySet<RunStatus> = new Set<RunStatus>(FINAL_STATUSES);

/** A final save's condition: the run exists and was not final yet (the old item comes back when it was). */
const STILL_OPEN = {
  ConditionExpression: 'attribute_exists(pk) AND #status IN (:queued, :running)',
  ExpressionAttributeNames: { '#status': 'status' },
  ExpressionAttributeValues: { ':queued': 'queued', ':running': 'running' },
  ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
};

/** The run was final before this save (a redelivery, the notifications' save): nothing to count. */
class RunAlreadyFinalError extends Error {}

/** A run's item: the run, its keys, and the index attributes its status gives it. */
function runItem(run: MonitorRun): Item {
  return { ...keys.run(run.monitorId, run.id), ...run, ...openRunAttributes(run), runStatusPk: runStatusPartition(run.status) };
}

/**
 * The `sk` range of runs whose id time is in [since, until): ids are ULIDs (a scheduled run's
 * carries its slot), whose first 10 characters are the time, so `RUN#<time>` sorts before every
 * id of that millisecond and `~` after every id.
 */
function skRange(query: RunQuery): { ':from': string; ':to': string } {
  return {
    ':from': `${RUN_PREFIX}${query.since ? encodeTime(query.since.getTime(), 10) : ''}`,
    ':to': `${RUN_PREFIX}${query.until ? encodeTime(query.until.getTime(), 10) : '~'}`,
  };
}

/** Newest first: by `sk` (the run id), then by partition for the (theoretical) equal ids. */
function newestFirst(a: Item, b: Item): number {
  if (a.sk !== b.sk) return a.sk < b.sk ? 1 : -1;
  return a.pk < b.pk ? 1 : a.pk > b.pk ? -1 : 0;
}

export function runFromItem(item: Item): MonitorRun {
  return withoutStorageAttributes(item) as MonitorRun;
}

const BATCH_WRITE_LIMIT = 25;
/** What insights read of a run: everything but the payload and the raw reply (the bulk of an item). */
const RECORD_ATTRIBUTES = [
  'id', 'monitorId', 'trigger', 'status', 'scheduledFor', 'createdAt', 'startedAt', 'finishedAt', 'summary', 'findings',
  'inputs', 'rules', 'judge', 'notifications', 'redactions', 'payloadHash', 'error', 'feedback', 'expiresAt',
] as const satisfies ReadonlyArray<keyof RunRecord>;

/** Tries of a run's save that lost a race with feedback being added to it. */
const SAVE_ATTEMPTS = 4;

/**
 * The items of a monitor's partition whose sort keys lie from `range.from` to `range.to`, page by
 * page, oldest first unless `newestFirst`, at most `limit`, with only `attributes` when given.
 */
export async function queryMonitorRange(
  table: Table,
  monitorId: string,
  range: { from: string; to: string },
  options: { newestFirst?: boolean; limit?: number; attributes?: readonly string[] } = {},
): Promise<Item[]> {
  const { newestFirst = false, limit = Number.POSITIVE_INFINITY, attributes } = options;
  const found: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.monitor(monitorId).pk, ':from': range.from, ':to': range.to },
        ...(attributes && {
          ProjectionExpression: attributes.map((_, index) => `#a${index}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(attributes.map((name, index) => [`#a${index}`, name])),
        }),
        ScanIndexForward: !newestFirst,
        ...(Number.isFinite(limit) && { Limit: Math.min(QUERY_PAGE_LIMIT, limit - found.length) }),
        ExclusiveStartKey: startKey,
      }),
    );
    found.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && found.length < limit);
  return found;
}

/** Items asked for per page of a range query. */
const QUERY_PAGE_LIMIT = 1000;

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
export class DynamoRunRepository implements RunRepository, OpenRunRepository, RunHistoryReader {
  constructor(private readonly table: Table) {}

  /**
   * Creates the run once; false when it exists. Creating and saving a run move the monitor's
   * `last_run` forward, except for a digest run: `last_run` is the monitor's verdict, and a
   * digest reports costs whatever the status.
   */
  async create(run: MonitorRun): Promise<boolean> {
    try {
      await transactWrite(
        this.table,
        [
          { role: 'run' as const, write: { Put: { TableName: this.table.name, Item: runItem(run), ConditionExpression: 'attribute_not_exists(pk)' } } },
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
    if (run.trigger !== 'digest') await this.pointLastRun(run.monitorId, lastRunOf(run));
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

  async query(query: RunQuery, page: PageRequest): Promise<Page<MonitorRun>> {
    if (query.monitorId !== undefined) return this.queryMonitor(query.monitorId, query, page);
    if (query.status !== undefined) return this.queryStatus(query.status, query, page);
    return this.queryAllStatuses(query, page);
  }

  /**
   * One monitor's runs: its partition, by the id range. A status is a filter there, so such a
   * page reads the monitor's runs in the time range until it has `limit` (the one new index a
   * deploy may add serves the lists across monitors).
   */
  private async queryMonitor(monitorId: string, query: RunQuery, page: PageRequest): Promise<Page<MonitorRun>> {
    const found: Item[] = [];
    let startKey = decodeCursor(page.nextToken, pageKeys.runsOfMonitor(monitorId));
    do {
      const result = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ...(query.status !== undefined && { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }),
          ExpressionAttributeValues: {
            ':pk': keys.monitor(monitorId).pk,
            ...skRange(query),
            ...(query.status !== undefined && { ':status': query.status }),
          },
          ScanIndexForward: false,
          Limit: page.limit,
          ExclusiveStartKey: startKey,
        }),
      );
      found.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey && found.length < page.limit);
    if (found.length > page.limit) {
      const items = found.slice(0, page.limit);
      const last = items[items.length - 1] as Item;
      return toPage(items.map(runFromItem), { pk: last.pk, sk: last.sk });
    }
    return toPage(found.map(runFromItem), startKey);
  }

  /** Every monitor's runs of one status: one partition of the runs-by-status index. */
  private async queryStatus(status: RunStatus, query: RunQuery, page: PageRequest): Promise<Page<MonitorRun>> {
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: INDEX.runsByStatus,
        KeyConditionExpression: 'runStatusPk = :status AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':status': runStatusPartition(status), ...skRange(query) },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.nextToken, pageKeys.runsByStatus(status)),
      }),
    );
    return toPage(await this.readRuns(result.Items ?? []), result.LastEvaluatedKey);
  }

  /**
   * Every run: the newest `limit` of each status partition merged, so a page reads at most six
   * times its size in index keys. The token is the last run returned; the next page starts below it.
   */
  private async queryAllStatuses(query: RunQuery, page: PageRequest): Promise<Page<MonitorRun>> {
    const cursor = decodeCursor(page.nextToken, pageKeys.runsOfAllStatuses());
    const range = skRange(query);
    if (cursor && cursor.sk < range[':to']) range[':to'] = String(cursor.sk);
    const perStatus = await Promise.all(
      STATUSES.map(async (status) => {
        const result = await this.table.client.send(
          new QueryCommand({
            TableName: this.table.name,
            IndexName: INDEX.runsByStatus,
            KeyConditionExpression: 'runStatusPk = :status AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':status': runStatusPartition(status), ...range },
            ScanIndexForward: false,
            // One more than a page, for the runs of the cursor's own id that come before it.
            Limit: page.limit + 1,
          }),
        );
        return { keys: result.Items ?? [], more: result.LastEvaluatedKey !== undefined };
      }),
    );
    const after = (key: Item) => !cursor || newestFirst(cursor, key) < 0;
    const merged = perStatus.flatMap((p) => p.keys).filter(after).sort(newestFirst);
    const taken = merged.slice(0, page.limit);
    const more = merged.length > page.limit || perStatus.some((p) => p.more);
    const last = taken[taken.length - 1];
    return {
      items: await this.readRuns(taken),
      nextToken: more && last ? encodeCursor({ pk: last.pk, sk: last.sk }) : null,
    };
  }

  /** The runs of index keys, in the keys' order; a run deleted since is left out. */
  private async readRuns(indexKeys: readonly Item[]): Promise<MonitorRun[]> {
    const items = await batchGet(this.table, indexKeys.map((key) => ({ pk: key.pk, sk: key.sk })));
    const byKey = new Map(items.map((item) => [`${item.pk}|${item.sk}`, item]));
    return indexKeys.flatMap((key) => {
      const item = byKey.get(`${key.pk}|${key.sk}`);
      return item ? [runFromItem(item)] : [];
    });
  }

  async latest(monitorId: string): Promise<MonitorRun | null> {
    const { items } = await this.list(monitorId, { limit: 1 });
    return items[0] ?? null;
  }

  /**
   * Replaces the run, keeping feedback an operator added since `run` was read: the write names
   * how many feedback items it carries and, when the stored run holds more, takes them and tries again.
   */
  async save(run: MonitorRun): Promise<void> {
    // A run turning final has no feedback yet (feedback is given on final runs): one transaction counts its usage.
    if (FINAL.has(run.status) && (await this.finishCounted(run))) {
      if (run.trigger !== 'digest') await this.pointLastRun(run.monitorId, lastRunOf(run));
      return;
    }
    let saving = run;
    for (let attempt = 1; ; attempt += 1) {
      const { feedback, ...fields } = saving;
      const held = feedback?.length ?? 0;
      try {
        await this.table.client.send(
          new PutCommand({
            TableName: this.table.name,
            Item: { ...runItem(fields as MonitorRun), ...(held > 0 && { feedback }) },
            ConditionExpression:
              held === 0 ? 'attribute_exists(pk) AND attribute_not_exists(feedback)' : 'attribute_exists(pk) AND size(feedback) = :held',
            ...(held > 0 && { ExpressionAttributeValues: { ':held': held } }),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        break;
      } catch (error) {
        const failure = conditionFailure(error);
        if (!failure) throw error;
        if (failure.item === null) throw new NotFoundError(`run ${run.id} of monitor ${run.monitorId} not found`);
        if (attempt >= SAVE_ATTEMPTS) throw new ConflictError(`run ${run.id} kept changing while it was saved`);
        saving = { ...saving, feedback: runFromItem(failure.item).feedback ?? [] };
      }
    }
    if (run.trigger !== 'digest') await this.pointLastRun(run.monitorId, lastRunOf(run));
  }

  /**
   * The write that turns a run final, with its usage counted in the same transaction (so once,
   * however often the final run is saved again). False when the run was final already: the
   * caller writes it as any other save.
   */
  private async finishCounted(run: MonitorRun): Promise<boolean> {
    try {
      await transactWrite(
        this.table,
        [
          { role: 'run' as const, write: { Put: { TableName: this.table.name, Item: runItem(run), ...STILL_OPEN } } },
          ...usageUpdates(this.table, run).map((write) => ({ role: 'usage' as const, write })),
        ],
        ([failed]) => (failed?.item ? new RunAlreadyFinalError() : new NotFoundError(`run ${run.id} of monitor ${run.monitorId} not found`)),
      );
      return true;
    } catch (error) {
      if (error instanceof RunAlreadyFinalError) return false;
      throw error;
    }
  }

  /** Runs from `since` on, newest first: one key range of the partition (ids sort by time), payloads left out. */
  async since(monitorId: string, since: Date, limit: number): Promise<RunRecord[]> {
    const items = await queryMonitorRange(
      this.table,
      monitorId,
      { from: `${RUN_PREFIX}${encodeTime(since.getTime(), 10)}`, to: `${RUN_PREFIX}~` },
      { newestFirst: true, limit, attributes: RECORD_ATTRIBUTES },
    );
    return items.map((item) => runFromItem(item) as RunRecord);
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
          UpdateExpression: 'SET #status = :error, finishedAt = :finishedAt, #error = :reason, runStatusPk = :errorPartition REMOVE openPk, openAt',
          ConditionExpression: '#status = :status AND openAt = :since',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: {
            ':error': 'error',
            ':errorPartition': runStatusPartition('error'),
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
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'RunExistsError';
  constructor(runId: string) {
    super(`run ${runId} exists`);
    this.name = 'RunExistsError';
  }
}
