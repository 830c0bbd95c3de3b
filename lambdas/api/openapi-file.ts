import type { ManagementContext } from '#domain/model/management-context.ts';
import { apiRoutes } from './handler.ts';
import { openApiDocument } from './openapi.ts';

/**
 * Building the routes only closes over the context; documenting them calls no handler, so a
 * context that refuses every use proves the document needs none.
 */
const NO_CONTEXT = new Proxy(
  {},
  {
    get(_target, property) {
      throw new Error(`documenting the API read ctx.${String(property)}`);
    },
  },
) as ManagementContext;

/** docs/openapi.json as `npm run openapi` writes it (2-space JSON, final newline). */
export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(apiRoutes(NO_CONTEXT)), null, 2)}\n`;
}
