/**
 * Every example monitor in examples/monitors is POSTed to local mode in the documented order
 * (target, source, then the monitor with the source's id substituted), so the examples cannot
 * drift from the API.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalHarness } from '../support/local-harness.ts';

const EXAMPLES = join(import.meta.dirname, '../../examples/monitors');

describe('example monitors', () => {
  const local = new LocalHarness('examples');
  const call = (method: string, path: string, body?: unknown) => local.call(method, path, body);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await local.start({ now: () => new Date() });
    // The documented order: a target, its sources, then the monitors that name them.
    const target = (await call('POST', '/targets', { name: 'prod', type: 'aws_account', connection_config: { region: 'eu-west-1' } })).body;
    ids['<COST_SOURCE_ID>'] = (await call('POST', '/log-sources', { target_id: target.id, name: 'bill', mode: 'cost_explorer', config: { include_savings: true } })).body.id;
    ids['<METRICS_SOURCE_ID>'] = (await call('POST', '/log-sources', { target_id: target.id, name: 'metrics', mode: 'cloudwatch_metrics' })).body.id;
    const laptop = (await call('POST', '/targets', { name: 'laptop', type: 'local' })).body;
    writeFileSync(join(local.logDir, 'app.log'), 'INFO started\n');
    ids['<FILE_SOURCE_ID>'] = (await call('POST', '/log-sources', { target_id: laptop.id, name: 'app log', mode: 'file', config: { path: join(local.logDir, 'app.log') } })).body.id;
  }, 120_000);

  afterAll(async () => {
    await local.stop();
  });

  it('has the documented examples', () => {
    expect(readdirSync(EXAMPLES).sort()).toEqual(['app-errors-weekdays.json', 'cost-anomaly.json', 'lambda-errors.json', 'monthly-budget.json', 'rds-connections.json']);
  });

  it.each(readdirSync(EXAMPLES).sort())('%s is accepted as it stands once its source id is filled in', async (file) => {
    let text = readFileSync(join(EXAMPLES, file), 'utf8');
    for (const [placeholder, id] of Object.entries(ids)) text = text.replaceAll(placeholder, id);
    expect(text).not.toMatch(/<[A-Z_]+>/);
    const example = JSON.parse(text) as Record<string, unknown>;

    const created = await call('POST', '/monitors', example);

    expect(created.body.error ?? null).toBeNull();
    expect(created.status).toBe(201);
    // What was sent is what is stored: every field of the example comes back as written.
    const { notification_config: notification, ...rest } = example;
    expect(created.body).toMatchObject(rest);
    expect(created.body.notification_config).toMatchObject(notification as object);
  });
});
