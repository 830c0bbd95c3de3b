import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { AlertTopic } from '../../lib/constructs/alert-topic.ts';
import { QueueWithDlq } from '../../lib/constructs/queue-with-dlq.ts';
import { VigilFunction } from '../../lib/constructs/vigil-function.ts';
import { VigilTable } from '../../lib/constructs/vigil-table.ts';
import { CDK_CONTEXT } from './support.ts';

const FIXTURE_ENTRY = fileURLToPath(new URL('./fixtures/handler.ts', import.meta.url));

function fixtureStack(): { stack: Stack; fn: VigilFunction } {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Fixture', { env: { account: '123456789012', region: 'eu-west-1' } });
  const fn = new VigilFunction(stack, 'Runner', {
    name: 'runner',
    entry: FIXTURE_ENTRY,
    description: 'fixture',
    timeout: Duration.seconds(120),
    logRetention: RetentionDays.ONE_WEEK,
    logLevel: 'DEBUG',
  });
  return { stack, fn };
}

function roleStatements(template: Template): unknown[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { PolicyName: Match.stringLikeRegexp('RunnerRoleDefaultPolicy') },
  });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as unknown[]);
}

describe('VigilFunction', () => {
  it('defaults the entry to lambdas/<name>/handler.ts', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Missing');

    // Act and Assess: the missing folder is reported by its path.
    expect(
      () =>
        new VigilFunction(stack, 'Nope', {
          name: 'no-such-function',
          description: 'x',
          logRetention: RetentionDays.ONE_DAY,
          logLevel: 'INFO',
        }),
    ).toThrow(path.join('lambdas', 'no-such-function', 'handler.ts'));
  });

  it('applies the settings it is given', () => {
    // Act
    const { stack } = fixtureStack();

    // Assess
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 120,
      MemorySize: 512,
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'vigil-runner', POWERTOOLS_LOG_LEVEL: 'DEBUG' }) },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('runs on an EventBridge schedule with bounded retries', () => {
    // Prepare
    const { stack, fn } = fixtureStack();

    // Act
    fn.runOnSchedule('Tick', Schedule.rate(Duration.minutes(1)));

    // Assess
    const template = Template.fromStack(stack);
    const lambda = Object.keys(template.findResources('AWS::Lambda::Function'))[0];
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [lambda, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [lambda, 'Arn'] },
    });
  });
});

describe('QueueWithDlq', () => {
  function queueAndFunction(visibilitySeconds: number): { stack: Stack; fn: VigilFunction; queue: QueueWithDlq } {
    const { stack, fn } = fixtureStack();
    const queue = new QueueWithDlq(stack, 'Runs', { purpose: 'runs', visibilityTimeout: Duration.seconds(visibilitySeconds) });
    return { stack, fn, queue };
  }

  it('feeds a consumer one message at a time, reporting partial batch failures, under a concurrency cap', () => {
    // Prepare
    const { stack, fn, queue } = queueAndFunction(720);

    // Act
    queue.bindConsumer(fn, { maxConcurrency: 5 });

    // Assess
    const template = Template.fromStack(stack);
    const queueId = Object.keys(template.findResources('AWS::SQS::Queue', { Properties: { RedrivePolicy: Match.anyValue() } }))[0];
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    expect(roleStatements(template)).toContainEqual(
      expect.objectContaining({ Action: expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']) }),
    );
  });

  it.each([120, 60])('refuses a consumer whose timeout (120 s) is not below the visibility timeout (%i s)', (visibility) => {
    // Prepare
    const { fn, queue } = queueAndFunction(visibility);

    // Act and Assess
    expect(() => queue.bindConsumer(fn)).toThrow(/visibility timeout \(\d+ s\) must exceed the timeout of .* \(120 s\)/);
  });

  it('lets a sender send and nothing else', () => {
    // Prepare
    const { stack, fn, queue } = queueAndFunction(720);

    // Act
    queue.bindSender(fn, 'RUN_QUEUE_URL');

    // Assess
    const template = Template.fromStack(stack);
    const queueId = Object.keys(template.findResources('AWS::SQS::Queue', { Properties: { RedrivePolicy: Match.anyValue() } }))[0];
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ RUN_QUEUE_URL: { Ref: queueId } }) },
    });
    expect(roleStatements(template).filter((s) => JSON.stringify(s).includes('sqs:'))).toEqual([
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    ]);
  });
});

describe('VigilTable.bind', () => {
  it('grants reads on the table and the named indexes, and writes on the table in the named partitions only', () => {
    // Prepare
    const { stack, fn } = fixtureStack();
    const table = new VigilTable(stack, 'Data', { deletionProtection: false, removalPolicy: RemovalPolicy.DESTROY });

    // Act
    table.bind(fn, { reads: ['dynamodb:GetItem'], indexes: ['due'], writes: ['dynamodb:UpdateItem'], writablePartitions: ['MONITOR#*'] });

    // Assess
    const tableId = Object.keys(Template.fromStack(stack).findResources('AWS::DynamoDB::Table'))[0] as string;
    const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };
    expect(roleStatements(Template.fromStack(stack)).filter((s) => JSON.stringify(s).includes('dynamodb:'))).toEqual([
      { Action: 'dynamodb:GetItem', Effect: 'Allow', Resource: [tableArn, { 'Fn::Join': ['', [tableArn, '/index/due']] }] },
      {
        Action: 'dynamodb:UpdateItem',
        Effect: 'Allow',
        Resource: tableArn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MONITOR#*'] } },
      },
    ]);
  });

  it('grants no write statement to a read-only function', () => {
    const { stack, fn } = fixtureStack();
    const table = new VigilTable(stack, 'Data', { deletionProtection: false, removalPolicy: RemovalPolicy.DESTROY });

    table.bind(fn, { reads: ['dynamodb:GetItem', 'dynamodb:Query'], indexes: [], writes: [], writablePartitions: [] });

    const dynamo = roleStatements(Template.fromStack(stack)).filter((s) => JSON.stringify(s).includes('dynamodb:'));
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0]).toMatchObject({ Action: ['dynamodb:GetItem', 'dynamodb:Query'] });
  });
});

describe('AlertTopic.bindPublisher', () => {
  it('sets the topic ARN and grants publish plus the key operations publishing needs', () => {
    // Prepare
    const { stack, fn } = fixtureStack();
    const alerts = new AlertTopic(stack, 'Alerts', { subscriptions: { emails: [], smsNumbers: [], httpsEndpoints: [] } });

    // Act
    alerts.bindPublisher(fn);

    // Assess
    const template = Template.fromStack(stack);
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    const key = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ALERT_TOPIC_ARN: { Ref: topic } }) },
    });
    expect(roleStatements(template)).toEqual(
      expect.arrayContaining([
        { Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: topic } },
        { Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [key, 'Arn'] } },
      ]),
    );
  });
});
