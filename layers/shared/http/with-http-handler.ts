import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { logger } from '#adapters/powertools/index.ts';
import { errorResponse } from './responses.ts';

export type HttpFunction = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/**
 * Every error of an HTTP function mapped to its response, in one place. An unexpected error is
 * logged once, here, and answered as a 500 that says nothing internal.
 */
export function mapErrors(fn: HttpFunction): HttpFunction {
  return async (event) => {
    try {
      return await fn(event);
    } catch (error) {
      const { response, unexpected } = errorResponse(error);
      if (unexpected) logger.error('unexpected error', { error: error as Error, path: event.path, method: event.httpMethod });
      return response;
    }
  };
}

/** Middy with the logger's request context around an HTTP function that maps its own errors ({@link mapErrors}). */
export function withHttpHandler(fn: HttpFunction) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>(fn).use(
    injectLambdaContext(logger, { resetKeys: true }),
  );
}
