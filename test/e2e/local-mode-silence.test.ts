import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalHarness } from '../support/local-harness.ts';

// Silence through local mode without credentials: an `expect_at_least` rule on a heartbeat and
// `no_data_status`, over a file whose heartbeats stop between two runs.
const local = new LocalHarness('silence');
const logFile = join(local.logDir, 'app.log');
const clock = { now: () => new Date('2026-11-21T10:00:10.000Z') };
const call = (method: string, path: string, body?: unknown) => local.call(method, path, body);
const runOnce = (monitorId: string) => local.runOnce(monitorId);

/** 60 lines of work; with `heartbeats`, every tenth line is a heartbeat instead. */
function writeLog(heartbeats: boolean): void {
  const lines = Array.from({ length: 60 }, (_, i) => {
    const at = new Date(Date.UTC(2026, 10, 21, 9, 59, i)).toISOString();
    return heartbeats && i % 10 === 0 ? `${at} INFO heartbeat from worker-1 ok` : `${at} INFO order ${1000 + i} filled`;
  });
  writeFileSync(logFile, `${lines.join('\n')}\n`);
}

beforeAll(async () => {
  writeLog(true);
  await local.start(clock);
}, 120_000);

afterAll(() => local.stop());

describe('local mode: rules for silence', () => {
  let sourceId: string;

  beforeAll(async () => {
    const target = (await call('POST', '/targets', { name: 'laptop', type: 'local' })).body.id;
    sourceId = (await call('POST', '/log-sources', { target_id: target, name: 'app', mode: 'file', config: { path: logFile } })).body.id;
  });

  it('alerts on the next run once the heartbeats are removed from the file', async () => {
    writeLog(true);
    const monitor = (await call('POST', '/monitors', {
      name: 'heartbeat',
      log_source_id: sourceId,
      prompt: 'Tell me when the worker stops beating.',
      inputs: [
        { label: 'heartbeat', mode: 'tail', match: 'heartbeat' },
        { label: 'APP', mode: 'tail' },
      ],
      rules: [{ label: 'heartbeat', pattern: 'heartbeat', expect_at_least: 1, severity: 'alert' }],
    })).body;
    expect(monitor.rules).toEqual([{ label: 'heartbeat', pattern: 'heartbeat', expect_at_least: 1, severity: 'alert' }]);

    const beating = await runOnce(monitor.id);
    writeLog(false);
    const silent = await runOnce(monitor.id);

    expect(beating).toMatchObject({
      status: 'ok',
      judge: { kind: 'rules' },
      rules: [{ label: 'heartbeat', kind: 'expect_at_least', expect_at_least: 1, count: 6, severity: 'alert', breached: false }],
    });
    expect(silent).toMatchObject({
      status: 'alert',
      judge: { kind: 'rules' },
      inputs: { heartbeat: { lines: 0, error: null }, APP: { error: null } },
      rules: [{ label: 'heartbeat', kind: 'expect_at_least', expect_at_least: 1, count: 0, severity: 'alert', breached: true }],
    });
    expect(silent.summary).toContain('heartbeat /heartbeat/: 0 matching lines, expected at least 1 (alert)');
    expect(silent.findings).toMatchObject([{ title: 'Rule breached: heartbeat /heartbeat/: 0 matching lines, expected at least 1 (alert)', severity: 'alert', label: 'heartbeat' }]);
  });

  it('alerts on an empty window: a monitor whose only input reads nothing still evaluates its rule', async () => {
    writeLog(false);
    const monitor = (await call('POST', '/monitors', {
      name: 'heartbeat only',
      log_source_id: sourceId,
      prompt: 'p',
      inputs: [{ label: 'heartbeat', mode: 'tail', match: 'heartbeat' }],
      rules: [{ label: 'heartbeat', pattern: 'heartbeat', expect_at_least: 1, severity: 'alert' }],
    })).body;

    const run = await runOnce(monitor.id);

    expect(run).toMatchObject({
      status: 'alert',
      judge: { skipped: 'no_new_data' },
      rules: [{ kind: 'expect_at_least', count: 0, breached: true }],
    });
    expect(run.summary).toContain('Status raised to alert by rule: heartbeat /heartbeat/: 0 matching lines, expected at least 1 (alert).');
  });

  it('takes no_data_status when every input read zero lines, and not while one of them has lines', async () => {
    writeLog(false);
    const body = (inputs: unknown[]) => ({ name: 'quiet', log_source_id: sourceId, prompt: 'p', inputs, no_data_status: 'warn' });
    const quiet = (await call('POST', '/monitors', body([{ label: 'heartbeat', mode: 'tail', match: 'heartbeat' }]))).body;
    const busy = (await call('POST', '/monitors', body([{ label: 'heartbeat', mode: 'tail', match: 'heartbeat' }, { label: 'APP', mode: 'tail' }]))).body;

    const quietRun = await runOnce(quiet.id);
    const busyRun = await runOnce(busy.id);

    expect(quiet.no_data_status).toBe('warn');
    expect(quietRun).toMatchObject({ status: 'warn', judge: { skipped: 'no_new_data' } });
    expect(quietRun.summary).toContain('no_data_status makes this run warn');
    expect(busyRun.status).toBe('ok');
  });
});
