/**
 * Local mode's cost collector against a Cost Explorer emulator reached through
 * `AWS_ENDPOINT_URL_COST_EXPLORER` (the real SDK client, its real JSON protocol): a cost source
 * created while Vigil runs gets a snapshot within a minute, `/test` says collection is under way
 * until then, a run of a monitor reading it calls no Cost Explorer operation, and a monthly budget
 * rule over it ends the run `alert` with the figures in `rules`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalApp } from '../../local/app.ts';
import { LocalHarness } from '../support/local-harness.ts';
import { startBedrockEmulator, type BedrockEmulator } from '../support/bedrock-emulator.ts';
import { startCostExplorerEmulator, type CostExplorerEmulator } from '../support/cost-explorer-emulator.ts';
import { setEnvironment } from '../support/moto.ts';

describe('local mode collecting cost snapshots from a Cost Explorer emulator', () => {
  let ce: CostExplorerEmulator;
  let bedrock: BedrockEmulator;
  let app: LocalApp;
  let restoreEnvironment: () => void;
  const local = new LocalHarness('costs');
  const call = (method: string, path: string, body?: unknown) => local.call(method, path, body);

  beforeAll(async () => {
    ce = await startCostExplorerEmulator({ dailyUsd: 7.5, forecastUsd: 120, delayMs: 1_500 });
    bedrock = await startBedrockEmulator(() => ({ status: 'warn', summary: 'Spend is steady at 7.50 USD a day.', findings: [] }));
    restoreEnvironment = setEnvironment({
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_COST_EXPLORER: ce.endpoint,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.endpoint,
    });
    app = await local.start({ now: () => new Date() }, { VIGIL_AWS: 'on', AWS_REGION: 'us-east-1' });
  }, 120_000);

  afterAll(async () => {
    await local.stop();
    await bedrock?.stop();
    await ce?.stop();
    restoreEnvironment?.();
  });

  it('snapshots a cost source created while running within a minute, and runs never call Cost Explorer', async () => {
    expect(app.aws).toBe(true);
    const target = (await call('POST', '/targets', { name: 'billing', type: 'aws_account', connection_config: { region: 'us-east-1' } })).body;
    const created = Date.now();
    const source = (await call('POST', '/log-sources', { target_id: target.id, name: 'bill', mode: 'cost_explorer', config: {} })).body;

    // The emulator holds each answer 1.5 s: the first test sees the collection under way.
    const early = await call('POST', `/log-sources/${source.id}/test`);
    expect(early.body).toMatchObject({ ok: false, message: 'no cost snapshot yet; collection is under way; test again in a few seconds' });

    let test = early;
    while (!test.body.ok && Date.now() - created < 60_000) {
      await new Promise((done) => setTimeout(done, 250));
      test = await call('POST', `/log-sources/${source.id}/test`);
    }
    const elapsedMs = Date.now() - created;
    expect(test.body.ok).toBe(true);
    expect(elapsedMs).toBeLessThan(60_000);
    expect(test.body.message).toMatch(/^read \d+ lines from the cost snapshot collected at /);
    expect(ce.requests.map((r) => r.operation).sort()).toEqual(['GetAnomalies', 'GetCostAndUsage', 'GetCostForecast']);
    expect(ce.requests.every((r) => r.authorization.startsWith('AWS4-HMAC-SHA256 Credential=testing/'))).toBe(true);
    expect(ce.requests.find((r) => r.operation === 'GetCostAndUsage')?.body).toMatchObject({ Granularity: 'DAILY', Metrics: ['UnblendedCost'], GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }] });

    const calledBefore = ce.requests.length;
    const monitor = (await call('POST', '/monitors', {
      name: 'spend',
      log_source_id: source.id,
      prompt: 'Watch the daily spend.',
      inputs: [{ label: 'BUDGET', mode: 'cost' }],
    })).body;
    const run = await local.runOnce(monitor.id);

    expect(run.status).toBe('warn');
    expect(run.inputs.BUDGET.error).toBeNull();
    expect(run.payload).toContain('7.50');
    // The run's request log: Bedrock only, no Cost Explorer operation.
    expect(ce.requests).toHaveLength(calledBefore);
    expect(bedrock.requests).toHaveLength(1);

    // A budget rule over the collected snapshot, decided in code: month-to-date (7.50 USD a day)
    // is past a 1 USD budget on any day of the month, so the run is an alert whatever the model said.
    const budget = (await call('POST', '/monitors', {
      name: 'budget',
      log_source_id: source.id,
      prompt: 'Watch the monthly budget.',
      inputs: [{ label: 'BUDGET', mode: 'cost' }],
      cost_rules: [{ kind: 'monthly_budget', amount: 1, alert_percentages: [50, 100] }],
    })).body;
    const budgetRun = await local.runOnce(budget.id);
    expect(budgetRun.status).toBe('alert');
    expect(budgetRun.rules).toEqual([
      expect.objectContaining({ label: 'BUDGET', kind: 'monthly_budget', breached: true, severity: 'alert', basis: 'actual', percent: 100, threshold: 1, unit: 'USD' }),
    ]);
    expect(budgetRun.rules[0].actual).toBeGreaterThanOrEqual(1);
    expect(budgetRun.rules[0].detail).toMatch(/month-to-date/);
    expect(ce.requests).toHaveLength(calledBefore);

    // Changing the source collects it again, within the minute too.
    expect((await call('PUT', `/log-sources/${source.id}`, { config: { metric: 'AmortizedCost' } })).status).toBe(200);
    const changed = Date.now();
    while (!ce.requests.slice(calledBefore).some((r) => r.operation === 'GetCostAndUsage') && Date.now() - changed < 60_000) {
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(ce.requests.slice(calledBefore).find((r) => r.operation === 'GetCostAndUsage')?.body.Metrics).toEqual(['AmortizedCost']);
  });
});
