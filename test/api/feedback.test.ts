import { beforeAll, describe, expect, it } from 'vitest';
import type { AnomalyFeedbackValue } from '#domain/feedback/types.ts';
import type { MonitorRun } from '#domain/model/entities.ts';
import { createApiHarness, type ApiHarness } from '../support/api.ts';
import { aRun } from '../support/builders.ts';

/** A templates-mode payload: one template with its example, and a cost block with an anomaly line. */
const PAYLOAD = [
  '[ERRORS]',
  '# 12 lines, 1 template, most important first',
  '12x ERROR order <*> timeout after <1–30>s @ 2026-11-21T09:55:00Z..09:59:00Z',
  '    e.g. order 123 timeout after 30s',
  '',
  '[BUDGET]',
  'anomaly id=0f5e-anomaly-1 2026-11-20..ongoing impact 5.00 USD',
].join('\n');

const sent: Array<{ anomalyId: string; value: AnomalyFeedbackValue }> = [];
let api: ApiHarness;
let monitorId: string;

async function finishedRun(overrides: Partial<MonitorRun> = {}): Promise<MonitorRun> {
  const run = aRun(monitorId, { id: api.ctx.ids.next(api.ctx.clock.now()) });
  await api.ctx.runs.create(run);
  const finished: MonitorRun = {
    ...run,
    status: 'alert',
    startedAt: '2026-11-21T09:59:50.000Z',
    finishedAt: '2026-11-21T10:00:00.000Z',
    summary: 'Order timeouts and a cost anomaly.',
    inputs: {
      ERRORS: { lines: 12, chars: 300, truncated: false, error: null },
      BUDGET: { lines: 1, chars: 60, truncated: false, error: null },
    },
    findings: [
      { title: 'Order timeouts', severity: 'alert', label: 'ERRORS', evidence: ['order 123 timeout after 30s'], recommendation: null },
      { title: 'Cost anomaly', severity: 'warn', label: 'BUDGET', evidence: ['anomaly id=0f5e-anomaly-1 2026-11-20..ongoing impact 5.00 USD'], recommendation: null },
    ],
    rules: [{ label: 'ERRORS', pattern: 'timeout', kind: 'min_count', threshold: 10, count: 12, severity: 'alert', breached: true }],
    payload: PAYLOAD,
    ...overrides,
  };
  await api.ctx.runs.save(finished);
  return finished;
}

beforeAll(async () => {
  api = await createApiHarness({}, {
    anomalyFeedback: {
      provide: async (anomalyId, value) => {
        sent.push({ anomalyId, value });
      },
    },
  });
  const target = (await api.call('POST', '/targets', { body: { name: 'prod', type: 'aws_account' } })).body.id;
  const source = (await api.call('POST', '/log-sources', {
    body: { target_id: target, name: 'orders', mode: 'cloudwatch_logs', config: { log_group_names: ['/ecs/orders'] } },
  })).body.id;
  monitorId = (await api.call('POST', '/monitors', {
    body: {
      name: 'm',
      log_source_id: source,
      prompt: 'watch',
      inputs: [{ label: 'ERRORS', mode: 'filter' }, { label: 'BUDGET', mode: 'filter' }],
      rules: [{ label: 'ERRORS', pattern: 'timeout', min_count: 10, severity: 'alert' }],
    },
  })).body.id;
});

