import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextSlotAfter } from '#domain/scheduling/schedule.ts';
import { startLocalApp, type LocalApp } from '../../local/app.ts';
import { freePort } from '../../local/dynamo-local.ts';
import { loadLocalConfig } from '../../local/local-config.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
// Logs live beside the data directory, not in it: Vigil's own files are never readable as a source.
const logDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-logs-'));
const logFile = join(logDir, 'app.log');
let app: LocalApp | undefined;
let now = new Date('2026-11-21T10:00:10.000Z');
const clock = { now: () => new Date(now) };
const printed: string[] = [];

async function start(): Promise<LocalApp> {
  const config = loadLocalConfig({
    PORT: String(await freePort()),
    VIGIL_DATA_DIR: dataDir,
    VIGIL_API_KEY: 'local-secret',
    VIGIL_AWS: 'off',
    VIGIL_TICK_SECONDS: '3600',
    VIGIL_FILE_ROOTS: logDir,
  });
  return startLocalApp(config, { log: (line) => printed.push(line), clock });
}

async function call(method: string, path: string, body?: unknown, key = 'local-secret') {
  const response = await fetch(`${app?.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

/** 100 lines, 12 of them ERROR, the newest last. */
function writeLog(): void {
  const lines = Array.from({ length: 100 }, (_, i) => {
    const at = new Date(Date.UTC(2026, 10, 21, 9, 0, i)).toISOString();
    return i % 8 === 3 && i < 96 ? `${at} ERROR order ${1000 + i} timeout after 30s` : `${at} INFO order ${1000 + i} filled`;
  });
  writeFileSync(logFile, `${lines.join('\n')}\n`);
}

beforeAll(async () => {
  writeLog();
  app = await start();
});

afterAll(async () => {
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(logDir, { recursive: true, force: true });
});

describe('local mode over HTTP', () => {
  let targetId: string;
  let sourceId: string;

  it('requires the API key and refuses bad input with the field named', async () => {
    expect((await call('GET', '/targets', undefined, 'wrong')).status).toBe(403);
    const target = await call('POST', '/targets', { name: 'laptop', type: 'local' });
    expect(target.status).toBe(201);
    targetId = target.body.id;
    const invalid = await call('POST', '/log-sources', { target_id: targetId, name: 'app', mode: 'file', config: {} });
    expect(invalid).toMatchObject({ status: 400, body: { error: { details: [{ path: 'config.path', message: 'is required' }] } } });
    const big = await fetch(`${app?.url}/targets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'local-secret' },
      body: JSON.stringify({ name: 'x'.repeat(300 * 1024) }),
    });
    expect(big.status).toBe(413);
  });

  it('tests a file source: its newest lines, or ok:false with the reason', async () => {
    sourceId = (await call('POST', '/log-sources', { target_id: targetId, name: 'app', mode: 'file', config: { path: logFile } })).body.id;
    const missing = (await call('POST', '/log-sources', { target_id: targetId, name: 'gone', mode: 'file', config: { path: join(logDir, 'nope.log') } })).body.id;

    const ok = await call('POST', `/log-sources/${sourceId}/test`);
    const notOk = await call('POST', `/log-sources/${missing}/test`);

    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, line_count: expect.any(Number) });
    expect(ok.body.sample).toHaveLength(20);
    expect(ok.body.sample.at(-1)).toContain('INFO order 1099 filled');
    expect(notOk.status).toBe(200);
    expect(notOk.body.ok).toBe(false);
    expect(notOk.body.message).toContain('nope.log');
  });

  it('runs a monitor once: 12 ERROR lines breach the rule, the rules-only judge says alert, the outbox gets the notice', async () => {
    const monitor = (await call('POST', '/monitors', {
      name: 'orders',
      log_source_id: sourceId,
      prompt: 'Look for order timeouts.',
      inputs: [{ label: 'APP', mode: 'tail' }],
      rules: [{ label: 'APP', pattern: 'ERROR', min_count: 10, severity: 'alert' }],
      notification_config: { email_recipients: ['ops@example.com'], notify_on: 'alert_only' },
    })).body;

    const queued = await call('POST', `/monitors/${monitor.id}/run-once`);
    expect(queued).toMatchObject({ status: 202, body: { status: 'queued' } });
    await app?.queue.idle();
    const run = (await call('GET', `/monitors/${monitor.id}/runs/${queued.body.id}`)).body;

    expect(run).toMatchObject({
      status: 'alert',
      judge: { kind: 'rules' },
      rules: [{ label: 'APP', pattern: 'ERROR', count: 12, severity: 'alert', breached: true }],
      notifications: [
        { channel: 'email', target: 'ops@example.com', status: 'outbox' },
        { channel: 'topic', status: 'outbox' },
      ],
    });
    expect(run.payload).toMatch(/^\[APP\]\n/);
    expect(run.payload).toContain('12x ERROR order <1003–1091> timeout after <30>s');
    const outbox = readdirSync(join(dataDir, 'outbox'));
    expect(outbox.filter((name) => name.endsWith('.eml'))).toHaveLength(1);
    expect(readFileSync(join(dataDir, 'outbox', outbox.find((n) => n.endsWith('.eml')) as string), 'utf8')).toContain('To: ops@example.com');
  });

  it('keeps the newest 50 lines when max_lines is 50 and says the input was truncated', async () => {
    const monitor = (await call('POST', '/monitors', {
      name: 'raw window',
      log_source_id: sourceId,
      prompt: 'p',
      inputs: [{ label: 'APP', mode: 'tail' }],
      window_config: { max_lines: 50, max_chars: 200000, mode: 'raw' },
    })).body;

    const queued = (await call('POST', `/monitors/${monitor.id}/run-once`)).body;
    await app?.queue.idle();
    const run = (await call('GET', `/monitors/${monitor.id}/runs/${queued.id}`)).body;

    expect(run.inputs.APP).toMatchObject({ lines: 50, truncated: true, error: null });
  });

  it('gives a 60-second monitor a schedule run within two ticks', async () => {
    const monitor = (await call('POST', '/monitors', {
      name: 'every minute',
      log_source_id: sourceId,
      interval_seconds: 60,
      prompt: 'p',
      inputs: [{ label: 'APP', mode: 'tail' }],
    })).body;
    // The monitor's own second within the minute (a hash of its id), at most a minute away.
    const slot = nextSlotAfter(now, 60, monitor.id);
    expect(monitor.next_run_at).toBe(slot.toISOString());

    now = new Date(slot.getTime() + 2000);
    await app?.tickNow();
    await app?.queue.idle();

    const runs = (await call('GET', `/monitors/${monitor.id}/runs`)).body.items;
    expect(runs).toMatchObject([{ trigger: 'schedule', scheduled_for: slot.toISOString(), status: 'ok' }]);
    expect((await call('GET', `/monitors/${monitor.id}`)).body.next_run_at).toBe(new Date(slot.getTime() + 60_000).toISOString());
    expect((await call('GET', '/health')).body.checks.scheduler).toEqual({ ok: true, last_tick_at: now.toISOString(), age_seconds: 0 });
  });

  it('records an error run, and notifies, when every input fails', async () => {
    const gone = (await call('POST', '/log-sources', { target_id: targetId, name: 'gone', mode: 'file', config: { path: join(logDir, 'gone.log') } })).body.id;
    const monitor = (await call('POST', '/monitors', {
      name: 'broken',
      log_source_id: gone,
      prompt: 'p',
      inputs: [{ label: 'APP', mode: 'tail' }],
      notification_config: { email_recipients: ['ops@example.com'] },
    })).body;

    const queued = (await call('POST', `/monitors/${monitor.id}/run-once`)).body;
    await app?.queue.idle();
    const run = (await call('GET', `/monitors/${monitor.id}/runs/${queued.id}`)).body;

    expect(run).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/^every input failed: APP: .*gone\.log/),
      inputs: { APP: { error: expect.stringContaining('gone.log') } },
      notifications: [{ channel: 'email', status: 'outbox' }, { channel: 'topic', status: 'outbox' }],
    });
  });

  it('keeps its data across a restart', async () => {
    const before = (await call('GET', `/targets/${targetId}`)).body;
    await app?.stop();
    app = await start();

    expect((await call('GET', `/targets/${targetId}`)).body).toEqual(before);
    // Stops and starts DynamoDB Local: up to 120 s to start on a loaded machine.
  }, 200_000);
});
