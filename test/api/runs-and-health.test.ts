import { beforeAll, describe, expect, it } from 'vitest';
import type { HealthProbe } from '#domain/health/ports.ts';
import { createApi } from '../../lambdas/api/handler.ts';
import { apiEvent, createApiHarness, type ApiHarness } from '../support/api.ts';

let api: ApiHarness;
let monitorId: string;
beforeAll(async () => {
  api = await createApiHarness();
  const target = (await api.call('POST', '/targets', { body: { name: 'prod', type: 'aws_account' } })).body.id;
  const source = (await api.call('POST', '/log-sources', {
    body: { target_id: target, name: 'orders', mode: 'cloudwatch_logs', config: { log_group_names: ['/ecs/orders'] } },
  })).body.id;
  monitorId = (await api.call('POST', '/monitors', {
    body: { name: 'm', log_source_id: source, prompt: 'watch', inputs: [{ label: 'ALL', mode: 'filter' }] },
  })).body.id;
});

describe('run-once and run history', () => {
  it('creates a queued manual run, enqueues it, and shows it in the history and on the monitor', async () => {
    expect((await api.call('GET', `/monitors/${monitorId}/runs/latest`)).status).toBe(404);

    const response = await api.call('POST', `/monitors/${monitorId}/run-once`);

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ monitor_id: monitorId, trigger: 'manual', status: 'queued', scheduled_for: null });
    expect(response.headers.location).toBe(`/prod/monitors/${monitorId}/runs/${response.body.id}`);
    expect(api.queue.sent).toEqual([{ kind: 'manual', monitorId, runId: response.body.id }]);
    expect((await api.call('GET', `/monitors/${monitorId}/runs/${response.body.id}`)).body).toEqual({ ...response.body, payload: null });
    expect((await api.call('GET', `/monitors/${monitorId}/runs/latest`)).body.id).toBe(response.body.id);
    expect((await api.call('GET', `/monitors/${monitorId}`)).body.last_run).toEqual({
      id: response.body.id,
      status: 'queued',
      finished_at: null,
    });
  });

  it('lists runs newest first with paging', async () => {
    const second = (await api.call('POST', `/monitors/${monitorId}/run-once`)).body.id;
    const third = (await api.call('POST', `/monitors/${monitorId}/run-once`)).body.id;

    const page = await api.call('GET', `/monitors/${monitorId}/runs`, { query: { limit: '2' } });

    expect(page.body.items.map((r: { id: string }) => r.id)).toEqual([third, second]);
    expect(page.body.next_token).toEqual(expect.any(String));
  });

  it('keeps a run the queue refused as an error run instead of losing it', async () => {
    api.queue.failWith = new Error('queue unavailable');
    try {
      const response = await api.call('POST', `/monitors/${monitorId}/run-once`);
      expect(response.status).toBe(500);
      const latest = (await api.call('GET', `/monitors/${monitorId}/runs/latest`)).body;
      expect(latest).toMatchObject({ status: 'error', error: 'could not queue the run: queue unavailable' });
    } finally {
      api.queue.failWith = null;
    }
  });

  it('shows a failed notification step as its own outcome: no channel, no target', async () => {
    const queued = (await api.call('POST', `/monitors/${monitorId}/run-once`)).body;
    const run = await api.ctx.runs.get(monitorId, queued.id);
    const reason = 'notification step failed: SES exploded';
    await api.ctx.runs.save({
      ...run!,
      status: 'alert',
      finishedAt: '2026-11-21T10:01:00.000Z',
      notifications: [
        { channel: 'email', target: 'ops@example.com', status: 'sent', reason: null },
        { channel: null, target: null, status: 'failed', reason },
      ],
    });

    const shown = (await api.call('GET', `/monitors/${monitorId}/runs/${queued.id}`)).body;

    expect(shown.notifications).toEqual([
      { channel: 'email', target: 'ops@example.com', status: 'sent', reason: null },
      { channel: null, target: null, status: 'failed', reason },
    ]);
  });

  it('answers 404 for runs of an unknown monitor and for an unknown run', async () => {
    await api.expectRejected(404, 'POST', '/monitors/01NOPE/run-once');
    await api.expectRejected(404, 'GET', '/monitors/01NOPE/runs');
    await api.expectRejected(404, 'GET', `/monitors/${monitorId}/runs/01NORUN`);
  });

  it('deletes the run history with the monitor', async () => {
    const before = (await api.scanAll()).filter((item) => String(item.pk) === `MONITOR#${monitorId}`);
    expect(before.some((item) => String(item.sk).startsWith('RUN#'))).toBe(true);

    expect((await api.call('DELETE', `/monitors/${monitorId}`)).status).toBe(204);

    expect((await api.scanAll()).filter((item) => String(item.pk) === `MONITOR#${monitorId}`)).toEqual([]);
  });
});

