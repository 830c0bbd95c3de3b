import type { ManagementContext } from '#domain/model/management-context.ts';
import {
  createLogSource,
  deleteLogSource,
  getLogSource,
  latestCostSnapshot,
  listLogSources,
  testLogSourceById,
  updateLogSource,
} from '#domain/log-sources/manage-log-sources.ts';
import type { Route } from '#http/router.ts';
import { json, noContent } from '#http/responses.ts';
import { mergePatch } from '../merge-patch.ts';
import { presentCostSnapshot, presentLogSource, presentPage } from '../presenters.ts';
import { parseLogSource } from '../schemas.ts';
import { location, param, parseListQuery } from './common.ts';

const READ_ONLY = ['id', 'created_at', 'updated_at'];

export function logSourceRoutes(ctx: ManagementContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/log-sources',
      handler: async (request) => {
        const source = await createLogSource(parseLogSource(request.body()), ctx);
        return json(201, presentLogSource(source), location(request, `/log-sources/${source.id}`));
      },
    },
    {
      method: 'GET',
      path: '/log-sources',
      handler: async (request) => {
        const { page, filter } = parseListQuery(request, ['target_id']);
        const sources = await listLogSources(page, { ...(filter.target_id !== undefined && { targetId: filter.target_id }) }, ctx);
        return json(200, presentPage(sources, presentLogSource));
      },
    },
    {
      method: 'GET',
      path: '/log-sources/{id}',
      handler: async (request) => json(200, presentLogSource(await getLogSource(param(request, 'id'), ctx))),
    },
    {
      method: 'PUT',
      path: '/log-sources/{id}',
      handler: async (request) => {
        const patch = request.body();
        const source = await updateLogSource(
          param(request, 'id'),
          (current) =>
            parseLogSource(
              mergePatch(presentLogSource(current), patch, {
                nested: ['config'],
                readOnly: READ_ONLY,
                replaceWhenChanged: { config: 'mode' },
              }),
            ),
          ctx,
        );
        return json(200, presentLogSource(source));
      },
    },
    {
      method: 'POST',
      path: '/log-sources/{id}/test',
      handler: async (request) => {
        const result = await testLogSourceById(param(request, 'id'), ctx);
        return json(200, { ok: result.ok, message: result.message, sample: result.sample, line_count: result.lineCount });
      },
    },
    {
      method: 'GET',
      path: '/log-sources/{id}/cost-snapshot',
      handler: async (request) => json(200, presentCostSnapshot(await latestCostSnapshot(param(request, 'id'), ctx))),
    },
    {
      method: 'DELETE',
      path: '/log-sources/{id}',
      handler: async (request) => {
        await deleteLogSource(param(request, 'id'), ctx);
        return noContent();
      },
    },
  ];
}
