/**
 * The whole alert path against an AWS emulator (moto_server), the way local mode runs with
 * credentials and `AWS_ENDPOINT_URL_SES` / `AWS_ENDPOINT_URL_SNS`: the clients get no endpoint in
 * code, so this also proves the adapters go through the SDK's endpoint resolution.
 * Skipped where moto_server is not installed.
 */
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SesEmailSender } from '#adapters/ses/ses-email-sender.ts';
import { SnsSmsSender } from '#adapters/sns/sns-sms-sender.ts';
import { SnsTopicPublisher } from '#adapters/sns/sns-topic-publisher.ts';
import { combineChannels } from '#domain/notify/channels.ts';
import type { NotifyRunDeps } from '#domain/notify/notify-run.ts';
import { notifyRun } from '#domain/notify/notify-run.ts';
import { API_BASE_URL, InMemoryAlertStates, NOW, makeMonitor, makeRun } from '../../unit/notify/fixtures.ts';
import { startMoto, type Moto } from '../../support/moto.ts';

const SENDER = 'vigil@example.com';
const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL_SES', 'AWS_ENDPOINT_URL_SNS', 'AWS_ENDPOINT_URL_SQS'] as const;

describe('notifyRun against an AWS emulator', () => {
  let moto: Moto;
  let endpoint: string;
  const savedEnvironment = new Map<string, string | undefined>();
  let queueUrl: string;
  let deps: NotifyRunDeps;
  let states: InMemoryAlertStates;
  let now: Date;
  const monitor = makeMonitor({
    notificationConfig: { emailRecipients: ['ops@example.com', 'oncall@example.com'], smsNumbers: ['+15555550100', '+15555550101'] },
  });

  const motoData = () => moto.data();
  const clientConfig = { region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };

  beforeAll(async () => {
    moto = await startMoto();
    endpoint = moto.endpoint;
    for (const name of ENDPOINT_VARIABLES) {
      savedEnvironment.set(name, process.env[name]);
      process.env[name] = endpoint;
    }

    const ses = new SESClient(clientConfig);
    const sns = new SNSClient(clientConfig);
    const sqs = new SQSClient(clientConfig);
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: SENDER }));
    const { TopicArn: topicArn = '' } = await sns.send(new CreateTopicCommand({ Name: 'vigil-alerts' }));
    ({ QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'alerts-only' })));
    const { Attributes: queue = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queue.QueueArn,
        Attributes: { FilterPolicy: JSON.stringify({ status: ['alert'] }) },
      }),
    );

    states = new InMemoryAlertStates();
    now = NOW;
    deps = {
      monitors: states,
      channels: combineChannels({
        email: new SesEmailSender(ses, { source: SENDER }),
        sms: new SnsSmsSender(sns),
        topic: new SnsTopicPublisher(sns, { topicArn }),
      }),
      clock: { now: () => now },
      apiBaseUrl: API_BASE_URL,
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
    };
  }, 30_000);

  afterAll(async () => {
    for (const [name, value] of savedEnvironment) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await moto?.stop();
  });

  const receiveTopicMessages = async () => {
    const sqs = new SQSClient(clientConfig);
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    return messages.map((message) => JSON.parse(message.Body ?? '{}') as Record<string, unknown>);
  };

  it('sends one email per recipient, one SMS per number and one topic message with the attributes', async () => {
    const run = makeRun();

    const outcomes = await notifyRun(run, states.fresh(monitor), deps);

    expect(outcomes.map((outcome) => `${outcome.channel}:${outcome.target}:${outcome.status}`)).toEqual([
      'email:ops@example.com:sent',
      'email:oncall@example.com:sent',
      'sms:+15555550100:sent',
      'sms:+15555550101:sent',
      `topic:${deps.channels.topicName}:sent`,
    ]);
    const data = await motoData();
    expect(data.ses.Message.map((message) => [message.source, message.destinations.ToAddresses])).toEqual([
      [SENDER, ['ops@example.com']],
      [SENDER, ['oncall@example.com']],
    ]);
    expect(data.ses.Message[0]?.subject).toMatch(/^\[Vigil\] ALERT: BTC bot anomaly detector - /);
    expect(data.sns.SMS.map((sms) => sms.phone_number)).toEqual(['+15555550100', '+15555550101']);
    expect(data.sns.SMS[0]?.message).toBe(
      'Vigil ALERT BTC bot anomaly detector: Order placement fails since 10:02: 37 timeouts against the exchange API. (run 01JRUN00000000000000000001)',
    );
    const [envelope, ...more] = await receiveTopicMessages();
    expect(more).toEqual([]);
    expect(envelope?.MessageAttributes).toEqual({
      monitor_id: { Type: 'String', Value: monitor.id },
      status: { Type: 'String', Value: 'alert' },
      severity: { Type: 'String', Value: 'high' },
      kind: { Type: 'String', Value: 'alert' },
    });
    expect(JSON.parse(String(envelope?.Message))).toMatchObject({ kind: 'alert', run_id: run.id, monitor_id: monitor.id });
  });

  it('sends nothing for a second identical alert inside the cooldown and says suppressed', async () => {
    now = new Date(NOW.getTime() + 10 * 60_000);

    const outcomes = await notifyRun(makeRun({ id: '01JRUN00000000000000000002' }), states.fresh(monitor), deps);

    expect(new Set(outcomes.map((outcome) => `${outcome.status}:${outcome.reason}`))).toEqual(new Set(['suppressed:cooldown']));
    expect(outcomes).toHaveLength(5);
    const data = await motoData();
    expect(data.ses.Message).toHaveLength(2);
    expect(data.sns.SMS).toHaveLength(2);
    expect(await receiveTopicMessages()).toEqual([]);
  });

  it('publishes the recovered notice, which a status=alert filter policy keeps out of the queue', async () => {
    now = new Date(NOW.getTime() + 15 * 60_000);
    const ok = makeRun({ id: '01JRUN00000000000000000003', status: 'ok', summary: 'Orders flow again.', findings: [], rules: [] });

    const outcomes = await notifyRun(ok, states.fresh(monitor), deps);

    expect(outcomes.every((outcome) => outcome.status === 'sent')).toBe(true);
    const data = await motoData();
    expect(data.sns.SMS.at(-1)?.message).toBe('Vigil RECOVERED BTC bot anomaly detector: Orders flow again. (run 01JRUN00000000000000000003)');
    expect(data.ses.Message).toHaveLength(4);
    expect(await receiveTopicMessages()).toEqual([]);
  });

  it('records the emulator’s refusal of an unverified sender as failed, and keeps going', async () => {
    const unverified = new SesEmailSender(new SESClient(clientConfig), { source: 'nobody@unverified.example' });

    const outcome = await unverified.sendEmail('ops@example.com', { subject: 's', html: '<p>h</p>', text: 't' }).catch((error: unknown) => error);

    expect(outcome).toMatchObject({ name: 'DeliveryError', errorName: 'MessageRejected', transient: false });
  });
});
