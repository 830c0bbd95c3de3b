import { beforeAll, describe, expect, it } from 'vitest';
import { nextSlotAfter } from '#domain/scheduling/schedule.ts';
import { createApiHarness, type ApiHarness, NO_USAGE_30D } from '../support/api.ts';

let api: ApiHarness;
let cwSource: string;
let costSource: string;
beforeAll(async () => {
  api = await createApiHarness();
  const target = (await api.call('POST', '/targets', { body: { name: 'prod', type: 'aws_account' } })).body.id;
  cwSource = (await api.call('POST', '/log-sources', {
    body: { target_id: target, name: 'orders', mode: 'cloudwatch_logs', config: { log_group_names: ['/ecs/orders'] } },
  })).body.id;
  costSource = (await api.call('POST', '/log-sources', { body: { target_id: target, name: 'bill', mode: 'cost_explorer' } })).body.id;
});

const monitor = (overrides: Record<string, unknown> = {}) => ({
  name: 'BTC bot anomaly detector',
  log_source_id: cwSource,
  interval_seconds: 300,
  prompt: 'You are monitoring a crypto trading bot. Look for errors, stuck loops, abnormal fills and API failures.',
  inputs: [
    { label: 'FULL_LOGS', mode: 'filter', filter_pattern: '', lookback_minutes: 5 },
    { label: 'ERRORS', mode: 'filter', filter_pattern: '?ERROR ?Exception' },
    { label: 'LATENCY', mode: 'insights', query: 'stats avg(duration) by bin(1m)', log_source_id: cwSource },
  ],
  rules: [{ label: 'ERRORS', pattern: 'ERROR|Exception', min_count: 10, severity: 'alert' }],
  window_config: { max_lines: 500, max_chars: 8000 },
  notification_config: { email_recipients: ['ops@example.com'], sms_numbers: ['+15555550100'], notify_on: 'alert_only', cooldown_minutes: 60 },
  ...overrides,
});

