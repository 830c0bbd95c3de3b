/**
 * Notifies a finished run: decide, claim the notice with a compare-and-set on the monitor's alert
 * state, deliver to every configured target with bounded retries, and report one outcome per
 * target. Delivery failures are outcomes, never exceptions: the run keeps its verdict.
 */
import type { Monitor, MonitorRun, NotificationChannel, NotificationOutcome } from '../model/entities.ts';
import type { Clock } from '../model/ports.ts';
import type { MonitorRepository } from '../monitors/ports.ts';
import type { Delivery, DeliveryContext, NotificationChannels } from './channels.ts';
import { DeliveryError, describeError } from './channels.ts';
import type { NotificationDecision, MaskedLineIdOf } from './decide.ts';
import { decideNotification } from './decide.ts';
import type { RenderOptions } from './notice.ts';
import { renderAlertEmail } from './render-email.ts';
import { renderSms } from './render-sms.ts';
import { renderTopicMessage } from './render-topic.ts';
import type { DeliveryRetryPolicy } from './retry.ts';
import { withRetry } from './retry.ts';

export interface NotifyRunDeps {
  monitors: Pick<MonitorRepository, 'swapAlertState'>;
  channels: NotificationChannels;
  clock: Clock;
  /** The management API's base URL, for the run's link in the notice. */
  apiBaseUrl: string;
  retry: DeliveryRetryPolicy;
  /** The template miner's lookup, to fingerprint findings by the templates of their evidence. */
  maskedLineIdOf?: MaskedLineIdOf;
}

/** The reason on every outcome when a concurrent run won the compare-and-set. */
export const ANOTHER_RUN_REASON = 'another run notified';

interface Target {
  channel: NotificationChannel;
  target: string;
}

/**
 * Notifies `run` (with a final status) according to `monitor.notificationConfig` and
 * `monitor.alertState` (read fresh, just before the call: it is the compare-and-set's expectation).
 *
 * Returns one outcome per email recipient, SMS number and the topic (when the channels have one), in
 * that order; channels without targets are absent. `suppressed` outcomes carry the reason (`cooldown`,
 * `another run notified`, or why `notify_on` skips the status). Failed deliveries are `failed` with
 * the error's name and message; when every delivery failed, the previous alert state is put back so
 * the next run tries again instead of cooling down a notice nobody received. A run that already has
 * outcomes (a redelivered message) gets them back unchanged and nothing is sent.
 */
export async function notifyRun(run: MonitorRun, monitor: Monitor, deps: NotifyRunDeps): Promise<NotificationOutcome[]> {
  if (run.notifications.length > 0) return run.notifications;
  const { channels, monitors, retry } = deps;
  const targets = targetsOf(monitor, channels.topicName);
  // An earlier attempt of this very run claimed the notice, then died before recording it: finish it.
  const resumed = monitor.alertState !== null && monitor.alertState.runId === run.id;
  const decision: NotificationDecision = resumed
    ? {
        kind: run.status === 'ok' ? 'recovered' : 'alert',
        reason: 'resuming the notice an interrupted attempt of this run claimed',
        fingerprint: monitor.alertState?.fingerprint ?? '',
        nextAlertState: monitor.alertState,
      }
    : decideNotification({ run, monitor, now: deps.clock.now(), maskedLineIdOf: deps.maskedLineIdOf });
  if (decision.kind === 'none') return suppressAll(targets, decision.reason);

  let stateNote: string | null = null;
  try {
    if (!resumed && !(await monitors.swapAlertState(monitor.id, monitor.alertState, decision.nextAlertState))) {
      return suppressAll(targets, ANOTHER_RUN_REASON);
    }
  } catch (error) {
    // At least once: a lost alert is worse than a duplicate while the table is unreachable.
    stateNote = `alert state not saved (${describeError(error)}); a duplicate notice is possible`;
  }

  const options: RenderOptions = {
    apiBaseUrl: deps.apiBaseUrl,
    kind: decision.kind,
    previousStatus: monitor.alertState?.status ?? null,
  };
  const context: DeliveryContext = { monitorId: monitor.id, runId: run.id };
  const email = once(() => renderAlertEmail(run, monitor, options));
  const sms = once(() => renderSms(run, monitor, options));
  const topic = once(() => renderTopicMessage(run, monitor, options));
  const send: Record<NotificationChannel, (target: string) => Promise<Delivery>> = {
    email: (to) => channels.sendEmail(to, email(), context),
    sms: (phoneNumber) => channels.sendSms(phoneNumber, sms(), context),
    topic: () => channels.publishTopic(topic(), context),
  };

  const deliver = async ({ channel, target }: Target): Promise<NotificationOutcome> => {
    try {
      // Rendering runs inside the attempt too: a bug there becomes a `failed` outcome, not a lost verdict.
      const delivery = await withRetry(() => send[channel](target), isTransient, retry);
      const reason = [delivery.detail, stateNote].filter((part) => part !== null).join('; ');
      return { channel, target, status: delivery.status, reason: reason === '' ? null : reason };
    } catch (error) {
      return { channel, target, status: 'failed', reason: describeError(error) };
    }
  };
  // One channel's targets go one after another (SES sandbox sends 1 email a second); channels in parallel.
  const byChannel = (['email', 'sms', 'topic'] as const).map(async (channel) => {
    const outcomes: NotificationOutcome[] = [];
    for (const target of targets.filter((each) => each.channel === channel)) outcomes.push(await deliver(target));
    return outcomes;
  });
  const outcomes = (await Promise.all(byChannel)).flat();

  if (outcomes.length > 0 && outcomes.every((outcome) => outcome.status === 'failed')) {
    // Best effort, and still a compare-and-set: if another run moved the state since, it stays.
    await monitors.swapAlertState(monitor.id, decision.nextAlertState, monitor.alertState).catch(() => false);
  }
  return outcomes;
}

function isTransient(error: unknown): boolean {
  return error instanceof DeliveryError && error.transient;
}

/** The configured targets: recipients and numbers without repeats, then the topic. */
function targetsOf(monitor: Monitor, topicName: string | null): Target[] {
  const { emailRecipients, smsNumbers } = monitor.notificationConfig;
  const emails = [...new Map(emailRecipients.map((address) => [address.toLowerCase(), address])).values()];
  return [
    ...emails.map((target) => ({ channel: 'email' as const, target })),
    ...[...new Set(smsNumbers)].map((target) => ({ channel: 'sms' as const, target })),
    ...(topicName === null ? [] : [{ channel: 'topic' as const, target: topicName }]),
  ];
}

function suppressAll(targets: readonly Target[], reason: string): NotificationOutcome[] {
  return targets.map(({ channel, target }) => ({ channel, target, status: 'suppressed', reason }));
}

function once<T>(produce: () => T): () => T {
  let value: { result: T } | null = null;
  return () => (value ??= { result: produce() }).result;
}
