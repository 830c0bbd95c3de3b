import type { ManagementContext } from '#domain/model/management-context.ts';
import { giveFeedback, listFeedback } from '#domain/feedback/give-feedback.ts';
import { monitorInsights } from '#domain/insights/monitor-insights.ts';
import type { Route } from '#http/router.ts';
import { json } from '#http/responses.ts';
import { presentFeedback, presentInsights, presentPage } from '../presenters.ts';
import { feedbackResponse, feedbackPage, insightsResponse } from '../response-schemas.ts';
import { feedbackSchema, insightsQuerySchema, parseFeedback, parseInsightsQuery } from '../schemas.ts';
import { listQuery, location, param, parseListQuery } from './common.ts';

const PAGE_ONLY = listQuery({});

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
      doc: {
        summary: "Give feedback on a finished run's verdict: correct, false_positive or missed",
        description:
          'Stored on the run and in the monitor\'s feedback history. The next runs send the 5 newest items to the model as ' +
          'guidance; a false_positive makes the templates of the findings\' evidence expected. 409 while the run is queued or running.',
        body: feedbackSchema,
        responses: { 201: { description: 'the feedback', body: feedbackResponse, headers: ['location'] } },
        errors: [400, 404, 409, 413, 415],
      },
    },
    {
      method: 'GET',
      path: '/monitors/{id}/feedback',
      handler: async (request) => {
        const { page } = parseListQuery(request, PAGE_ONLY);
        return json(200, presentPage(await listFeedback(param(request, 'id'), page, ctx), presentFeedback));
      },
      doc: { summary: "The monitor's feedback, newest first", query: PAGE_ONLY, responses: { 200: { description: 'a page of feedback', body: feedbackPage } }, errors: [400, 404] },
    },
    {
      method: 'GET',
      path: '/monitors/{id}/insights',
      handler: async (request) => {
        const monitorId = param(request, 'id');
        const { days } = parseInsightsQuery(request.query);
        return json(200, presentInsights(await monitorInsights(monitorId, days, ctx)));
      },
      doc: {
        summary: 'Insights over the last `days` days: runs by status per day, notifications, false-positive rate, new templates, tokens and cost, suggestions',
        query: insightsQuerySchema,
        responses: { 200: { description: 'the insights', body: insightsResponse } },
        errors: [400, 404],
      },
    },
  ];
}
