import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Table } from '#adapters/dynamo/index.ts';
import { retryOnConflict } from '#adapters/dynamo/transactions.ts';

const RETRY_MIDDLEWARE = 'retryTransactionConflicts';

/**
 * The document client every repository uses: undefined fields are dropped, not rejected, and a
 * write that lost a race with another transaction on the same item is tried again (DynamoDB's
 * TransactionConflict, which the SDK does not retry), then reported as a ConflictError (409).
 */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  // The document client shares its base client's middleware stack: add the retry once per client.
  if (!documents.middlewareStack.identify().some((entry) => entry.startsWith(RETRY_MIDDLEWARE))) {
    documents.middlewareStack.add((next) => (args) => retryOnConflict(() => next(args)), {
      step: 'initialize',
      name: RETRY_MIDDLEWARE,
    });
  }
  return documents;
}

/**
 * The table over a DynamoDB client, created once per container when none is given. Region,
 * credentials and endpoint come from the SDK's own resolution (AWS_REGION,
 * AWS_ENDPOINT_URL_DYNAMODB, ...): nothing is hard-coded.
 */
export function openTable(name: string, options: { client?: DynamoDBClient } = {}): Table {
  const client = options.client ?? new DynamoDBClient({});
  return { client: documentClient(client), name };
}
