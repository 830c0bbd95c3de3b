import type { APIGatewayProxyEvent } from 'aws-lambda';
import { MAX_BODY_BYTES } from '#composition/contract.ts';
import { ValidationError } from '#domain/model/errors.ts';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from './errors.ts';

/** docs/api.md: request bodies are JSON of at most 256 KiB (the limit API Gateway's WAF rule shares). */
export { MAX_BODY_BYTES };

/** The parts of an API Gateway proxy event a route needs, already checked. */
export interface HttpRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The stage prefix API Gateway adds in front of `path` (`/prod`), for Location headers. */
  basePath: string;
  /** The parsed JSON body; reading it enforces size, media type and syntax. */
  body(): unknown;
}

function lowerCaseKeys(headers: APIGatewayProxyEvent['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) result[name.toLowerCase()] = value;
  return result;
}

function parseJsonBody(event: APIGatewayProxyEvent, headers: Record<string, string>): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`the body is ${bytes.length} bytes; the limit is ${MAX_BODY_BYTES}`);
  }
  if (bytes.length === 0) throw ValidationError.field('body', 'is required (a JSON object)');
  const mediaType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new UnsupportedMediaTypeError(`Content-Type must be application/json, not ${mediaType || 'missing'}`);
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw ValidationError.field('body', `is not valid JSON (${error instanceof Error ? error.message : 'parse error'})`);
  }
}

export function toHttpRequest(event: APIGatewayProxyEvent, params: Record<string, string> = {}): HttpRequest {
  const headers = lowerCaseKeys(event.headers);
  let parsed: { value: unknown } | undefined;
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) if (value !== undefined) query[name] = value;
  const fullPath = event.requestContext?.path ?? event.path;
  const basePath = fullPath.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : '';
  return {
    method: event.httpMethod.toUpperCase(),
    path: event.path,
    basePath,
    params,
    query,
    headers,
    body() {
      parsed ??= { value: parseJsonBody(event, headers) };
      return parsed.value;
    },
  };
}
