import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { DynamoCostSnapshotRepository } from '#adapters/dynamo/cost-snapshot-repository.ts';
import { documentClient } from '#composition/table.ts';
import type { CostSnapshot, DailyCost } from '#domain/collect/types.ts';
import { localDynamoClient } from '../../local/dynamo-local.ts';
import { LocalHarness } from '../support/local-harness.ts';
import { aSnapshot } from '../unit/collect/fakes.ts';

// Cost rules and the cost digest through local mode without credentials (rules-only judge, the
// outbox): the snapshot is written to the table as the collector would, so runs read it and
// nothing calls Cost Explorer.
const local = new LocalHarness('cost');
const tableName = `vigil-cost-${process.pid}-${Date.now()}`;
const dynamo = localDynamoClient(inject('dynamoEndpoint'));
const snapshots = new DynamoCostSnapshotRepository(documentClient(dynamo), tableName);
let now = '2026-11-21T10:00:10.000Z';
const clock = { now: () => new Date(now) };
const call = (method: string, path: string, body?: unknown) => local.call(method, path, body);

/** November so far at 6 USD a day (the 21st partial), EC2 and S3, with a forecast and its interval. */
function snapshotOf(logSourceId: string): CostSnapshot {
  const daily: DailyCost[] = [];
  for (let d = 1; d <= 21; d += 1) {
    const day = `2026-11-${String(d).padStart(2, '0')}`;
    daily.push({ day, group: 'Amazon EC2', amount: 5 }, { day, group: 'Amazon S3', amount: 1 });
  }
  return aSnapshot(logSourceId, {
    estimatedFrom: null,
    daily,
    monthToDate: [
      { group: 'Amazon EC2', amount: 105 },
      { group: 'Amazon S3', amount: 21 },
    ],
    forecast: { start: '2026-11-21', end: '2026-12-01', amount: 60, lower: 50, upper: 75 },
    anomalies: [],
  });
}

// Local mode's DynamoDB client resolves AWS_ENDPOINT_URL_DYNAMODB, the region and the (dummy)
// credentials from the environment itself, so they are stubbed for this file's process.
const ENVIRONMENT = {
  AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};

beforeAll(async () => {
  for (const [name, value] of Object.entries(ENVIRONMENT)) vi.stubEnv(name, value);
  await local.start(clock, { VIGIL_TABLE_NAME: tableName, ...ENVIRONMENT });
}, 120_000);

afterAll(async () => {
  await local.stop();
  dynamo.destroy();
  vi.unstubAllEnvs();
}, 60_000);

