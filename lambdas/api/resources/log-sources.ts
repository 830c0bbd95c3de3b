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
import { costSnapshotResponse, logSourcePage, logSourceResponse, sourceTestResponse } from '../response-schemas.ts';
import { logSourceDocSchema, parseLogSource } from '../schemas.ts';
import { idFilter, listQuery, location, param, parseListQuery, updateDoc } from './common.ts';

const READ_ONLY = ['id', 'created_at', 'updated_at'];
const LIST_QUERY = listQuery({ target_id: idFilter.describe('only the sources of this target') });

export function logSourceRoutes(ctx: ManagementContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/log-sources',
      handler: async (request) => {
        const source = await createLogSource(parseLogSource(request.body()), ctx);
        return json(201, presentLogSource(source), location(request, `/log-sources/${source.id}`));
      },
      doc: {
        summary: 'Create a log source on a target; `config` is validated against `mode`',
        body: logSourceDocSchema,
        responses: { 201: { description: 'the log source', body: logSourceResponse, headers: ['location'] } },
        errors: [400, 413, 415],
      },
    },
    {
      method: 'GET',
      path: '/log-sources',
      handler: async (request) => {
        const { page, query } = parseListQuery(request, LIST_QUERY);
        const sources = await listLogSources(page, { ...(query.target_id !== undefined && { targetId: query.target_id }) }, ctx);
        return json(200, presentPage(sources, presentLogSource));
      },
      doc: { summary: 'List log sources', query: LIST_QUERY, responses: { 200: { description: 'a page of log sources', body: logSourcePage } }, errors: [400] },
    },
    {
      method: 'GET',
      path: '/log-sources/{id}',
      handler: async (request) => json(200, presentLogSource(await getLogSource(param(request, 'id'), ctx))),
      doc: { summary: 'Read a log source', responses: { 200: { description: 'the log source', body: logSourceResponse } }, errors: [404] },
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
      doc: updateDoc('Change a log source: fields present replace; `config` merges, and starts afresh when `mode` changes', logSourceDocSchema, { name: 'log source', schema: logSourceResponse }),
    },
    {
      method: 'POST',
      path: '/log-sources/{id}/test',
      handler: async (request) => {
        const result = await testLogSourceById(param(request, 'id'), ctx);
        return json(200, { ok: result.ok, message: result.message, sample: result.sample, line_count: result.lineCount });
      },
      doc: {
        summary: 'Read the source once: `ok: false` with the reason when it cannot',
        responses: { 200: { description: 'what the read found', body: sourceTestResponse } },
        errors: [404],
      },
    },
    {
      method: 'GET',
      path: '/log-sources/{id}/cost-snapshot',
      handler: async (request) => json(200, presentCostSnapshot(await latestCostSnapshot(param(request, 'id'), ctx))),
      doc: {
        summary: "The newest cost snapshot of a cost_explorer source (404 before the collector's first one, or for another kind of source)",
        responses: { 200: { description: 'the snapshot that cost inputs render', body: costSnapshotResponse } },
        errors: [404],
      },
    },
    {
      method: 'DELETE',
      path: '/log-sources/{id}',
      handler: async (request) => {
        await deleteLogSource(param(request, 'id'), ctx);
        return noContent();
      },
      doc: { summary: 'Delete a log source (409 while monitors use it)', responses: { 204: { description: 'deleted' } }, errors: [404, 409] },
    },
  ];
}
