/**
 * Local mode reading CloudWatch metrics from moto_server, reached only through the SDK's
 * endpoint resolution (`AWS_ENDPOINT_URL_CLOUDWATCH`): a `metrics` input reads its series with
 * GetMetricData and a metric rule, computed in code, makes the run `alert` (rules-only judge).
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalHarness } from '../support/local-harness.ts';
import { setEnvironment, startMoto, type Moto } from '../support/moto.ts';

describe('local mode with CloudWatch metrics behind moto_server', () => {
  let moto: Moto;
  let restoreEnvironment: () => void;
  const local = new LocalHarness('metrics');
  const call = (method: string, path: string, body?: unknown) => local.call(method, path, body);

  beforeAll(async () => {
    moto = await startMoto();
    restoreEnvironment = setEnvironment({
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_CLOUDWATCH: moto.endpoint,
    });
    // The monitored database: connections climbing past 80 over the last five minutes.
    const now = Date.now();
    await new CloudWatchClient({}).send(
      new PutMetricDataCommand({
        Namespace: 'AWS/RDS',
        MetricData: [10, 20, 85, 90, 95].map((value, i) => ({
          MetricName: 'DatabaseConnections',
          Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'orders-db' }],
          Timestamp: new Date(now - (5 - i) * 60_000),
          Value: value,
        })),
      }),
    );
    // VIGIL_AWS=off: rules-only judge and the outbox; sources on aws_account targets are still read.
    await local.start({ now: () => new Date() }, { AWS_REGION: 'us-east-1' });
  }, 120_000);

  afterAll(async () => {
    await local.stop();
    await moto?.stop();
    restoreEnvironment?.();
  });

  it('tests the source with ListMetrics, reads the series and breaches the metric rule', async () => {
    const target = (await call('POST', '/targets', { name: 'emulated', type: 'aws_account', connection_config: { region: 'us-east-1' } })).body;
    const source = (await call('POST', '/log-sources', { target_id: target.id, name: 'metrics', mode: 'cloudwatch_metrics' })).body;
    const test = await call('POST', `/log-sources/${source.id}/test`);
    expect(test.body).toMatchObject({ ok: true, line_count: 1, sample: ['AWS/RDS DatabaseConnections DBInstanceIdentifier=orders-db'] });

    const monitor = await call('POST', '/monitors', {
      name: 'orders-db connections',
      log_source_id: source.id,
      prompt: 'Watch the database connections.',
      inputs: [
        {
          label: 'RDS',
          mode: 'metrics',
          lookback_minutes: 15,
          queries: [{ id: 'conns', namespace: 'AWS/RDS', metric: 'DatabaseConnections', dimensions: { DBInstanceIdentifier: 'orders-db' }, stat: 'Maximum', period_seconds: 60 }],
        },
      ],
      metric_rules: [
        { label: 'RDS', id: 'conns', op: '>', value: 80, datapoints: 3, severity: 'alert' },
        { label: 'RDS', id: 'conns', op: '>', value: 80, datapoints: 4, severity: 'warn' },
      ],
    });
    expect(monitor.status).toBe(201);

    const run = await local.runOnce(monitor.body.id);

    expect(run.status).toBe('alert');
    expect(run.inputs.RDS).toMatchObject({ lines: 1, error: null });
    expect(run.payload).toContain('conns (AWS/RDS DatabaseConnections DBInstanceIdentifier=orders-db Maximum 60s): last 95');
    expect(run.payload).toContain('min 10 max 95 avg 60 over 5 points');
    expect(run.rules).toEqual([
      expect.objectContaining({ kind: 'metric', id: 'conns', op: '>', value: 80, datapoints: 3, count: 3, actual: 95, breached: true, severity: 'alert', detail: 'last 3: 85, 90, 95' }),
      expect.objectContaining({ kind: 'metric', datapoints: 4, count: 3, breached: false, detail: 'last 4: 20, 85, 90, 95' }),
    ]);
    expect(run.judge.kind).toBe('rules');
    expect(run.findings).toEqual([
      expect.objectContaining({ severity: 'alert', label: 'RDS', evidence: [expect.stringContaining('conns (AWS/RDS DatabaseConnections')] }),
    ]);
  });
});
