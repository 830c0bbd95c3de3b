import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertState, Monitor, Page, PageRequest } from '#domain/model/entities.ts';
import { BrokenReferenceError, ConflictError, NotFoundError } from '#domain/model/errors.ts';
import type { MonitorRepository, SourceExpectations } from '#domain/monitors/ports.ts';
import { logSourceReference, referencedLogSourceIds } from '#domain/monitors/monitor-references.ts';
import { BASELINE_PREFIX, FEEDBACK_PREFIX, USAGE_DAY_PREFIX, duePartitionOf, ENTITY, keys, pageKeys } from './keys.ts';
import { deleteMonitorItems, deleteRuns } from './run-repository.ts';
import { INDEX } from './table-definition.ts';
import { conditionFailure, transactWrite, type FailedOperation, type TransactOperation } from './transactions.ts';
import { batchGet, decodeCursor, toPage, type Item, type Table } from './table.ts';

export function monitorFromItem(item: Item): Monitor {
  return {
    id: item.id,
    name: item.name,
    logSourceId: item.logSourceId,
    enabled: item.enabled,
    intervalSeconds: item.intervalSeconds,
    schedule: item.schedule ?? null,
    snoozedUntil: item.snoozedUntil ?? null,
    maintenanceWindows: item.maintenanceWindows ?? [],
    prompt: item.prompt,
    inputs: item.inputs,
    rules: item.rules ?? [],
    windowConfig: item.windowConfig,
    notificationConfig: item.notificationConfig,
    model: item.model ?? {},
    ...(item.noDataStatus != null && { noDataStatus: item.noDataStatus }),
    judgeWhen: item.judgeWhen ?? 'always',
    metricRules: item.metricRules ?? [],
    costRules: item.costRules ?? [],
    digest: item.digest ?? null,
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
  'schedule',
  'snoozedUntil',
  'maintenanceWindows',
  'prompt',
  'inputs',
  'rules',
  'windowConfig',
  'notificationConfig',
  'model',
  'noDataStatus',
  'judgeWhen',
  'metricRules',
  'costRules',
  'digest',
  'nextRunAt',
  'version',
  'updatedAt',
] as const satisfies readonly (keyof Monitor)[];

const DELETE_ATTEMPTS = 3;

/**
 * What each operation of a monitor's transaction is: the monitor itself; a log source it starts
 * or keeps using (counted or checked: it must exist with the mode it was validated with); a
 * source it stops using (uncounted); or a reference item (unconditional).
 */
type MonitorRole =
  | { kind: 'monitor' }
  | { kind: 'uses'; sourceId: string }
  | { kind: 'releases'; sourceId: string }
  | { kind: 'reference'; sourceId: string };
type MonitorOperation = TransactOperation<MonitorRole>;
type MonitorFailure = FailedOperation<MonitorRole>;

const OWN: MonitorRole = { kind: 'monitor' };
const failedItself = (failed: MonitorFailure[]) => failed.find(({ role }) => role.kind === 'monitor');

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
    const operations: MonitorOperation[] = [
      {
        role: OWN,
        write: {
          Put: {
            TableName: this.table.name,
            Item: { ...keys.monitor(monitor.id), typePk: ENTITY.monitor, typeSk: monitor.id, ...monitor, ...dueAttributes(monitor) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
    ];
    for (const id of sources.keys()) operations.push(this.countOnSource(id, +1, sources), this.putReference(monitor.id, id));
    await transactWrite(this.table, operations, (failed) => {
      if (failedItself(failed)) return new ConflictError(`monitor ${monitor.id} already exists`);
      return this.sourceProblem(monitor, failed, sources);
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
          ExclusiveStartKey: decodeCursor(page.nextToken, pageKeys.byType(ENTITY.monitor)),
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
        ExclusiveStartKey: decodeCursor(page.nextToken, pageKeys.monitorsOfLogSource(filter.logSourceId)),
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
    const operations: MonitorOperation[] = [
      {
        role: OWN,
        write: {
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
      },
    ];
    for (const id of added) operations.push(this.countOnSource(id, +1, sources), this.putReference(monitor.id, id));
    for (const id of kept) operations.push(this.checkSourceMode(id, sources));
    for (const id of removed) operations.push(this.countOnSource(id, -1, sources), this.deleteReference(monitor.id, id));
    await transactWrite(this.table, operations, (failed) => {
      const own = failedItself(failed);
      if (own) {
        if (!own.item) return new NotFoundError(`monitor ${monitor.id} not found`);
        return new ConflictError(`monitor ${monitor.id} was changed by another request; read it again and retry`);
      }
      return this.sourceProblem(monitor, failed, sources);
    });
  }

  async delete(id: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const monitor = await this.get(id);
      if (!monitor) throw new NotFoundError(`monitor ${id} not found`);
      const references = referencedLogSourceIds(monitor);
      const operations: MonitorOperation[] = [
        {
          role: OWN,
          write: {
            Delete: {
              TableName: this.table.name,
              Key: keys.monitor(id),
              ConditionExpression: 'attribute_exists(pk) AND #version = :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': monitor.version },
            },
          },
        },
      ];
      for (const sourceId of references) {
        operations.push(this.countOnSource(sourceId, -1, new Map()), this.deleteReference(id, sourceId));
      }
      try {
        await transactWrite(this.table, operations, () => new ConflictError(`monitor ${id} changed while it was being deleted`));
      } catch (error) {
        if (error instanceof ConflictError && attempt < DELETE_ATTEMPTS) continue;
        throw error;
      }
      // The history goes once the monitor is gone, so a refused delete leaves it whole. A runner
      // cannot add a run afterwards: a run's create checks that its monitor exists.
      await deleteRuns(this.table, id);
      await deleteMonitorItems(this.table, id, BASELINE_PREFIX);
      await deleteMonitorItems(this.table, id, FEEDBACK_PREFIX);
      // Its daily usage goes too; the month's totals keep what it cost (GET /usage).
      await deleteMonitorItems(this.table, id, USAGE_DAY_PREFIX);
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
  private countOnSource(sourceId: string, delta: 1 | -1, sources: SourceExpectations): MonitorOperation {
    const mode = sources.get(sourceId);
    return {
      role: { kind: delta > 0 ? 'uses' : 'releases', sourceId },
      write: {
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
      },
    };
  }

  private checkSourceMode(sourceId: string, sources: SourceExpectations): MonitorOperation {
    return {
      role: { kind: 'uses', sourceId },
      write: {
        ConditionCheck: {
          TableName: this.table.name,
          Key: keys.logSource(sourceId),
          ConditionExpression: 'attribute_exists(pk) AND #mode = :mode',
          ExpressionAttributeNames: { '#mode': 'mode' },
          ExpressionAttributeValues: { ':mode': sources.get(sourceId) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    };
  }

  private putReference(monitorId: string, sourceId: string): MonitorOperation {
    return {
      role: { kind: 'reference', sourceId },
      write: {
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
      },
    };
  }

  private deleteReference(monitorId: string, sourceId: string): MonitorOperation {
    return { role: { kind: 'reference', sourceId }, write: { Delete: { TableName: this.table.name, Key: keys.reference(monitorId, sourceId) } } };
  }

  /**
   * The first source the monitor uses that vanished or changed mode between validation and write,
   * as the reference the monitor makes to it; any other failure is a concurrent change.
   */
  private sourceProblem(monitor: Monitor, failed: MonitorFailure[], sources: SourceExpectations): Error {
    const broken = failed.find((failure) => failure.role.kind === 'uses');
    if (broken?.role.kind !== 'uses') return new ConflictError(`monitor ${monitor.id} was changed by another request; retry`);
    const { sourceId } = broken.role;
    const reference = logSourceReference(monitor, sourceId);
    if (!broken.item) return new BrokenReferenceError({ reason: 'missing', reference, message: `log source ${sourceId} does not exist` });
    return new BrokenReferenceError({
      reason: 'unfit',
      reference,
      message: `log source ${sourceId} changed mode to ${broken.item.mode} (expected ${sources.get(sourceId)}); check the inputs again`,
    });
  }
}
