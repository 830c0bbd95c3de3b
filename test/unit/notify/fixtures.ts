/** Monitors, runs and fakes of the ports for the notification tests. */
import fc from 'fast-check';
import type {
  AlertState,
  Monitor,
  MonitorRun,
  NotificationConfig,
} from '#domain/model/entities.ts';
import type { MonitorRepository } from '#domain/monitors/ports.ts';
import type {
  Delivery,
  DeliveryContext,
  NotificationChannels,
  RenderedEmail,
  TopicMessage,
} from '#domain/notify/channels.ts';

// Characters that break naive renderers, plus any code point (astral ones included).
const TRICKY = [' ', '\n', '\t', '{', '€', 'é', 'ç', 'Ω', '🔥', '\u001b', '\u0007', '\u202e', '\u200b', '—', '…', '“', '<', '&', '"'];
const textUnit = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.constantFrom('a', 'b', 'Z', '1', '.', ':'),
  fc.integer({ min: 0, max: 0x10ffff }).filter((code) => code < 0xd800 || code > 0xdfff).map((code) => String.fromCodePoint(code)),
);

/** Arbitrary text that mixes plain words with what logs and models throw at renderers. */
export function anyText(constraints: { minLength?: number; maxLength: number }): fc.Arbitrary<string> {
  return fc.string({ ...constraints, unit: textUnit });
}

export const NOW = new Date('2026-11-21T10:05:00.000Z');
export const API_BASE_URL = 'https://api.example.com/prod';

export function makeMonitor(
  overrides: Partial<Omit<Monitor, 'notificationConfig'>> & { notificationConfig?: Partial<NotificationConfig> } = {},
): Monitor {
  const { notificationConfig, ...rest } = overrides;
  return {
    id: '01JMONITOR0000000000000001',
    name: 'BTC bot anomaly detector',
    logSourceId: '01JSOURCE00000000000000001',
    enabled: true,
    intervalSeconds: 300,
    prompt: 'Look for errors, stuck loops, abnormal fills and API failures.',
    inputs: [
      { label: 'FULL_LOGS', mode: 'filter', filterPattern: '' },
      { label: 'ERRORS', mode: 'filter', filterPattern: '?ERROR ?Exception' },
    ],
    rules: [{ label: 'ERRORS', pattern: 'ERROR|Exception', minCount: 10, severity: 'alert' }],
    windowConfig: { maxLines: 500, maxChars: 8000, mode: 'raw' },
    notificationConfig: {
      emailRecipients: ['ops@example.com', 'oncall@example.com'],
      smsNumbers: ['+15555550100'],
      notifyOn: 'alert_only',
      cooldownMinutes: 60,
      ...notificationConfig,
    },
    model: {},
    nextRunAt: '2026-11-21T10:10:00.000Z',
    lastRun: null,
    alertState: null,
    version: 1,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    ...rest,
  };
}

/** A finished `alert` run like the API's example, with one finding and one breached rule. */
export function makeRun(overrides: Partial<MonitorRun> = {}): MonitorRun {
  return {
    id: '01JRUN00000000000000000001',
    monitorId: '01JMONITOR0000000000000001',
    trigger: 'schedule',
    status: 'alert',
    scheduledFor: '2026-11-21T10:00:00.000Z',
    createdAt: '2026-11-21T10:00:00.000Z',
    startedAt: '2026-11-21T10:00:01.000Z',
    finishedAt: '2026-11-21T10:00:04.000Z',
    summary: 'Order placement fails since 10:02: 37 timeouts against the exchange API.',
    findings: [
      {
        title: 'Exchange API timeouts (37 since 10:02)',
        severity: 'alert',
        label: 'ERRORS',
        evidence: ['2026-11-21T10:02:11Z ERROR order 123 timeout after 30s'],
        recommendation: 'Check exchange status and the client timeout.',
      },
    ],
    inputs: {
      FULL_LOGS: { lines: 500, chars: 7990, truncated: true, error: null },
      ERRORS: { lines: 37, chars: 2100, truncated: false, error: null },
    },
    rules: [{ label: 'ERRORS', pattern: 'ERROR|Exception', count: 37, severity: 'alert', breached: true }],
    judge: {
      kind: 'bedrock',
      modelId: 'anthropic.claude-3-haiku',
      inputTokens: 2110,
      outputTokens: 180,
      latencyMs: 2300,
      estimatedCostUsd: 0.0009,
      skipped: null,
    },
    notifications: [],
    redactions: 0,
    payloadHash: 'abc',
    payload: null,
    rawReply: null,
    error: null,
    expiresAt: 1_800_000_000,
    ...overrides,
  };
}

