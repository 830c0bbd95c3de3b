import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Monitor, MonitorRun } from '#domain/model/entities.ts';
import { DeliveryError } from '#domain/notify/channels.ts';
import { notificationFingerprint } from '#domain/notify/decide.ts';
import type { NotifyRunDeps } from '#domain/notify/notify-run.ts';
import { ANOTHER_RUN_REASON, notifyRun } from '#domain/notify/notify-run.ts';
import type { DeliveryRetryPolicy } from '#domain/notify/retry.ts';
import { API_BASE_URL, InMemoryAlertStates, NOW, RecordingChannels, makeFailedRun, makeMonitor, makeRun } from './fixtures.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:vigil-alerts';
const MINUTE = 60_000;

describe('notifyRun', () => {
  let states: InMemoryAlertStates;
  let channels: RecordingChannels;
  let now: Date;
  let sleeps: number[];

  beforeEach(() => {
    states = new InMemoryAlertStates();
    channels = new RecordingChannels(TOPIC);
    now = NOW;
    sleeps = [];
  });

  const retry: DeliveryRetryPolicy = {
    maxAttempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  const deps = (): NotifyRunDeps => ({ monitors: states, channels, clock: { now: () => now }, apiBaseUrl: API_BASE_URL, retry });
  /** Runs `run` the way the runner does: with the monitor as stored now. */
  const notify = (run: MonitorRun, monitor: Monitor) => notifyRun(run, states.fresh(monitor), deps());

  it('sends one email per recipient, one SMS per number and one topic message, and records the alert state', async () => {
    const monitor = makeMonitor();
    const run = makeRun();

    const outcomes = await notify(run, monitor);

    expect(outcomes).toEqual([
      { channel: 'email', target: 'ops@example.com', status: 'sent', reason: null },
      { channel: 'email', target: 'oncall@example.com', status: 'sent', reason: null },
      { channel: 'sms', target: '+15555550100', status: 'sent', reason: null },
      { channel: 'topic', target: TOPIC, status: 'sent', reason: null },
    ]);
    expect(channels.sent.map(({ channel, target }) => `${channel}:${target}`).sort()).toEqual([
      'email:oncall@example.com',
      'email:ops@example.com',
      'sms:+15555550100',
      `topic:${TOPIC}`,
    ]);
    expect(channels.sentOn('email')[0]?.email?.subject).toMatch(/^\[Vigil\] ALERT: BTC bot anomaly detector - /);
    expect(channels.sent.every((message) => message.context.monitorId === monitor.id && message.context.runId === run.id)).toBe(true);
    expect(channels.sentOn('topic')[0]?.topic?.attributes).toEqual({ monitor_id: monitor.id, status: 'alert', severity: 'high', kind: 'alert' });
    expect(states.states.get(monitor.id)).toEqual({
      status: 'alert',
      fingerprint: notificationFingerprint(run, monitor.id),
      notifiedAt: NOW.toISOString(),
      runId: run.id,
    });
  });

  it('suppresses a second identical alert inside the cooldown, then sends again after it', async () => {
    const monitor = makeMonitor();
    await notify(makeRun(), monitor);
    channels.sent.length = 0;

    now = new Date(NOW.getTime() + 59 * MINUTE);
    const inside = await notify(makeRun({ id: 'run-2' }), monitor);
    const sentInside = channels.sent.length;
    now = new Date(NOW.getTime() + 60 * MINUTE);
    const after = await notify(makeRun({ id: 'run-3' }), monitor);

    expect(inside).toEqual([
      { channel: 'email', target: 'ops@example.com', status: 'suppressed', reason: 'cooldown' },
      { channel: 'email', target: 'oncall@example.com', status: 'suppressed', reason: 'cooldown' },
      { channel: 'sms', target: '+15555550100', status: 'suppressed', reason: 'cooldown' },
      { channel: 'topic', target: TOPIC, status: 'suppressed', reason: 'cooldown' },
    ]);
    expect(sentInside).toBe(0);
    expect(after.map((outcome) => outcome.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(channels.sent).toHaveLength(4);
  });

  it('notifies a worsening from warn to alert inside the cooldown', async () => {
    const monitor = makeMonitor({ notificationConfig: { notifyOn: 'warn_and_alert' } });
    await notify(makeRun({ status: 'warn' }), monitor);
    now = new Date(NOW.getTime() + 5 * MINUTE);

    const outcomes = await notify(makeRun({ id: 'run-2', status: 'alert' }), monitor);

    expect(outcomes.every((outcome) => outcome.status === 'sent')).toBe(true);
    expect(channels.sentOn('sms').map((message) => message.text?.slice(0, 12))).toEqual([
      'Vigil WARN B',
      'Vigil ALERT ',
    ]);
    expect(states.states.get(monitor.id)?.status).toBe('alert');
  });

  it('sends one recovered notice when an alert returns to ok, then nothing', async () => {
    const monitor = makeMonitor();
    await notify(makeRun(), monitor);
    channels.sent.length = 0;
    const ok = makeRun({ id: 'run-ok', status: 'ok', summary: 'Orders flow normally again.', findings: [], rules: [] });

    const recovered = await notify(ok, monitor);
    const sentOnRecovery = channels.sent.length;
    const next = await notify({ ...ok, id: 'run-ok-2' }, monitor);

    expect(recovered.map((outcome) => outcome.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(sentOnRecovery).toBe(4);
    expect(channels.sentOn('email')[0]?.email?.subject).toBe('[Vigil] RECOVERED: BTC bot anomaly detector - Orders flow normally again.');
    expect(channels.sentOn('email')[0]?.email?.text).toContain('Back to ok after alert.');
    expect(channels.sentOn('topic')[0]?.topic?.attributes.kind).toBe('recovered');
    expect(states.states.get(monitor.id)).toBeNull();
    expect(next.every((outcome) => outcome.status === 'suppressed' && outcome.reason === 'notify_on alert_only skips ok runs')).toBe(true);
    expect(channels.sent).toHaveLength(4);
  });

  it('lets only one of two concurrent runs notify', async () => {
    const monitor = makeMonitor();
    const snapshot = states.fresh(monitor);

    const [first, second] = await Promise.all([
      notifyRun(makeRun({ id: 'run-a' }), snapshot, deps()),
      notifyRun(makeRun({ id: 'run-b' }), snapshot, deps()),
    ]);

    expect(first.map((outcome) => outcome.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(second.every((outcome) => outcome.status === 'suppressed' && outcome.reason === ANOTHER_RUN_REASON)).toBe(true);
    expect(channels.sent).toHaveLength(4);
    expect(new Set(channels.sent.map((message) => message.context.runId))).toEqual(new Set(['run-a']));
  });

  it("finishes the notice an interrupted attempt of the same run claimed, but not another run's", async () => {
    const monitor = makeMonitor();
    const run = makeRun({ id: 'run-a' });
    // The first attempt swapped the alert state, then died before sending anything.
    await states.swapAlertState(monitor.id, null, {
      status: 'alert',
      fingerprint: notificationFingerprint(run, monitor.id),
      notifiedAt: NOW.toISOString(),
      runId: 'run-a',
    });

    const retried = await notify(run, monitor);
    const other = await notify(makeRun({ id: 'run-b' }), monitor);

    expect(retried.map((outcome) => outcome.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(other.every((outcome) => outcome.status === 'suppressed' && outcome.reason === 'cooldown')).toBe(true);
    expect(new Set(channels.sent.map((message) => message.context.runId))).toEqual(new Set(['run-a']));
  });

  it('records suppressed outcomes without touching the state when notify_on does not want the run', async () => {
    const outcomes = await notify(makeRun({ status: 'warn' }), makeMonitor());

    expect(outcomes).toHaveLength(4);
    expect(outcomes.every((outcome) => outcome.status === 'suppressed' && outcome.reason === 'notify_on alert_only skips warn runs')).toBe(true);
    expect(states.swaps).toBe(0);
    expect(channels.sent).toEqual([]);
  });

  it('notifies an error run whose every input failed, under alert_only', async () => {
    const outcomes = await notify(makeFailedRun(), makeMonitor());

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(channels.sentOn('sms')[0]?.text).toBe(
      'Vigil ERROR BTC bot anomaly detector: Run failed: every input failed (run 01JRUN00000000000000000001)',
    );
  });

  it('leaves out channels without targets, and the topic when there is none', async () => {
    channels = new RecordingChannels(null);
    const monitor = makeMonitor({ notificationConfig: { emailRecipients: ['ops@example.com', 'OPS@example.com'], smsNumbers: [] } });

    const outcomes = await notify(makeRun(), monitor);

    expect(outcomes).toEqual([{ channel: 'email', target: 'OPS@example.com', status: 'sent', reason: null }]);
  });

  it('records outbox deliveries as outbox with the file', async () => {
    channels = new RecordingChannels(TOPIC, 'outbox');

    const outcomes = await notify(makeRun(), makeMonitor());

    expect(outcomes[0]).toEqual({ channel: 'email', target: 'ops@example.com', status: 'outbox', reason: '.vigil/outbox/ops@example.com' });
    expect(outcomes.every((outcome) => outcome.status === 'outbox')).toBe(true);
  });

  it('returns the outcomes of a run that already has them and sends nothing (redelivery)', async () => {
    const previous = [{ channel: 'email' as const, target: 'ops@example.com', status: 'sent' as const, reason: null }];

    const outcomes = await notify(makeRun({ notifications: previous }), makeMonitor());

    expect(outcomes).toBe(previous);
    expect(channels.sent).toEqual([]);
    expect(states.swaps).toBe(0);
  });

  describe('delivery failures', () => {
    it('records a permanent SES failure for one recipient and still sends the others, without retrying it', async () => {
      channels.failures.set('ops@example.com', [
        new DeliveryError('MessageRejected', 'Email address is not verified: ops@example.com', false),
      ]);

      const outcomes = await notify(makeRun(), makeMonitor());

      expect(outcomes[0]).toEqual({
        channel: 'email',
        target: 'ops@example.com',
        status: 'failed',
        reason: 'MessageRejected: Email address is not verified: ops@example.com',
      });
      expect(outcomes.slice(1).map((outcome) => outcome.status)).toEqual(['sent', 'sent', 'sent']);
      expect(channels.attempts.get('ops@example.com')).toBe(1);
      expect(sleeps).toEqual([]);
    });

    it('retries transient errors with bounded backoff and succeeds', async () => {
      channels.failures.set('+15555550100', [
        new DeliveryError('ThrottledException', 'Rate exceeded', true),
        new DeliveryError('InternalErrorException', 'try again', true),
      ]);

      const outcomes = await notify(makeRun(), makeMonitor());

      expect(outcomes[2]).toEqual({ channel: 'sms', target: '+15555550100', status: 'sent', reason: null });
      expect(channels.attempts.get('+15555550100')).toBe(3);
      expect(sleeps).toEqual([75, 150]);
    });

    it('gives up after maxAttempts and records the last error', async () => {
      channels.failures.set(TOPIC, [1, 2, 3, 4].map((n) => new DeliveryError('Throttling', `Rate exceeded ${n}`, true)));

      const outcomes = await notify(makeRun(), makeMonitor());

      expect(outcomes[3]).toEqual({ channel: 'topic', target: TOPIC, status: 'failed', reason: 'Throttling: Rate exceeded 3' });
      expect(channels.attempts.get(TOPIC)).toBe(3);
    });

    it('does not retry an unexpected error and never throws', async () => {
      channels.failures.set('oncall@example.com', [new TypeError('Cannot read properties of undefined')]);

      const outcomes = await notify(makeRun(), makeMonitor());

      expect(outcomes[1]).toMatchObject({ status: 'failed', reason: 'TypeError: Cannot read properties of undefined' });
      expect(channels.attempts.get('oncall@example.com')).toBe(1);
    });

    it('puts the previous alert state back when every delivery failed, so the next run tries again', async () => {
      const monitor = makeMonitor();
      const rejected = () => new DeliveryError('AuthorizationError', 'not allowed', false);
      for (const target of ['ops@example.com', 'oncall@example.com', '+15555550100', TOPIC]) channels.failures.set(target, [rejected()]);

      const failed = await notify(makeRun(), monitor);
      const retried = await notify(makeRun({ id: 'run-2' }), monitor);

      expect(failed.every((outcome) => outcome.status === 'failed')).toBe(true);
      expect(retried.every((outcome) => outcome.status === 'sent')).toBe(true);
    });

    it('still delivers, and says so, when the alert state cannot be saved', async () => {
      states.failNextWith = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { name: 'Error' });

      const outcomes = await notify(makeRun(), makeMonitor());

      expect(outcomes.every((outcome) => outcome.status === 'sent')).toBe(true);
      expect(outcomes[0]?.reason).toBe(
        'alert state not saved (Error: connect ECONNREFUSED 127.0.0.1:8000); a duplicate notice is possible',
      );
    });
  });
});

describe('notifyRun with the default sleep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits the backoff on the clock before retrying', async () => {
    vi.useFakeTimers();
    const channels = new RecordingChannels(null);
    channels.failures.set('ops@example.com', [new DeliveryError('Throttling', 'Maximum sending rate exceeded.', true)]);
    const monitor = makeMonitor({ notificationConfig: { emailRecipients: ['ops@example.com'], smsNumbers: [] } });
    const deps: NotifyRunDeps = {
      monitors: new InMemoryAlertStates(),
      channels,
      clock: { now: () => NOW },
      apiBaseUrl: API_BASE_URL,
      retry: { maxAttempts: 2, baseDelayMs: 400, maxDelayMs: 400, random: () => 0 },
    };

    const pending = notifyRun(makeRun(), monitor, deps);
    await vi.advanceTimersByTimeAsync(199);
    const attemptsBefore = channels.attempts.get('ops@example.com');
    await vi.advanceTimersByTimeAsync(1);

    expect(attemptsBefore).toBe(1);
    await expect(pending).resolves.toEqual([{ channel: 'email', target: 'ops@example.com', status: 'sent', reason: null }]);
    expect(channels.attempts.get('ops@example.com')).toBe(2);
  });
});
