import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest, Target } from '#domain/model/entities.ts';
import { ConflictError, NotFoundError } from '#domain/model/errors.ts';
import type { TargetRepository } from '#domain/targets/ports.ts';
import { ENTITY, keys, pageKeys } from './keys.ts';
import { INDEX } from './table-definition.ts';
import { conditionFailure } from './transactions.ts';
import { decodeCursor, toPage, type Item, type Table } from './table.ts';

export function targetFromItem(item: Item): Target {
  return {
    id: item.id,
    name: item.name,
    type: item.type,
    connectionConfig: item.connectionConfig ?? {},
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** Targets over the single table; `logSourceCount` guards deletes and type changes. */
export class DynamoTargetRepository implements TargetRepository {
  constructor(private readonly table: Table) {}

  async create(target: Target): Promise<void> {
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...keys.target(target.id), typePk: ENTITY.target, typeSk: target.id, ...target, logSourceCount: 0 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (conditionFailure(error)) throw new ConflictError(`target ${target.id} already exists`);
      throw error;
    }
  }

  async get(id: string): Promise<Target | null> {
    const { Item: item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.name, Key: keys.target(id), ConsistentRead: true }),
    );
    return item ? targetFromItem(item) : null;
  }

  async list(page: PageRequest): Promise<Page<Target>> {
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: INDEX.byType,
        KeyConditionExpression: 'typePk = :type',
        ExpressionAttributeValues: { ':type': ENTITY.target },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.nextToken, pageKeys.byType(ENTITY.target)),
      }),
    );
    return toPage((result.Items ?? []).map(targetFromItem), result.LastEvaluatedKey);
  }

  async update(target: Target, previous: Target): Promise<void> {
    const typeChanges = target.type !== previous.type;
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.target(target.id),
          UpdateExpression: 'SET #name = :name, #type = :type, connectionConfig = :connection, updatedAt = :updatedAt',
          ConditionExpression:
            'attribute_exists(pk) AND updatedAt = :previous' + (typeChanges ? ' AND logSourceCount = :zero' : ''),
          ExpressionAttributeNames: { '#name': 'name', '#type': 'type' },
          ExpressionAttributeValues: {
            ':name': target.name,
            ':type': target.type,
            ':connection': target.connectionConfig,
            ':updatedAt': target.updatedAt,
            ':previous': previous.updatedAt,
            ...(typeChanges ? { ':zero': 0 } : {}),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      const failure = conditionFailure(error);
      if (!failure) throw error;
      if (!failure.item) throw new NotFoundError(`target ${target.id} not found`);
      if (failure.item.updatedAt !== previous.updatedAt) {
        throw new ConflictError(`target ${target.id} was changed by another request; read it again and retry`);
      }
      throw new ConflictError(
        `target ${target.id} is used by ${failure.item.logSourceCount} log source(s); its type cannot change`,
      );
    }
  }

  async delete(id: string): Promise<void> {
    try {
      await this.table.client.send(
        new DeleteCommand({
          TableName: this.table.name,
          Key: keys.target(id),
          ConditionExpression: 'attribute_exists(pk) AND logSourceCount = :zero',
          ExpressionAttributeValues: { ':zero': 0 },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      const failure = conditionFailure(error);
      if (!failure) throw error;
      if (!failure.item) throw new NotFoundError(`target ${id} not found`);
      throw new ConflictError(
        `target ${id} is used by ${failure.item.logSourceCount} log source(s); delete them first`,
      );
    }
  }
}
