import type { ManagementContext } from '#domain/model/management-context.ts';
import { getRun, latestRun, listRuns, runOnce } from '#domain/runs/manage-runs.ts';
import type { Route } from '#http/router.ts';
import { json } from '#http/responses.ts';
import { presentPage, presentRun } from '../presenters.ts';
import { runPage, runResponse } from '../response-schemas.ts';
import { listQuery, location, param, parseListQuery } from './common.ts';

const LIST_QUERY = listQuery({});

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
      doc: {
        summary: 'Run the monitor now: the run starts `queued`; poll it at its Location',
        responses: { 202: { description: 'the queued run', body: runResponse, headers: ['location'] } },
        errors: [404],
      },
    },
    {
      method: 'GET',
      path: '/monitors/{id}/runs',
      handler: async (request) => {
        const { page } = parseListQuery(request, LIST_QUERY);
        return json(200, presentPage(await listRuns(param(request, 'id'), page, ctx), presentRun));
      },
      doc: {
        summary: "A monitor's runs, newest first (without `payload`)",
        query: LIST_QUERY,
        responses: { 200: { description: 'a page of runs', body: runPage } },
        errors: [400, 404],
      },
    },
    {
      method: 'GET',
      path: '/monitors/{id}/runs/latest',
      handler: async (request) => json(200, presentRun(await latestRun(param(request, 'id'), ctx), { payload: true })),
      doc: {
        summary: "The monitor's newest run, with its payload",
        responses: { 200: { description: 'the run', body: runResponse } },
        errors: [404],
      },
    },
    {
      method: 'GET',
      path: '/monitors/{id}/runs/{run_id}',
      handler: async (request) =>
        json(200, presentRun(await getRun(param(request, 'id'), param(request, 'run_id'), ctx), { payload: true })),
      doc: { summary: 'Read one run, with its payload', responses: { 200: { description: 'the run', body: runResponse } }, errors: [404] },
    },
  ];
}
