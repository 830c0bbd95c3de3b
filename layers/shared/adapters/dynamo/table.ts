import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '#domain/model/errors.ts';
import type { Page } from '#domain/model/entities.ts';
import { STORAGE_ATTRIBUTES } from './keys.ts';

export type Item = Record<string, NativeAttributeValue>;

/** The document client and the table every repository writes to. */
export interface Table {
  client: DynamoDBDocumentClient;
  name: string;
}

/**
 * A list's cursor: DynamoDB's LastEvaluatedKey as an opaque, URL-safe string (base64url JSON),
 * or null on the last page.
 */
export function encodeCursor(lastKey: Item | undefined): string | null {
  if (!lastKey) return null;
  return Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
}

/** What each attribute of a list's LastEvaluatedKey must be: this exact value, or match this. */
export type PageKeyShape = Record<string, string | RegExp>;

/** The JSON object a cursor encodes; anything else is an {@link InvalidCursorError}. */
export function decodeCursorObject(cursor: string): Record<string, unknown> {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError({ cause: error });
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw new InvalidCursorError();
  return decoded as Record<string, unknown>;
}

/**
 * Decodes a cursor back to an ExclusiveStartKey, checking it belongs to this list (see
 * {@link startKeyOf}). A cursor from another list or a hand-made one is an
 * {@link InvalidCursorError} (the API's 400), never a DynamoDB ValidationException (a 500).
 */
export function decodeCursor(cursor: string | undefined, shape: PageKeyShape): Item | undefined {
  return cursor === undefined ? undefined : startKeyOf(decodeCursorObject(cursor), shape);
}

/**
 * A decoded start key, checked against the list's shape: exactly the list's key attributes, each
 * of the shape that list produces (its partition, its sort-key prefix, an id).
 */
export function startKeyOf(decoded: unknown, shape: PageKeyShape): Item {
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw new InvalidCursorError();
  const entries = Object.entries(decoded);
  if (entries.length !== Object.keys(shape).length) throw new InvalidCursorError();
  for (const [name, value] of entries) {
    const expected = Object.hasOwn(shape, name) ? shape[name] : undefined;
    if (expected === undefined || typeof value !== 'string') throw new InvalidCursorError();
    if (typeof expected === 'string' ? value !== expected : !expected.test(value)) throw new InvalidCursorError();
  }
  return Object.fromEntries(entries) as Item;
}

/** Drops the storage attributes from an item, leaving the entity's own fields. */
export function withoutStorageAttributes(item: Item): Item {
  const copy: Item = { ...item };
  for (const name of STORAGE_ATTRIBUTES) delete copy[name];
  return copy;
}

export function toPage<T>(items: T[], lastKey: Item | undefined): Page<T> {
  return { items, nextToken: encodeCursor(lastKey) };
}

const BATCH_GET_LIMIT = 100;

/**
 * Reads items by key, consistently, a hundred keys a call (BatchGet's limit), asking again for
 * the keys DynamoDB hands back unprocessed under load. Missing items are simply absent.
 */
export async function batchGet(table: Table, itemKeys: readonly Item[]): Promise<Item[]> {
  const found: Item[] = [];
  let pending = [...itemKeys];
  while (pending.length > 0) {
    const batch = pending.slice(0, BATCH_GET_LIMIT);
    pending = pending.slice(BATCH_GET_LIMIT);
    const result = await table.client.send(
      new BatchGetCommand({ RequestItems: { [table.name]: { Keys: batch, ConsistentRead: true } } }),
    );
    found.push(...(result.Responses?.[table.name] ?? []));
    pending.push(...(result.UnprocessedKeys?.[table.name]?.Keys ?? []));
  }
  return found;
}
