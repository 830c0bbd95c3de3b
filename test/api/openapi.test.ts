import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../lambdas/api/handler.ts';
import { renderOpenApi } from '../../lambdas/api/openapi-file.ts';
import {
  errorResponse,
  healthResponse,
  logSourcePage,
  logSourceResponse,
  monitorPage,
  monitorResponse,
  runPage,
  runResponse,
  sourceTestResponse,
  targetPage,
  targetResponse,
} from '../../lambdas/api/response-schemas.ts';
import { createApiHarness, type ApiHarness } from '../support/api.ts';

const committed = readFileSync(fileURLToPath(new URL('../../docs/openapi.json', import.meta.url)), 'utf8');

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});

/** Every `$ref` in `value`. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : refs(inner)));
}

describe('docs/openapi.json', () => {
  it('is what `npm run openapi` generates now (run it after changing the API)', () => {
    expect(committed).toBe(renderOpenApi());
  });

  it('documents every route of the router, and nothing else', () => {
    const document = JSON.parse(committed);
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routes = apiRoutes(api.ctx).map((route) => `${route.method} ${route.path}`);

    expect(documented.sort()).toEqual([...routes].sort());
    expect(routes).toEqual(expect.arrayContaining(['GET /openapi.json', 'POST /monitors', 'GET /monitors/{id}/runs/{run_id}']));
  });

  it('gives every operation an error shape that names fields, and resolves every $ref', () => {
    const document = JSON.parse(committed);
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes.apiKey).toEqual({ type: 'apiKey', in: 'header', name: 'x-api-key' });
    expect(document.components.schemas.Error.properties.error.properties.details.items.required).toEqual(['path', 'message']);
    for (const operations of Object.values(document.paths as Record<string, Record<string, any>>)) {
      for (const operation of Object.values(operations)) {
        expect(operation.responses['500'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
    for (const ref of refs(document)) {
      expect(document.components.schemas[ref.replace('#/components/schemas/', '')], ref).toBeDefined();
    }
  });

  it('documents request bodies from the validating schemas, and a PUT as a patch with nothing required', () => {
    const document = JSON.parse(committed);
    const create = document.paths['/monitors'].post.requestBody.content['application/json'].schema;
    const update = document.paths['/monitors/{id}'].put.requestBody.content['application/json'].schema;

    expect(create).toEqual({ $ref: '#/components/schemas/MonitorBody' });
    expect(document.components.schemas.MonitorBody.required).toEqual(['name', 'log_source_id', 'prompt', 'inputs']);
    expect(document.components.schemas.MonitorBody.properties.interval_seconds).toMatchObject({
      anyOf: [{ type: 'integer', minimum: 60, maximum: 86400 }, { type: 'null' }],
      description: expect.stringContaining('300 when neither this nor `schedule` is given'),
    });
    expect(update).toEqual({ $ref: '#/components/schemas/MonitorBodyPatch' });
    expect(document.components.schemas.MonitorBodyPatch.required).toBeUndefined();
    expect(document.paths['/log-sources'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['limit', 'next_token', 'target_id']);
    expect(document.paths['/monitors/{id}/runs/{run_id}'].get.parameters.filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name)).toEqual(['id', 'run_id']);
  });
});

describe('GET /openapi.json', () => {
  it('serves the committed document', async () => {
    const response = await api.call('GET', '/openapi.json');

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toEqual(JSON.parse(committed));
  });
});

describe('the response schemas', () => {
  // A zod object drops keys it does not know, so `parse(body)` equals `body` only when the
  // schema documents every field the API sent.
  const conforms = (schema: { parse(value: unknown): unknown }, body: unknown) => expect(schema.parse(body)).toEqual(body);

  it('describe every field of real answers', async () => {
    const target = await api.call('POST', '/targets', { body: { name: 'prod', type: 'aws_account', connection_config: { region: 'eu-west-1' } } });
    conforms(targetResponse, target.body);
    conforms(targetPage, (await api.call('GET', '/targets')).body);
    const source = await api.call('POST', '/log-sources', {
      body: { target_id: target.body.id, name: 'orders', mode: 'ecs', config: { cluster: 'c', container_name: 'app', service_name: 's' } },
    });
    conforms(logSourceResponse, source.body);
    conforms(logSourcePage, (await api.call('GET', '/log-sources')).body);
    conforms(sourceTestResponse, (await api.call('POST', `/log-sources/${source.body.id}/test`)).body);
    const monitor = await api.call('POST', '/monitors', {
      body: {
        name: 'orders',
        log_source_id: source.body.id,
        prompt: 'look for errors',
        inputs: [{ label: 'ERRORS', mode: 'filter', filter_pattern: 'ERROR', lookback_minutes: 5 }],
        rules: [{ label: 'ERRORS', pattern: 'ERROR', min_count: 3, severity: 'alert' }],
        model: { model_id: 'm' },
      },
    });
    conforms(monitorResponse, monitor.body);
    conforms(monitorPage, (await api.call('GET', '/monitors')).body);
    const run = await api.call('POST', `/monitors/${monitor.body.id}/run-once`);
    conforms(runResponse, run.body);
    conforms(runPage, (await api.call('GET', `/monitors/${monitor.body.id}/runs`)).body);
    conforms(runResponse, (await api.call('GET', `/monitors/${monitor.body.id}/runs/latest`)).body);
    conforms(errorResponse, (await api.call('POST', '/targets', { body: { name: '' } })).body);
    conforms(healthResponse, (await api.call('GET', '/health')).body);
  });
});
