import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalHarness } from '../support/local-harness.ts';

// Cron schedules, maintenance windows and snooze through local mode without credentials.
// The clock stands on Saturday 2026-11-21 at 22:30 UTC.
const local = new LocalHarness('quiet');
const logFile = join(local.logDir, 'app.log');
const clock = { now: () => new Date('2026-11-21T22:30:00.000Z') };
let sourceId: string;

beforeAll(async () => {
  writeFileSync(logFile, `${Array.from({ length: 12 }, (_, i) => `2026-11-21T22:29:${String(i).padStart(2, '0')}Z ERROR order ${i} timeout`).join('\n')}\n`);
  await local.start(clock);
  const target = (await local.call('POST', '/targets', { name: 'laptop', type: 'local' })).body.id;
  sourceId = (await local.call('POST', '/log-sources', { target_id: target, name: 'app', mode: 'file', config: { path: logFile } })).body.id;
}, 120_000);

afterAll(() => local.stop());

const monitor = (overrides: Record<string, unknown>) => ({
  name: 'errors',
  log_source_id: sourceId,
  prompt: 'Report errors.',
  inputs: [{ label: 'ERRORS', mode: 'tail', match: 'ERROR' }],
  rules: [{ label: 'ERRORS', pattern: 'ERROR', min_count: 10, severity: 'alert' }],
  notification_config: { email_recipients: ['ops@example.com'], cooldown_minutes: 0 },
  ...overrides,
});

describe('local mode: schedules and quiet times', () => {
  it('schedules a cron monitor on its next minute', async () => {
    const created = await local.call('POST', '/monitors', monitor({ schedule: 'cron(15 6 ? * MON#1 *)' }));
    expect(created.status).toBe(201);
    // The first Monday of December 2026 is the 7th.
    expect(created.body).toMatchObject({ schedule: 'cron(15 6 ? * MON#1 *)', interval_seconds: null, next_run_at: '2026-12-07T06:15:00.000Z' });
  });

  it('suppresses the notices of an alert run inside a maintenance window, and sends them outside one', async () => {
    const inWindow = (await local.call('POST', '/monitors', monitor({ maintenance_windows: [{ schedule: 'cron(0 22 ? * SAT *)', duration_minutes: 60 }] }))).body;
    const afterWindow = (await local.call('POST', '/monitors', monitor({ maintenance_windows: [{ schedule: 'cron(0 21 ? * SAT *)', duration_minutes: 30 }] }))).body;

    const quiet = await local.runOnce(inWindow.id);
    const loud = await local.runOnce(afterWindow.id);

    expect(quiet.status).toBe('alert');
    expect(quiet.notifications.map((n: { status: string; reason: string }) => [n.status, n.reason])).toEqual([
      ['suppressed', 'maintenance'],
      ['suppressed', 'maintenance'],
    ]);
    expect(loud.status).toBe('alert');
    expect(loud.notifications.map((n: { status: string }) => n.status)).toEqual(['outbox', 'outbox']);
  });

  it('suppresses while snoozed and notifies again once the snooze is cleared', async () => {
    const created = (await local.call('POST', '/monitors', monitor({ snoozed_until: '2026-11-22T00:00:00Z' }))).body;
    expect(created.snoozed_until).toBe('2026-11-22T00:00:00.000Z');

    const snoozed = await local.runOnce(created.id);
    await local.call('PUT', `/monitors/${created.id}`, { snoozed_until: null });
    const awake = await local.runOnce(created.id);

    expect(snoozed.notifications.map((n: { reason: string }) => n.reason)).toEqual(['snoozed', 'snoozed']);
    expect(awake.notifications.map((n: { status: string }) => n.status)).toEqual(['outbox', 'outbox']);
  });
});