describe('POST /monitors/{id}/runs/{run_id}/feedback', () => {
  it('stores a false positive on the run and in the history, with the evidence templates and the breached rule', async () => {
    // Prepare
    const run = await finishedRun();

    // Act
    const response = await api.call('POST', `/monitors/${monitorId}/runs/${run.id}/feedback`, {
      body: { verdict: 'false_positive', finding_index: 0, note: 'nightly batch: these timeouts are expected' },
    });

    // Assess
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(`/prod/monitors/${monitorId}/feedback`);
    expect(response.body).toMatchObject({
      monitor_id: monitorId,
      run_id: run.id,
      verdict: 'false_positive',
      finding_index: 0,
      note: 'nightly batch: these timeouts are expected',
      run_at: '2026-11-21T09:59:50.000Z',
      run_status: 'alert',
      finding_titles: ['Order timeouts'],
      expected_templates: [{ label: 'ERRORS', template: 'order <*> timeout after <1–30>s' }],
      rule_breaches: [{ label: 'ERRORS', pattern: 'timeout', severity: 'alert', threshold: 10, count: 12 }],
      anomaly_feedback: [],
    });
    const stored = (await api.call('GET', `/monitors/${monitorId}/runs/${run.id}`)).body;
    expect(stored.feedback).toEqual([
      { id: response.body.id, verdict: 'false_positive', finding_index: 0, note: 'nightly batch: these timeouts are expected', created_at: response.body.created_at },
    ]);
    expect(stored.status).toBe('alert');
  });

  it('tells Cost Anomaly Detection NO for a false positive on a finding quoting an anomaly line, YES for correct', async () => {
    // Prepare
    const run = await finishedRun();
    sent.length = 0;

    // Act
    const no = await api.call('POST', `/monitors/${monitorId}/runs/${run.id}/feedback`, { body: { verdict: 'false_positive', finding_index: 1 } });
    const yes = await api.call('POST', `/monitors/${monitorId}/runs/${run.id}/feedback`, { body: { verdict: 'correct', finding_index: 1 } });

    // Assess
    expect(sent).toEqual([
      { anomalyId: '0f5e-anomaly-1', value: 'NO' },
      { anomalyId: '0f5e-anomaly-1', value: 'YES' },
    ]);
    expect(no.body.anomaly_feedback).toEqual([{ anomaly_id: '0f5e-anomaly-1', value: 'NO', status: 'sent', reason: null }]);
    expect(yes.body.anomaly_feedback).toEqual([{ anomaly_id: '0f5e-anomaly-1', value: 'YES', status: 'sent', reason: null }]);
  });

  it('records a failed or a not-permitted anomaly feedback on the item and still answers 201', async () => {
    // Prepare
    const run = await finishedRun();
    const failing = { provide: () => Promise.reject(new Error('missing permission ce:ProvideAnomalyFeedback on anomaly 0f5e-anomaly-1 in us-east-1')) };
    const { createApi } = await import('../../lambdas/api/handler.ts');
    const { apiEvent } = await import('../support/api.ts');
    const { anomalyFeedback: _, ...withoutPermission } = api.ctx;

    // Act
    const failed = await createApi({ ...api.ctx, anomalyFeedback: failing })(
      apiEvent('POST', `/monitors/${monitorId}/runs/${run.id}/feedback`, { body: { verdict: 'correct', finding_index: 1 } }),
    );
    const skipped = await createApi(withoutPermission)(
      apiEvent('POST', `/monitors/${monitorId}/runs/${run.id}/feedback`, { body: { verdict: 'correct', finding_index: 1 } }),
    );

    // Assess
    expect(failed.statusCode).toBe(201);
    expect(JSON.parse(failed.body).anomaly_feedback).toEqual([
      { anomaly_id: '0f5e-anomaly-1', value: 'YES', status: 'failed', reason: 'missing permission ce:ProvideAnomalyFeedback on anomaly 0f5e-anomaly-1 in us-east-1' },
    ]);
    expect(skipped.statusCode).toBe(201);
    expect(JSON.parse(skipped.body).anomaly_feedback).toEqual([
      { anomaly_id: '0f5e-anomaly-1', value: 'YES', status: 'skipped', reason: 'the stack does not allow ce:ProvideAnomalyFeedback (anomalyFeedback is off)' },
    ]);
  });

  it('refuses bad feedback with a 400 naming the field, and changes nothing', async () => {
    // Prepare
    const run = await finishedRun();
    const path = `/monitors/${monitorId}/runs/${run.id}/feedback`;
    const cases: Array<[unknown, string]> = [
      [{ verdict: 'wrong' }, 'verdict'],
      [{}, 'verdict'],
      [{ verdict: 'correct', finding_index: 2 }, 'finding_index'],
      [{ verdict: 'correct', finding_index: -1 }, 'finding_index'],
      [{ verdict: 'correct', finding_index: 0.5 }, 'finding_index'],
      [{ verdict: 'correct', note: 'x'.repeat(1001) }, 'note'],
      [{ verdict: 'missed', finding_index: 0, note: 'the disk' }, 'finding_index'],
      [{ verdict: 'missed' }, 'note'],
      [{ verdict: 'correct', extra: 1 }, 'extra'],
    ];

    for (const [body, field] of cases) {
      // Act
      const error = await api.expectRejected(400, 'POST', path, { body });

      // Assess
      expect(error.error.details.map((d: { path: string }) => d.path), JSON.stringify(body)).toContain(field);
    }
  });

  it('answers 404 for an unknown monitor or run and 409 for a run still in progress', async () => {
    const queued = aRun(monitorId, { id: api.ctx.ids.next(api.ctx.clock.now()) });
    await api.ctx.runs.create(queued);

    await api.expectRejected(404, 'POST', `/monitors/01NOPE/runs/${queued.id}/feedback`, { body: { verdict: 'correct' } });
    await api.expectRejected(404, 'POST', `/monitors/${monitorId}/runs/01NORUN/feedback`, { body: { verdict: 'correct' } });
    const conflict = await api.expectRejected(409, 'POST', `/monitors/${monitorId}/runs/${queued.id}/feedback`, { body: { verdict: 'correct' } });
    expect(conflict.error.message).toContain('still queued');
  });
});

