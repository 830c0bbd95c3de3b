import { beforeAll, describe, expect, it } from 'vitest';
import type { JudgeUsage, MonitorRun } from '#domain/model/entities.ts';
import { aRun } from '../support/builders.ts';
import { createApiHarness, type ApiHarness } from '../support/api.ts';

let api: ApiHarness;
let monitorId: string;
const HAIKU = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';
const judge: JudgeUsage = { kind: 'bedrock', modelId: HAIKU, inputTokens: 3000, outputTokens: 300, latencyMs: 900, estimatedCostUsd: 0.0045, skipped: null };

async function finishRun(day: string): Promise<void> {
  const run = aRun(monitorId, { createdAt: `${day}T09:00:00.000Z` });
  await api.ctx.runs.create(run);
  const finished: MonitorRun = { ...run, status: 'alert', judge, startedAt: `${day}T09:00:01.000Z`, finishedAt: `${day}T09:00:04.000Z` };
  await api.ctx.runs.save(finished);
}

beforeAll(async () => {
  api = await createApiHarness();
  const target = (await api.call('POST', '/targets', { body: { name: 'prod', type: 'aws_account' } })).body.id;
  const source = (await api.call('POST', '/log-sources', {
    body: { target_id: target, name: 'orders', mode: 'cloudwatch_logs', config: { log_group_names: ['/ecs/orders'] } },
  })).body.id;
  monitorId = (await api.call('POST', '/monitors', {
    body: { name: 'orders', log_source_id: source, prompt: 'Look for errors.', inputs: [{ label: 'APP', mode: 'filter', filter_pattern: '' }] },
  })).body.id;
  // The harness's clock is 2026-11-21T10:00Z: the 30 days are 2026-10-23 … 2026-11-21.
  await finishRun('2026-11-21');
  await finishRun('2026-11-02');
  await finishRun('2026-10-23');
  await finishRun('2026-10-22');
});

describe('usage_30d', () => {
  it('is on GET /monitors/{id}: the last 30 UTC days, today included', async () => {
    const response = await api.call('GET', `/monitors/${monitorId}`);
    expect(response.body.usage_30d).toEqual({ runs: 3, model_calls: 3, input_tokens: 9000, output_tokens: 900, estimated_cost_usd: 0.0135 });
  });

  it('is not in lists (one query per monitor would make a page 100 queries)', async () => {
    const list = await api.call('GET', '/monitors');
    expect(list.body.items[0]).not.toHaveProperty('usage_30d');
  });

  it('is read-only: a PUT carrying it back changes nothing about it', async () => {
    const current = (await api.call('GET', `/monitors/${monitorId}`)).body;
    const updated = await api.call('PUT', `/monitors/${monitorId}`, { body: { name: 'orders 2', usage_30d: current.usage_30d } });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.name).toBe('orders 2');
  });
});

describe('GET /usage', () => {
  it("gives the month's totals by monitor and by model", async () => {
    const response = await api.call('GET', '/usage', { query: { month: '2026-11' } });
    const totals = { runs: 2, model_calls: 2, input_tokens: 6000, output_tokens: 600, estimated_cost_usd: 0.009 };
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      month: '2026-11',
      total: totals,
      by_monitor: [{ monitor_id: monitorId, name: expect.stringMatching(/^orders/), ...totals }],
      by_model: [{ model_id: HAIKU, ...totals }],
    });
  });

  it('defaults to the current UTC month', async () => {
    const response = await api.call('GET', '/usage');
    expect(response.body.month).toBe('2026-11');
    expect(response.body.total.runs).toBe(2);
  });

  it('answers an empty month with zeros', async () => {
    const response = await api.call('GET', '/usage', { query: { month: '2025-01' } });
    expect(response.body).toEqual({
      month: '2025-01',
      total: { runs: 0, model_calls: 0, input_tokens: 0, output_tokens: 0, estimated_cost_usd: 0 },
      by_monitor: [],
      by_model: [],
    });
  });

  it.each(['2026-13', '2026-1', 'november', '2026-11-01'])('refuses month=%s with a 400 naming month', async (month) => {
    const error = await api.expectRejected(400, 'GET', '/usage', { query: { month } });
    expect(error.error.details).toEqual([{ path: 'month', message: 'must be a month as YYYY-MM, e.g. 2026-11' }]);
  });

  it('refuses an unknown parameter, naming it', async () => {
    const error = await api.expectRejected(400, 'GET', '/usage', { query: { monht: '2026-11' } });
    expect(error.error.details[0].path).toBe('monht');
  });
});
