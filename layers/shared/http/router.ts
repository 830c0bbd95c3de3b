import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { NotFoundError } from '#domain/model/errors.ts';
import { MethodNotAllowedError } from './errors.ts';
import { toHttpRequest, type HttpRequest } from './request.ts';

export type RouteHandler = (request: HttpRequest) => Promise<APIGatewayProxyResult>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** A path template: `/monitors/{id}/runs/{run_id}`. */
  path: string;
  handler: RouteHandler;
}

interface CompiledRoute extends Route {
  segments: string[];
}

/**
 * Matches a request to a route by method and path template. A path that matches no template
 * is a 404; a known path with another method is a 405 that lists the allowed ones.
 */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.routes = routes.map((route) => ({ ...route, segments: route.path.split('/').slice(1) }));
  }

  async handle(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const segments = pathSegments(event.path);
    if (segments === null) throw new NotFoundError(`no route for ${event.path.slice(0, 200)}`);
    const matches = this.routes.flatMap((route) => {
      const params = match(route.segments, segments);
      return params ? [{ route, params }] : [];
    });
    if (matches.length === 0) throw new NotFoundError(`no route for ${event.path}`);
    const method = event.httpMethod.toUpperCase();
    const found = matches.find(({ route }) => route.method === method);
    if (!found) {
      const allowed = [...new Set(matches.map(({ route }) => route.method))];
      throw new MethodNotAllowedError(`${method} is not allowed on ${event.path}; use ${allowed.join(', ')}`, allowed);
    }
    return found.route.handler(toHttpRequest(event, found.params));
  }
}

/**
 * The segments of a request path, or null when the path is not in its one plain form: no empty
 * segment (`//`, a trailing `/`), no `.` or `..`, no `\` — raw or percent-encoded. Nothing is
 * normalised, so `/targets//{id}` or `/targets/../monitors` can never reach a real route.
 */
export function pathSegments(path: string): string[] | null {
  if (!path.startsWith('/')) return null;
  if (path === '/') return [];
  const segments = path.slice(1).split('/');
  for (const segment of segments) {
    const decoded = decodeSegment(segment);
    if (decoded === '' || decoded === '.' || decoded === '..' || decoded.includes('\\') || decoded.includes('/')) return null;
  }
  return segments;
}

function match(template: string[], actual: string[]): Record<string, string> | null {
  if (template.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i += 1) {
    const expected = template[i] as string;
    const segment = actual[i] as string;
    if (expected.startsWith('{') && expected.endsWith('}')) {
      params[expected.slice(1, -1)] = decodeSegment(segment);
    } else if (expected !== segment) {
      return null;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
