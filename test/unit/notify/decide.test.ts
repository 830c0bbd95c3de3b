import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertState, FinalRunStatus, Finding, MonitorRun, NotifyOn } from '#domain/model/entities.ts';
import {
  COOLDOWN_REASON,
  decideNotification,
  everyInputFailed,
  normaliseTitle,
  notificationFingerprint,
} from '#domain/notify/decide.ts';
import { NOW, makeFailedRun, makeMonitor, makeRun } from './fixtures.ts';

const MINUTE = 60_000;

function stateOf(run: MonitorRun, notifiedAt: Date, monitorId = makeMonitor().id): AlertState {
  return { status: run.status, fingerprint: notificationFingerprint(run, monitorId), notifiedAt: notifiedAt.toISOString() };
}

function runWith(status: FinalRunStatus): MonitorRun {
  if (status === 'error') return makeFailedRun();
  return makeRun({ status });
}

describe('decideNotification: notify_on against each status (no prior state)', () => {
  // error* is an error run where only some inputs failed (the model reply was invalid, say).
  const partialError = (): MonitorRun =>
    makeRun({
      status: 'error',
      summary: null,
      error: 'invalid model reply',
      rules: [],
      inputs: {
        FULL_LOGS: { lines: 10, chars: 500, truncated: false, error: null },
        ERRORS: { lines: 0, chars: 0, truncated: false, error: 'ThrottlingException: rate exceeded' },
      },
    });
  // The model call failed, but the rules (counted in code) were breached.
  const judgeFailedWith = (severity: 'warn' | 'alert'): MonitorRun =>
    makeRun({
      status: 'error',
      summary: null,
      error: 'bedrock:InvokeModel denied',
      findings: [],
      rules: [{ label: 'ERRORS', pattern: 'ERROR', count: 12, severity, breached: true }],
    });
  const statuses: Record<string, () => MonitorRun> = {
    ok: () => runWith('ok'),
    warn: () => runWith('warn'),
    alert: () => runWith('alert'),
    'error (every input failed)': () => runWith('error'),
    'error (some inputs failed)': partialError,
    'error (judge failed, alert rule breached)': () => judgeFailedWith('alert'),
    'error (judge failed, warn rule breached)': () => judgeFailedWith('warn'),
  };
  const expected: Record<NotifyOn, Record<string, 'alert' | 'none'>> = {
    alert_only: {
      ok: 'none', warn: 'none', alert: 'alert', 'error (every input failed)': 'alert', 'error (some inputs failed)': 'none',
      'error (judge failed, alert rule breached)': 'alert', 'error (judge failed, warn rule breached)': 'none',
    },
    warn_and_alert: {
      ok: 'none', warn: 'alert', alert: 'alert', 'error (every input failed)': 'alert', 'error (some inputs failed)': 'none',
      'error (judge failed, alert rule breached)': 'alert', 'error (judge failed, warn rule breached)': 'alert',
    },
    all: {
      ok: 'alert', warn: 'alert', alert: 'alert', 'error (every input failed)': 'alert', 'error (some inputs failed)': 'alert',
      'error (judge failed, alert rule breached)': 'alert', 'error (judge failed, warn rule breached)': 'alert',
    },
  };
  const cases = Object.entries(expected).flatMap(([notifyOn, byStatus]) =>
    Object.entries(byStatus).map(([status, kind]) => ({ notifyOn: notifyOn as NotifyOn, status, kind })),
  );

  it.each(cases)('$notifyOn + $status → $kind', ({ notifyOn, status, kind }) => {
    // Prepare
    const monitor = makeMonitor({ notificationConfig: { notifyOn } });
    const run = statuses[status]!();

    // Act
    const decision = decideNotification({ run, monitor, now: NOW });

    // Assess
    expect(decision.kind).toBe(kind);
    if (kind === 'alert') {
      expect(decision.nextAlertState).toEqual({ status: run.status, fingerprint: decision.fingerprint, notifiedAt: NOW.toISOString(), runId: run.id });
    } else {
      expect(decision.reason).toMatch(new RegExp(`^notify_on ${notifyOn} skips`));
      expect(decision.nextAlertState).toBeNull();
    }
  });

  it.each(['queued', 'running'] as const)('does not notify a %s run', (status) => {
    const decision = decideNotification({ run: makeRun({ status }), monitor: makeMonitor({ notificationConfig: { notifyOn: 'all' } }), now: NOW });

    expect(decision).toMatchObject({ kind: 'none', reason: 'the run has not finished' });
  });

  it('counts an error run without any input stats as not "every input failed"', () => {
    const run = makeFailedRun({ inputs: {} });

    expect(everyInputFailed(run)).toBe(false);
    expect(decideNotification({ run, monitor: makeMonitor(), now: NOW }).kind).toBe('none');
  });
});

