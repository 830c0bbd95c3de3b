import type { APIGatewayProxyResult } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LogSource } from '#domain/model/entities.ts';
import type { LogSourceRepository } from '#domain/log-sources/ports.ts';
import { createApi } from '../../lambdas/api/handler.ts';
import { apiEvent, createApiHarness, type ApiHarness } from '../support/api.ts';

/**
 * The whole error body of every refusal that names a field the store or the domain found wrong
 * (a missing or unfitting reference, a token from another list): status, code, message and each
 * detail's path, exactly as clients see them.
 */

let api: ApiHarness;
let target: string;
let orders: string;
let bill: string;
beforeAll(async () => {
  api = await createApiHarness();
  target = (await api.call('POST', '/targets', { body: { name: 'prod', type: 'aws_account' } })).body.id;
  orders = (await api.call('POST', '/log-sources', {
    body: { target_id: target, name: 'orders', mode: 'cloudwatch_logs', config: { log_group_names: ['/ecs/orders'] } },
  })).body.id;
  bill = (await api.call('POST', '/log-sources', { body: { target_id: target, name: 'bill', mode: 'cost_explorer' } })).body.id;
});

const monitorBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'orders',
  log_source_id: orders,
  prompt: 'watch',
  inputs: [{ label: 'ALL', mode: 'filter' }],
  ...overrides,
});

function validation(message: string, details: Array<{ path: string; message: string }>) {
  return { error: { code: 'validation_error', message, details } };
}

describe('references checked by the store inside its write', () => {
  it('a log source on a missing target: 400 on target_id', async () => {
    const body = await api.expectRejected(400, 'POST', '/log-sources', {
      body: { target_id: '01MISSING', name: 'x', mode: 'cost_explorer' },
    });
    expect(body).toEqual(
      validation('target_id: target 01MISSING does not exist', [{ path: 'target_id', message: 'target 01MISSING does not exist' }]),
    );
  });

  it('a log source moved to a missing target: 400 on target_id', async () => {
    const body = await api.expectRejected(400, 'PUT', `/log-sources/${bill}`, { body: { target_id: '01ELSEWHERE' } });
    expect(body).toEqual(
      validation('target_id: target 01ELSEWHERE does not exist', [{ path: 'target_id', message: 'target 01ELSEWHERE does not exist' }]),
    );
  });

  describe('log sources that vanish or change between the check and the write', () => {
    /** The API over a context whose `getMany` answers with `seen` (what the check saw), not the table. */
    function apiSeeing(seen: Record<string, LogSource['mode']>) {
      const real = api.ctx.logSources;
      const logSources: LogSourceRepository = {
        create: (source) => real.create(source),
        get: (id) => real.get(id),
        list: (page, filter) => real.list(page, filter),
        update: (source, previous) => real.update(source, previous),
        delete: (id) => real.delete(id),
        getMany: async (ids) =>
          new Map(
            ids.flatMap((id) => {
              const mode = seen[id];
              return mode === undefined ? [] : [[id, { id, targetId: target, name: id, mode, config: {}, createdAt: '', updatedAt: '' } as LogSource]];
            }),
          ),
      };
      const handler = createApi({ ...api.ctx, logSources });
      return async (method: string, path: string, body: unknown) => {
        const before = await api.scanAll();
        const result: APIGatewayProxyResult = await handler(apiEvent(method, path, { body }));
        expect(await api.scanAll()).toEqual(before);
        return { status: result.statusCode, body: JSON.parse(result.body) };
      };
    }

    it('the default source gone: 400 on log_source_id', async () => {
      const call = apiSeeing({ '01VANISHED': 'cloudwatch_logs' });
      const response = await call('POST', '/monitors', monitorBody({ log_source_id: '01VANISHED' }));
      expect(response).toEqual({
        status: 400,
        body: validation('log_source_id: log source 01VANISHED does not exist', [
          { path: 'log_source_id', message: 'log source 01VANISHED does not exist' },
        ]),
      });
    });

    it("an input's own source gone: 400 on that input's log_source_id", async () => {
      const call = apiSeeing({ [orders]: 'cloudwatch_logs', '01VANISHED': 'cloudwatch_logs' });
      const inputs = [{ label: 'ALL', mode: 'filter' }, { label: 'MORE', mode: 'filter', log_source_id: '01VANISHED' }];
      const response = await call('POST', '/monitors', monitorBody({ inputs }));
      expect(response).toEqual({
        status: 400,
        body: validation('inputs[1].log_source_id: log source 01VANISHED does not exist', [
          { path: 'inputs[1].log_source_id', message: 'log source 01VANISHED does not exist' },
        ]),
      });
    });

    it("an input's source changed mode: 400 on that input's log_source_id", async () => {
      const call = apiSeeing({ [orders]: 'cloudwatch_logs', [bill]: 'cloudwatch_logs' });
      const inputs = [{ label: 'ALL', mode: 'filter' }, { label: 'COSTS', mode: 'filter', log_source_id: bill }];
      const response = await call('POST', '/monitors', monitorBody({ inputs }));
      const reason = `log source ${bill} changed mode to cost_explorer (expected cloudwatch_logs); check the inputs again`;
      expect(response).toEqual({
        status: 400,
        body: validation(`inputs[1].log_source_id: ${reason}`, [{ path: 'inputs[1].log_source_id', message: reason }]),
      });
    });

    it('on update, a kept source that changed mode: 400 on log_source_id', async () => {
      const monitor = (await api.call('POST', '/monitors', { body: monitorBody() })).body;
      const call = apiSeeing({ [orders]: 'ecs' });
      const response = await call('PUT', `/monitors/${monitor.id}`, { name: 'renamed' });
      const reason = `log source ${orders} changed mode to cloudwatch_logs (expected ecs); check the inputs again`;
      expect(response).toEqual({
        status: 400,
        body: validation(`log_source_id: ${reason}`, [{ path: 'log_source_id', message: reason }]),
      });
    });

    it('on update, an added source gone: 400 on its input', async () => {
      const monitor = (await api.call('POST', '/monitors', { body: monitorBody() })).body;
      const call = apiSeeing({ [orders]: 'cloudwatch_logs', '01VANISHED': 'cloudwatch_logs' });
      const inputs = [{ label: 'ALL', mode: 'filter' }, { label: 'NEW', mode: 'filter', log_source_id: '01VANISHED' }];
      const response = await call('PUT', `/monitors/${monitor.id}`, { inputs });
      expect(response).toEqual({
        status: 400,
        body: validation('inputs[1].log_source_id: log source 01VANISHED does not exist', [
          { path: 'inputs[1].log_source_id', message: 'log source 01VANISHED does not exist' },
        ]),
      });
    });
  });
});

