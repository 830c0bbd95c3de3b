/** SMS through Amazon SNS Publish to a phone number. */
import type { SNSClient } from '@aws-sdk/client-sns';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { Delivery, SmsSender } from '#domain/notify/channels.ts';
import { deliveredBy } from '../delivery-errors.ts';

/**
 * Sends transactional SMS (routed for reliability rather than cost, as alerts should be). The
 * account's SMS sandbox and monthly spend limit apply: see docs/alerts.md.
 */
export class SnsSmsSender implements SmsSender {
  constructor(private readonly sns: SNSClient) {}

  /** Sends `text` to the E.164 `phoneNumber`; DeliveryError with the SNS error when it fails. */
  sendSms(phoneNumber: string, text: string): Promise<Delivery> {
    const command = new PublishCommand({
      PhoneNumber: phoneNumber,
      Message: text,
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      },
    });
    return deliveredBy(() => this.sns.send(command));
  }
}
