/** The stack's alert topic: every notice is published there for subscribers with filter policies. */
import type { SNSClient } from '@aws-sdk/client-sns';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { Delivery, TopicMessage, TopicPublisher } from '#domain/notify/channels.ts';
import { deliveredBy } from '../delivery-errors.ts';

export class SnsTopicPublisher implements TopicPublisher {
  readonly topicName: string;

  constructor(
    private readonly sns: SNSClient,
    options: { topicArn: string },
  ) {
    this.topicName = options.topicArn;
  }

  /** Publishes `message` with its attributes as String attributes; DeliveryError when SNS refuses. */
  publishTopic(message: TopicMessage): Promise<Delivery> {
    const command = new PublishCommand({
      TopicArn: this.topicName,
      Subject: message.subject,
      Message: message.message,
      MessageStructure: message.structure,
      MessageAttributes: Object.fromEntries(
        Object.entries(message.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
      ),
    });
    return deliveredBy(() => this.sns.send(command));
  }
}
