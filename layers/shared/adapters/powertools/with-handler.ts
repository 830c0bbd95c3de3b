import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { logger, metrics } from './index.ts';

/**
 * The shared edge of the event-driven Lambdas (schedules, queues): request context in the
 * logs and metrics flushed after each invocation. Errors are not caught here: an async
 * invocation that fails is retried by its source and then alarms.
 */
export function withEventHandler<E, R>(fn: (event: E, context: Context) => Promise<R>) {
  return middy<E, R, Error, Context>(fn)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