describe('POST /monitors', () => {
  it('creates the API.md example with defaults, the next slot and no last run', async () => {
    const response = await api.call('POST', '/monitors', { body: monitor() });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      enabled: true,
      window_config: { max_lines: 500, max_chars: 8000, mode: 'templates' },
      model: {},
      next_run_at: nextSlotAfter(new Date('2026-11-21T10:00:00.000Z'), 300, response.body.id).toISOString(),
      last_run: null,
    });
    expect(response.body.inputs[1]).toEqual({ label: 'ERRORS', mode: 'filter', filter_pattern: '?ERROR ?Exception' });
    expect((await api.call('GET', `/monitors/${response.body.id}`)).body).toEqual({ ...response.body, usage_30d: NO_USAGE_30D });
  });

  it('takes an expect_at_least rule and no_data_status, shows them back and defaults no_data_status to ok', async () => {
    const silent = monitor({
      rules: [{ label: 'FULL_LOGS', pattern: 'heartbeat', expect_at_least: 3, severity: 'warn' }],
      no_data_status: 'alert',
    });

    const created = await api.call('POST', '/monitors', { body: silent });
    const plain = await api.call('POST', '/monitors', { body: monitor() });
    const patched = await api.call('PUT', `/monitors/${created.body.id}`, { body: { no_data_status: 'warn' } });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      rules: [{ label: 'FULL_LOGS', pattern: 'heartbeat', expect_at_least: 3, severity: 'warn' }],
      no_data_status: 'alert',
    });
    expect(created.body.rules[0]).not.toHaveProperty('min_count');
    expect(plain.body).toMatchObject({ rules: [{ min_count: 10 }], no_data_status: 'ok' });
    expect(plain.body.rules[0]).not.toHaveProperty('expect_at_least');
    expect(patched.body).toMatchObject({ no_data_status: 'warn', rules: [{ expect_at_least: 3 }] });
    expect((await api.call('GET', `/monitors/${created.body.id}`)).body).toEqual({ ...patched.body, usage_30d: NO_USAGE_30D });
  });

  it('switches a rule from min_count to expect_at_least with a PUT of the rules', async () => {
    const created = (await api.call('POST', '/monitors', { body: monitor() })).body;

    const switched = await api.call('PUT', `/monitors/${created.id}`, {
      body: { rules: [{ label: 'ERRORS', pattern: 'ERROR|Exception', expect_at_least: 1, severity: 'warn' }] },
    });

    expect(switched.status).toBe(200);
    expect(switched.body.rules).toEqual([{ label: 'ERRORS', pattern: 'ERROR|Exception', expect_at_least: 1, severity: 'warn' }]);
  });

  it.each([
    [{ log_source_id: '01GONE' }, 'log_source_id', 'log source 01GONE does not exist'],
    [{ interval_seconds: 59 }, 'interval_seconds', 'must be at least 60'],
    [{ interval_seconds: 86401 }, 'interval_seconds', 'must be at most 86400'],
    [{ interval_seconds: 90.5 }, 'interval_seconds', 'must be an int'],
    [{ prompt: '' }, 'prompt', 'must be at least 1 character(s)'],
    [{ prompt: 'x'.repeat(8001) }, 'prompt', 'must be at most 8000 characters'],
    [{ inputs: [] }, 'inputs', 'must have at least 1 item(s)'],
    [{ inputs: Array.from({ length: 11 }, (_, i) => ({ label: `L${i}`, mode: 'filter' })) }, 'inputs', 'must have at most 10 items'],
    [{ inputs: [{ label: 'bad label', mode: 'filter' }] }, 'inputs[0].label', 'must be 1–64 of A-Z a-z 0-9 _ -'],
    [{ inputs: [{ label: 'A', mode: 'filter' }, { label: 'a', mode: 'filter' }] }, 'inputs[1].label', 'repeats the label of inputs[0]'],
    [{ inputs: [{ label: 'A', mode: 'grep' }] }, 'inputs[0].mode', 'must be one of "filter", "insights", "cost", "tail", "metrics"'],
    [{ inputs: [{ label: 'A', mode: 'insights' }] }, 'inputs[0].query', 'is required'],
    [{ inputs: [{ label: 'A', mode: 'filter', query: 'x' }] }, 'inputs[0].query', 'is not a known field'],
    [{ inputs: [{ label: 'A', mode: 'cost' }], rules: [] }, 'inputs[0].mode', 'a cloudwatch_logs source takes filter or insights inputs, not cost'],
    [{ inputs: [{ label: 'A', mode: 'filter', log_source_id: 'COST' }], rules: [] }, 'inputs[0].mode', 'a cost_explorer source takes cost inputs, not filter'],
    [{ inputs: [{ label: 'A', mode: 'filter', log_source_id: '01NOWHERE' }], rules: [] }, 'inputs[0].log_source_id', 'log source 01NOWHERE does not exist'],
    [{ inputs: [{ label: 'A', mode: 'filter', lookback_minutes: 10081 }] }, 'inputs[0].lookback_minutes', 'must be at most 10080'],
    [{ rules: [{ label: 'NOPE', pattern: 'x', min_count: 1, severity: 'alert' }] }, 'rules[0].label', 'names no input (labels: FULL_LOGS, ERRORS, LATENCY)'],
    [{ rules: [{ label: 'ERRORS', pattern: '(unclosed', min_count: 1, severity: 'alert' }] }, 'rules[0].pattern', 'must be a valid regular expression in RE2 syntax (no lookaround or backreferences): missing closing ): `(unclosed`'],
    [{ rules: [{ label: 'ERRORS', pattern: '(?<=order )timeout', min_count: 1, severity: 'alert' }] }, 'rules[0].pattern', expect.stringMatching(/^must be a valid regular expression in RE2 syntax/)],
    [{ rules: [{ label: 'ERRORS', pattern: 'x', min_count: 0, severity: 'alert' }] }, 'rules[0].min_count', 'must be at least 1'],
    [{ rules: [{ label: 'ERRORS', pattern: 'x', min_count: 1, severity: 'critical' }] }, 'rules[0].severity', 'must be one of "warn", "alert"'],
    [{ rules: [{ label: 'ERRORS', pattern: 'x', min_count: 1, expect_at_least: 1, severity: 'alert' }] }, 'rules[0].expect_at_least', 'cannot be set together with min_count; a rule has exactly one of them'],
    [{ rules: [{ label: 'ERRORS', pattern: 'x', severity: 'alert' }] }, 'rules[0].min_count', 'is required unless expect_at_least is set; a rule has exactly one of them'],
    [{ rules: [{ label: 'ERRORS', pattern: 'x', expect_at_least: 0, severity: 'alert' }] }, 'rules[0].expect_at_least', 'must be at least 1'],
    [{ rules: [{ label: 'ERRORS', pattern: 'x', expect_at_least: 1.5, severity: 'alert' }] }, 'rules[0].expect_at_least', 'must be an int'],
    [{ no_data_status: 'error' }, 'no_data_status', 'must be one of "ok", "warn", "alert"'],
    [{ window_config: { max_lines: 0 } }, 'window_config.max_lines', 'must be at least 1'],
    [{ window_config: { max_chars: 200001 } }, 'window_config.max_chars', 'must be at most 200000'],
    [{ notification_config: { email_recipients: ['not-an-email'] } }, 'notification_config.email_recipients[0]', 'must be an email address'],
    [{ notification_config: { sms_numbers: ['555-0100'] } }, 'notification_config.sms_numbers[0]', 'must be an E.164 phone number like +15555550100'],
    [{ notification_config: { notify_on: 'sometimes' } }, 'notification_config.notify_on', 'must be one of "alert_only", "warn_and_alert", "all"'],
    [{ judge_when: 'sometimes' }, 'judge_when', 'must be one of "always", "unusual"'],
    [{ judge_when: 'unusual', window_config: { mode: 'raw' } }, 'judge_when', 'unusual needs window_config.mode templates (the baseline compares templates)'],
    [{ cost_rules: [{ kind: 'monthly_budget', amount: 100 }] }, 'cost_rules[0].label', 'needs a cost input: the monitor has no input with mode cost'],
    [{ inputs: [{ label: 'FULL_LOGS', mode: 'filter' }, { label: 'ERRORS', mode: 'filter' }, { label: 'PROD', mode: 'cost', log_source_id: 'COST' }, { label: 'DEV', mode: 'cost', log_source_id: 'COST' }], cost_rules: [{ kind: 'daily_threshold', amount: 5 }] }, 'cost_rules[0].label', 'is required when the monitor has more than one cost input (PROD, DEV)'],
    [{ inputs: [{ label: 'FULL_LOGS', mode: 'filter' }, { label: 'ERRORS', mode: 'filter' }, { label: 'PROD', mode: 'cost', log_source_id: 'COST' }, { label: 'DEV', mode: 'cost', log_source_id: 'COST' }], cost_rules: [{ kind: 'daily_threshold', amount: 5, label: 'ERRORS' }] }, 'cost_rules[0].label', 'names no cost input (cost inputs: PROD, DEV)'],
    [{ inputs: [{ label: 'ERRORS', mode: 'filter' }, { label: 'BUDGET', mode: 'cost', log_source_id: 'COST' }], cost_rules: [{ kind: 'daily_threshold', amount: 0 }] }, 'cost_rules[0].amount', 'must be greater than 0'],
    [{ inputs: [{ label: 'ERRORS', mode: 'filter' }, { label: 'BUDGET', mode: 'cost', log_source_id: 'COST' }], cost_rules: [{ kind: 'monthly_budget', amount: 100, alert_percentages: [80, 80] }] }, 'cost_rules[0].alert_percentages', 'must not repeat a percentage'],
    [{ inputs: [{ label: 'ERRORS', mode: 'filter' }, { label: 'BUDGET', mode: 'cost', log_source_id: 'COST' }], cost_rules: [{ kind: 'anomaly', lookback_days: 40 }] }, 'cost_rules[0].lookback_days', 'must be at most 30'],
    [{ inputs: [{ label: 'ERRORS', mode: 'filter' }, { label: 'BUDGET', mode: 'cost', log_source_id: 'COST' }], cost_rules: [{ kind: 'aws_anomaly' }] }, 'cost_rules[0].min_impact', 'is required'],
    [{ inputs: [{ label: 'ERRORS', mode: 'filter' }, { label: 'BUDGET', mode: 'cost', log_source_id: 'COST' }], cost_rules: [{ kind: 'monthly_budget', amount: 1, unit: 'US Dollars' }] }, 'cost_rules[0].unit', 'must be a unit like USD'],
    [{ inputs: [{ label: 'ERRORS', mode: 'filter' }, { label: 'BUDGET', mode: 'cost', log_source_id: 'COST' }], cost_rules: [{ kind: 'daily_threshold', amount: 5, colour: 'red' }] }, 'cost_rules[0].colour', expect.any(String)],
    [{ inputs: [{ label: 'ERRORS', mode: 'filter' }, { label: 'BUDGET', mode: 'cost', log_source_id: 'COST' }], cost_rules: [{ kind: 'weekly_budget', amount: 5 }] }, 'cost_rules[0].kind', expect.any(String)],
    [{ inputs: [{ label: 'ERRORS', mode: 'filter' }, { label: 'BUDGET', mode: 'cost', log_source_id: 'COST' }], digest: { hour_utc: 24 } }, 'digest.hour_utc', 'must be at most 23'],
    [{ digest: { hour_utc: 8 } }, 'digest', 'needs a cost input: the digest reports the snapshot a cost input reads'],
  ])('rejects %j naming %s', async (overrides, path, message) => {
    const body = JSON.parse(JSON.stringify(monitor(overrides)).replaceAll('"COST"', JSON.stringify(costSource)));
    const error = await api.expectRejected(400, 'POST', '/monitors', { body });
    expect(error.error.code).toBe('validation_error');
    expect(error.error.details).toContainEqual({ path, message });
  });
});

