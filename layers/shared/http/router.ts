import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MethodNotAllowedError, NotFoundError } from '#domain/errors.ts';
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
    this.routes = routes.map((route) => ({ ...route, segments: split(route.path) }));
  }

  async handle(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const segments = split(event.path);
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

function split(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
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
