import { describe, expect, it } from 'vitest';
import { MAINTENANCE_REASON, SNOOZED_REASON, decideNotification, notificationFingerprint } from '#domain/notify/decide.ts';
import { notifyRun } from '#domain/notify/notify-run.ts';
import { NOW, API_BASE_URL, InMemoryAlertStates, RecordingChannels, makeMonitor, makeRun } from './fixtures.ts';

// NOW is 2026-11-21T10:05:00Z, a Saturday.
describe('snooze and maintenance windows', () => {
  it('suppresses an alert while snoozed and notifies again once the snooze has passed', () => {
    const run = makeRun({ status: 'alert' });
    const snoozed = makeMonitor({ snoozedUntil: '2026-11-21T10:05:00.001Z' });
    const passed = makeMonitor({ snoozedUntil: '2026-11-21T10:05:00.000Z' });

    expect(decideNotification({ run, monitor: snoozed, now: NOW })).toMatchObject({ kind: 'none', reason: SNOOZED_REASON, nextAlertState: null });
    expect(decideNotification({ run, monitor: passed, now: NOW }).kind).toBe('alert');
    expect(decideNotification({ run, monitor: makeMonitor({ snoozedUntil: null }), now: NOW }).kind).toBe('alert');
  });

  it('suppresses recoveries too, and keeps the alert state for after the snooze', () => {
    const alert = makeRun({ status: 'alert' });
    const state = { status: 'alert' as const, fingerprint: notificationFingerprint(alert, makeMonitor().id), notifiedAt: '2026-11-21T09:00:00.000Z' };
    const monitor = makeMonitor({ snoozedUntil: '2026-11-21T12:00:00.000Z', alertState: state });

    const decision = decideNotification({ run: makeRun({ status: 'ok' }), monitor, now: NOW });

    expect(decision).toMatchObject({ kind: 'none', reason: SNOOZED_REASON });
    expect(decision.nextAlertState).toEqual(state);
  });

  it('suppresses inside a maintenance window (start included, end excluded) and not outside it', () => {
    const run = makeRun({ status: 'alert' });
    const monitor = makeMonitor({ maintenanceWindows: [{ schedule: 'cron(0 10 ? * SAT *)', durationMinutes: 5 }] });

    expect(decideNotification({ run, monitor, now: new Date('2026-11-21T10:00:00.000Z') })).toMatchObject({ kind: 'none', reason: MAINTENANCE_REASON });
    expect(decideNotification({ run, monitor, now: new Date('2026-11-21T10:04:59.999Z') }).reason).toBe(MAINTENANCE_REASON);
    expect(decideNotification({ run, monitor, now: NOW }).kind).toBe('alert');
    expect(decideNotification({ run, monitor, now: new Date('2026-11-20T10:01:00.000Z') }).kind).toBe('alert');
  });

  it('records every target as suppressed with the reason, sending nothing', async () => {
    const channels = new RecordingChannels();
    const monitor = makeMonitor({ snoozedUntil: '2026-11-21T12:00:00.000Z' });
    const states = new InMemoryAlertStates();

    const outcomes = await notifyRun(makeRun({ status: 'alert' }), monitor, {
      monitors: states,
      channels,
      clock: { now: () => NOW },
      apiBaseUrl: API_BASE_URL,
      retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    });

    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.every((o) => o.status === 'suppressed' && o.reason === SNOOZED_REASON)).toBe(true);
    expect(channels.sent).toEqual([]);
  });
});
