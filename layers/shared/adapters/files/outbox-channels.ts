/**
 * Local mode without AWS credentials: every notice is written to a folder (`.vigil/outbox/` by
 * default) — one `.eml` per email, one JSON per SMS or topic message — and announced in one
 * console line, so a developer sees exactly what would have been sent.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '#domain/model/ports.ts';
import type {
  Delivery,
  DeliveryContext,
  NotificationChannels,
  RenderedEmail,
  TopicMessage,
} from '#domain/notify/channels.ts';
import { DeliveryError } from '#domain/notify/channels.ts';
import { oneLine } from '#domain/notify/text.ts';
import { buildEml } from './eml.ts';

export interface OutboxChannelsOptions {
  /** The outbox folder; created on first use. */
  dir: string;
  /** The From of the .eml files (the configured SES sender when there is one). */
  from: string;
  /** Names the topic in outcomes and files; null for no topic messages. @default 'vigil-alerts' */
  topicName?: string | null;
  clock: Clock;
  /** Prints one line per message (the console in local mode). */
  log: (line: string) => void;
}

// A name can only clash with another message to the same target in the same millisecond of the same run.
const MAX_NAME_ATTEMPTS = 50;

/** {@link NotificationChannels} that write files; every delivery is `outbox`, detail = the file path. */
export class OutboxChannels implements NotificationChannels {
  readonly topicName: string | null;

  constructor(private readonly options: OutboxChannelsOptions) {
    this.topicName = options.topicName === undefined ? 'vigil-alerts' : options.topicName;
  }

  /** Writes `<time>_<run id>_email_<recipient>.eml` (multipart/alternative, text and HTML). */
  async sendEmail(to: string, email: RenderedEmail, context: DeliveryContext): Promise<Delivery> {
    const date = this.options.clock.now();
    const eml = buildEml({
      from: this.options.from,
      to,
      subject: email.subject,
      date,
      messageId: `${context.runId}.${date.getTime()}.${slug(to)}@vigil.local`,
      text: email.text,
      html: email.html,
      headers: { 'X-Vigil-Monitor-Id': context.monitorId, 'X-Vigil-Run-Id': context.runId },
    });
    return this.write(date, context, { channel: 'email', target: to, extension: 'eml', content: eml, summary: email.subject });
  }

  /** Writes `<time>_<run id>_sms_<number>.json` with the message text. */
  async sendSms(phoneNumber: string, text: string, context: DeliveryContext): Promise<Delivery> {
    const date = this.options.clock.now();
    const content = { channel: 'sms', phone_number: phoneNumber, message: text, ...meta(date, context) };
    return this.write(date, context, { channel: 'sms', target: phoneNumber, ...asJson(content), summary: text });
  }

  /** Writes `<time>_<run id>_topic_<topic>.json` with subject, attributes and the per-protocol message. */
  async publishTopic(message: TopicMessage, context: DeliveryContext): Promise<Delivery> {
    const topic = this.topicName;
    if (topic === null) throw new DeliveryError('NoTopic', 'the outbox has no topic', false);
    const date = this.options.clock.now();
    const content = {
      channel: 'topic',
      topic,
      subject: message.subject,
      attributes: message.attributes,
      message_structure: message.structure,
      // Parsed so the file reads as one JSON document; SNS carries it as a string.
      message: JSON.parse(message.message) as unknown,
      ...meta(date, context),
    };
    return this.write(date, context, { channel: 'topic', target: topic, ...asJson(content), summary: message.subject });
  }

  private async write(
    date: Date,
    context: DeliveryContext,
    file: { channel: string; target: string; extension: string; content: string; summary: string },
  ): Promise<Delivery> {
    const stamp = date.toISOString().replace(/[-:]/g, '');
    const base = `${stamp}_${slug(context.runId)}_${file.channel}_${slug(file.target)}`;
    try {
      await mkdir(this.options.dir, { recursive: true });
      for (let attempt = 1; ; attempt += 1) {
        const path = join(this.options.dir, `${base}${attempt === 1 ? '' : `-${attempt}`}.${file.extension}`);
        try {
          await writeFile(path, file.content, { encoding: 'utf8', flag: 'wx' });
          this.options.log(`outbox: ${file.channel} to ${file.target}: ${oneLine(file.summary)} -> ${path}`);
          return { status: 'outbox', detail: path };
        } catch (error) {
          if (codeOf(error) !== 'EEXIST' || attempt >= MAX_NAME_ATTEMPTS) throw error;
        }
      }
    } catch (error) {
      throw new DeliveryError(codeOf(error) ?? 'OutboxError', error instanceof Error ? error.message : String(error), false, {
        cause: error,
      });
    }
  }
}

function meta(date: Date, context: DeliveryContext): Record<string, string> {
  return { monitor_id: context.monitorId, run_id: context.runId, created_at: date.toISOString() };
}

function asJson(content: Record<string, unknown>): { extension: string; content: string } {
  return { extension: 'json', content: `${JSON.stringify(content, null, 2)}\n` };
}

/** File-name safe: letters, digits and `@ . + -` kept, the rest `_`, at most 64 characters. */
function slug(value: string): string {
  return value.replace(/[^A-Za-z0-9@.+-]/g, '_').slice(0, 64);
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
