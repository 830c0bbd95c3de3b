import * as z from 'zod';
import type { PageRequest } from '#domain/model/entities.ts';
import { NotFoundError } from '#domain/model/errors.ts';
import type { HttpRequest } from '#http/request.ts';
import type { RouteDoc } from '#http/router.ts';
import { parseOrThrow } from '#http/validation.ts';

/** What an id can look like (the server makes ULIDs); anything else names nothing. */
const ID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;

/** An optional `?name=<id>` filter of a list. */
export const idFilter = z
  .string().regex(ID_PATTERN, { error: 'must be an id (1–64 of A-Z a-z 0-9 _ -)' }).optional();

const PAGE_QUERY = {
  // Digits only: Number() would also take `0x10`, `1e1`, `+5` and surrounding blanks.
  limit: z
    .string()
    .regex(/^[0-9]+$/, { error: 'must be a whole number written in digits' })
    .transform(Number)
    .pipe(z.number().min(1).max(100))
    .default(50)
    .describe('items per page, 1–100 (default 50)'),
  next_token: z.string().min(1).max(4096).optional().describe('the `next_token` of the previous page'),
};

/** `?limit=&next_token=` plus the list's own filters; any other parameter is a 400 naming it. */
export function listQuery<S extends z.core.$ZodLooseShape>(filters: S) {
  return z.strictObject({ ...PAGE_QUERY, ...filters });
}

/** The query parsed by `schema` (a 400 naming the parameter otherwise) and its page request. */
export function parseListQuery<S extends z.ZodObject>(
  request: HttpRequest,
  schema: S,
): { page: PageRequest; query: z.output<S> } {
  const query = parseOrThrow(schema, request.query);
  const { limit, next_token: nextToken } = query as { limit: number; next_token?: string };
  return { page: { limit, ...(nextToken !== undefined && { nextToken }) }, query };
}

/**
 * The path param the route template guarantees. An id that cannot exist is a 404 here, before
 * it reaches DynamoDB (whose key size limit would otherwise answer with a 500).
 */
export function param(request: HttpRequest, name: string): string {
  const value = request.params[name];
  if (value === undefined) throw new Error(`route has no {${name}}`);
  if (!ID_PATTERN.test(value)) throw new NotFoundError(`no resource has the id ${JSON.stringify(value.slice(0, 80))}`);
  return value;
}

export function location(request: HttpRequest, path: string): Record<string, string> {
  return { location: `${request.basePath}${path}` };
}

/** The doc of a `PUT /<resource>/{id}`: a merge patch of the create body, answered with the resource. */
export function updateDoc(summary: string, body: z.ZodType, resource: { name: string; schema: z.ZodType }): RouteDoc {
  return {
    summary,
    body,
    patch: true,
    responses: { 200: { description: `the ${resource.name} as changed`, body: resource.schema } },
    errors: [400, 404, 413, 415],
  };
}
