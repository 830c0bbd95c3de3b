import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalHarness } from '../support/local-harness.ts';

const local = new LocalHarness('baseline');
const logFile = join(local.logDir, 'app.log');
const clock = { now: () => new Date('2026-11-27T10:00:10.000Z') };
const call = (method: string, path: string, body?: unknown) => local.call(method, path, body);
const runOnce = (monitorId: string) => local.runOnce(monitorId);

beforeAll(async () => {
  const lines = Array.from({ length: 60 }, (_, i) => {
    const at = new Date(Date.UTC(2026, 10, 27, 9, 0, i)).toISOString();
    return i % 10 === 0 ? `${at} INFO heartbeat from worker-${i % 3} ok` : `${at} INFO order ${1000 + i} filled in ${20 + (i % 9)}ms`;
  });
  writeFileSync(logFile, `${lines.join('\n')}\n`);
  // One learning run, so the second run already compares (the default is 5).
  await local.start(clock, { VIGIL_BASELINE_LEARNING_RUNS: '1' });
}, 120_000);

afterAll(() => local.stop());

describe('baselines in local mode, without AWS credentials', () => {
  it('shows a new kind of line appended between two runs as NEW in the second run, once; judge_when unusual skips a usual window', async () => {
    const target = (await call('POST', '/targets', { name: 'laptop', type: 'local' })).body;
    const source = (await call('POST', '/log-sources', { target_id: target.id, name: 'app', mode: 'file', config: { path: logFile } })).body;
    const monitor = (await call('POST', '/monitors', {
      name: 'orders',
      log_source_id: source.id,
      prompt: 'Tell me about anything new.',
      inputs: [{ label: 'APP', mode: 'tail' }],
    })).body;
    const quiet = await call('POST', '/monitors', {
      name: 'orders, only when unusual',
      log_source_id: source.id,
      prompt: 'Tell me about anything new.',
      inputs: [{ label: 'APP', mode: 'tail' }],
      judge_when: 'unusual',
    });
    expect(monitor.judge_when).toBe('always');
    expect(quiet.body.judge_when).toBe('unusual');

    const first = await runOnce(monitor.id);
    await runOnce(quiet.body.id);
    const usual = await runOnce(quiet.body.id);
    appendFileSync(logFile, '2026-11-27T10:00:05Z WARN disk /dev/sdb1 almost full (93%)\n');
    const second = await runOnce(monitor.id);
    const third = await runOnce(monitor.id);
    const unusual = await runOnce(quiet.body.id);

    expect(first.payload).toContain('baseline still learning (run 1 of 1)');
    expect(first.payload).not.toMatch(/^\d+x NEW /m);
    expect(second.payload).toMatch(/^1x NEW WARN disk \/dev\/sdb1 almost full \(93%\)/m);
    expect(second.payload.match(/^\d+x NEW /gm)).toHaveLength(1);
    expect(third.payload).toContain('WARN disk /dev/sdb1 almost full (93%)');
    expect(third.payload).not.toMatch(/^\d+x NEW /m);
    expect(usual).toMatchObject({ status: 'ok', judge: { kind: 'rules', skipped: 'usual' } });
    expect(unusual).toMatchObject({ status: 'ok', judge: { kind: 'rules', skipped: null } });
    expect(unusual.payload).toMatch(/^1x NEW WARN disk/m);
  }, 120_000);
});
