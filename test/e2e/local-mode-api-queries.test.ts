import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalApp } from '../../local/app.ts';
import { renderOpenApi } from '../../lambdas/api/openapi-file.ts';
import { LocalHarness } from '../support/local-harness.ts';

const local = new LocalHarness('queries');
let app: LocalApp;
let now = new Date('2026-11-21T10:00:00.000Z');
const clock = { now: () => new Date(now) };

beforeAll(async () => {
  app = await local.start(clock);
}, 120_000);

afterAll(async () => {
  await local.stop();
}, 60_000);

describe('local mode: the OpenAPI document and run queries', () => {
  it('serves /openapi.json without the API key, and nothing else without it', async () => {
    const document = await fetch(`${app.url}/openapi.json`);
    const targets = await fetch(`${app.url}/targets`);

    expect(document.status).toBe(200);
    expect(await document.text()).toBe(JSON.stringify(JSON.parse(renderOpenApi())));
    expect(targets.status).toBe(403);
  });

  it('lists alert runs across monitors, newest first, and one monitor\'s by status and time', async () => {
    const log = join(local.logDir, 'app.log');
    writeFileSync(log, ['ERROR payment failed', 'INFO ok', 'ERROR payment failed'].join('\n') + '\n');
    const target = (await local.call('POST', '/targets', { name: 'laptop', type: 'local' })).body.id;
    const source = (await local.call('POST', '/log-sources', { target_id: target, name: 'app', mode: 'file', config: { path: log } })).body.id;
    const monitor = (rules: unknown[]) =>
      local.call('POST', '/monitors', { name: 'm', log_source_id: source, prompt: 'watch', inputs: [{ label: 'ALL', mode: 'tail' }], rules });
    const alerting = (await monitor([{ label: 'ALL', pattern: 'ERROR', min_count: 2, severity: 'alert' }])).body.id;
    const quiet = (await monitor([])).body.id;

    const runs = [];
    for (const id of [alerting, quiet, alerting]) {
      runs.push(await local.runOnce(id));
      now = new Date(now.getTime() + 60_000);
    }
    expect(runs.map((run) => run.status)).toEqual(['alert', 'ok', 'alert']);
    // Local mode says why it runs without AWS: the setting, not missing credentials.
    expect(runs[0].summary).toContain('local mode with VIGIL_AWS=off: Bedrock was not consulted');

    const alerts = await local.call('GET', '/runs?status=alert');
    const sinceSecond = await local.call('GET', `/monitors/${alerting}/runs?status=alert&since=2026-11-21T10:01:00Z`);
    const bad = await local.call('GET', '/runs?since=soon');

    expect(alerts.body.items.map((run: { id: string }) => run.id)).toEqual([runs[2].id, runs[0].id]);
    expect(sinceSecond.body.items.map((run: { id: string }) => run.id)).toEqual([runs[2].id]);
    expect(bad).toMatchObject({ status: 400, body: { error: { details: [{ path: 'since' }] } } });
  });
});
