/**
 * The notification port: where a rendered notice goes. AWS adapters deliver through SES and SNS;
 * the outbox adapter writes files in local mode without credentials.
 */
import { VigilError } from '../model/errors.ts';
import { oneLine } from './text.ts';

/** A rendered email: one subject, an HTML body and its plain-text alternative. */
export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** A message for the stack's alert topic. */
export interface TopicMessage {
  /** Printable ASCII, under 100 characters (SNS rejects anything else). */
  subject: string;
  /**
   * With `structure: 'json'`, a JSON object of one string per protocol (`default`, `email`,
   * `sms`), so email and SMS subscribers get readable text and HTTPS/SQS/Lambda ones the event.
   */
  message: string;
  structure: 'json';
  /** Message attributes (all strings) that subscription filter policies match on. */
  attributes: Record<string, string>;
}

/** Which run a delivery belongs to (the outbox names its files after it). */
export interface DeliveryContext {
  monitorId: string;
  runId: string;
}

/** What a channel did with a message: handed to AWS (`sent`) or written to the outbox. */
export interface Delivery {
  status: 'sent' | 'outbox';
  /** Where the outbox wrote it; null for AWS deliveries. */
  detail: string | null;
}

export interface EmailSender {
  /** Sends one email to one recipient; throws {@link DeliveryError} when it cannot. */
  sendEmail(to: string, email: RenderedEmail, context: DeliveryContext): Promise<Delivery>;
}

export interface SmsSender {
  /** Sends one SMS to an E.164 number; throws {@link DeliveryError} when it cannot. */
  sendSms(phoneNumber: string, text: string, context: DeliveryContext): Promise<Delivery>;
}

export interface TopicPublisher {
  /** Names the topic in notification outcomes (its ARN in AWS). */
  readonly topicName: string;
  /** Publishes one message to the topic; throws {@link DeliveryError} when it cannot. */
  publishTopic(message: TopicMessage, context: DeliveryContext): Promise<Delivery>;
}

/** Every channel a run can notify through. */
export interface NotificationChannels extends EmailSender, SmsSender {
  /** The alert topic's name for outcomes; null when there is no topic, and nothing is published. */
  readonly topicName: string | null;
  publishTopic(message: TopicMessage, context: DeliveryContext): Promise<Delivery>;
}

/**
 * Combines separate senders into one {@link NotificationChannels} (SES email, SNS SMS and the SNS
 * topic in AWS; or any mix, such as SES email with the outbox for the rest).
 */
export function combineChannels(parts: {
  email: EmailSender;
  sms: SmsSender;
  topic: TopicPublisher | null;
}): NotificationChannels {
  const { email, sms, topic } = parts;
  return {
    topicName: topic?.topicName ?? null,
    sendEmail: (to, message, context) => email.sendEmail(to, message, context),
    sendSms: (phoneNumber, text, context) => sms.sendSms(phoneNumber, text, context),
    publishTopic: (message, context) => {
      if (topic === null) return Promise.reject(new DeliveryError('NoTopic', 'no alert topic is configured', false));
      return topic.publishTopic(message, context);
    },
  };
}

/**
 * A delivery that did not happen. `transient` errors (throttling, 5xx, network) are worth retrying;
 * the message is `Name: reason` with credentials removed, ready to be stored on the run.
 */
export class DeliveryError extends VigilError {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'DeliveryError';
  readonly code = 'delivery_failed';

  constructor(
    readonly errorName: string,
    reason: string,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(describeFailure(errorName, reason), options);
  }
}

const MAX_REASON_CHARS = 300;
// Signature errors can echo the canonical request, which names the access key and signature.
const CREDENTIAL_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g, '[redacted]'],
  [/\b(Credential|Signature|X-Amz-Security-Token|X-Amz-Signature)=[^\s,&]+/gi, '$1=[redacted]'],
];

/**
 * `Name: first line of the reason`, at most 300 characters, with access key ids and request
 * signatures removed, for a run's notification outcome.
 */
export function describeFailure(name: string, reason: string): string {
  const firstLine = reason.split(/\r?\n/, 1)[0] ?? '';
  let text = oneLine(`${name}: ${firstLine}`);
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) text = text.replace(pattern, replacement);
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
}

/** {@link describeFailure} for anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof DeliveryError) return error.message;
  if (error instanceof Error) return describeFailure(error.name, error.message);
  return describeFailure('Error', String(error));
}
