import * as z from 'zod';
import type { PageRequest } from '#domain/model/entities.ts';
import { NotFoundError } from '#domain/model/errors.ts';
import type { HttpRequest } from '#http/request.ts';
import { parseOrThrow } from '#http/validation.ts';

/** `?limit=&next_token=` plus the list's own filters; any other parameter is a 400 naming it. */
export function parseListQuery<F extends string>(request: HttpRequest, filters: readonly F[] = []) {
  const shape: Record<string, z.ZodType> = {
    // Digits only: Number() would also take `0x10`, `1e1`, `+5` and surrounding blanks.
    limit: z
      .string()
      .regex(/^[0-9]+$/, { error: 'must be a whole number written in digits' })
      .transform(Number)
      .pipe(z.number().min(1).max(100))
      .default(50),
    next_token: z.string().min(1).max(4096).optional(),
  };
  for (const filter of filters) shape[filter] = z.string().regex(ID_PATTERN, { error: 'must be an id (1–64 of A-Z a-z 0-9 _ -)' }).optional();
  const parsed = parseOrThrow(z.strictObject(shape), request.query) as Record<string, unknown>;
  const page: PageRequest = {
    limit: parsed.limit as number,
    ...(parsed.next_token !== undefined && { nextToken: parsed.next_token as string }),
  };
  const filter = Object.fromEntries(filters.flatMap((f) => (parsed[f] !== undefined ? [[f, parsed[f] as string]] : []))) as Partial<Record<F, string>>;
  return { page, filter };
}

/** What an id can look like (the server makes ULIDs); anything else names nothing. */
const ID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;

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
