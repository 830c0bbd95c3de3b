import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { retryOnConflict } from '#adapters/dynamo/transactions.ts';

/**
 * The document client every repository uses: undefined fields are dropped, not rejected, and a
 * write that lost a race with another transaction on the same item is tried again (DynamoDB's
 * TransactionConflict, which the SDK does not retry), then reported as a ConflictError (409).
 */
const RETRY_MIDDLEWARE = 'retryTransactionConflicts';

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
