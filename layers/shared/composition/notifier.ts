import { SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import { SesEmailSender } from '#adapters/ses/ses-email-sender.ts';
import { SnsSmsSender } from '#adapters/sns/sns-sms-sender.ts';
import { SnsTopicPublisher } from '#adapters/sns/sns-topic-publisher.ts';
import { combineChannels, DeliveryError, type EmailSender, type NotificationChannels } from '#domain/notify/channels.ts';

/** Email is off until a verified sender is configured; each email outcome then says so. */
const noSender: EmailSender = {
  sendEmail: () =>
    Promise.reject(
      new DeliveryError('NoSenderConfigured', 'no sender address is configured (stack setting senderEmail / VIGIL_SENDER_EMAIL)', false),
    ),
};

/**
 * SES email, SNS SMS and the alert topic, as the runner delivers in AWS (and local mode with
 * credentials). Endpoints come from the SDK's resolution (AWS_ENDPOINT_URL_SES, _SNS).
 */
export function awsChannels(options: {
  senderEmail: string | undefined;
  topicArn: string | undefined;
  region?: string;
}): NotificationChannels {
  const region = options.region === undefined ? {} : { region: options.region };
  const sns = new SNSClient(region);
  return combineChannels({
    email: options.senderEmail ? new SesEmailSender(new SESClient(region), { source: options.senderEmail }) : noSender,
    sms: new SnsSmsSender(sns),
    topic: options.topicArn ? new SnsTopicPublisher(sns, { topicArn: options.topicArn }) : null,
  });
}
