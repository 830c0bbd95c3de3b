import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA, type TableIndexName } from '#composition/contract.ts';

/** The index names the repositories query. */
export const INDEX = Object.fromEntries(Object.keys(TABLE_SCHEMA.indexes).map((name) => [name, name])) as {
  readonly [Name in TableIndexName]: Name;
};

/**
 * The single table as CreateTable input, from the contract's key schema (TABLE_SCHEMA), which the
 * CDK table (lib/constructs/vigil-table.ts) declares too: local mode and the store tests create it.
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const stringKey = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  const indexes = Object.entries(TABLE_SCHEMA.indexes);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      TABLE_SCHEMA.partitionKey,
      TABLE_SCHEMA.sortKey,
      ...indexes.flatMap(([, keys]) => [keys.partitionKey, keys.sortKey]),
    ].map(stringKey),
    KeySchema: [
      { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map(([name, keys]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: keys.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: keys.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
