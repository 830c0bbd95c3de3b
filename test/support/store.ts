import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createStore, type Table } from '#adapters/dynamo/index.ts';
import { ensureTable, localDynamoClient } from '../../local/dynamo-local.ts';
import { documentClient } from '#composition/table.ts';
import { aLogSource, aTarget } from './builders.ts';

let tableCounter = 0;

/** A fresh table in the shared DynamoDB Local, and the store over it. */
export async function createTestStore(prefix = 'vigil-test') {
  const client = localDynamoClient(inject('dynamoEndpoint'));
  const name = `${prefix}-${process.pid}-${Date.now()}-${(tableCounter += 1)}`;
  await ensureTable(client, name);
  const table: Table = { client: documentClient(client), name };
  return { table, store: createStore(table), scanAll: () => scanAll(table.client, name) };
}

/** A fresh store holding one target and one log source of it, for tests about monitors and runs. */
export async function createTestStoreWithSource(prefix: string) {
  const ctx = await createTestStore(prefix);
  const target = aTarget();
  await ctx.store.targets.create(target);
  const source = aLogSource(target.id);
  await ctx.store.logSources.create(source);
  return { ctx, sourceId: source.id };
}

/** Every item in the table, sorted by key: what "the table is unchanged" compares. */
export async function scanAll(client: DynamoDBDocumentClient, tableName: string) {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}
