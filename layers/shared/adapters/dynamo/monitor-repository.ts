import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertState, Monitor, Page, PageRequest } from '#domain/model/entities.ts';
import { ConflictError, NotFoundError, ValidationError } from '#domain/model/errors.ts';
import type { MonitorRepository, SourceExpectations } from '#domain/monitors/ports.ts';
import { referencedLogSourceIds, referencePath } from '#domain/monitors/monitor-references.ts';
import { BASELINE_PREFIX, duePartitionOf, ENTITY, keys, pageKeys } from './keys.ts';
import { deleteMonitorItems, deleteRuns } from './run-repository.ts';
import { INDEX } from './table-definition.ts';
import {
  conditionFailure,
  failedOnCondition,
  transactWrite,
  type CancellationReason,
  type TransactItem,
} from './transactions.ts';
import { batchGet, decodeNextToken, toPage, type Item, type Table } from './table.ts';

export function monitorFromItem(item: Item): Monitor {
  return {
    id: item.id,
    name: item.name,
    logSourceId: item.logSourceId,
    enabled: item.enabled,
    intervalSeconds: item.intervalSeconds,
    prompt: item.prompt,
    inputs: item.inputs,
    rules: item.rules ?? [],
    windowConfig: item.windowConfig,
    notificationConfig: item.notificationConfig,
    model: item.model ?? {},
    ...(item.noDataStatus != null && { noDataStatus: item.noDataStatus }),
    judgeWhen: item.judgeWhen ?? 'always',
    nextRunAt: item.nextRunAt ?? null,
    lastRun: item.lastRun ?? null,
    alertState: item.alertState ?? null,
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** The spec fields an update rewrites; run-side state (last run, alert state) is left alone. */
const SPEC_FIELDS = [
  'name',
  'logSourceId',
  'enabled',
  'intervalSeconds',
  'prompt',
  'inputs',
  'rules',
  'windowConfig',
  'notificationConfig',
  'model',
  'noDataStatus',
  'judgeWhen',
  'nextRunAt',
  'version',
  'updatedAt',
] as const satisfies readonly (keyof Monitor)[];

const DELETE_ATTEMPTS = 3;

/** Only enabled monitors carry the due index's keys, which keeps that index sparse. */
function dueAttributes(monitor: Monitor): Item {
  return monitor.enabled && monitor.nextRunAt ? { duePk: duePartitionOf(monitor.id), dueAt: monitor.nextRunAt } : {};
}

/**
 * Monitors over the single table. A monitor owns one reference item per log source it uses
 * (its default source and its inputs' sources), and each such source counts its monitors;
 * both change in the same transaction as the monitor, with the source's mode re-checked.
 */
export class DynamoMonitorRepository implements MonitorRepository {
  constructor(private readonly table: Table) {}

  async create(monitor: Monitor, sources: SourceExpectations): Promise<void> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.table.name,
          Item: { ...keys.monitor(monitor.id), typePk: ENTITY.monitor, typeSk: monitor.id, ...monitor, ...dueAttributes(monitor) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    const added = [...sources.keys()];
    for (const id of added) items.push(this.countOnSource(id, +1, sources), this.putReference(monitor.id, id));
    await transactWrite(this.table, items, (reasons) => {
      if (failedOnCondition(reasons[0])) return new ConflictError(`monitor ${monitor.id} already exists`);
      return this.sourceProblem(monitor, added, reasons.slice(1).filter((_, i) => i % 2 === 0), sources);
    });
  }

  async get(id: string): Promise<Monitor | null> {
    const { Item: item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.name, Key: keys.monitor(id), ConsistentRead: true }),
    );
    return item ? monitorFromItem(item) : null;
  }

  async list(page: PageRequest, filter: { logSourceId?: string } = {}): Promise<Page<Monitor>> {
    if (filter.logSourceId === undefined) {
      const result = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.name,
          IndexName: INDEX.byType,
          KeyConditionExpression: 'typePk = :type',
          ExpressionAttributeValues: { ':type': ENTITY.monitor },
          Limit: page.limit,
          ExclusiveStartKey: decodeNextToken(page.nextToken, pageKeys.byType(ENTITY.monitor)),
        }),
      );
      return toPage((result.Items ?? []).map(monitorFromItem), result.LastEvaluatedKey);
    }
    const parentPk = keys.logSource(filter.logSourceId).pk;
    const references = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: INDEX.byParent,
        KeyConditionExpression: 'parentPk = :source AND begins_with(parentSk, :prefix)',
        ExpressionAttributeValues: { ':source': parentPk, ':prefix': `${ENTITY.monitor}#` },
        Limit: page.limit,
        ExclusiveStartKey: decodeNextToken(page.nextToken, pageKeys.monitorsOfLogSource(filter.logSourceId)),
      }),
    );
    const ids = (references.Items ?? []).map((item) => String(item.monitorId));
    const monitors = await this.getMany(ids);
    return toPage(
      ids.flatMap((id) => monitors.get(id) ?? []),
      references.LastEvaluatedKey,
    );
  }

  async update(monitor: Monitor, previous: Monitor, sources: SourceExpectations): Promise<void> {
    const before = new Set(referencedLogSourceIds(previous));
    const added = [...sources.keys()].filter((id) => !before.has(id));
    const kept = [...sources.keys()].filter((id) => before.has(id));
    const removed = [...before].filter((id) => !sources.has(id));
    // The schedule is written only when the edit changes it: the scheduler moves `nextRunAt`
    // without bumping the version, and writing back the value read would hand it a slot it has
    // already claimed.
    const scheduleChanges = monitor.nextRunAt !== previous.nextRunAt || monitor.enabled !== previous.enabled;
    const due = dueAttributes(monitor);
    const values: Item = { ':previousVersion': previous.version };
    const names: Record<string, string> = {};
    const assignments = SPEC_FIELDS.filter((field) => scheduleChanges || field !== 'nextRunAt').map((field) => {
      names[`#${field}`] = field;
      // An optional field left out (a monitor stored before it existed) is written as null.
      values[`:${field}`] = field === 'judgeWhen' ? (monitor.judgeWhen ?? 'always') : (monitor[field] ?? null);
      return `#${field} = :${field}`;
    });
    if (scheduleChanges && due.duePk) {
      assignments.push('duePk = :duePk', 'dueAt = :dueAt');
      values[':duePk'] = due.duePk;
      values[':dueAt'] = due.dueAt;
    }
    const removeDue = scheduleChanges && !due.duePk;
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table.name,
          Key: keys.monitor(monitor.id),
          UpdateExpression: `SET ${assignments.join(', ')}${removeDue ? ' REMOVE duePk, dueAt' : ''}`,
          ConditionExpression: 'attribute_exists(pk) AND #version = :previousVersion',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ];
    for (const id of added) items.push(this.countOnSource(id, +1, sources), this.putReference(monitor.id, id));
    for (const id of kept) items.push(this.checkSourceMode(id, sources));
    for (const id of removed) items.push(this.countOnSource(id, -1, sources), this.deleteReference(monitor.id, id));
    await transactWrite(this.table, items, (reasons) => {
      const own = reasons[0];
      if (failedOnCondition(own)) {
        if (!own?.item) return new NotFoundError(`monitor ${monitor.id} not found`);
        return new ConflictError(`monitor ${monitor.id} was changed by another request; read it again and retry`);
      }
      const addedReasons = reasons.slice(1, 1 + added.length * 2).filter((_, i) => i % 2 === 0);
      const keptReasons = reasons.slice(1 + added.length * 2, 1 + added.length * 2 + kept.length);
      return this.sourceProblem(monitor, [...added, ...kept], [...addedReasons, ...keptReasons], sources);
    });
  }

  async delete(id: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const monitor = await this.get(id);
      if (!monitor) throw new NotFoundError(`monitor ${id} not found`);
      const references = referencedLogSourceIds(monitor);
      const items: TransactItem[] = [
        {
          Delete: {
            TableName: this.table.name,
            Key: keys.monitor(id),
            ConditionExpression: 'attribute_exists(pk) AND #version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': monitor.version },
          },
        },
      ];
      for (const sourceId of references) {
        items.push(this.countOnSource(sourceId, -1, new Map()), this.deleteReference(id, sourceId));
      }
      try {
        await transactWrite(this.table, items, () => new ConflictError(`monitor ${id} changed while it was being deleted`));
      } catch (error) {
        if (error instanceof ConflictError && attempt < DELETE_ATTEMPTS) continue;
        throw error;
      }
      // The history goes once the monitor is gone, so a refused delete leaves it whole. A runner
      // cannot add a run afterwards: a run's create checks that its monitor exists.
      await deleteRuns(this.table, id);
      await deleteMonitorItems(this.table, id, BASELINE_PREFIX);
      return;
    }
  }

  async swapAlertState(monitorId: string, expected: AlertState | null, next: AlertState | null): Promise<boolean> {
    const values: Item = {};
    let condition = 'attribute_exists(pk)';
    if (expected) {
      condition += ' AND alertState.#status = :expectedStatus AND alertState.fingerprint = :expectedFingerprint AND alertState.notifiedAt = :expectedAt';
      values[':expectedStatus'] = expected.status;
      values[':expectedFingerprint'] = expected.fingerprint;
      values[':expectedAt'] = expected.notifiedAt;
    } else {
      condition += ' AND (attribute_not_exists(alertState) OR alertState = :null)';
      values[':null'] = null;
    }
    values[':next'] = next;
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.monitor(monitorId),
          UpdateExpression: 'SET alertState = :next',
          ConditionExpression: condition,
          ...(expected ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailure(error)) return false;
      throw error;
    }
  }

  private async getMany(ids: string[]): Promise<Map<string, Monitor>> {
    const items = await batchGet(this.table, ids.map((id) => keys.monitor(id)));
    return new Map(items.map((item) => [String(item.id), monitorFromItem(item)]));
  }

  /** Counts the monitor on a source; an increment also re-checks the mode it was validated with. */
  private countOnSource(sourceId: string, delta: 1 | -1, sources: SourceExpectations): TransactItem {
    const mode = sources.get(sourceId);
    return {
      Update: {
        TableName: this.table.name,
        Key: keys.logSource(sourceId),
        UpdateExpression: 'ADD monitorCount :delta',
        ...(delta > 0 && mode
          ? {
              ConditionExpression: 'attribute_exists(pk) AND #mode = :mode',
              ExpressionAttributeNames: { '#mode': 'mode' },
              ExpressionAttributeValues: { ':delta': delta, ':mode': mode },
            }
          : { ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':delta': delta } }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  private checkSourceMode(sourceId: string, sources: SourceExpectations): TransactItem {
    return {
      ConditionCheck: {
        TableName: this.table.name,
        Key: keys.logSource(sourceId),
        ConditionExpression: 'attribute_exists(pk) AND #mode = :mode',
        ExpressionAttributeNames: { '#mode': 'mode' },
        ExpressionAttributeValues: { ':mode': sources.get(sourceId) },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  private putReference(monitorId: string, sourceId: string): TransactItem {
    return {
      Put: {
        TableName: this.table.name,
        Item: {
          ...keys.reference(monitorId, sourceId),
          parentPk: keys.logSource(sourceId).pk,
          parentSk: keys.monitor(monitorId).pk,
          monitorId,
          logSourceId: sourceId,
        },
      },
    };
  }

  private deleteReference(monitorId: string, sourceId: string): TransactItem {
    return { Delete: { TableName: this.table.name, Key: keys.reference(monitorId, sourceId) } };
  }

  /** Names the field whose log source vanished or changed mode between validation and write. */
  private sourceProblem(
    monitor: Monitor,
    sourceIds: string[],
    reasons: (CancellationReason | undefined)[],
    sources: SourceExpectations,
  ): Error {
    const index = reasons.findIndex(failedOnCondition);
    const sourceId = sourceIds[index];
    if (index < 0 || sourceId === undefined) {
      return new ConflictError(`monitor ${monitor.id} was changed by another request; retry`);
    }
    const path = referencePath(monitor, sourceId);
    const found = reasons[index]?.item;
    if (!found) return ValidationError.field(path, `log source ${sourceId} does not exist`);
    return ValidationError.field(
      path,
      `log source ${sourceId} changed mode to ${found.mode} (expected ${sources.get(sourceId)}); check the inputs again`,
    );
  }
}
