import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalHarness } from '../support/local-harness.ts';

// A preview through local mode without credentials: the rules judge a file source's lines, and
// nothing is stored or sent.
const local = new LocalHarness('preview');
const logFile = join(local.logDir, 'app.log');
const clock = { now: () => new Date('2026-11-21T10:00:10.000Z') };
const call = (method: string, path: string, body?: unknown) => local.call(method, path, body);

beforeAll(async () => {
  const lines = Array.from({ length: 30 }, (_, i) => {
    const at = new Date(Date.UTC(2026, 10, 21, 9, 59, i)).toISOString();
    return i % 10 === 3 ? `${at} ERROR payment gateway timeout order=${1000 + i}` : `${at} INFO order ${1000 + i} filled`;
  });
  writeFileSync(logFile, `${lines.join('\n')}\n`);
  await local.start(clock);
}, 120_000);

afterAll(() => local.stop());

describe('local mode: POST /monitors/preview', () => {
  it('answers an alert with its rule breached and stores nothing, notifies nobody', async () => {
    const target = (await call('POST', '/targets', { name: 'laptop', type: 'local' })).body.id;
    const source = (await call('POST', '/log-sources', { target_id: target, name: 'app', mode: 'file', config: { path: logFile } })).body.id;

    const preview = await call('POST', '/monitors/preview', {
      name: 'payments',
      log_source_id: source,
      prompt: 'Alert when payments fail.',
      inputs: [{ label: 'APP', mode: 'tail' }],
      rules: [{ label: 'APP', pattern: 'ERROR', min_count: 3, severity: 'alert' }],
      notification_config: { email_recipients: ['ops@example.com'] },
    });

    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toMatchObject({
      id: null,
      monitor_id: null,
      preview: true,
      status: 'alert',
      rules: [{ label: 'APP', pattern: 'ERROR', kind: 'min_count', min_count: 3, count: 3, breached: true }],
      judge: { kind: 'rules' },
      notifications: [],
      notifications_pending: false,
    });
    expect(preview.body.findings).toHaveLength(1);
    expect((await call('GET', '/monitors')).body).toEqual({ items: [], next_token: null });
    expect((await call('GET', '/runs')).body).toEqual({ items: [], next_token: null });
    const outbox = join(local.dataDir, 'outbox');
    expect(existsSync(outbox) ? readdirSync(outbox) : []).toEqual([]);
  });

  it('refuses use_model without AWS, naming use_model and the reason', async () => {
    const response = await call('POST', '/monitors/preview', {
      name: 'x',
      log_source_id: '01JMISSINGSOURCE0000000000',
      prompt: 'p',
      inputs: [{ label: 'APP', mode: 'tail' }],
      use_model: true,
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([{ path: 'use_model', message: expect.stringContaining('VIGIL_AWS=off') }]);
  });
});