describe('GET /health', () => {
  it('is degraded while the scheduler has never ticked, ok after a fresh heartbeat', async () => {
    const degraded = await api.call('GET', '/health');
    expect(degraded).toMatchObject({
      status: 200,
      body: { status: 'degraded', checks: { database: { ok: true }, scheduler: { ok: false, last_tick_at: null, age_seconds: null } } },
    });

    await api.ctx.schedule.recordHeartbeat(new Date('2026-11-21T09:59:30.000Z'));
    const ok = await api.call('GET', '/health');
    expect(ok.body).toEqual({
      status: 'ok',
      checks: { database: { ok: true }, scheduler: { ok: true, last_tick_at: '2026-11-21T09:59:30.000Z', age_seconds: 30 } },
    });
  });

  it('answers 503 down when the database does not answer', async () => {
    const broken: HealthProbe = { pingDatabase: () => Promise.reject(new Error('connect ECONNREFUSED')) };
    const downApi = createApi({ ...api.ctx, health: broken });

    const result = await downApi(apiEvent('GET', '/health'));

    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body).status).toBe('down');
  });
});

describe('the HTTP edge', () => {
  it('answers 404 for an unknown path and 405 with Allow for a known path', async () => {
    expect((await api.call('GET', '/nothing-here')).body.error.code).toBe('not_found');
    const response = await api.call('PATCH', '/targets');
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST, GET');
  });

  it('turns an unexpected failure into a generic 500 that leaks nothing', async () => {
    const failing = createApi({
      ...api.ctx,
      targets: { ...api.ctx.targets, list: () => Promise.reject(new Error('secret internal detail arn:aws:dynamodb:...')) },
    });

    const result = await failing(apiEvent('GET', '/targets'));

    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({
      error: { code: 'internal_error', message: 'internal error; see the API logs', details: [] },
    });
  });
});

describe('ids that cannot exist', () => {
  it('answers 404, not a DynamoDB error, for a path id past the key size limit or with odd characters', async () => {
    for (const path of [`/targets/${'x'.repeat(3000)}`, '/monitors/a%20b/runs', `/monitors/${'y'.repeat(2100)}/runs/${'z'.repeat(2100)}`]) {
      const response = await api.call('GET', path);
      expect(response.status, path).toBe(404);
    }
    const error = await api.expectRejected(400, 'GET', '/log-sources', { query: { target_id: 'x'.repeat(3000) } });
    expect(error.error.details).toEqual([{ path: 'target_id', message: 'must be an id (1–64 of A-Z a-z 0-9 _ -)' }]);
  });
});

describe('forged next tokens', () => {
  const token = (key: Record<string, string>) => Buffer.from(JSON.stringify(key)).toString('base64url');

  it('answers 400, not a DynamoDB error, for a key of the right attributes but the wrong shape', async () => {
    const fresh = await createApiHarness();
    const t = (await fresh.call('POST', '/targets', { body: { name: 'p', type: 'aws_account' } })).body.id;
    const s = (await fresh.call('POST', '/log-sources', {
      body: { target_id: t, name: 's', mode: 'cloudwatch_logs', config: { log_group_names: ['/a'] } },
    })).body.id;
    const m = (await fresh.call('POST', '/monitors', {
      body: { name: 'm', log_source_id: s, prompt: 'p', inputs: [{ label: 'X', mode: 'filter' }] },
    })).body.id;
    const forged: Array<[string, Record<string, string>, Record<string, string>]> = [
      [`/monitors/${m}/runs`, {}, { pk: `MONITOR#${m}`, sk: 'MONITOR' }],
      ['/log-sources', { target_id: t }, { pk: 'LOGSOURCE#x', sk: 'LOGSOURCE', parentPk: `TARGET#${t}`, parentSk: 'MONITOR#zz' }],
      ['/monitors', { log_source_id: s }, { pk: `MONITOR#${m}`, sk: 'MONITOR', parentPk: `LOGSOURCE#${s}`, parentSk: 'AAAA' }],
      ['/targets', {}, { pk: `TARGET#${'x'.repeat(3000)}`, sk: 'TARGET', typePk: 'TARGET', typeSk: 'x' }],
    ];

    for (const [path, query, key] of forged) {
      const error = await fresh.expectRejected(400, 'GET', path, { query: { ...query, next_token: token(key) } });
      expect(error.error.details, path).toEqual([{ path: 'next_token', message: 'is not a token from this list' }]);
    }
  });
});