describe('cost rules and the digest', () => {
  it('takes cost rules with their defaults and a digest, shows them back, and a PUT removes the digest', async () => {
    // Prepare
    const body = JSON.parse(
      JSON.stringify(
        monitor({
          inputs: [{ label: 'BUDGET', mode: 'cost', log_source_id: 'COST' }],
          rules: [],
          cost_rules: [
            { kind: 'daily_threshold', amount: 5 },
            { kind: 'monthly_budget', amount: 150, label: 'budget' },
            { kind: 'anomaly' },
            { kind: 'aws_anomaly', min_impact: 10, unit: 'EUR' },
          ],
          digest: { hour_utc: 8 },
        }),
      ).replaceAll('"COST"', JSON.stringify(costSource)),
    );

    // Act
    const created = await api.call('POST', '/monitors', { body });
    const updated = await api.call('PUT', `/monitors/${created.body.id}`, { body: { digest: null } });

    // Assess
    expect(created.status).toBe(201);
    expect(created.body.cost_rules).toEqual([
      { kind: 'daily_threshold', unit: 'USD', amount: 5, severity: 'alert' },
      { kind: 'monthly_budget', label: 'BUDGET', unit: 'USD', amount: 150, alert_percentages: [50, 80, 100] },
      { kind: 'anomaly', unit: 'USD', z_score: 3, min_delta: 5, lookback_days: 14 },
      { kind: 'aws_anomaly', unit: 'EUR', min_impact: 10 },
    ]);
    expect(created.body.digest).toEqual({ hour_utc: 8 });
    expect((await api.call('GET', `/monitors/${created.body.id}`)).body.cost_rules).toEqual(created.body.cost_rules);
    expect(updated.status).toBe(200);
    expect(updated.body.digest).toBeNull();
    expect(updated.body.cost_rules).toEqual(created.body.cost_rules);
  });
});

