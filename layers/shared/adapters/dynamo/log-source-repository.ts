import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LogSource, Page, PageRequest } from '#domain/model/entities.ts';
import { BrokenReferenceError, ConflictError, NotFoundError } from '#domain/model/errors.ts';
import type { LogSourceRepository } from '#domain/log-sources/ports.ts';
import { ENTITY, keys, pageKeys } from './keys.ts';
import { INDEX } from './table-definition.ts';
import { transactWrite, type FailedOperation, type TransactOperation } from './transactions.ts';
import { batchGet, decodeCursor, toPage, type Item, type Table } from './table.ts';

/**
 * What each operation of a log source's transaction is: the source itself, or its count on a
 * target it joins (which must exist and fit), leaves, or is checked against.
 */
type SourceRole = { kind: 'source' } | { kind: 'target'; change: 'joins' | 'leaves' | 'checked' };
type SourceOperation = TransactOperation<SourceRole>;
type SourceFailure = FailedOperation<SourceRole>;

const OWN: SourceRole = { kind: 'source' };
const failedItself = (failed: SourceFailure[]) => failed.find(({ role }) => role.kind === 'source');

export function logSourceFromItem(item: Item): LogSource {
  return {
    id: item.id,
    targetId: item.targetId,
    name: item.name,
    mode: item.mode,
    config: item.config,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  } as LogSource;
}

/**
 * Log sources over the single table. Each one is counted on its target (`logSourceCount`),
 * and counts the monitors that reference it (`monitorCount`), so the referential rules hold
 * inside DynamoDB transactions rather than by read-then-write.
 */
export class DynamoLogSourceRepository implements LogSourceRepository {
  constructor(private readonly table: Table) {}

