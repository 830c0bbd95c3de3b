import { ServiceUnavailableError } from '#http/errors.ts';
import { errorResponse } from '#http/responses.ts';
import type { ApiHandler } from './http-server.ts';
import type { DatabaseStatus } from './dynamo-supervisor.ts';
import type { InProcessRunQueue } from './in-process-queue.ts';

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

/**
 * Waits for the queue to run what it holds, unless the database is (or goes) down: then nothing
 * can run, and the queued runs stay in the table for the next start.
 */
export async function idleUnlessDatabaseDown(queue: InProcessRunQueue, database: DatabaseStatus): Promise<void> {
  let poll: NodeJS.Timeout | undefined;
  const down = new Promise<void>((done) => {
    poll = setInterval(() => !database.available() && done(), 200);
  });
  try {
    if (database.available()) await Promise.race([queue.idle(), down]);
  } finally {
    clearInterval(poll);
  }
}

/** A database local mode does not run itself: it is taken to be up. */
export const externalDatabase: DatabaseStatus = { available: () => true, whenAvailable: () => Promise.resolve() };
