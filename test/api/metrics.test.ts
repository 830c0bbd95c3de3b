import { beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, NO_USAGE_30D } from '../support/api.ts';

let api: ApiHarness;
let awsTarget: string;
let localTarget: string;
let metricsSource: string;
let logsSource: string;
beforeAll(async () => {
  api = await createApiHarness({ localMode: true });
  awsTarget = (await api.call('POST', '/targets', { body: { name: 'prod', type: 'aws_account', connection_config: { region: 'eu-west-1' } } })).body.id;
  localTarget = (await api.call('POST', '/targets', { body: { name: 'laptop', type: 'local' } })).body.id;
  metricsSource = (await api.call('POST', '/log-sources', { body: { target_id: awsTarget, name: 'metrics', mode: 'cloudwatch_metrics' } })).body.id;
  logsSource = (await api.call('POST', '/log-sources', {
    body: { target_id: awsTarget, name: 'orders', mode: 'cloudwatch_logs', config: { log_group_names: ['/ecs/orders'] } },
  })).body.id;
});

const connections = { id: 'conns', namespace: 'AWS/RDS', metric: 'DatabaseConnections', dimensions: { DBInstanceIdentifier: 'orders-db' }, stat: 'Maximum', period_seconds: 60 };
const monitor = (overrides: Record<string, unknown> = {}) => ({
  name: 'RDS connections',
  log_source_id: metricsSource,
  prompt: 'Watch the database connections.',
  inputs: [{ label: 'RDS', mode: 'metrics', lookback_minutes: 30, queries: [connections, { id: 'headroom', expression: '100 - conns', period_seconds: 60 }] }],
  metric_rules: [{ label: 'RDS', id: 'conns', op: '>', value: 80, datapoints: 3, severity: 'alert' }],
  ...overrides,
});

describe('cloudwatch_metrics sources', () => {
  it('creates one on an aws_account target with an empty config', async () => {
    const created = await api.call('GET', `/log-sources/${metricsSource}`);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ mode: 'cloudwatch_metrics', config: {}, target_id: awsTarget });
  });

  it.each([
    [{ target_id: 'LOCAL' }, 'target_id', 'a cloudwatch_metrics source needs an aws_account target; LOCAL is local'],
    [{ config: { namespace: 'AWS/RDS' } }, 'config.namespace', 'is not a known field'],
  ])('rejects %j naming %s (the table unchanged)', async (overrides, path, message) => {
    const body = JSON.parse(JSON.stringify({ target_id: awsTarget, name: 'm2', mode: 'cloudwatch_metrics', ...overrides }).replaceAll('LOCAL', localTarget));
    const error = await api.expectRejected(400, 'POST', '/log-sources', { body });
    expect(error.error.details).toContainEqual({ path, message: message.replace('LOCAL', localTarget) });
  });

  it('takes include_savings on a cost source and shows it back', async () => {
    const cost = await api.call('POST', '/log-sources', {
      body: { target_id: awsTarget, name: 'bill', mode: 'cost_explorer', config: { include_savings: true } },
    });
    expect(cost.status).toBe(201);
    expect(cost.body.config).toEqual({ metric: 'UnblendedCost', group_by: 'SERVICE', include_savings: true });
  });
});