describe('references checked before the write', () => {
  it('names every missing source and unfitting input at once, in order', async () => {
    const inputs = [
      { label: 'ALL', mode: 'filter' },
      { label: 'GONE', mode: 'filter', log_source_id: '01NOWHERE' },
      { label: 'COSTS', mode: 'filter', log_source_id: bill },
    ];
    const body = await api.expectRejected(400, 'POST', '/monitors', { body: monitorBody({ log_source_id: '01GONE', inputs }) });
    const details = [
      { path: 'log_source_id', message: 'log source 01GONE does not exist' },
      { path: 'inputs[1].log_source_id', message: 'log source 01NOWHERE does not exist' },
      { path: 'inputs[2].mode', message: 'a cost_explorer source takes cost inputs, not filter' },
    ];
    expect(body).toEqual(validation(`invalid request: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details));
  });
});

describe('fields this deployment does not allow', () => {
  it.each([
    ['a local target in AWS', {}, '/targets', { name: 'laptop', type: 'local' }, 'type', 'local targets exist only in local mode (npm start); use aws_account'],
    ['a file source in AWS', {}, '/log-sources', { target_id: 'T', name: 'f', mode: 'file', config: { path: '/tmp/a.log' } }, 'mode', 'file sources exist only in local mode (npm start)'],
    ['a file source without file roots', { localMode: true }, '/log-sources', { target_id: 'T', name: 'f', mode: 'file', config: { path: '/tmp/a.log' } }, 'config.path', 'file sources are not enabled here'],
  ])('%s: 400 naming the field', async (_case, settings, path, body, field, reason) => {
    const harness = await createApiHarness(settings);
    const response = await harness.expectRejected(400, 'POST', path, { body });
    expect(response).toEqual(validation(`${field}: ${reason}`, [{ path: field, message: reason }]));
  });

  it('a model the stack may not invoke: 400 on model.model_id', async () => {
    const harness = await createApiHarness({ allowedModelIds: ['model-a'] });
    const t = (await harness.call('POST', '/targets', { body: { name: 'prod', type: 'aws_account' } })).body.id;
    const s = (await harness.call('POST', '/log-sources', { body: { target_id: t, name: 'bill', mode: 'cost_explorer' } })).body.id;
    const body = { name: 'm', log_source_id: s, prompt: 'p', inputs: [{ label: 'B', mode: 'cost' }], model: { model_id: 'model-b' } };

    const response = await harness.expectRejected(400, 'POST', '/monitors', { body });

    const reason = 'is not one this deployment may invoke (allowedModelIds: model-a); add it to the stack setting first';
    expect(response).toEqual(validation(`model.model_id: ${reason}`, [{ path: 'model.model_id', message: reason }]));
  });
});

describe('page tokens', () => {
  it.each([
    ['/targets', {}],
    ['/log-sources', {}],
    ['/monitors', {}],
  ])('a token that is not from %s: 400 on next_token', async (path, query) => {
    const token = Buffer.from(JSON.stringify({ pk: 'RUN#x', sk: 'x' }), 'utf8').toString('base64url');
    const body = await api.expectRejected(400, 'GET', path, { query: { ...query, next_token: token } });
    expect(body).toEqual(
      validation('next_token: is not a token from this list', [{ path: 'next_token', message: 'is not a token from this list' }]),
    );
  });

  it("a token that is not even JSON, on a monitor's runs: 400 on next_token", async () => {
    const monitor = (await api.call('POST', '/monitors', { body: monitorBody() })).body;
    const body = await api.expectRejected(400, 'GET', `/monitors/${monitor.id}/runs`, { query: { next_token: 'garbage' } });
    expect(body).toEqual(
      validation('next_token: is not a token from this list', [{ path: 'next_token', message: 'is not a token from this list' }]),
    );
  });
});