describe('GET /monitors/{id}/feedback', () => {
  it('lists the history newest first, a page at a time', async () => {
    // Prepare
    const run = await finishedRun();
    api.clock.set('2026-11-21T11:00:00.000Z');
    const first = (await api.call('POST', `/monitors/${monitorId}/runs/${run.id}/feedback`, { body: { verdict: 'missed', note: 'the disk filled up' } })).body;
    api.clock.set('2026-11-21T11:05:00.000Z');
    const second = (await api.call('POST', `/monitors/${monitorId}/runs/${run.id}/feedback`, { body: { verdict: 'correct' } })).body;

    // Act
    const page = await api.call('GET', `/monitors/${monitorId}/feedback`, { query: { limit: '1' } });
    const next = await api.call('GET', `/monitors/${monitorId}/feedback`, { query: { limit: '1', next_token: page.body.next_token } });

    // Assess
    expect(page.body.items.map((item: { id: string }) => item.id)).toEqual([second.id]);
    expect(next.body.items.map((item: { id: string }) => item.id)).toEqual([first.id]);
    await api.expectRejected(404, 'GET', '/monitors/01NOPE/feedback');
    await api.expectRejected(400, 'GET', `/monitors/${monitorId}/feedback`, { query: { next_token: Buffer.from('{"pk":"x","sk":"y"}').toString('base64url') } });
  });
});

describe('GET /monitors/{id}/insights', () => {
  it('refuses days outside 1–90 with a 400 naming days', async () => {
    for (const days of ['0', '91', 'abc', '1e1']) {
      const error = await api.expectRejected(400, 'GET', `/monitors/${monitorId}/insights`, { query: { days } });
      expect(error.error.details[0].path).toBe('days');
    }
    await api.expectRejected(404, 'GET', '/monitors/01NOPE/insights');
  });

  it('counts the period runs, notifications and feedback, and suggests raising the falsely breached rule', async () => {
    // Act
    const response = await api.call('GET', `/monitors/${monitorId}/insights`, { query: { days: '7' } });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.days).toBe(7);
    expect(response.body.runs.by_status).toMatchObject({ alert: 5, open: 1 });
    expect(response.body.runs.per_day).toHaveLength(8);
    expect(response.body.feedback).toMatchObject({ false_positive: 2, missed: 1 });
    expect(response.body.suggestions).toContainEqual(
      expect.objectContaining({ kind: 'raise_min_count', label: 'ERRORS', pattern: 'timeout', current: 10, suggested: 13 }),
    );
  });
});
