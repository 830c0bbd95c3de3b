import type { ManagementContext } from '#domain/model/management-context.ts';
import { createMonitor, deleteMonitor, getMonitor, listMonitors, updateMonitor } from '#domain/monitors/manage-monitors.ts';
import { previewMonitor } from '#domain/runs/preview-run.ts';
import { monitorUsage30d } from '#domain/runs/usage.ts';
import type { Route } from '#http/router.ts';
import { json, noContent } from '#http/responses.ts';
import { mergePatch } from '../merge-patch.ts';
import { presentMonitor, presentPage, presentPreview } from '../presenters.ts';
import { monitorPage, monitorResponse, previewResponse } from '../response-schemas.ts';
import { monitorPreviewSchema, monitorSchema, parseMonitor, parseMonitorPreview } from '../schemas.ts';
import { idFilter, listQuery, location, param, parseListQuery, updateDoc } from './common.ts';

const READ_ONLY = ['id', 'created_at', 'updated_at', 'next_run_at', 'last_run', 'usage_30d'];
const NESTED = ['window_config', 'notification_config', 'model'];
const LIST_QUERY = listQuery({ log_source_id: idFilter.describe('only the monitors whose default source this is') });

/**
 * `interval_seconds` and `schedule` are one setting in two forms: a patch that sets one of them
 * (and not the other) replaces the current one, so `{"schedule": "rate(5 minutes)"}` switches
 * an interval monitor over instead of clashing with its interval.
 */
function withoutReplacedTiming(current: Record<string, unknown>, patch: unknown): Record<string, unknown> {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return current;
  const has = (field: string) => (patch as Record<string, unknown>)[field] != null;
  if (has('schedule') && !('interval_seconds' in patch)) return { ...current, interval_seconds: null };
  if (has('interval_seconds') && !('schedule' in patch)) return { ...current, schedule: null };
  return current;
}

export function monitorRoutes(ctx: ManagementContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/monitors',
      handler: async (request) => {
        const monitor = await createMonitor(parseMonitor(request.body()), ctx);
        return json(201, presentMonitor(monitor), location(request, `/monitors/${monitor.id}`));
      },
      doc: {
        summary: 'Create a monitor',
        body: monitorSchema,
        responses: { 201: { description: 'the monitor', body: monitorResponse, headers: ['location'] } },
        errors: [400, 413, 415],
      },
    },
    {
      method: 'POST',
      path: '/monitors/preview',
      handler: async (request) => {
        const { spec, useModel } = parseMonitorPreview(request.body());
        return json(200, presentPreview(await previewMonitor(spec, { useModel }, ctx)));
      },
      doc: {
        summary: 'Try a monitor before saving it',
        description:
          'Validates the body exactly as `POST /monitors` does, then collects and judges it once (the rules alone unless `use_model` is true) and answers the run it would produce now. Nothing is stored (no monitor, no run, no baseline, no schedule) and nobody is notified.',
        body: monitorPreviewSchema,
        responses: { 200: { description: 'the run, never stored', body: previewResponse } },
        errors: [400, 413, 415],
      },
    },
    {
      method: 'GET',
      path: '/monitors',
      handler: async (request) => {
        const { page, query } = parseListQuery(request, LIST_QUERY);
        const monitors = await listMonitors(
          page,
          { ...(query.log_source_id !== undefined && { logSourceId: query.log_source_id }) },
          ctx,
        );
        return json(200, presentPage(monitors, presentMonitor));
      },
      doc: { summary: 'List monitors', query: LIST_QUERY, responses: { 200: { description: 'a page of monitors', body: monitorPage } }, errors: [400] },
    },
    {
      method: 'GET',
      path: '/monitors/{id}',
      handler: async (request) => {
        const monitor = await getMonitor(param(request, 'id'), ctx);
        return json(200, presentMonitor(monitor, await monitorUsage30d(monitor.id, ctx)));
      },
      doc: { summary: 'Read a monitor, with its usage over the last 30 days', responses: { 200: { description: 'the monitor', body: monitorResponse } }, errors: [404] },
    },
    {
      method: 'PUT',
      path: '/monitors/{id}',
      handler: async (request) => {
        const patch = request.body();
        const monitor = await updateMonitor(
          param(request, 'id'),
          (current) => parseMonitor(mergePatch(withoutReplacedTiming(presentMonitor(current), patch), patch, { nested: NESTED, readOnly: READ_ONLY })),
          ctx,
        );
        return json(200, presentMonitor(monitor));
      },
      doc: updateDoc('Change a monitor: fields present replace; window_config, notification_config and model merge (null removes a setting)', monitorSchema, { name: 'monitor', schema: monitorResponse }),
    },
    {
      method: 'DELETE',
      path: '/monitors/{id}',
      handler: async (request) => {
        await deleteMonitor(param(request, 'id'), ctx);
        return noContent();
      },
      doc: { summary: 'Delete a monitor and its run history', responses: { 204: { description: 'deleted' } }, errors: [404] },
    },
  ];
}
