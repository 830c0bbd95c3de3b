import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { NotFoundError } from '#domain/model/errors.ts';
import { ForbiddenError, PayloadTooLargeError } from '#http/errors.ts';
import { MAX_BODY_BYTES } from '#http/request.ts';
import { errorResponse, json } from '#http/responses.ts';
import { pathSegments } from '#http/router.ts';
import { OPENAPI_PATH } from '../lambdas/api/resources/openapi.ts';
import type { ConsoleSite } from './console-site.ts';
import { checkRequestSource, RefusedRequest } from './request-guard.ts';

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * The request target's path and query, as sent: only an origin-form target (`/path?query`) whose
 * path is in its plain form (see {@link pathSegments}) names a route. Nothing is normalised, so
 * `//`, `.`, `..` and `\` segments are 404s here as in the Lambda's router.
 */
function requestTarget(target: string): { path: string; query: URLSearchParams } {
  const at = target.indexOf('?');
  const path = at < 0 ? target : target.slice(0, at);
  if (pathSegments(path) === null) throw new NotFoundError(`no route for ${target.slice(0, 80)}`);
  return { path, query: new URLSearchParams(at < 0 ? '' : target.slice(at + 1)) };
}

/**
 * A body over the API's limit is still read, and thrown away, up to this many bytes, so a client
 * that writes its whole request before reading gets the 413 instead of a reset connection.
 */
export const DISCARD_BODY_BYTES = 4 * MAX_BODY_BYTES;

class BodyTooLarge extends PayloadTooLargeError {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'BodyTooLarge';
  constructor(
    size: number,
    /** Whether the whole body was read, so that the connection can be closed cleanly. */
    readonly drained: boolean,
  ) {
    super(`the body is ${drained ? '' : 'at least '}${size} bytes; the limit is ${MAX_BODY_BYTES}`);
  }
}

/** Reads the body; over the limit, keeps reading (discarding) up to {@link DISCARD_BODY_BYTES}, then rejects. */
function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (declared > DISCARD_BODY_BYTES) return Promise.reject(new BodyTooLarge(declared, false));
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else chunks.length = 0;
      if (size > DISCARD_BODY_BYTES) {
        request.off('data', onData);
        request.pause();
        fail(new BodyTooLarge(size, false));
      }
    };
    request.on('data', onData);
    request.once('end', () => (size > MAX_BODY_BYTES ? fail(new BodyTooLarge(size, true)) : done(Buffer.concat(chunks))));
    request.once('error', fail);
  });
}

/** An HTTP request as the API Gateway REST proxy integration would hand it to the Lambda. */
export function toProxyEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEvent {
  const { path, query: searchParams } = requestTarget(request.url ?? '/');
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
  for (const [name, value] of searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const method = (request.method ?? 'GET').toUpperCase();
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: searchParams.size > 0 ? query : null,
    multiValueQueryStringParameters: searchParams.size > 0 ? multiQuery : null,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: method,
      identity: { sourceIp: request.socket.remoteAddress ?? '127.0.0.1' } as APIGatewayProxyEvent['requestContext']['identity'],
      path,
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

/** The API's description is no secret: local mode serves it without a key (AWS keeps it behind one). */
function isOpenApiRead(request: IncomingMessage): boolean {
  const target = request.url ?? '';
  return request.method === 'GET' && (target === OPENAPI_PATH || target.startsWith(`${OPENAPI_PATH}?`));
}

function send(response: ServerResponse, result: APIGatewayProxyResult, close = false): void {
  response.writeHead(result.statusCode, { ...(result.headers as Record<string, string>), ...(close && { connection: 'close' }) });
  response.end(result.body);
}

function refusal(error: RefusedRequest): APIGatewayProxyResult {
  return json(error.status, { error: { code: error.code, message: error.message, details: [] } });
}

/**
 * Serves the API Lambda handler over HTTP. Only requests whose `Host` is in `allowedHosts`
 * (421 otherwise) and that are not cross-origin browser requests (403) go further; the web
 * console's files (`consoleSite`) are then served without a key; for everything else, when
 * `apiKey` is set, `x-api-key` must match it, as API Gateway requires in AWS (except on
 * `GET /openapi.json`).
 */
export function createApiServer(
  handler: ApiHandler,
  options: { apiKey?: string; allowedHosts: ReadonlySet<string>; consoleSite?: ConsoleSite },
): Server {
  const serve = (request: IncomingMessage, response: ServerResponse): void => {
    void (async () => {
      try {
        checkRequestSource(request.headers, options.allowedHosts);
        if (options.consoleSite?.serve(request, response)) return;
        if (
          options.apiKey !== undefined &&
          !isOpenApiRead(request) &&
          !keyMatches(request.headers['x-api-key'] as string | undefined, options.apiKey)
        ) {
          throw new ForbiddenError('missing or wrong x-api-key');
        }
        const event = toProxyEvent(request, await readBody(request));
        send(response, await handler(event, lambdaContext(event.requestContext.requestId)));
      } catch (error) {
        if (error instanceof RefusedRequest) send(response, refusal(error));
        // A 413 ends the connection: the rest of a body past the discard bound is never read.
        else send(response, errorResponse(error).response, error instanceof BodyTooLarge);
      }
    })();
  };
  const server = createServer(serve);
  // `Expect: 100-continue` with a declared body over the limit: refused before the client sends it.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (Number(request.headers['content-length']) > MAX_BODY_BYTES) {
      const tooLarge = new PayloadTooLargeError(`the body is ${request.headers['content-length']} bytes; the limit is ${MAX_BODY_BYTES}`);
      send(response, errorResponse(tooLarge).response, true);
      return;
    }
    response.writeContinue();
    serve(request, response);
  });
  return server;
}
