import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LogSource, Page, PageRequest } from '#domain/model/entities.ts';
import { ConflictError, NotFoundError, ValidationError } from '#domain/model/errors.ts';
import type { LogSourceRepository } from '#domain/log-sources/ports.ts';
import { ENTITY, keys, pageKeys } from './keys.ts';
import { INDEX } from './table-definition.ts';
import { failedOnCondition, transactWrite, type CancellationReason, type TransactItem } from './transactions.ts';
import { batchGet, decodeNextToken, toPage, type Item, type Table } from './table.ts';

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
    await transactWrite(this.table, [
      {
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
      this.countOnTarget(source, +1),
    ], (reasons) => {
      if (failedOnCondition(reasons[0])) return new ConflictError(`log source ${source.id} already exists`);
      return this.targetProblem(source, reasons[1]);
    });
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
        ExclusiveStartKey: decodeNextToken(
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
    const items: TransactItem[] = [
      {
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
    ];
    if (targetChanges) {
      items.push(this.countOnTarget(source, +1), this.countOnTarget(previous, -1));
    } else if (source.mode === 'file' && previous.mode !== 'file') {
      items.push({
        ConditionCheck: {
          TableName: this.table.name,
          Key: keys.target(source.targetId),
          ...this.targetCondition(source),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
    }
    await transactWrite(this.table, items, (reasons) => {
      const own = reasons[0];
      if (failedOnCondition(own)) {
        if (!own?.item) return new NotFoundError(`log source ${source.id} not found`);
        if (own.item.updatedAt !== previous.updatedAt) {
          return new ConflictError(`log source ${source.id} was changed by another request; read it again and retry`);
        }
        return new ConflictError(
          `log source ${source.id} is used by ${own.item.monitorCount} monitor(s); its mode cannot change`,
        );
      }
      return this.targetProblem(source, reasons[1]);
    });
  }

  async delete(id: string): Promise<void> {
    const existing = await this.get(id);
    if (!existing) throw new NotFoundError(`log source ${id} not found`);
    await transactWrite(this.table, 
      [
        {
          Delete: {
            TableName: this.table.name,
            Key: keys.logSource(id),
            ConditionExpression: 'attribute_exists(pk) AND targetId = :targetId AND monitorCount = :zero',
            ExpressionAttributeValues: { ':targetId': existing.targetId, ':zero': 0 },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        this.countOnTarget(existing, -1),
      ],
      (reasons) => {
        const own = reasons[0];
        if (!own?.item) return new NotFoundError(`log source ${id} not found`);
        if (own.item.targetId !== existing.targetId) {
          return new ConflictError(`log source ${id} was changed by another request; retry`);
        }
        return new ConflictError(`log source ${id} is used by ${own.item.monitorCount} monitor(s); delete or change them first`);
      },
    );
  }

  /** Adds `delta` to the target's log source count; an increment requires a fitting target. */
  private countOnTarget(source: LogSource, delta: 1 | -1): TransactItem {
    return {
      Update: {
        TableName: this.table.name,
        Key: keys.target(source.targetId),
        UpdateExpression: 'ADD logSourceCount :delta',
        ...(delta > 0
          ? this.withDelta(this.targetCondition(source), delta)
          : { ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':delta': delta } }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
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

  private targetProblem(source: LogSource, reason: CancellationReason | undefined): Error {
    if (!failedOnCondition(reason)) {
      return new ConflictError(`log source ${source.id} was changed by another request; retry`);
    }
    if (!reason?.item) return ValidationError.field('target_id', `target ${source.targetId} does not exist`);
    return ValidationError.field('target_id', `a file source needs a local target; ${source.targetId} is ${reason.item.type}`);
  }

}