describe('local mode: cost rules and the digest', () => {
  let sourceId: string;

  beforeAll(async () => {
    const target = (await call('POST', '/targets', { name: 'billing', type: 'aws_account', connection_config: { region: 'us-east-1' } })).body.id;
    const source = await call('POST', '/log-sources', { target_id: target, name: 'bill', mode: 'cost_explorer', config: { group_by: 'SERVICE' } });
    expect(source.status).toBe(201);
    sourceId = source.body.id;
    await snapshots.save(snapshotOf(sourceId));
  });

  it('ends a run whose budget is crossed as alert with the figures in rules, judged by the rules alone', async () => {
    // Prepare
    const monitor = await call('POST', '/monitors', {
      name: 'AWS bill',
      log_source_id: sourceId,
      prompt: 'Watch the AWS bill.',
      inputs: [{ label: 'BUDGET', mode: 'cost' }],
      cost_rules: [
        { kind: 'monthly_budget', amount: 120 },
        { kind: 'daily_threshold', amount: 10, group: 'Amazon EC2' },
      ],
    });
    expect(monitor.status).toBe(201);
    expect(monitor.body.cost_rules).toEqual([
      { kind: 'monthly_budget', unit: 'USD', amount: 120, alert_percentages: [50, 80, 100] },
      { kind: 'daily_threshold', unit: 'USD', amount: 10, group: 'Amazon EC2', severity: 'alert' },
    ]);

    // Act
    const run = await local.runOnce(monitor.body.id);

    // Assess: 126 of 120 month to date is past 100%
    expect(run).toMatchObject({ status: 'alert', judge: { kind: 'rules' } });
    expect(run.rules).toEqual([
      {
        label: 'BUDGET',
        kind: 'monthly_budget',
        severity: 'alert',
        breached: true,
        actual: 126,
        threshold: 120,
        percent: 100,
        day: '2026-11-21',
        basis: 'actual',
        unit: 'USD',
        detail:
          'month-to-date since 2026-11-01 126.00 USD (105% of 120.00 USD); forecast month total 180.00 USD (150%); 80% interval 170.00 USD–195.00 USD: the budget is below it; actual crossed 100%',
      },
      {
        label: 'BUDGET',
        kind: 'daily_threshold',
        severity: 'alert',
        breached: false,
        actual: 5,
        threshold: 10,
        percent: 50,
        day: '2026-11-20',
        group: 'Amazon EC2',
        basis: 'actual',
        unit: 'USD',
        detail: '2026-11-20 Amazon EC2 5.00 USD is within 10.00 USD',
      },
    ]);
    expect(run.summary).toContain('BUDGET monthly_budget: month-to-date since 2026-11-01 126.00 USD');
  });

  it('makes a rule in another currency than the snapshot an error run that says so', async () => {
    // Prepare
    const monitor = (await call('POST', '/monitors', {
      name: 'bill in euros',
      log_source_id: sourceId,
      prompt: 'Watch the AWS bill.',
      inputs: [{ label: 'BUDGET', mode: 'cost' }],
      cost_rules: [{ kind: 'monthly_budget', amount: 120, unit: 'EUR' }],
    })).body;

    // Act
    const run = await local.runOnce(monitor.id);

    // Assess
    expect(run).toMatchObject({
      status: 'error',
      error: "cost_rules[0] (monthly_budget) is in EUR but the snapshot of BUDGET is in USD; set the rule's unit to USD or use a source in EUR",
    });
  });

  it('records the daily digest as a digest run once its hour has come, and its email lands in the outbox', async () => {
    // Prepare: a digest at 10:00 UTC, the monitor's first slot within the minute
    const monitor = (await call('POST', '/monitors', {
      name: 'daily bill',
      log_source_id: sourceId,
      prompt: 'Watch the AWS bill.',
      interval_seconds: 60,
      inputs: [{ label: 'BUDGET', mode: 'cost' }],
      cost_rules: [{ kind: 'monthly_budget', amount: 200 }],
      digest: { hour_utc: 10 },
      notification_config: { email_recipients: ['finance@example.com'], notify_on: 'alert_only' },
    })).body;
    expect(monitor.digest).toEqual({ hour_utc: 10 });

    // Act: two ticks past the slot, then the queue drains
    now = '2026-11-21T10:01:15.000Z';
    await local.tick();
    now = '2026-11-21T10:02:20.000Z';
    await local.tick();

    // Assess
    const runs = (await call('GET', `/monitors/${monitor.id}/runs`)).body.items as Array<Record<string, unknown>>;
    const digests = runs.filter((run) => run.trigger === 'digest');
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({
      status: 'ok',
      scheduled_for: '2026-11-21T10:00:00.000Z',
      summary: 'Cost digest: 126.00 USD month to date (63% of budget).',
      notifications: [
        { channel: 'email', target: 'finance@example.com', status: 'outbox' },
        { channel: 'topic', target: 'vigil-alerts', status: 'outbox' },
      ],
    });
    const emails = readdirSync(join(local.dataDir, 'outbox')).filter((file) => file.includes(String(digests[0]?.id)) && file.endsWith('.eml'));
    expect(emails).toHaveLength(1);
    const eml = readFileSync(join(local.dataDir, 'outbox', emails[0] as string), 'utf8');
    expect(eml).toContain('Cost digest: daily bill');
    expect(eml).toContain('Month to date (since 2026-11-01): 126.00 USD');
    const topic = readdirSync(join(local.dataDir, 'outbox')).filter((file) => file.includes(String(digests[0]?.id)) && file.includes('_topic_'));
    expect(JSON.parse(readFileSync(join(local.dataDir, 'outbox', topic[0] as string), 'utf8')).attributes).toMatchObject({ kind: 'digest' });
    // The scheduled runs of the same slots are ordinary runs, not digests.
    expect(runs.some((run) => run.trigger === 'schedule')).toBe(true);
  });
});