describe('decideNotification: cooldown', () => {
  const run = makeRun();
  const notifiedAt = new Date(NOW.getTime() - 30 * MINUTE);
  const monitor = makeMonitor({ alertState: stateOf(run, notifiedAt) });

  it('suppresses the same problem inside the window and keeps the state', () => {
    const decision = decideNotification({ run, monitor, now: NOW });

    expect(decision.kind).toBe('none');
    expect(decision.reason).toBe(COOLDOWN_REASON);
    expect(decision.nextAlertState).toEqual(monitor.alertState);
  });

  it('notifies again once the window is over, from its last millisecond on', () => {
    const end = new Date(notifiedAt.getTime() + 60 * MINUTE);

    const justBefore = decideNotification({ run, monitor, now: new Date(end.getTime() - 1) });
    const atEnd = decideNotification({ run, monitor, now: end });

    expect(justBefore.kind).toBe('none');
    expect(atEnd).toMatchObject({ kind: 'alert', reason: 'same problem after the cooldown' });
    expect(atEnd.nextAlertState).toEqual({ status: 'alert', fingerprint: atEnd.fingerprint, notifiedAt: end.toISOString(), runId: run.id });
  });

  it('suppresses although the model worded the summary, evidence and counts differently', () => {
    const reworded = makeRun({
      id: '01JRUN00000000000000000002',
      summary: 'The exchange keeps timing out: 52 failed orders.',
      findings: [
        {
          title: 'exchange API timeouts (52 since 10:07)',
          severity: 'alert',
          label: 'ERRORS',
          evidence: ['2026-11-21T10:07:40Z ERROR order 991 timeout after 30s'],
          recommendation: 'Page the exchange integration owner.',
        },
      ],
      rules: [{ label: 'ERRORS', pattern: 'ERROR|Exception', count: 52, severity: 'alert', breached: true }],
    });

    expect(decideNotification({ run: reworded, monitor, now: NOW })).toMatchObject({ kind: 'none', reason: 'cooldown' });
  });

  it('notifies a different problem at once', () => {
    const other = makeRun({ findings: [{ ...makeRun().findings[0]!, title: 'Stuck order loop' }] });

    expect(decideNotification({ run: other, monitor, now: NOW })).toMatchObject({ kind: 'alert', reason: 'different problem' });
  });

  it('never suppresses with a cooldown of 0 minutes', () => {
    const noCooldown = makeMonitor({ notificationConfig: { cooldownMinutes: 0 }, alertState: stateOf(run, NOW) });

    expect(decideNotification({ run, monitor: noCooldown, now: NOW }).kind).toBe('alert');
  });
});

