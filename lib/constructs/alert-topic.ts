import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SmsSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { SubscriptionProtocol } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV } from '#composition/contract.ts';
import type { VigilFunction } from './vigil-function.ts';

export interface AlertSubscriptions {
  readonly emails: readonly string[];
  readonly smsNumbers: readonly string[];
  readonly httpsEndpoints: readonly string[];
}

export interface AlertTopicProps {
  /** Who receives the alerts; email and HTTPS subscribers must confirm before delivery starts. */
  readonly subscriptions: AlertSubscriptions;
  /** @default 'Vigil alerts' */
  readonly displayName?: string;
  /**
   * Let this account's CloudWatch alarms publish (topic policy) and use the key (key policy).
   * @default false
   */
  readonly acceptAlarms?: boolean;
}

/** What CloudWatch needs of the topic's key to publish an alarm to the encrypted topic. */
export const ALARM_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey*'] as const;

/**
 * An SNS topic of Vigil's: the alert topic monitors notify through, or the operations topic
 * Vigil's own alarms go to. Encrypted with a customer managed KMS key (rotated yearly) and
 * refusing publishes without TLS. With `acceptAlarms`, its policy lets this account's CloudWatch
 * alarms publish, and the key's policy lets CloudWatch use the key for that, both only on behalf
 * of this account (`aws:SourceAccount`).
 *
 * A customer key rather than `aws/sns`: CloudWatch alarms publish here, and the AWS managed key's
 * policy cannot be changed to let CloudWatch use it.
 */
export class AlertTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;
  private readonly action: SnsAction | null;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);

    const displayName = props.displayName ?? 'Vigil alerts';
    this.key = new Key(this, 'Key', {
      description: `Encrypts the ${displayName} topic`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
    });
    const stack = Stack.of(this);
    // Only this account's alarms: without aws:SourceAccount, CloudWatch acting for any account
    // could use the key and publish here (the confused-deputy problem).
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    if (props.acceptAlarms) this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [cloudWatch],
        actions: [...ALARM_KEY_ACTIONS],
        resources: ['*'],
        conditions: fromThisAccount,
      }),
    );

    this.topic = new Topic(this, 'Topic', {
      displayName,
      masterKey: this.key,
      enforceSSL: true,
      // SHA256 signatures on deliveries instead of SHA1.
      signatureVersion: '2',
    });
    if (props.acceptAlarms) this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ...fromThisAccount,
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
        },
      }),
    );
    for (const email of props.subscriptions.emails) {
      this.topic.addSubscription(new EmailSubscription(email));
    }
    for (const phoneNumber of props.subscriptions.smsNumbers) {
      this.topic.addSubscription(new SmsSubscription(phoneNumber));
    }
    for (const url of props.subscriptions.httpsEndpoints) {
      this.topic.addSubscription(new UrlSubscription(url, { protocol: SubscriptionProtocol.HTTPS }));
    }
    this.action = props.acceptAlarms ? new SnsAction(this.topic) : null;
  }

  /** Use as a CloudWatch alarm action; only a topic that accepts alarms has one. */
  get alarmAction(): SnsAction {
    if (this.action === null) throw new Error(`${this.node.path} does not accept alarms (acceptAlarms)`);
    return this.action;
  }

  /** Lets a function publish alerts: sets `ALERT_TOPIC_ARN` to the topic ARN and grants publish and the key. */
  bindPublisher(vigilFunction: VigilFunction): void {
    const fn = vigilFunction.function;
    vigilFunction.setEnvironment(ENV.ALERT_TOPIC_ARN, this.topic.topicArn);
    this.topic.grantPublish(fn);
    if (fn.role) {
      Validations.of(fn.role).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason:
          'Publishing to a topic encrypted with a customer managed key needs kms:GenerateDataKey* and kms:Decrypt ' +
          '(Amazon SNS server-side encryption docs); the grant is on the alert topic key only.',
      });
    }
  }
}
