import type { APIGatewayProxyResult } from 'aws-lambda';
import { ValidationError, VigilError } from '#domain/model/errors.ts';
import { MethodNotAllowedError } from './errors.ts';

const STATUS_BY_CODE: Record<string, number> = {
  validation_error: 400,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  service_unavailable: 503,
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function noContent(): APIGatewayProxyResult {
  return { statusCode: 204, headers: {}, body: '' };
}

/**
 * The one place errors become responses. Known errors keep their message and field details;
 * anything else is a generic 500 that leaks nothing (the caller logs it).
 */
export function errorResponse(error: unknown): { response: APIGatewayProxyResult; unexpected: boolean } {
  if (error instanceof VigilError && STATUS_BY_CODE[error.code] !== undefined) {
    const details = error instanceof ValidationError ? error.details : [];
    const headers = error instanceof MethodNotAllowedError ? { allow: error.allowed.join(', ') } : undefined;
    return {
      response: json(STATUS_BY_CODE[error.code] as number, { error: { code: error.code, message: error.message, details } }, headers),
      unexpected: false,
    };
  }
  return {
    response: json(500, { error: { code: 'internal_error', message: 'internal error; see the API logs', details: [] } }),
    unexpected: true,
  };
}
