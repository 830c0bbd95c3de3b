import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyOfTopic, synthTemplates, TEST_ENV, topicNamed } from './support.ts';

let template: Template;
let terminationProtection: boolean | undefined;
/** Every setting of the stateful stack away from its default, in one app (synth is slow). */
let custom: Template;
let customTerminationProtection: boolean | undefined;

beforeAll(() => {
  const defaults = synthTemplates();
  template = defaults.stateful;
  terminationProtection = defaults.app.stateful.terminationProtection;
  const changed = synthTemplates({
    config: {
      tableDeletionProtection: false,
      tableRemovalPolicy: 'destroy',
      runQueueVisibilityTimeoutSeconds: 1200,
      terminationProtection: false,
      alertSubscriptions: {
        emails: ['ops@example.com'],
        smsNumbers: ['+15555550100'],
        httpsEndpoints: ['https://hooks.example.com/vigil'],
      },
      opsSubscriptions: { emails: ['oncall@example.com'] },
    },
  });
  custom = changed.stateful;
  customTerminationProtection = changed.app.stateful.terminationProtection;
});

describe('the table', () => {
  it('has the exact key schema and indexes the store depends on', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayEquals(
        ['pk', 'sk', 'typePk', 'typeSk', 'parentPk', 'parentSk', 'duePk', 'dueAt', 'openPk', 'openAt', 'runStatusPk'].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
      ),
      GlobalSecondaryIndexes: Match.arrayEquals(
        [
          ['byType', 'typePk', 'typeSk'],
          ['byParent', 'parentPk', 'parentSk'],
          ['due', 'duePk', 'dueAt'],
          ['openRuns', 'openPk', 'openAt'],
          ['runsByStatus', 'runStatusPk', 'sk', 'KEYS_ONLY'],
        ].map(([indexName, partitionKey, sortKey, projection]) => ({
          IndexName: indexName,
          KeySchema: [
            { AttributeName: partitionKey, KeyType: 'HASH' },
            { AttributeName: sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: projection ?? 'ALL' },
        })),
      ),
    });
  });

  it('is on demand, encrypted with the AWS managed key, with PITR and TTL on expiresAt', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      // Enabled without a type or key: KMS with the AWS managed key aws/dynamodb.
      SSESpecification: Match.exact({ SSEEnabled: true }),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('is protected from deletion and kept when it leaves the stack, by default', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('follows the config when deletion protection is off and the table may be destroyed', () => {
    custom.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });
});

describe('the run queue', () => {
  it('moves a message to the DLQ after 3 receives and hides it for the configured time', () => {
    const dlq = Object.keys(template.findResources('AWS::SQS::Queue', { Properties: { MessageRetentionPeriod: 1_209_600 } }));
    expect(dlq).toHaveLength(1);
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 900,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq[0], 'Arn'] }, maxReceiveCount: 3 },
    });
  });

  it('takes the visibility timeout from the config', () => {
    custom.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 1200, RedrivePolicy: Match.anyValue() });
  });

  it('encrypts both queues and refuses requests without TLS', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
    for (const queue of queues) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('raises an alarm to the operations topic as soon as the DLQ holds a message', () => {
    const dlq = Object.keys(template.findResources('AWS::SQS::Queue', { Properties: { MessageRetentionPeriod: 1_209_600 } }))[0];
    const topic = topicNamed(template, 'Vigil operations');
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 60,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topic }],
      OKActions: [{ Ref: topic }],
    });
  });
});

/** The statements of the topic's key policy and of its topic policy. */
function policiesOfTopic(stack: Template, topic: string) {
  const key = keyOfTopic(stack, topic);
  const keyStatements = stack.toJSON().Resources[key].Properties.KeyPolicy.Statement as Array<Record<string, unknown>>;
  const topicPolicies = Object.values(stack.findResources('AWS::SNS::TopicPolicy', { Properties: { Topics: [{ Ref: topic }] } }));
  expect(topicPolicies).toHaveLength(1);
  const topicStatements = (topicPolicies[0]?.Properties.PolicyDocument.Statement ?? []) as Array<Record<string, unknown>>;
  return { key, keyStatements, topicStatements };
}

const ROOT_ADMINISTERS_KEY = { AWS: `arn:aws:iam::${TEST_ENV.account}:root` };

