import type { ManagementContext } from '#domain/model/management-context.ts';
import { createTarget, deleteTarget, getTarget, listTargets, updateTarget } from '#domain/targets/manage-targets.ts';
import type { Route } from '#http/router.ts';
import { json, noContent } from '#http/responses.ts';
import { mergePatch } from '../merge-patch.ts';
import { presentPage, presentTarget } from '../presenters.ts';
import { parseTarget } from '../schemas.ts';
import { location, param, parseListQuery } from './common.ts';

const READ_ONLY = ['id', 'created_at', 'updated_at'];

export function targetRoutes(ctx: ManagementContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/targets',
      handler: async (request) => {
        const target = await createTarget(parseTarget(request.body()), ctx);
        return json(201, presentTarget(target), location(request, `/targets/${target.id}`));
      },
    },
    {
      method: 'GET',
      path: '/targets',
      handler: async (request) => {
        const { page } = parseListQuery(request);
        return json(200, presentPage(await listTargets(page, ctx), presentTarget));
      },
    },
    {
      method: 'GET',
      path: '/targets/{id}',
      handler: async (request) => json(200, presentTarget(await getTarget(param(request, 'id'), ctx))),
    },
    {
      method: 'PUT',
      path: '/targets/{id}',
      handler: async (request) => {
        const patch = request.body();
        const target = await updateTarget(
          param(request, 'id'),
          (current) => parseTarget(mergePatch(presentTarget(current), patch, { nested: ['connection_config'], readOnly: READ_ONLY })),
          ctx,
        );
        return json(200, presentTarget(target));
      },
    },
    {
      method: 'DELETE',
      path: '/targets/{id}',
      handler: async (request) => {
        await deleteTarget(param(request, 'id'), ctx);
        return noContent();
      },
    },
  ];
}
