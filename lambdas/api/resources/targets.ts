import type { ManagementContext } from '#domain/model/management-context.ts';
import { createTarget, deleteTarget, getTarget, listTargets, updateTarget } from '#domain/targets/manage-targets.ts';
import type { Route } from '#http/router.ts';
import { json, noContent } from '#http/responses.ts';
import { mergePatch } from '../merge-patch.ts';
import { presentPage, presentTarget } from '../presenters.ts';
import { targetPage, targetResponse } from '../response-schemas.ts';
import { parseTarget, targetSchema } from '../schemas.ts';
import { listQuery, location, param, parseListQuery, updateDoc } from './common.ts';

const READ_ONLY = ['id', 'created_at', 'updated_at'];
const LIST_QUERY = listQuery({});

export function targetRoutes(ctx: ManagementContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/targets',
      handler: async (request) => {
        const target = await createTarget(parseTarget(request.body()), ctx);
        return json(201, presentTarget(target), location(request, `/targets/${target.id}`));
      },
      doc: {
        summary: 'Create a target: an AWS account (optionally through a role) or this machine',
        body: targetSchema,
        responses: { 201: { description: 'the target', body: targetResponse, headers: ['location'] } },
        errors: [400, 413, 415],
      },
    },
    {
      method: 'GET',
      path: '/targets',
      handler: async (request) => {
        const { page } = parseListQuery(request, LIST_QUERY);
        return json(200, presentPage(await listTargets(page, ctx), presentTarget));
      },
      doc: { summary: 'List targets', query: LIST_QUERY, responses: { 200: { description: 'a page of targets', body: targetPage } }, errors: [400] },
    },
    {
      method: 'GET',
      path: '/targets/{id}',
      handler: async (request) => json(200, presentTarget(await getTarget(param(request, 'id'), ctx))),
      doc: { summary: 'Read a target', responses: { 200: { description: 'the target', body: targetResponse } }, errors: [404] },
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
      doc: updateDoc('Change a target: fields present replace, `connection_config` merges (null removes a setting)', targetSchema, { name: 'target', schema: targetResponse }),
    },
    {
      method: 'DELETE',
      path: '/targets/{id}',
      handler: async (request) => {
        await deleteTarget(param(request, 'id'), ctx);
        return noContent();
      },
      doc: { summary: 'Delete a target', responses: { 204: { description: 'deleted' } }, errors: [404, 409] },
    },
  ];
}