describe('updating monitors', () => {
  it('merges nested settings, recomputes next_run_at when the interval changes, and leaves the due index when disabled', async () => {
    const created = (await api.call('POST', '/monitors', { body: monitor() })).body;
    api.clock.set('2026-11-21T10:02:30.000Z');

    const faster = await api.call('PUT', `/monitors/${created.id}`, {
      body: { interval_seconds: 60, notification_config: { cooldown_minutes: 5 } },
    });
    expect(faster.body.next_run_at).toBe(nextSlotAfter(new Date('2026-11-21T10:02:30.000Z'), 60, created.id).toISOString());
    expect(faster.body.notification_config).toEqual({ ...created.notification_config, cooldown_minutes: 5 });

    const disabled = await api.call('PUT', `/monitors/${created.id}`, { body: { enabled: false } });
    expect(disabled.body.next_run_at).toBeNull();
    const due = await api.ctx.schedule.listDue(new Date('2027-01-01T00:00:00Z'), { limit: 100 });
    expect(due.items.map((d) => d.monitorId)).not.toContain(created.id);

    api.clock.set('2026-11-21T10:10:10.000Z');
    const enabled = await api.call('PUT', `/monitors/${created.id}`, { body: { enabled: true } });
    expect(enabled.body.next_run_at).toBe(nextSlotAfter(new Date('2026-11-21T10:10:10.000Z'), 60, created.id).toISOString());
    api.clock.set('2026-11-21T10:00:00.000Z');
  });

  it('lists monitors by any log source they reference, and moves references on update', async () => {
    const fresh = await createApiHarness();
    const t = (await fresh.call('POST', '/targets', { body: { name: 'p', type: 'aws_account' } })).body.id;
    const cw = (conf: string) => ({ target_id: t, name: conf, mode: 'cloudwatch_logs', config: { log_group_names: [conf] } });
    const a = (await fresh.call('POST', '/log-sources', { body: cw('/a') })).body.id;
    const b = (await fresh.call('POST', '/log-sources', { body: cw('/b') })).body.id;
    const m = (await fresh.call('POST', '/monitors', {
      body: { name: 'm', log_source_id: a, prompt: 'p', inputs: [{ label: 'X', mode: 'filter', log_source_id: b }] },
    })).body;

    const ids = async (source: string) =>
      (await fresh.call('GET', '/monitors', { query: { log_source_id: source } })).body.items.map((x: { id: string }) => x.id);
    expect(await ids(a)).toEqual([m.id]);
    expect(await ids(b)).toEqual([m.id]);

    await fresh.call('PUT', `/monitors/${m.id}`, { body: { inputs: [{ label: 'X', mode: 'filter' }] } });
    expect(await ids(b)).toEqual([]);
    expect((await fresh.call('DELETE', `/log-sources/${b}`)).status).toBe(204);
    await fresh.expectRejected(409, 'DELETE', `/log-sources/${a}`);
  });

  it('answers 404 for an unknown monitor and rejects invalid updates without change', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) await api.expectRejected(404, method, '/monitors/01NOPE', { body: { name: 'x' } });
    const created = (await api.call('POST', '/monitors', { body: monitor() })).body;
    const error = await api.expectRejected(400, 'PUT', `/monitors/${created.id}`, { body: { rules: [{ label: 'ERRORS' }] } });
    expect(error.error.details).toEqual([
      { path: 'rules[0].pattern', message: 'is required' },
      { path: 'rules[0].severity', message: 'is required' },
      { path: 'rules[0].min_count', message: 'is required unless expect_at_least is set; a rule has exactly one of them' },
    ]);
  });
});

