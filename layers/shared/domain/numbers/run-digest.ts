/**
 * The digest run's work: read the latest snapshot of each `cost` input (never Cost Explorer),
 * render the digest and send it to the monitor's email recipients and the alert topic.
 */
import type { InputStats, LogSource, Monitor, MonitorRun, NotificationOutcome } from '../model/entities.ts';
import type { CostSnapshotReader } from '../collect/ports.ts';
import type { CostSnapshot } from '../collect/types.ts';
import type { Delivery, NotificationChannels } from '../notify/channels.ts';
import { DeliveryError, describeError } from '../notify/channels.ts';
import { withRetry, type DeliveryRetryPolicy } from '../notify/retry.ts';
import type { LogSourceRepository } from '../log-sources/ports.ts';
import { renderCostDigest } from './digest.ts';

export interface DigestDeps {
  logSources: Pick<LogSourceRepository, 'getMany'>;
  costSnapshots: CostSnapshotReader;
  channels: NotificationChannels;
  retry: DeliveryRetryPolicy;
  /** The management API's base URL, for the run's link. */
  apiBaseUrl: string;
}

/** What a digest run records. */
export interface DigestOutcome {
  /** `ok` when at least one snapshot was read, else `error`. */
  status: 'ok' | 'error';
  summary: string;
  inputs: Record<string, InputStats>;
  notifications: NotificationOutcome[];
  error: string | null;
}

const stats = (error: string | null): InputStats => ({ lines: 0, chars: 0, truncated: false, error });

/** Reads, renders and sends the digest of `monitor` for `run` (a `digest` run). Delivery failures are outcomes. */
export async function sendCostDigest(monitor: Monitor, run: MonitorRun, deps: DigestDeps): Promise<DigestOutcome> {
  const costInputs = monitor.inputs.filter((input) => input.mode === 'cost');
  const sources = await deps.logSources.getMany([...new Set(costInputs.map((input) => input.logSourceId ?? monitor.logSourceId))]);
  const read = await Promise.all(
    costInputs.map(async (input): Promise<{ label: string; snapshot: CostSnapshot | null; error?: string }> => {
      const source: LogSource | undefined = sources.get(input.logSourceId ?? monitor.logSourceId);
      if (source === undefined) return { label: input.label, snapshot: null, error: 'its log source no longer exists' };
      const snapshot = await deps.costSnapshots.latest(source.id);
      return snapshot === null ? { label: input.label, snapshot, error: 'no cost snapshot yet' } : { label: input.label, snapshot };
    }),
  );
  const inputs = Object.fromEntries(read.map((each) => [each.label, stats(each.snapshot === null ? (each.error ?? 'no cost snapshot yet') : null)]));
  if (read.every((each) => each.snapshot === null)) {
    const error = `no cost snapshot to report: ${read.map((each) => `${each.label}: ${each.error ?? 'none'}`).join('; ') || 'the monitor has no cost input'}`;
    return { status: 'error', summary: 'The cost digest was not sent: no cost snapshot to report.', inputs, notifications: [], error };
  }

  const base = deps.apiBaseUrl.replace(/\/+$/, '');
  const runUrl = `${base}/monitors/${encodeURIComponent(monitor.id)}/runs/${encodeURIComponent(run.id)}`;
  const day = (run.scheduledFor ?? run.createdAt).slice(0, 10);
  const digest = renderCostDigest(monitor, read, { day, runUrl });
  const context = { monitorId: monitor.id, runId: run.id };
  const isTransient = (error: unknown) => error instanceof DeliveryError && error.transient;
  const deliver = async (channel: 'email' | 'topic', target: string, send: () => Promise<Delivery>): Promise<NotificationOutcome> => {
    try {
      const delivery = await withRetry(send, isTransient, deps.retry);
      return { channel, target, status: delivery.status, reason: delivery.detail };
    } catch (error) {
      return { channel, target, status: 'failed', reason: describeError(error) };
    }
  };
  const notifications: NotificationOutcome[] = [];
  const recipients = [...new Map(monitor.notificationConfig.emailRecipients.map((address) => [address.toLowerCase(), address])).values()];
  // One after another: the SES sandbox sends one email a second.
  for (const to of recipients) notifications.push(await deliver('email', to, () => deps.channels.sendEmail(to, digest.email, context)));
  const topic = deps.channels.topicName;
  if (topic !== null) notifications.push(await deliver('topic', topic, () => deps.channels.publishTopic(digest.topic, context)));
  return { status: 'ok', summary: digest.summary, inputs, notifications, error: null };
}
