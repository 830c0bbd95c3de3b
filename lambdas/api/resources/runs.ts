import * as z from 'zod';
import type { ManagementContext } from '#domain/model/management-context.ts';
import { getRun, latestRun, listAllRuns, listRuns, runOnce } from '#domain/runs/manage-runs.ts';
import type { RunQuery } from '#domain/runs/ports.ts';
import type { Route } from '#http/router.ts';
import { json } from '#http/responses.ts';
import { presentPage, presentRun } from '../presenters.ts';
import { runPage, runResponse } from '../response-schemas.ts';
import { listQuery, location, param, parseListQuery } from './common.ts';
import type { HttpRequest } from '#http/request.ts';

const time = (what: string) =>
  z
    .iso.datetime({ offset: true, error: 'must be an RFC 3339 time like 2026-11-27T09:00:00Z' })
    .optional()
    .describe(what);

/** `?status=&since=&until=` beside the page parameters; a wrong one is a 400 naming it. */
const LIST_QUERY = listQuery({
  status: z.enum(['queued', 'running', 'ok', 'warn', 'alert', 'error']).optional().describe('only runs of this status'),
  since: time("only runs at or after this time (a run's time: its schedule slot, or when it was requested)"),
  until: time('only runs before this time'),
}).superRefine((query, ctx) => {
  if (query.since !== undefined && query.until !== undefined && Date.parse(query.until) <= Date.parse(query.since)) {
    ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be after since' });
  }
});

function runQueryOf(request: HttpRequest) {
  const { page, query } = parseListQuery(request, LIST_QUERY);
  const filter: Omit<RunQuery, 'monitorId'> = {
    ...(query.status !== undefined && { status: query.status }),
    ...(query.since !== undefined && { since: new Date(query.since) }),
    ...(query.until !== undefined && { until: new Date(query.until) }),
  };
  return { page, filter };
}

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
        const monitorId = param(request, 'id');
        const { page, filter } = runQueryOf(request);
        return json(200, presentPage(await listRuns(monitorId, filter, page, ctx), presentRun));
      },
      doc: {
        summary: "A monitor's runs, newest first (without `payload`), by status and time",
        query: LIST_QUERY,
        responses: { 200: { description: 'a page of runs; with a status, a page may hold fewer than `limit` and still have a `next_token`', body: runPage } },
        errors: [400, 404],
      },
    },
    {
      method: 'GET',
      path: '/runs',
      handler: async (request) => {
        const { page, filter } = runQueryOf(request);
        return json(200, presentPage(await listAllRuns(filter, page, ctx), presentRun));
      },
      doc: {
        summary: "Every monitor's runs, newest first (without `payload`), by status and time",
        query: LIST_QUERY,
        responses: { 200: { description: 'a page of runs; a page may hold fewer than `limit` and still have a `next_token`', body: runPage } },
        errors: [400],
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