describe('decideNotification: worsening', () => {
  it('notifies warn → alert inside the cooldown', () => {
    const warn = makeRun({ status: 'warn' });
    const monitor = makeMonitor({
      notificationConfig: { notifyOn: 'warn_and_alert' },
      alertState: stateOf(warn, new Date(NOW.getTime() - MINUTE)),
    });

    const decision = decideNotification({ run: makeRun({ status: 'alert' }), monitor, now: NOW });

    expect(decision).toMatchObject({ kind: 'alert', reason: 'worsened from warn to alert' });
    expect(decision.nextAlertState?.status).toBe('alert');
  });

  it('notifies warn → alert under alert_only too (the warn was notified under another setting)', () => {
    const monitor = makeMonitor({ alertState: stateOf(makeRun({ status: 'warn' }), NOW) });

    expect(decideNotification({ run: makeRun(), monitor, now: NOW }).kind).toBe('alert');
  });

  it('keeps the alert state through a warn that alert_only skips, so the next alert cools down', () => {
    const alert = makeRun();
    const monitor = makeMonitor({ alertState: stateOf(alert, new Date(NOW.getTime() - MINUTE)) });

    const warn = decideNotification({ run: makeRun({ status: 'warn' }), monitor, now: NOW });
    const again = decideNotification({ run: alert, monitor: { ...monitor, alertState: warn.nextAlertState }, now: NOW });

    expect(warn.kind).toBe('none');
    expect(warn.nextAlertState).toEqual(monitor.alertState);
    expect(again).toMatchObject({ kind: 'none', reason: 'cooldown' });
  });
});

describe('decideNotification: recovery', () => {
  it.each([
    ['alert_only', 'alert'],
    ['warn_and_alert', 'warn'],
    ['warn_and_alert', 'alert'],
    ['alert_only', 'error'],
  ] as const)('under %s, ok after a notified %s sends one recovered notice and clears the state', (notifyOn, previous) => {
    const monitor = makeMonitor({
      notificationConfig: { notifyOn },
      alertState: stateOf(runWith(previous), new Date(NOW.getTime() - MINUTE)),
    });
    const ok = makeRun({ status: 'ok', findings: [], rules: [] });

    const recovered = decideNotification({ run: ok, monitor, now: NOW });
    const next = decideNotification({ run: ok, monitor: { ...monitor, alertState: recovered.nextAlertState }, now: NOW });

    expect(recovered).toMatchObject({ kind: 'recovered', reason: `recovered from ${previous}`, nextAlertState: null });
    expect(next.kind).toBe('none');
  });

  it('under all, keeps an ok state after recovering so the ok runs that follow cool down', () => {
    const monitor = makeMonitor({ notificationConfig: { notifyOn: 'all' }, alertState: stateOf(makeRun(), NOW) });
    const ok = makeRun({ status: 'ok', findings: [], rules: [] });

    const recovered = decideNotification({ run: ok, monitor, now: NOW });
    const next = decideNotification({ run: ok, monitor: { ...monitor, alertState: recovered.nextAlertState }, now: NOW });

    expect(recovered.kind).toBe('recovered');
    expect(recovered.nextAlertState).toEqual({ status: 'ok', fingerprint: recovered.fingerprint, notifiedAt: NOW.toISOString(), runId: ok.id });
    expect(next).toMatchObject({ kind: 'none', reason: 'cooldown' });
  });

  it('sends nothing for an ok run without prior state', () => {
    const decision = decideNotification({ run: makeRun({ status: 'ok' }), monitor: makeMonitor(), now: NOW });

    expect(decision).toMatchObject({ kind: 'none', nextAlertState: null });
  });
});

