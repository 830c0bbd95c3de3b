import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ForbiddenError, NotFoundError, PayloadTooLargeError } from '#domain/errors.ts';
import { MAX_BODY_BYTES } from '#http/request.ts';
import { errorResponse } from '#http/responses.ts';

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * The request target as a URL. Only origin-form targets (`/path?query`) are paths of this API;
 * anything else (`//host/…`, `*`, an absolute URL, or what URL cannot parse) names no route.
 */
function requestUrl(target: string): URL {
  if (!target.startsWith('/') || target.startsWith('//')) throw new NotFoundError(`no route for ${target.slice(0, 80)}`);
  try {
    return new URL(`http://localhost${target}`);
  } catch {
    throw new NotFoundError(`no route for ${target.slice(0, 80)}`);
  }
}

/** Reads the body, stopping early once it is over the API's limit. */
async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new PayloadTooLargeError(`the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** An HTTP request as the API Gateway REST proxy integration would hand it to the Lambda. */
export function toProxyEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEvent {
  const url = requestUrl(request.url ?? '/');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values.join(', ');
    multiValueHeaders[name] = values;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const method = (request.method ?? 'GET').toUpperCase();
  return {
    resource: '/{proxy+}',
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: url.searchParams.size > 0 ? query : null,
    multiValueQueryStringParameters: url.searchParams.size > 0 ? multiQuery : null,
    pathParameters: { proxy: url.pathname.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: method,
      identity: { sourceIp: request.socket.remoteAddress ?? '127.0.0.1' } as APIGatewayProxyEvent['requestContext']['identity'],
      path: url.pathname,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: '/{proxy+}',
    },
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
  };
}

function lambdaContext(requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'vigil-api-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:vigil-api-local',
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function keyMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  response.writeHead(result.statusCode, result.headers as Record<string, string>);
  response.end(result.body);
}

/**
 * Serves the API Lambda handler over HTTP. When `apiKey` is set, `x-api-key` must match it,
 * as API Gateway requires in AWS.
 */
export function createApiServer(handler: ApiHandler, options: { apiKey?: string }): Server {
  return createServer((request, response) => {
    void (async () => {
      try {
        if (options.apiKey !== undefined && !keyMatches(request.headers['x-api-key'] as string | undefined, options.apiKey)) {
          throw new ForbiddenError('missing or wrong x-api-key');
        }
        const event = toProxyEvent(request, await readBody(request));
        send(response, await handler(event, lambdaContext(event.requestContext.requestId)));
      } catch (error) {
        send(response, errorResponse(error).response);
      }
    })();
  });
}
