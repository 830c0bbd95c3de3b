import { ServiceUnavailableError } from '#domain/errors.ts';
import { errorResponse } from '#http/responses.ts';
import type { ApiHandler } from './http-server.ts';
import type { DatabaseStatus } from './dynamo-supervisor.ts';

const RETRY_AFTER_SECONDS = 5;

function unavailable() {
  const { response } = errorResponse(
    new ServiceUnavailableError('the database (DynamoDB Local) is down and restarting; retry in a few seconds'),
  );
  return { ...response, headers: { ...response.headers, 'retry-after': String(RETRY_AFTER_SECONDS) } };
}

/**
 * The API while DynamoDB Local restarts: 503 with the API's error shape instead of a 500 per
 * request. A request already in flight when the database died gets a 5xx from the handler; if
 * the database does not answer `probe` then, that too is the outage and answered as a 503.
 */
export function answerUnavailableWhileDown(handler: ApiHandler, database: DatabaseStatus, probe: () => Promise<boolean>): ApiHandler {
  return async (event, context) => {
    if (!database.available()) return unavailable();
    const result = await handler(event, context);
    if (result.statusCode >= 500 && (!database.available() || !(await probe()))) return unavailable();
    return result;
  };
}
