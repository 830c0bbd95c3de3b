import type { ManagementContext } from '#domain/model/management-context.ts';
import { createMonitor, deleteMonitor, getMonitor, listMonitors, updateMonitor } from '#domain/monitors/manage-monitors.ts';
import type { Route } from '#http/router.ts';
import { json, noContent } from '#http/responses.ts';
import { mergePatch } from '../merge-patch.ts';
import { presentMonitor, presentPage } from '../presenters.ts';
import { parseMonitor } from '../schemas.ts';
import { location, param, parseListQuery } from './common.ts';

const READ_ONLY = ['id', 'created_at', 'updated_at', 'next_run_at', 'last_run'];
const NESTED = ['window_config', 'notification_config', 'model'];

export function monitorRoutes(ctx: ManagementContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/monitors',
      handler: async (request) => {
        const monitor = await createMonitor(parseMonitor(request.body()), ctx);
        return json(201, presentMonitor(monitor), location(request, `/monitors/${monitor.id}`));
      },
    },
    {
      method: 'GET',
      path: '/monitors',
      handler: async (request) => {
        const { page, filter } = parseListQuery(request, ['log_source_id']);
        const monitors = await listMonitors(
          page,
          { ...(filter.log_source_id !== undefined && { logSourceId: filter.log_source_id }) },
          ctx,
        );
        return json(200, presentPage(monitors, presentMonitor));
      },
    },
    {
      method: 'GET',
      path: '/monitors/{id}',
      handler: async (request) => json(200, presentMonitor(await getMonitor(param(request, 'id'), ctx))),
    },
    {
      method: 'PUT',
      path: '/monitors/{id}',
      handler: async (request) => {
        const patch = request.body();
        const monitor = await updateMonitor(
          param(request, 'id'),
          (current) => parseMonitor(mergePatch(presentMonitor(current), patch, { nested: NESTED, readOnly: READ_ONLY })),
          ctx,
        );
        return json(200, presentMonitor(monitor));
      },
    },
    {
      method: 'DELETE',
      path: '/monitors/{id}',
      handler: async (request) => {
        await deleteMonitor(param(request, 'id'), ctx);
        return noContent();
      },
    },
  ];
}
