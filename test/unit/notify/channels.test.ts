import { describe, expect, it } from 'vitest';
import { DeliveryError, combineChannels, describeError, describeFailure } from '#domain/notify/channels.ts';
import type { Delivery } from '#domain/notify/channels.ts';
import { RecordingChannels } from './fixtures.ts';

const context = { monitorId: 'm1', runId: 'r1' };
const email = { subject: 's', html: '<p>h</p>', text: 't' };

describe('combineChannels', () => {
  it('routes each channel to its sender and names the topic after the publisher', async () => {
    const emails = new RecordingChannels(null);
    const sms = new RecordingChannels(null);
    const topic = new RecordingChannels('arn:topic');
    const channels = combineChannels({ email: emails, sms, topic: { topicName: 'arn:topic', publishTopic: (m, c) => topic.publishTopic(m, c) } });

    await channels.sendEmail('ops@example.com', email, context);
    await channels.sendSms('+15555550100', 'hi', context);
    await channels.publishTopic({ subject: 's', message: '{}', structure: 'json', attributes: {} }, context);

    expect(channels.topicName).toBe('arn:topic');
    expect(emails.sent.map((m) => m.target)).toEqual(['ops@example.com']);
    expect(sms.sent.map((m) => m.target)).toEqual(['+15555550100']);
    expect(topic.sent.map((m) => m.target)).toEqual(['arn:topic']);
  });

  it('has no topic name and refuses to publish without a topic', async () => {
    const none = new RecordingChannels(null);
    const channels = combineChannels({ email: none, sms: none, topic: null });

    const publishing: Promise<Delivery> = channels.publishTopic({ subject: 's', message: '{}', structure: 'json', attributes: {} }, context);

    expect(channels.topicName).toBeNull();
    await expect(publishing).rejects.toMatchObject({ name: 'DeliveryError', errorName: 'NoTopic', transient: false });
  });
});

describe('describeFailure', () => {
  it('keeps the first line, removes access key ids and signatures, and caps the length', () => {
    const reason = describeFailure(
      'SignatureDoesNotMatch',
      'Credential=AKIAIOSFODNN7EXAMPLE/20261121/us-east-1/ses/aws4_request, Signature=abcdef0123 does not match\nCanonical request: ...',
    );

    expect(reason).toBe('SignatureDoesNotMatch: Credential=[redacted], Signature=[redacted] does not match');
    expect(describeFailure('X', 'y'.repeat(1000))).toHaveLength(300);
  });

  it('describes anything thrown', () => {
    expect(describeError(new DeliveryError('Throttling', 'slow down', true))).toBe('Throttling: slow down');
    expect(describeError(new RangeError('bad'))).toBe('RangeError: bad');
    expect(describeError('plain')).toBe('Error: plain');
  });
});
