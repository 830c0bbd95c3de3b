import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ManagementContext } from '#domain/model/management-context.ts';
import { readEnvironment } from '#composition/environment.ts';
import { managementContextFromEnvironment } from '#composition/management.ts';
import { Router, type Route } from '#http/router.ts';
import { mapErrors, withHttpHandler, type HttpFunction } from '#http/with-http-handler.ts';
import { withCors } from '#http/cors.ts';
import { toApiError } from './errors.ts';
import { feedbackRoutes } from './resources/feedback.ts';
import { healthRoutes } from './resources/health.ts';
import { logSourceRoutes } from './resources/log-sources.ts';
import { monitorRoutes } from './resources/monitors.ts';
import { openApiRoute } from './resources/openapi.ts';
import { runRoutes } from './resources/runs.ts';
import { targetRoutes } from './resources/targets.ts';
import { usageRoutes } from './resources/usage.ts';

/** Every route of the API, `GET /openapi.json` (which documents them all) included. */
export function apiRoutes(ctx: ManagementContext): Route[] {
  const routes: Route[] = [
    ...targetRoutes(ctx),
    ...logSourceRoutes(ctx),
    ...monitorRoutes(ctx),
    ...runRoutes(ctx),
    ...usageRoutes(ctx),
    ...feedbackRoutes(ctx),
    ...healthRoutes(ctx),
  ];
  routes.push(openApiRoute(routes));
  return routes;
}

/** The management API over a context: the same function serves Lambda, tests and local mode. */
export function createApi(ctx: ManagementContext): HttpFunction {
  const router = new Router(apiRoutes(ctx));
  return mapErrors(async (event) => {
    try {
      return await router.handle(event);
    } catch (error) {
      throw toApiError(error);
    }
  });
}

let api: HttpFunction | undefined;

/** Built on the first invocation, so importing this module reads no environment. */
function apiFromEnvironment(): HttpFunction {
  const { CONSOLE_ORIGIN } = readEnvironment('api', process.env);
  // In a browser, only the web console's origin may read the answers.
  return withCors(createApi(managementContextFromEnvironment(process.env)), CONSOLE_ORIGIN);
}

export const handler = withHttpHandler(
  async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => (api ??= apiFromEnvironment())(event),
);