describe('monitors with metrics inputs and metric_rules', () => {
  it('creates one and shows its queries and rules back', async () => {
    const response = await api.call('POST', '/monitors', { body: monitor() });

    expect(response.status).toBe(201);
    expect(response.body.inputs[0]).toEqual({
      label: 'RDS',
      mode: 'metrics',
      lookback_minutes: 30,
      queries: [connections, { id: 'headroom', expression: '100 - conns', period_seconds: 60 }],
    });
    expect(response.body.metric_rules).toEqual([{ label: 'RDS', id: 'conns', op: '>', value: 80, datapoints: 3, severity: 'alert' }]);
    expect((await api.call('GET', `/monitors/${response.body.id}`)).body).toEqual({ ...response.body, usage_30d: NO_USAGE_30D });
  });

  it('defaults datapoints to 1 and dimensions to none', async () => {
    const { namespace, metric, stat, period_seconds } = connections;
    const response = await api.call('POST', '/monitors', {
      body: monitor({
        inputs: [{ label: 'RDS', mode: 'metrics', queries: [{ id: 'conns', namespace, metric, stat, period_seconds }] }],
        metric_rules: [{ label: 'rds', id: 'conns', op: '>=', value: 1, severity: 'warn' }],
      }),
    });
    expect(response.status).toBe(201);
    expect(response.body.inputs[0].queries[0].dimensions).toEqual({});
    expect(response.body.metric_rules).toEqual([{ label: 'RDS', id: 'conns', op: '>=', value: 1, datapoints: 1, severity: 'warn' }]);
  });

  const query = (fields: Record<string, unknown>) => ({ inputs: [{ label: 'RDS', mode: 'metrics', queries: [{ ...connections, ...fields }] }], metric_rules: [] });
  it.each([
    [query({ id: 'Conns' }), 'inputs[0].queries[0].id', 'must match ^[a-z][a-zA-Z0-9_]*$ (a GetMetricData id)'],
    [query({ id: 'a-b' }), 'inputs[0].queries[0].id', 'must match ^[a-z][a-zA-Z0-9_]*$ (a GetMetricData id)'],
    [query({ period_seconds: 90 }), 'inputs[0].queries[0].period_seconds', 'must be 1, 5, 10, 30 or a multiple of 60'],
    [query({ stat: 'Mean' }), 'inputs[0].queries[0].stat', expect.stringMatching(/^must be a CloudWatch statistic/)],
    [query({ namespace: undefined }), 'inputs[0].queries[0].namespace', 'is required unless expression is set'],
    [query({ expression: 'conns * 2' }), 'inputs[0].queries[0].namespace', 'cannot be set together with expression'],
    [query({ label: 'x' }), 'inputs[0].queries[0].label', 'is not a known field'],
    [{ inputs: [{ label: 'RDS', mode: 'metrics', queries: [] }], metric_rules: [] }, 'inputs[0].queries', 'must have at least 1 item(s)'],
    [{ inputs: [{ label: 'RDS', mode: 'metrics', queries: Array.from({ length: 11 }, (_, i) => ({ ...connections, id: `q${i}` })) }], metric_rules: [] }, 'inputs[0].queries', 'must have at most 10 items'],
    [{ inputs: [{ label: 'RDS', mode: 'metrics', queries: [connections, connections] }], metric_rules: [] }, 'inputs[0].queries[1].id', 'repeats the id of queries[0]'],
    [{ metric_rules: [{ label: 'NOPE', id: 'conns', op: '>', value: 1, severity: 'alert' }] }, 'metric_rules[0].label', 'names no metrics input (metrics inputs: RDS)'],
    [{ metric_rules: [{ label: 'RDS', id: 'cpu', op: '>', value: 1, severity: 'alert' }] }, 'metric_rules[0].id', 'names no query of input RDS (ids: conns, headroom)'],
    [{ metric_rules: [{ label: 'RDS', id: 'conns', op: '!=', value: 1, severity: 'alert' }] }, 'metric_rules[0].op', 'must be one of ">", ">=", "<", "<="'],
    [{ metric_rules: [{ label: 'RDS', id: 'conns', op: '>', value: 1, datapoints: 0, severity: 'alert' }] }, 'metric_rules[0].datapoints', 'must be at least 1'],
    [{ metric_rules: [{ label: 'RDS', id: 'conns', op: '>', value: '1', severity: 'alert' }] }, 'metric_rules[0].value', 'must be a number'],
    [{ inputs: [{ label: 'RDS', mode: 'metrics', log_source_id: 'LOGS', queries: [connections] }], metric_rules: [] }, 'inputs[0].mode', 'a cloudwatch_logs source takes filter or insights inputs, not metrics'],
    [{ inputs: [{ label: 'A', mode: 'filter' }], metric_rules: [] }, 'inputs[0].mode', 'a cloudwatch_metrics source takes metrics inputs, not filter'],
  ])('rejects %j naming %s (the table unchanged)', async (overrides, path, message) => {
    const body = JSON.parse(JSON.stringify(monitor(overrides)).replaceAll('"LOGS"', JSON.stringify(logsSource)));
    const error = await api.expectRejected(400, 'POST', '/monitors', { body });
    expect(error.error.details).toContainEqual({ path, message });
  });
});