describe('judge_when', () => {
  it('defaults to always, keeps unusual across reads and updates, and refuses raw mode with it', async () => {
    const created = (await api.call('POST', '/monitors', { body: monitor() })).body;
    const unusual = await api.call('PUT', `/monitors/${created.id}`, { body: { judge_when: 'unusual' } });
    const renamed = await api.call('PUT', `/monitors/${created.id}`, { body: { name: 'renamed' } });
    const raw = await api.expectRejected(400, 'PUT', `/monitors/${created.id}`, { body: { window_config: { mode: 'raw' } } });

    expect(created.judge_when).toBe('always');
    expect(unusual.body.judge_when).toBe('unusual');
    expect(renamed.body.judge_when).toBe('unusual');
    expect((await api.call('GET', `/monitors/${created.id}`)).body.judge_when).toBe('unusual');
    expect(raw.error.details).toEqual([{ path: 'judge_when', message: 'unusual needs window_config.mode templates (the baseline compares templates)' }]);
  });
});

describe('model ids', () => {
  it('refuses a model the deployment may not invoke, on create and on update, and accepts an allowed one', async () => {
    const limited = await createApiHarness({ allowedModelIds: ['global.anthropic.claude-haiku-4-5-20251001-v1:0', 'amazon.nova-micro-v1:0'] });
    const t = (await limited.call('POST', '/targets', { body: { name: 'p', type: 'aws_account' } })).body.id;
    const s = (await limited.call('POST', '/log-sources', {
      body: { target_id: t, name: 's', mode: 'cloudwatch_logs', config: { log_group_names: ['/a'] } },
    })).body.id;
    const body = { name: 'm', log_source_id: s, prompt: 'p', inputs: [{ label: 'X', mode: 'filter' }] };

    const refused = await limited.expectRejected(400, 'POST', '/monitors', { body: { ...body, model: { model_id: 'anthropic.claude-opus-4-1' } } });
    const created = await limited.call('POST', '/monitors', { body: { ...body, model: { model_id: 'amazon.nova-micro-v1:0' } } });
    const refusedUpdate = await limited.expectRejected(400, 'PUT', `/monitors/${created.body.id}`, { body: { model: { model_id: 'meta.llama3-70b' } } });

    expect(refused.error.details).toEqual([
      {
        path: 'model.model_id',
        message:
          'is not one this deployment may invoke (allowedModelIds: global.anthropic.claude-haiku-4-5-20251001-v1:0, amazon.nova-micro-v1:0); add it to the stack setting first',
      },
    ]);
    expect(created.status).toBe(201);
    expect(refusedUpdate.error.details[0].path).toBe('model.model_id');
  });
});