describe('notificationFingerprint', () => {
  const monitorId = makeMonitor().id;
  const finding = (title: string, evidence: string[] = [], severity: Finding['severity'] = 'alert'): Finding => ({
    title,
    severity,
    label: 'ERRORS',
    evidence,
    recommendation: null,
  });

  it('ignores the order of findings and rules, info findings, unbreached rules and the summary', () => {
    const base = makeRun({
      findings: [finding('API timeouts'), finding('Stuck loop')],
      rules: [
        { label: 'ERRORS', pattern: 'ERROR', count: 12, severity: 'alert', breached: true },
        { label: 'FULL_LOGS', pattern: 'retry', count: 40, severity: 'warn', breached: true },
      ],
    });
    const shuffled = makeRun({
      summary: 'Something else entirely',
      findings: [finding('Stuck loop'), finding('Traffic is normal', [], 'info'), finding('API timeouts')],
      rules: [
        { label: 'FULL_LOGS', pattern: 'retry', count: 99, severity: 'warn', breached: true },
        { label: 'LATENCY', pattern: 'slow', count: 1, severity: 'warn', breached: false },
        { label: 'ERRORS', pattern: 'ERROR', count: 50, severity: 'alert', breached: true },
      ],
    });

    expect(notificationFingerprint(shuffled, monitorId)).toBe(notificationFingerprint(base, monitorId));
  });

  it('changes with the monitor, the status, a breached rule and the words of a title', () => {
    const base = makeRun();
    const fingerprints = [
      notificationFingerprint(base, monitorId),
      notificationFingerprint(base, 'another-monitor'),
      notificationFingerprint(makeRun({ status: 'warn' }), monitorId),
      notificationFingerprint(makeRun({ rules: [{ ...base.rules[0]!, pattern: 'FATAL' }] }), monitorId),
      notificationFingerprint(makeRun({ findings: [finding('Exchange API errors')] }), monitorId),
      notificationFingerprint(makeRun({ rules: [{ ...base.rules[0]!, templateId: 'a1b2c3d4e5f6' }] }), monitorId),
      notificationFingerprint(makeRun({ rules: [{ ...base.rules[0]!, templateId: '0f9e8d7c6b5a' }] }), monitorId),
    ];

    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    expect(fingerprints[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("keeps a breached rule's fingerprint when only its count changes, not when its dominant template does", () => {
    const rule = { ...makeRun().rules[0]!, templateId: 'a1b2c3d4e5f6' };

    expect(notificationFingerprint(makeRun({ rules: [{ ...rule, count: 99 }] }), monitorId)).toBe(
      notificationFingerprint(makeRun({ rules: [rule] }), monitorId),
    );
    expect(notificationFingerprint(makeRun({ rules: [{ ...rule, templateId: 'ffffffffffff' }] }), monitorId)).not.toBe(
      notificationFingerprint(makeRun({ rules: [rule] }), monitorId),
    );
  });

  it('uses the template ids of evidence lines when the template miner knows them', () => {
    const maskedLineIdOf = (line: string): string | null => (line.includes('timeout') ? 'T42' : null);
    const one = makeRun({ findings: [finding('Exchange API timeouts', ['ERROR order 1 timeout'])] });
    const renamed = makeRun({ findings: [finding('Orders time out at the exchange', ['ERROR order 2 timeout'])] });
    const unknown = makeRun({ findings: [finding('Exchange API timeouts', ['FATAL disk full'])] });
    const unknownRenamed = makeRun({ findings: [finding('Disk is full', ['FATAL disk full'])] });

    expect(notificationFingerprint(renamed, monitorId, maskedLineIdOf)).toBe(notificationFingerprint(one, monitorId, maskedLineIdOf));
    expect(notificationFingerprint(renamed, monitorId)).not.toBe(notificationFingerprint(one, monitorId));
    expect(notificationFingerprint(unknownRenamed, monitorId, maskedLineIdOf)).not.toBe(
      notificationFingerprint(unknown, monitorId, maskedLineIdOf),
    );
  });

  it('does not depend on the order of findings (property)', () => {
    const titles = fc.array(fc.string({ maxLength: 30 }), { maxLength: 6 });
    fc.assert(
      fc.property(titles, fc.func(fc.integer()), (list, order) => {
        const findings = list.map((title) => finding(title));
        const shuffled = [...findings].sort((a, b) => order(a.title) - order(b.title));
        return (
          notificationFingerprint(makeRun({ findings }), monitorId) ===
          notificationFingerprint(makeRun({ findings: shuffled }), monitorId)
        );
      }),
    );
  });
});

describe('normaliseTitle', () => {
  it.each([
    ['Exchange API timeouts (37 since 10:02)', 'exchange api timeouts since'],
    ['37 timeouts on order-123', 'timeouts on order'],
    ['5 timeouts on order-9', 'timeouts on order'],
    ['Task i-0abc12ef stopped: 3f2b6c1e-9a4d-4b1e-8c0f-2a9d5e7f1b3c', 'task stopped'],
    ['Request deadbeefcafe failed', 'request failed'],
    ['  ÉCHEC   du paiement 01HXYZ9ABCDEF  ', 'échec du paiement'],
  ])('%s → %s', (title, normalised) => {
    expect(normaliseTitle(title)).toBe(normalised);
  });
});
