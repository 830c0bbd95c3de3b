import * as z from 'zod';
import type { ManagementContext } from '#domain/model/management-context.ts';
import { currentMonth, monthUsage } from '#domain/runs/usage.ts';
import type { Route } from '#http/router.ts';
import { json } from '#http/responses.ts';
import { parseOrThrow } from '#http/validation.ts';
import { presentMonthUsage } from '../presenters.ts';
import { usageResponse } from '../response-schemas.ts';

const USAGE_QUERY = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a month as YYYY-MM, e.g. 2026-11' })
    .optional()
    .describe('YYYY-MM (UTC); default the current month'),
});

export function usageRoutes(ctx: ManagementContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/usage',
      handler: async (request) => {
        const query = parseOrThrow(USAGE_QUERY, request.query);
        return json(200, presentMonthUsage(await monthUsage(query.month ?? currentMonth(ctx.clock), ctx)));
      },
      doc: {
        summary: "A month's runs, model calls, tokens and estimated cost, in total, by monitor and by model",
        query: USAGE_QUERY,
        responses: { 200: { description: "the month's usage", body: usageResponse } },
        errors: [400],
      },
    },
  ];
}
