import type { HttpFunction } from './with-http-handler.ts';

/** Headers a browser may send to the API from the console (besides CORS-safelisted ones). */
export const CORS_ALLOWED_HEADERS = ['content-type', 'x-api-key'];

function requestOrigin(headers: Record<string, string | undefined> | null): string | undefined {
  if (!headers) return undefined;
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() === 'origin') return value;
  return undefined;
}

/**
 * Lets one origin, the web console's, read the API's answers: when a request's `Origin` is
 * exactly `allowedOrigin`, the answer carries `Access-Control-Allow-Origin` with it; any other
 * origin gets no CORS header, so a browser keeps the answer from that page. `Vary: Origin`
 * either way, so no cache hands one origin's answer to another. Without `allowedOrigin` the
 * function is unchanged (no console deployed; local mode serves the console on the API's origin).
 */
export function withCors(fn: HttpFunction, allowedOrigin: string | undefined): HttpFunction {
  if (allowedOrigin === undefined) return fn;
  return async (event) => {
    const response = await fn(event);
    const allowed = requestOrigin(event.headers) === allowedOrigin;
    return {
      ...response,
      headers: {
        ...response.headers,
        vary: 'Origin',
        ...(allowed && { 'access-control-allow-origin': allowedOrigin, 'access-control-expose-headers': 'location' }),
      },
    };
  };
}
