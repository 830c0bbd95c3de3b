import type { ManagementContext } from '#domain/model/management-context.ts';
import { getRun, latestRun, listRuns, runOnce } from '#domain/runs/manage-runs.ts';
import type { Route } from '#http/router.ts';
import { json } from '#http/responses.ts';
import { presentPage, presentRun } from '../presenters.ts';
import { location, param, parseListQuery } from './common.ts';

export function runRoutes(ctx: ManagementContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/monitors/{id}/run-once',
      handler: async (request) => {
        const monitorId = param(request, 'id');
        const run = await runOnce(monitorId, ctx);
        return json(202, presentRun(run), location(request, `/monitors/${monitorId}/runs/${run.id}`));
      },
    },
    {
      method: 'GET',
      path: '/monitors/{id}/runs',
      handler: async (request) => {
        const { page } = parseListQuery(request);
        return json(200, presentPage(await listRuns(param(request, 'id'), page, ctx), presentRun));
      },
    },
    {
      method: 'GET',
      path: '/monitors/{id}/runs/latest',
      handler: async (request) => json(200, presentRun(await latestRun(param(request, 'id'), ctx), { payload: true })),
    },
    {
      method: 'GET',
      path: '/monitors/{id}/runs/{run_id}',
      handler: async (request) =>
        json(200, presentRun(await getRun(param(request, 'id'), param(request, 'run_id'), ctx), { payload: true })),
    },
  ];
}
