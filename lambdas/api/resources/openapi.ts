import type { Route } from '#http/router.ts';
import { json } from '#http/responses.ts';
import { openApiDocument } from '../openapi.ts';
import { openApiResponse } from '../response-schemas.ts';

/** The path local mode serves without an API key (in AWS it is behind the key like every route). */
export const OPENAPI_PATH = '/openapi.json';

/** `GET /openapi.json`: the document of `routes` (this route included), built once on first request. */
export function openApiRoute(routes: readonly Route[]): Route {
  let document: ReturnType<typeof openApiDocument> | undefined;
  return {
    method: 'GET',
    path: OPENAPI_PATH,
    handler: async () => json(200, (document ??= openApiDocument(routes))),
    doc: {
      summary: 'This OpenAPI 3.1 document (docs/openapi.json in the repository)',
      responses: { 200: { description: 'the OpenAPI document', body: openApiResponse } },
      errors: [],
      apiKey: false,
    },
  };
}
