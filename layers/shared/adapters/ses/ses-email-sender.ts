/** Email through Amazon SES (v1 SendEmail), one call per recipient. */
import type { SESClient } from '@aws-sdk/client-ses';
import { SendEmailCommand } from '@aws-sdk/client-ses';
import type { Delivery, EmailSender, RenderedEmail } from '#domain/notify/channels.ts';
import { deliveredBy } from '../delivery-errors.ts';

export interface SesEmailSenderOptions {
  /** The verified sender identity (an address, or any address of a verified domain). */
  source: string;
  /** An SES configuration set for bounce and complaint events. @default none */
  configurationSetName?: string;
}

/**
 * Sends each email to one recipient, so one bad or unverified address (SES rejects the whole call)
 * does not sink the others' copies.
 */
export class SesEmailSender implements EmailSender {
  constructor(
    private readonly ses: SESClient,
    private readonly options: SesEmailSenderOptions,
  ) {}

  /** Sends `email` to `to`; DeliveryError with the SES error's name and message when it fails. */
  sendEmail(to: string, email: RenderedEmail): Promise<Delivery> {
    const utf8 = (data: string) => ({ Data: data, Charset: 'UTF-8' });
    const command = new SendEmailCommand({
      Source: this.options.source,
      Destination: { ToAddresses: [to] },
      Message: {
        Subject: utf8(email.subject),
        Body: { Html: utf8(email.html), Text: utf8(email.text) },
      },
      ...(this.options.configurationSetName === undefined ? {} : { ConfigurationSetName: this.options.configurationSetName }),
    });
    return deliveredBy(() => this.ses.send(command));
  }
}
