import { MessageRejected, SESClient, SESServiceException, SendEmailCommand } from '@aws-sdk/client-ses';
import { InvalidParameterException, PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesEmailSender } from '#adapters/ses/ses-email-sender.ts';
import { SnsSmsSender } from '#adapters/sns/sns-sms-sender.ts';
import { SnsTopicPublisher } from '#adapters/sns/sns-topic-publisher.ts';
import { DeliveryError } from '#domain/notify/channels.ts';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:vigil-alerts';
const email = { subject: '[Vigil] ALERT: Bot - Orders fail', html: '<p>Orders fail</p>', text: 'Orders fail\n' };

/** An SDK service error as the client throws it, for services without a modelled exception class. */
function serviceError(
  Base: typeof SESServiceException | typeof SNSServiceException,
  name: string,
  httpStatusCode: number,
  message: string,
): Error {
  return new Base({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', message, $metadata: { httpStatusCode } });
}

const ses = mockClient(SESClient);
const sns = mockClient(SNSClient);

beforeEach(() => {
  ses.reset();
  sns.reset();
});

describe('SesEmailSender', () => {
  it('sends one UTF-8 email from the configured source to one recipient', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'msg-1' });
    const sender = new SesEmailSender(new SESClient({ region: 'eu-west-1' }), { source: 'vigil@example.com' });

    const delivery = await sender.sendEmail('ops@example.com', email);

    expect(delivery).toEqual({ status: 'sent', detail: null });
    expect(ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input)).toStrictEqual([
      {
        Source: 'vigil@example.com',
        Destination: { ToAddresses: ['ops@example.com'] },
        Message: {
          Subject: { Data: '[Vigil] ALERT: Bot - Orders fail', Charset: 'UTF-8' },
          Body: {
            Html: { Data: '<p>Orders fail</p>', Charset: 'UTF-8' },
            Text: { Data: 'Orders fail\n', Charset: 'UTF-8' },
          },
        },
      },
    ]);
  });

  it('names the configuration set when there is one', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'msg-1' });
    const sender = new SesEmailSender(new SESClient({ region: 'eu-west-1' }), {
      source: 'vigil@example.com',
      configurationSetName: 'vigil-events',
    });

    await sender.sendEmail('ops@example.com', email);

    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.ConfigurationSetName).toBe('vigil-events');
  });

  it('maps MessageRejected to a permanent DeliveryError with the SES reason', async () => {
    ses.on(SendEmailCommand).rejects(
      new MessageRejected({
        message: 'Email address is not verified. The following identities failed the check in region EU-WEST-1: ops@example.com',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const sender = new SesEmailSender(new SESClient({ region: 'eu-west-1' }), { source: 'vigil@example.com' });

    const error: unknown = await sender.sendEmail('ops@example.com', email).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({
      errorName: 'MessageRejected',
      transient: false,
      message:
        'MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: ops@example.com',
    });
  });

  it('maps SES throttling ("Maximum sending rate exceeded") to a transient DeliveryError', async () => {
    ses.on(SendEmailCommand).rejects(serviceError(SESServiceException, 'Throttling', 400, 'Maximum sending rate exceeded.'));
    const sender = new SesEmailSender(new SESClient({ region: 'eu-west-1' }), { source: 'vigil@example.com' });

    await expect(sender.sendEmail('ops@example.com', email)).rejects.toMatchObject({
      errorName: 'Throttling',
      transient: true,
      message: 'Throttling: Maximum sending rate exceeded.',
    });
  });
});

describe('SnsSmsSender', () => {
  it('publishes a transactional SMS to the number', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sms-1' });
    const sender = new SnsSmsSender(new SNSClient({ region: 'eu-west-1' }));

    const delivery = await sender.sendSms('+15555550100', 'Vigil ALERT Bot: Orders fail (run r1)');

    expect(delivery).toEqual({ status: 'sent', detail: null });
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input)).toStrictEqual([
      {
        PhoneNumber: '+15555550100',
        Message: 'Vigil ALERT Bot: Orders fail (run r1)',
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      },
    ]);
  });

  it('maps an invalid number to a permanent DeliveryError', async () => {
    sns.on(PublishCommand).rejects(
      new InvalidParameterException({ message: 'Invalid parameter: PhoneNumber Reason: +1 is not valid', $metadata: { httpStatusCode: 400 } }),
    );
    const sender = new SnsSmsSender(new SNSClient({ region: 'eu-west-1' }));

    await expect(sender.sendSms('+1', 'x')).rejects.toMatchObject({
      name: 'DeliveryError',
      errorName: 'InvalidParameterException',
      transient: false,
      message: 'InvalidParameterException: Invalid parameter: PhoneNumber Reason: +1 is not valid',
    });
  });

  it('maps a 5xx from SNS to a transient DeliveryError', async () => {
    sns.on(PublishCommand).rejects(serviceError(SNSServiceException, 'InternalErrorException', 500, 'Internal error'));
    const sender = new SnsSmsSender(new SNSClient({ region: 'eu-west-1' }));

    await expect(sender.sendSms('+15555550100', 'x')).rejects.toMatchObject({ errorName: 'InternalErrorException', transient: true });
  });
});

describe('SnsTopicPublisher', () => {
  const message = {
    subject: '[Vigil] ALERT: Bot - Orders fail',
    message: JSON.stringify({ default: '{"kind":"alert"}', email: 'Orders fail', sms: 'Vigil ALERT Bot' }),
    structure: 'json' as const,
    attributes: { monitor_id: 'm1', status: 'alert', severity: 'high', kind: 'alert' },
  };

  it('publishes the per-protocol message with String attributes to the topic', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'topic-1' });
    const publisher = new SnsTopicPublisher(new SNSClient({ region: 'eu-west-1' }), { topicArn: TOPIC_ARN });

    const delivery = await publisher.publishTopic(message);

    expect(publisher.topicName).toBe(TOPIC_ARN);
    expect(delivery).toEqual({ status: 'sent', detail: null });
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input)).toStrictEqual([
      {
        TopicArn: TOPIC_ARN,
        Subject: '[Vigil] ALERT: Bot - Orders fail',
        Message: message.message,
        MessageStructure: 'json',
        MessageAttributes: {
          monitor_id: { DataType: 'String', StringValue: 'm1' },
          status: { DataType: 'String', StringValue: 'alert' },
          severity: { DataType: 'String', StringValue: 'high' },
          kind: { DataType: 'String', StringValue: 'alert' },
        },
      },
    ]);
  });

  it('maps a missing publish permission to a permanent DeliveryError', async () => {
    sns.on(PublishCommand).rejects(
      serviceError(
        SNSServiceException,
        'AuthorizationErrorException',
        403,
        'User: arn:aws:sts::123456789012:assumed-role/runner is not authorized to perform: SNS:Publish',
      ),
    );
    const publisher = new SnsTopicPublisher(new SNSClient({ region: 'eu-west-1' }), { topicArn: TOPIC_ARN });

    await expect(publisher.publishTopic(message)).rejects.toMatchObject({
      errorName: 'AuthorizationErrorException',
      transient: false,
    });
  });
});