  async create(source: LogSource): Promise<void> {
    await transactWrite(
      this.table,
      [
        {
          role: OWN,
          write: {
            Put: {
              TableName: this.table.name,
              Item: {
                ...keys.logSource(source.id),
                typePk: ENTITY.logSource,
                typeSk: source.id,
                parentPk: keys.target(source.targetId).pk,
                parentSk: keys.logSource(source.id).pk,
                ...source,
                monitorCount: 0,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        },
        this.countOnTarget(source, +1),
      ],
      (failed) => {
        if (failedItself(failed)) return new ConflictError(`log source ${source.id} already exists`);
        return this.targetProblem(source, failed);
      },
    );
  }

  async get(id: string): Promise<LogSource | null> {
    const { Item: item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.name, Key: keys.logSource(id), ConsistentRead: true }),
    );
    return item ? logSourceFromItem(item) : null;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, LogSource>> {
    const items = await batchGet(this.table, [...new Set(ids)].map((id) => keys.logSource(id)));
    return new Map(items.map((item) => [String(item.id), logSourceFromItem(item)]));
  }

  async list(page: PageRequest, filter: { targetId?: string } = {}): Promise<Page<LogSource>> {
    const byTarget = filter.targetId !== undefined;
    const partition: Record<string, string> = byTarget
      ? { parentPk: keys.target(filter.targetId as string).pk }
      : { typePk: ENTITY.logSource };
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: byTarget ? INDEX.byParent : INDEX.byType,
        KeyConditionExpression: byTarget
          ? 'parentPk = :partition AND begins_with(parentSk, :prefix)'
          : 'typePk = :partition',
        ExpressionAttributeValues: {
          ':partition': Object.values(partition)[0],
          ...(byTarget ? { ':prefix': `${ENTITY.logSource}#` } : {}),
        },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(
          page.nextToken,
          byTarget ? pageKeys.logSourcesOfTarget(filter.targetId as string) : pageKeys.byType(ENTITY.logSource),
        ),
      }),
    );
    return toPage((result.Items ?? []).map(logSourceFromItem), result.LastEvaluatedKey);
  }

  async update(source: LogSource, previous: LogSource): Promise<void> {
    const modeChanges = source.mode !== previous.mode;
    const targetChanges = source.targetId !== previous.targetId;
    const operations: SourceOperation[] = [
      {
        role: OWN,
        write: {
          Update: {
            TableName: this.table.name,
            Key: keys.logSource(source.id),
            UpdateExpression:
              'SET #name = :name, targetId = :targetId, parentPk = :parentPk, #mode = :mode, config = :config, updatedAt = :updatedAt',
            ConditionExpression:
              'attribute_exists(pk) AND updatedAt = :previous' + (modeChanges ? ' AND monitorCount = :zero' : ''),
            ExpressionAttributeNames: { '#name': 'name', '#mode': 'mode' },
            ExpressionAttributeValues: {
              ':name': source.name,
              ':targetId': source.targetId,
              ':parentPk': keys.target(source.targetId).pk,
              ':mode': source.mode,
              ':config': source.config,
              ':updatedAt': source.updatedAt,
              ':previous': previous.updatedAt,
              ...(modeChanges ? { ':zero': 0 } : {}),
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      },
    ];
    if (targetChanges) {
      operations.push(this.countOnTarget(source, +1), this.countOnTarget(previous, -1));
    } else if (source.mode === 'file' && previous.mode !== 'file') {
      operations.push({
        role: { kind: 'target', change: 'checked' },
        write: {
          ConditionCheck: {
            TableName: this.table.name,
            Key: keys.target(source.targetId),
            ...this.targetCondition(source),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      });
    }
    await transactWrite(this.table, operations, (failed) => {
      const own = failedItself(failed);
      if (own) {
        if (!own.item) return new NotFoundError(`log source ${source.id} not found`);
        if (own.item.updatedAt !== previous.updatedAt) {
          return new ConflictError(`log source ${source.id} was changed by another request; read it again and retry`);
        }
        return new ConflictError(
          `log source ${source.id} is used by ${own.item.monitorCount} monitor(s); its mode cannot change`,
        );
      }
      return this.targetProblem(source, failed);
    });
  }

  async delete(id: string): Promise<void> {
    const existing = await this.get(id);
    if (!existing) throw new NotFoundError(`log source ${id} not found`);
    await transactWrite(
      this.table,
      [
        {
          role: OWN,
          write: {
            Delete: {
              TableName: this.table.name,
              Key: keys.logSource(id),
              ConditionExpression: 'attribute_exists(pk) AND targetId = :targetId AND monitorCount = :zero',
              ExpressionAttributeValues: { ':targetId': existing.targetId, ':zero': 0 },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        },
        this.countOnTarget(existing, -1),
      ],
      (failed) => {
        const own = failedItself(failed);
        if (!own?.item) return new NotFoundError(`log source ${id} not found`);
        if (own.item.targetId !== existing.targetId) {
          return new ConflictError(`log source ${id} was changed by another request; retry`);
        }
        return new ConflictError(`log source ${id} is used by ${own.item.monitorCount} monitor(s); delete or change them first`);
      },
    );
  }

  /** Adds `delta` to the target's log source count; an increment requires a fitting target. */
  private countOnTarget(source: LogSource, delta: 1 | -1): SourceOperation {
    return {
      role: { kind: 'target', change: delta > 0 ? 'joins' : 'leaves' },
      write: {
        Update: {
          TableName: this.table.name,
          Key: keys.target(source.targetId),
          UpdateExpression: 'ADD logSourceCount :delta',
          ...(delta > 0
            ? this.withDelta(this.targetCondition(source), delta)
            : { ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':delta': delta } }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    };
  }

  /** The target must exist, and be a `local` target for a `file` source. */
  private targetCondition(source: LogSource) {
    return source.mode === 'file'
      ? {
          ConditionExpression: 'attribute_exists(pk) AND #type = :local',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':local': 'local' } as Item,
        }
      : { ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: {} as Item };
  }

  private withDelta<T extends { ExpressionAttributeValues: Item }>(condition: T, delta: number): T {
    return { ...condition, ExpressionAttributeValues: { ...condition.ExpressionAttributeValues, ':delta': delta } };
  }

  /**
   * The target the source joins (or is checked against) is missing or not `local` for a file
   * source; any other failure (the target it leaves) is a concurrent change.
   */
  private targetProblem(source: LogSource, failed: SourceFailure[]): Error {
    const target = failed.find(({ role }) => role.kind === 'target' && role.change !== 'leaves');
    if (!target) return new ConflictError(`log source ${source.id} was changed by another request; retry`);
    const reference = { kind: 'target', id: source.targetId } as const;
    if (!target.item) {
      return new BrokenReferenceError({ reason: 'missing', reference, message: `target ${source.targetId} does not exist` });
    }
    return new BrokenReferenceError({
      reason: 'unfit',
      reference,
      message: `a file source needs a local target; ${source.targetId} is ${target.item.type}`,
    });
  }
}
