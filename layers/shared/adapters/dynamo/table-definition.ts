import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single table's key schema, shared by local mode and the store tests. The CDK table
 * (lib/constructs/vigil-table.ts) declares the same keys and indexes; an infrastructure test
 * holds the two together.
 */
export const INDEX = {
  /** Every item of one entity type, in id (creation) order. */
  byType: 'byType',
  /** Children of a parent: log sources of a target, monitors that reference a log source. */
  byParent: 'byParent',
  /** Sparse: enabled monitors by their next run time. */
  due: 'due',
  /** Sparse and sharded: runs while `queued` or `running`, by when they entered that status (the reaper's). */
  openRuns: 'openRuns',
  /** Every run by status (`RUNS#<status>`), by id (time); keys only: a page reads its runs by key. */
  runsByStatus: 'runsByStatus',
} as const;

export const TTL_ATTRIBUTE = 'expiresAt';

export function tableDefinition(tableName: string): CreateTableCommandInput {
  const stringKey = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  const index = (name: string, hash: string, range: string, projection: 'ALL' | 'KEYS_ONLY' = 'ALL') => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: hash, KeyType: 'HASH' as const },
      { AttributeName: range, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: projection },
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['pk', 'sk', 'typePk', 'typeSk', 'parentPk', 'parentSk', 'duePk', 'dueAt', 'openPk', 'openAt', 'runStatusPk'].map(stringKey),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      index(INDEX.byType, 'typePk', 'typeSk'),
      index(INDEX.byParent, 'parentPk', 'parentSk'),
      index(INDEX.due, 'duePk', 'dueAt'),
      index(INDEX.openRuns, 'openPk', 'openAt'),
      index(INDEX.runsByStatus, 'runStatusPk', 'sk', 'KEYS_ONLY'),
    ],
  };
}
