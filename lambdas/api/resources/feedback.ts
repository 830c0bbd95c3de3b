import type { ManagementContext } from '#domain/model/management-context.ts';
import { giveFeedback, listFeedback } from '#domain/feedback/give-feedback.ts';
import { monitorInsights } from '#domain/insights/monitor-insights.ts';
import type { Route } from '#http/router.ts';
import { json } from '#http/responses.ts';
import { presentFeedback, presentInsights, presentPage } from '../presenters.ts';
import { parseFeedback, parseInsightsQuery } from '../schemas.ts';
import { location, param, parseListQuery } from './common.ts';

/** Operators' feedback on runs, and the insights computed from runs, feedback and baselines. */
export function feedbackRoutes(ctx: ManagementContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/monitors/{id}/runs/{run_id}/feedback',
      handler: async (request) => {
        const monitorId = param(request, 'id');
        const runId = param(request, 'run_id');
        const feedback = await giveFeedback(monitorId, runId, parseFeedback(request.body()), ctx);
        return json(201, presentFeedback(feedback), location(request, `/monitors/${monitorId}/feedback`));
      },
    },
    {
      method: 'GET',
      path: '/monitors/{id}/feedback',
      handler: async (request) => {
        const { page } = parseListQuery(request);
        return json(200, presentPage(await listFeedback(param(request, 'id'), page, ctx), presentFeedback));
      },
    },
    {
      method: 'GET',
      path: '/monitors/{id}/insights',
      handler: async (request) => {
        const monitorId = param(request, 'id');
        const { days } = parseInsightsQuery(request.query);
        return json(200, presentInsights(await monitorInsights(monitorId, days, ctx)));
      },
    },
  ];
}
