import { beforeAll, describe, expect, it } from 'vitest';
import type { RunStatus } from '#domain/model/entities.ts';
import { createApiHarness, type ApiHarness } from '../support/api.ts';

let api: ApiHarness;
const monitors: string[] = [];
const runIds: Record<string, RunStatus> = {};

async function aMonitor(source: string): Promise<string> {
  return (await api.call('POST', '/monitors', { body: { name: 'm', log_source_id: source, prompt: 'watch', inputs: [{ label: 'ALL', mode: 'filter' }] } })).body.id;
}

beforeAll(async () => {
  api = await createApiHarness();
  const target = (await api.call('POST', '/targets', { body: { name: 'prod', type: 'aws_account' } })).body.id;
  const source = (await api.call('POST', '/log-sources', {
    body: { target_id: target, name: 'orders', mode: 'cloudwatch_logs', config: { log_group_names: ['/ecs/orders'] } },
  })).body.id;
  monitors.push(await aMonitor(source), await aMonitor(source));
  // Manual runs at 10:00, 10:01, ... alternating monitors; the runner's verdicts written to the store.
  const statuses: RunStatus[] = ['ok', 'alert', 'alert', 'warn', 'alert'];
  for (const [i, status] of statuses.entries()) {
    api.clock.set(`2026-11-21T10:0${i}:00.000Z`);
    const run = (await api.call('POST', `/monitors/${monitors[i % 2]}/run-once`)).body;
    const stored = await api.ctx.runs.get(run.monitor_id, run.id);
    await api.ctx.runs.save({ ...stored!, status, finishedAt: `2026-11-21T10:0${i}:30.000Z` });
    runIds[run.id] = status;
  }
});

describe('GET /runs', () => {
  it('lists every monitor\'s alerts newest first, paginated with next_token', async () => {
    const first = await api.call('GET', '/runs', { query: { status: 'alert', limit: '2' } });
    const second = await api.call('GET', '/runs', { query: { status: 'alert', limit: '2', next_token: first.body.next_token } });
    const listed = [...first.body.items, ...second.body.items];

    expect(first.status).toBe(200);
    expect(listed.map((run: { status: string }) => run.status)).toEqual(['alert', 'alert', 'alert']);
    expect(new Set(listed.map((run: { monitor_id: string }) => run.monitor_id))).toEqual(new Set(monitors));
    expect(listed.map((run: { created_at: string }) => run.created_at)).toEqual([
      '2026-11-21T10:04:00.000Z',
      '2026-11-21T10:02:00.000Z',
      '2026-11-21T10:01:00.000Z',
    ]);
    expect(listed[0].payload).toBeUndefined();
  });

  it('filters by time: since inclusive, until exclusive', async () => {
    const response = await api.call('GET', '/runs', { query: { since: '2026-11-21T10:01:00Z', until: '2026-11-21T11:03:00+01:00' } });

    expect(response.body.items.map((run: { created_at: string }) => run.created_at)).toEqual([
      '2026-11-21T10:02:00.000Z',
      '2026-11-21T10:01:00.000Z',
    ]);
    expect(response.body.next_token).toBeNull();
  });

  it.each([
    [{ status: 'bad' }, 'status', 'must be one of "queued", "running", "ok", "warn", "alert", "error"'],
    [{ since: 'yesterday' }, 'since', 'must be an RFC 3339 time like 2026-11-27T09:00:00Z'],
    [{ until: '2026-11-21' }, 'until', 'must be an RFC 3339 time like 2026-11-27T09:00:00Z'],
    [{ since: '2026-11-21T10:00:00Z', until: '2026-11-21T10:00:00Z' }, 'until', 'must be after since'],
    [{ state: 'alert' }, 'state', 'is not a known field'],
    [{ status: 'alert', next_token: 'nope' }, 'next_token', 'is not a token from this list'],
  ])('rejects %j naming the parameter %s', async (query, path, message) => {
    const error = await api.expectRejected(400, 'GET', '/runs', { query });
    expect(error.error.details).toContainEqual({ path, message });
  });
});

describe('GET /monitors/{id}/runs', () => {
  it('filters one monitor\'s runs by status and time', async () => {
    const alerts = await api.call('GET', `/monitors/${monitors[0]}/runs`, { query: { status: 'alert' } });
    const since = await api.call('GET', `/monitors/${monitors[1]}/runs`, { query: { since: '2026-11-21T10:02:00Z' } });

    expect(alerts.body.items.map((run: { created_at: string }) => run.created_at)).toEqual(['2026-11-21T10:04:00.000Z', '2026-11-21T10:02:00.000Z']);
    expect(alerts.body.items.every((run: { monitor_id: string }) => run.monitor_id === monitors[0])).toBe(true);
    expect(since.body.items.map((run: { status: string }) => run.status)).toEqual(['warn']);
  });

  it('names the wrong query parameter', async () => {
    const error = await api.expectRejected(400, 'GET', `/monitors/${monitors[0]}/runs`, { query: { status: 'alerts' } });
    expect(error.error.details[0].path).toBe('status');
  });
});

describe('notifications_pending', () => {
  it('is true while a run is open or its notifications are not recorded yet, false once settled', async () => {
    const queued = (await api.call('POST', `/monitors/${monitors[0]}/run-once`)).body;
    const stored = await api.ctx.runs.get(queued.monitor_id, queued.id);
    await api.ctx.runs.save({ ...stored!, status: 'alert', notificationsPending: true });
    const delivering = (await api.call('GET', `/monitors/${queued.monitor_id}/runs/${queued.id}`)).body;
    await api.ctx.runs.save({ ...stored!, status: 'alert', notificationsPending: false });
    const settled = (await api.call('GET', `/monitors/${queued.monitor_id}/runs/${queued.id}`)).body;

    expect(queued.notifications_pending).toBe(true);
    expect(delivering).toMatchObject({ status: 'alert', notifications_pending: true });
    expect(settled).toMatchObject({ status: 'alert', notifications_pending: false });
  });
});
