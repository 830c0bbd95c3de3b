import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '#domain/errors.ts';
import type { Page } from '#domain/entities.ts';
import { STORAGE_ATTRIBUTES } from './keys.ts';

export type Item = Record<string, NativeAttributeValue>;

/** The document client and the table every repository writes to. */
export interface Table {
  client: DynamoDBDocumentClient;
  name: string;
}

/**
 * Encodes DynamoDB's LastEvaluatedKey as an opaque, URL-safe `next_token`.
 */
export function encodeNextToken(lastKey: Item | undefined): string | null {
  if (!lastKey) return null;
  return Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
}

/**
 * Decodes a `next_token` back to an ExclusiveStartKey, checking it belongs to this list:
 * exactly the expected key attributes, all strings, and the same partition. A token from
 * another list or a hand-made one is a 400, never a DynamoDB ValidationException (a 500).
 */
export function decodeNextToken(
  token: string | undefined,
  expected: { attributes: readonly string[]; partition: Record<string, string> },
): Item | undefined {
  if (token === undefined) return undefined;
  const invalid = () => ValidationError.field('next_token', 'is not a token from this list');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw invalid();
  const entries = Object.entries(decoded);
  const names = entries.map(([name]) => name).sort();
  const wanted = [...expected.attributes].sort();
  if (names.length !== wanted.length || names.some((name, i) => name !== wanted[i])) throw invalid();
  if (entries.some(([, value]) => typeof value !== 'string' || value.length === 0)) throw invalid();
  const key = decoded as Record<string, string>;
  for (const [name, value] of Object.entries(expected.partition)) {
    if (key[name] !== value) throw invalid();
  }
  return key;
}

/** Drops the storage attributes from an item, leaving the entity's own fields. */
export function withoutStorageAttributes(item: Item): Item {
  const copy: Item = { ...item };
  for (const name of STORAGE_ATTRIBUTES) delete copy[name];
  return copy;
}

export function toPage<T>(items: T[], lastKey: Item | undefined): Page<T> {
  return { items, nextToken: encodeNextToken(lastKey) };
}
