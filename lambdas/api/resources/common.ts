import { z } from 'zod';
import type { PageRequest } from '#domain/entities.ts';
import type { HttpRequest } from '#http/request.ts';
import { parseOrThrow } from '#http/validation.ts';

/** `?limit=&next_token=` plus the list's own filters; any other parameter is a 400 naming it. */
export function parseListQuery<F extends string>(request: HttpRequest, filters: readonly F[] = []) {
  const shape: Record<string, z.ZodType> = {
    limit: z.coerce.number().int().min(1).max(100).default(50),
    next_token: z.string().min(1).max(4096).optional(),
  };
  for (const filter of filters) shape[filter] = z.string().min(1).max(64).optional();
  const parsed = parseOrThrow(z.strictObject(shape), request.query) as Record<string, unknown>;
  const page: PageRequest = {
    limit: parsed.limit as number,
    ...(parsed.next_token !== undefined && { nextToken: parsed.next_token as string }),
  };
  const filter = Object.fromEntries(filters.flatMap((f) => (parsed[f] !== undefined ? [[f, parsed[f] as string]] : []))) as Partial<Record<F, string>>;
  return { page, filter };
}

/** The path param the route template guarantees. */
export function param(request: HttpRequest, name: string): string {
  const value = request.params[name];
  if (value === undefined) throw new Error(`route has no {${name}}`);
  return value;
}

export function location(request: HttpRequest, path: string): Record<string, string> {
  return { location: `${request.basePath}${path}` };
}