/** A run whose every input failed: an `error` run with no verdict. */
export function makeFailedRun(overrides: Partial<MonitorRun> = {}): MonitorRun {
  return makeRun({
    status: 'error',
    summary: null,
    findings: [],
    rules: [],
    judge: null,
    error: 'every input failed',
    inputs: {
      FULL_LOGS: { lines: 0, chars: 0, truncated: false, error: 'AccessDeniedException: not authorized' },
      ERRORS: { lines: 0, chars: 0, truncated: false, error: 'AccessDeniedException: not authorized' },
    },
    ...overrides,
  });
}

/**
 * The compare-and-set the DynamoDB store implements: atomic at the moment of the call, answering
 * after an I/O turn so concurrent callers interleave as they would over the network.
 */
export class InMemoryAlertStates implements Pick<MonitorRepository, 'swapAlertState'> {
  readonly states = new Map<string, AlertState | null>();
  swaps = 0;

  /** When set, the next swap fails with it (the table unreachable). */
  failNextWith: Error | null = null;

  async swapAlertState(monitorId: string, expected: AlertState | null, next: AlertState | null): Promise<boolean> {
    this.swaps += 1;
    const failure = this.failNextWith;
    this.failNextWith = null;
    const current = this.states.get(monitorId) ?? null;
    const matches = JSON.stringify(current) === JSON.stringify(expected);
    if (failure === null && matches) this.states.set(monitorId, next);
    await new Promise((resolve) => setImmediate(resolve));
    if (failure !== null) throw failure;
    return matches;
  }

  /** The monitor as a runner would read it now: with the stored alert state. */
  fresh(monitor: Monitor): Monitor {
    return { ...monitor, alertState: this.states.get(monitor.id) ?? null };
  }
}

export interface SentMessage {
  channel: 'email' | 'sms' | 'topic';
  target: string;
  email?: RenderedEmail;
  text?: string;
  topic?: TopicMessage;
  context: DeliveryContext;
}

/**
 * Channels that record what they were asked to send. `failures` scripts errors per target: each
 * attempt to that target takes the next one, and succeeds once they run out.
 */
export class RecordingChannels implements NotificationChannels {
  readonly sent: SentMessage[] = [];
  readonly attempts = new Map<string, number>();
  readonly failures = new Map<string, unknown[]>();

  constructor(
    readonly topicName: string | null = 'arn:aws:sns:eu-west-1:123456789012:vigil-alerts',
    private readonly status: Delivery['status'] = 'sent',
  ) {}

  /** What reached one channel, in sending order (channels send in parallel). */
  sentOn(channel: SentMessage['channel']): SentMessage[] {
    return this.sent.filter((message) => message.channel === channel);
  }

  async sendEmail(to: string, email: RenderedEmail, context: DeliveryContext): Promise<Delivery> {
    return this.attempt({ channel: 'email', target: to, email, context });
  }

  async sendSms(phoneNumber: string, text: string, context: DeliveryContext): Promise<Delivery> {
    return this.attempt({ channel: 'sms', target: phoneNumber, text, context });
  }

  async publishTopic(message: TopicMessage, context: DeliveryContext): Promise<Delivery> {
    return this.attempt({ channel: 'topic', target: this.topicName ?? '', topic: message, context });
  }

  private async attempt(message: SentMessage): Promise<Delivery> {
    this.attempts.set(message.target, (this.attempts.get(message.target) ?? 0) + 1);
    const failure = this.failures.get(message.target)?.shift();
    if (failure !== undefined) throw failure;
    this.sent.push(message);
    return { status: this.status, detail: this.status === 'outbox' ? `.vigil/outbox/${message.target}` : null };
  }
}