describe('the operations topic', () => {
  it("is encrypted with a rotated customer managed key that only this account's CloudWatch alarms may use", () => {
    const topic = topicNamed(template, 'Vigil operations');
    const { key, keyStatements } = policiesOfTopic(template, topic);
    expect(template.toJSON().Resources[key].Properties.EnableKeyRotation).toBe(true);
    const forCloudWatch = keyStatements.filter((s) => JSON.stringify(s.Principal).includes('cloudwatch.amazonaws.com'));
    expect(forCloudWatch).toEqual([
      {
        Sid: 'AllowCloudWatchAlarmsToUseTheKey',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': TEST_ENV.account } },
      },
    ]);
    // Every other statement is the account root's administration of the key (CDK's default).
    expect(keyStatements.filter((s) => !forCloudWatch.includes(s)).map((s) => s.Principal)).toEqual([ROOT_ADMINISTERS_KEY]);
  });

  it("lets only this account's CloudWatch alarms publish, besides the TLS deny", () => {
    const topic = topicNamed(template, 'Vigil operations');
    const { topicStatements } = policiesOfTopic(template, topic);
    expect(topicStatements.filter((s) => s.Effect === 'Allow')).toEqual([
      {
        Sid: 'AllowCloudWatchAlarmsToPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topic },
        Condition: {
          StringEquals: { 'aws:SourceAccount': TEST_ENV.account },
          ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${TEST_ENV.region}:${TEST_ENV.account}:alarm:*` },
        },
      },
    ]);
    expect(topicStatements.filter((s) => s.Effect === 'Deny')).toEqual([
      expect.objectContaining({ Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
  });

  it('subscribes its own configured endpoints, none of the alert topic', () => {
    const topic = topicNamed(custom, 'Vigil operations');
    expect(Object.values(custom.findResources('AWS::SNS::Subscription', { Properties: { TopicArn: { Ref: topic } } })).map((s) => s.Properties)).toEqual([
      { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: topic } },
    ]);
  });

  it('is an output, beside the alert topic', () => {
    expect(template.toJSON().Outputs.OpsTopicArn).toEqual({ Description: expect.any(String), Value: { Ref: topicNamed(template, 'Vigil operations') } });
    expect(template.toJSON().Outputs.AlertTopicArn).toEqual({ Description: expect.any(String), Value: { Ref: topicNamed(template, 'Vigil alerts') } });
  });
});

describe('the alert topic', () => {
  it('is encrypted with its own rotated key that CloudWatch may not use: no alarm goes there', () => {
    const topic = topicNamed(template, 'Vigil alerts');
    const { key, keyStatements, topicStatements } = policiesOfTopic(template, topic);
    expect(key).not.toBe(keyOfTopic(template, topicNamed(template, 'Vigil operations')));
    expect(template.toJSON().Resources[key].Properties.EnableKeyRotation).toBe(true);
    expect(keyStatements.map((s) => s.Principal)).toEqual([ROOT_ADMINISTERS_KEY]);
    expect(topicStatements.filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  it('denies publishing without TLS', () => {
    const topic = topicNamed(template, 'Vigil alerts');
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('has no subscriptions unless configured', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes the configured email addresses, phone numbers and HTTPS endpoints', () => {
    const topic = topicNamed(custom, 'Vigil alerts');
    const mine = { Properties: { TopicArn: { Ref: topic } } };
    expect(Object.keys(custom.findResources('AWS::SNS::Subscription', mine))).toHaveLength(3);
    custom.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: { Ref: topic }, Protocol: 'email', Endpoint: 'ops@example.com' });
    custom.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: { Ref: topic }, Protocol: 'sms', Endpoint: '+15555550100' });
    custom.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: { Ref: topic },
      Protocol: 'https',
      Endpoint: 'https://hooks.example.com/vigil',
    });
  });
});

describe('the stateful stack', () => {
  it('has termination protection by default and not when the config turns it off', () => {
    expect(terminationProtection).toBe(true);
    expect(customTerminationProtection).toBe(false);
  });

  it('holds the table, queues, both topics and the alarm and no function', () => {
    template.resourceCountIs('AWS::Lambda::Function', 0);
    expect(Object.values(template.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type).sort()).toEqual(
      [
        'AWS::CloudWatch::Alarm',
        'AWS::DynamoDB::Table',
        'AWS::KMS::Key',
        'AWS::KMS::Key',
        'AWS::SNS::Topic',
        'AWS::SNS::Topic',
        'AWS::SNS::TopicPolicy',
        'AWS::SNS::TopicPolicy',
        'AWS::SQS::Queue',
        'AWS::SQS::Queue',
        'AWS::SQS::QueuePolicy',
        'AWS::SQS::QueuePolicy',
      ],
    );
  });
});
