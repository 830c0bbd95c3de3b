/**
 * What each function's role may do, statement by statement: granted and not granted.
 */
import { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, beforeAll, expect, it } from 'vitest';
import { modelInvokeResources } from '../../lib/constructs/model-access.ts';
import { keys } from '#adapters/dynamo/keys.ts';
import { TABLE_GRANTS } from '../../lib/constructs/vigil-table.ts';
import {
  ANOMALY_FEEDBACK_ACTIONS,
  COST_EXPLORER_ACTIONS,
  LOG_GROUP_READ_ACTIONS,
  METRIC_READ_ACTIONS,
  SAVINGS_READ_ACTIONS,
  UNSCOPED_READ_ACTIONS,
} from '../../lib/constructs/monitored-account-access.ts';
import { wildcardResourceFinding } from '../../lib/constructs/wildcard-acknowledgement.ts';
import type { Statement, SynthesizedFunction } from './support.ts';
import {
  actionsOf,
  functionNamed,
  granting,
  keyOfTopic,
  onlyKey,
  policiesOf,
  statefulOutput,
  statementsOf,
  synthTemplates,
  TEST_ENV,
  topicNamed,
} from './support.ts';

const { account, region } = TEST_ENV;
const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const GLOBAL_HAIKU_PROFILE = `arn:aws:bedrock:${region}:${account}:inference-profile/global.${HAIKU}`;

let stateful: Template;
let stateless: Template;
/** A sender, a geographic profile plus an in-Region model, narrowed log groups and no roles. */
let custom: Template;

interface Roles {
  api: SynthesizedFunction;
  scheduler: SynthesizedFunction;
  runner: SynthesizedFunction;
  collector: SynthesizedFunction;
}

function rolesOf(template: Template): Roles {
  return {
    api: functionNamed(template, 'api'),
    scheduler: functionNamed(template, 'scheduler'),
    runner: functionNamed(template, 'runner'),
    collector: functionNamed(template, 'cost-collector'),
  };
}

let roles: Roles;
let customRoles: Roles;

beforeAll(() => {
  ({ stateful, stateless } = synthTemplates());
  ({ stateless: custom } = synthTemplates({
    config: {
      senderEmail: 'vigil@alerts.example.com',
      defaultModelId: `eu.${HAIKU}`,
      allowedModelIds: [`eu.${HAIKU}`, 'amazon.nova-micro-v1:0'],
      allowedLogGroupArns: [`arn:aws:logs:${region}:${account}:log-group:/ecs/orders*`],
      assumableRoleArns: [],
      anomalyFeedback: true,
      costSavings: true,
    },
  }));
  roles = rolesOf(stateless);
  customRoles = rolesOf(custom);
});

function statementsOfFunction(template: Template, fn: SynthesizedFunction): Statement[] {
  return statementsOf(template, fn.role);
}

function functionEnvironment(template: Template, fn: SynthesizedFunction): Record<string, unknown> {
  return template.toJSON().Resources[fn.id].Properties.Environment.Variables;
}


/** Actions any function has for its own log group and tracing. */
const BASELINE_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

/** The table's ARN and its indexes' as the stateless stack reads them. */
function tableResources(...indexes: string[]): unknown[] {
  const tableArn = statefulOutput(stateful, { 'Fn::GetAtt': [onlyKey(stateful, 'AWS::DynamoDB::Table'), 'Arn'] });
  return [tableArn, ...indexes.map((index) => ({ 'Fn::Join': ['', [tableArn, `/index/${index}`]] }))];
}

/** A function's DynamoDB statements: reads on the table and its indexes, writes in its partitions. */
function tableStatements(reads: string[], indexes: string[], writes: string[], partitions: string[]): Statement[] {
  const [tableArn] = tableResources();
  return [
    { Effect: 'Allow', Action: reads.length === 1 ? reads[0] : reads, Resource: indexes.length === 0 ? tableArn : tableResources(...indexes) },
    {
      Effect: 'Allow',
      Action: writes.length === 1 ? writes[0] : writes,
      Resource: tableArn,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': partitions } },
    },
  ] as Statement[];
}

const dynamoStatementsOf = (fn: SynthesizedFunction) =>
  statementsOfFunction(stateless, fn).filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:')));

describe('each role on the table', () => {
  it('the API: reads on the table and the list indexes (runs by status too), writes in targets, sources and monitors, never the heartbeat', () => {
    expect(dynamoStatementsOf(roles.api)).toEqual(
      tableStatements(
        ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
        ['byParent', 'byType', 'runsByStatus'],
        ['dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        ['TARGET#*', 'LOGSOURCE#*', 'MONITOR#*'],
      ),
    );
  });

  it('the scheduler: the due and open-runs indexes, claims, closing runs and its heartbeat; it deletes nothing', () => {
    expect(dynamoStatementsOf(roles.scheduler)).toEqual(
      tableStatements(
        ['dynamodb:GetItem', 'dynamodb:Query'],
        ['due', 'openRuns'],
        ['dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        ['MONITOR#*', 'SCHEDULER'],
      ),
    );
  });

  it('the runner: its monitors and runs, the model guard (breaker, spend) and the month usage counters, no index, no delete', () => {
    expect(dynamoStatementsOf(roles.runner)).toEqual(
      tableStatements(
        ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
        [],
        ['dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        ['MONITOR#*', 'MODELGUARD', 'USAGE#*'],
      ),
    );
  });

  it('the cost collector: lists sources, reads targets and puts snapshots in the sources\' partitions', () => {
    expect(dynamoStatementsOf(roles.collector)).toEqual(
      tableStatements(['dynamodb:GetItem', 'dynamodb:Query'], ['byType'], ['dynamodb:PutItem'], ['LOGSOURCE#*']),
    );
  });

  it('no role may delete but the API, and none may scan or describe the table', () => {
    const deleting = Object.entries(roles).filter(([, fn]) =>
      actionsOf(statementsOfFunction(stateless, fn)).some((a) => a === 'dynamodb:DeleteItem' || a === 'dynamodb:BatchWriteItem'),
    );
    expect(deleting.map(([name]) => name)).toEqual(['api']);
    const every = Object.values(roles).flatMap((fn) => actionsOf(statementsOfFunction(stateless, fn)));
    expect(every.filter((a) => ['dynamodb:Scan', 'dynamodb:DescribeTable'].includes(a))).toEqual([]);
  });
});

/** Every DynamoDB action of a role. */
const tableActions = (role: keyof Roles) => actionsOf(dynamoStatementsOf(roles[role]));

const MONITORED_READ_ACTIONS = [...LOG_GROUP_READ_ACTIONS, ...UNSCOPED_READ_ACTIONS, 'logs:DescribeLogGroups', 'ecs:DescribeServices'];

describe('the runner role', () => {
  it('may invoke only the default global profile, and its model wherever the profile routes, only through it', () => {
    expect(granting(statementsOfFunction(stateless, roles.runner), 'bedrock:InvokeModel')).toEqual([
      { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: GLOBAL_HAIKU_PROFILE },
      {
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: [`arn:aws:bedrock:*::foundation-model/${HAIKU}`, `arn:aws:bedrock:::foundation-model/${HAIKU}`],
        Condition: { StringLike: { 'bedrock:InferenceProfileArn': [GLOBAL_HAIKU_PROFILE] } },
      },
    ]);
  });

  it('may invoke a geographic profile and an in-Region model when both are allowed, and nothing Region-less', () => {
    const euProfile = `arn:aws:bedrock:${region}:${account}:inference-profile/eu.${HAIKU}`;
    expect(granting(statementsOfFunction(custom, customRoles.runner), 'bedrock:InvokeModel')).toEqual([
      {
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: [euProfile, `arn:aws:bedrock:${region}::foundation-model/amazon.nova-micro-v1:0`],
      },
      {
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: `arn:aws:bedrock:*::foundation-model/${HAIKU}`,
        Condition: { StringLike: { 'bedrock:InferenceProfileArn': [euProfile] } },
      },
    ]);
  });

  it('has no other Bedrock action (no streaming, no control plane)', () => {
    expect(actionsOf(statementsOfFunction(stateless, roles.runner)).filter((a) => a.startsWith('bedrock:'))).toEqual([
      'bedrock:InvokeModel',
      'bedrock:InvokeModel',
    ]);
  });

  it('gives the API no Bedrock action: a preview there is rules-only (use_model is refused with a 400)', () => {
    expect(actionsOf(statementsOfFunction(stateless, roles.api)).filter((a) => a.startsWith('bedrock:'))).toEqual([]);
    expect(actionsOf(statementsOfFunction(custom, customRoles.api)).filter((a) => a.startsWith('bedrock:'))).toEqual([]);
  });

  it('may send email only from the sender address and its domain, and only when there is a sender', () => {
    expect(actionsOf(statementsOfFunction(stateless, roles.runner)).filter((a) => a.startsWith('ses:'))).toEqual([]);
    expect(statementsOfFunction(custom, customRoles.runner).filter((s) => actionsOf([s]).some((a) => a.startsWith('ses:')))).toEqual([
      {
        Sid: 'EmailFromSender',
        Effect: 'Allow',
        Action: ['ses:SendEmail', 'ses:SendRawEmail'],
        Resource: [
          `arn:aws:ses:${region}:${account}:identity/alerts.example.com`,
          `arn:aws:ses:${region}:${account}:identity/vigil@alerts.example.com`,
        ],
      },
    ]);
  });

  it('may publish to the alert topic with its key, and SMS to phone numbers, but to no other topic', () => {
    const statements = statementsOfFunction(stateless, roles.runner);
    expect(granting(statements, 'sns:Publish')).toEqual([
      { Effect: 'Allow', Action: 'sns:Publish', Resource: statefulOutput(stateful, { Ref: topicNamed(stateful, 'Vigil alerts') }) },
      // Anything that is not an SNS ARN: a phone number (authorized against "*"), never a topic.
      { Sid: 'SmsToPhoneNumbersOnly', Effect: 'Allow', Action: 'sns:Publish', NotResource: 'arn:aws:sns:*:*:*' },
    ]);
    // No Deny: one that spares only the alert topic (NotResource) would refuse every SMS too.
    expect(statements.filter((s) => s.Effect === 'Deny')).toEqual([]);
    expect(granting(statements, 'kms:Decrypt')).toEqual([
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: statefulOutput(stateful, { 'Fn::GetAtt': [keyOfTopic(stateful, topicNamed(stateful, 'Vigil alerts')), 'Arn'] }),
      },
    ]);
  });

  it('may consume the run queue but not send to it', () => {
    const actions = actionsOf(statementsOfFunction(stateless, roles.runner));
    expect(actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']));
    expect(actions).not.toContain('sqs:SendMessage');
  });

  it("reads and updates the table's items, which the circuit breaker and the monthly model spend need (GetItem, UpdateItem with ADD)", () => {
    const statements = statementsOfFunction(stateless, roles.runner);
    const tableArn = statefulOutput(stateful, { 'Fn::GetAtt': [onlyKey(stateful, 'AWS::DynamoDB::Table'), 'Arn'] });
    for (const action of ['dynamodb:GetItem', 'dynamodb:UpdateItem']) {
      const onTable = granting(statements, action).filter(
        (statement) => statement.Effect === 'Allow' && [statement.Resource].flat().some((resource) => JSON.stringify(resource) === JSON.stringify(tableArn)),
      );
      expect(onTable, action).not.toEqual([]);
    }
  });

  it('reads monitored accounts but not Cost Explorer (cost monitors read snapshots)', () => {
    const actions = actionsOf(statementsOfFunction(stateless, roles.runner));
    expect(actions).toEqual(expect.arrayContaining([...MONITORED_READ_ACTIONS, 'sts:AssumeRole']));
    expect(actions.filter((a) => a.startsWith('ce:'))).toEqual([]);
  });
});

describe('monitored-account reads', () => {
  it('are the very same policies for the API and the runner', () => {
    const shared = (fn: SynthesizedFunction) => policiesOf(stateless, fn.role).filter((id) => id.startsWith('MonitoredAccountAccess'));
    expect(shared(roles.api)).toHaveLength(3);
    expect(shared(roles.api)).toEqual(shared(roles.runner));
  });

  it('read the configured log groups, query results by id, ECS services and task definitions, and assume roles', () => {
    const reads = statementsOfFunction(stateless, roles.api).filter((s) =>
      actionsOf([s]).some((a) => /^(logs:(Describe|Filter|Start|Get|Stop)|ecs:|sts:)/.test(a)),
    );
    expect(reads).toEqual([
      // By default: this account's log groups in any Region, and roles named VigilRead* anywhere.
      // (the same resource as DescribeLogGroups', so CDK merges the two statements)
      { Effect: 'Allow', Action: ['logs:DescribeLogGroups', ...LOG_GROUP_READ_ACTIONS], Resource: `arn:aws:logs:*:${account}:log-group:*` },
      { Effect: 'Allow', Action: 'ecs:DescribeServices', Resource: `arn:aws:ecs:*:${account}:service/*` },
      { Effect: 'Allow', Action: [...UNSCOPED_READ_ACTIONS], Resource: '*' },
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/VigilRead*' },
    ]);
  });

  it('read CloudWatch metrics with GetMetricData and ListMetrics only, on "*" (no resource types)', () => {
    for (const fn of [roles.api, roles.runner]) {
      expect(statementsOfFunction(stateless, fn).filter((s) => actionsOf([s]).some((a) => a.startsWith('cloudwatch:')))).toEqual([
        { Effect: 'Allow', Action: [...METRIC_READ_ACTIONS], Resource: '*' },
      ]);
    }
    expect(METRIC_READ_ACTIONS).toEqual(['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics']);
    for (const fn of [roles.scheduler, roles.collector]) {
      expect(actionsOf(statementsOfFunction(stateless, fn)).filter((a) => a.startsWith('cloudwatch:'))).toEqual([]);
    }
  });

  it('follow a narrowed log group list for events, and assume no role when the list of roles is empty', () => {
    const statements = statementsOfFunction(custom, customRoles.api);
    expect(granting(statements, 'logs:FilterLogEvents')).toEqual([
      { Effect: 'Allow', Action: [...LOG_GROUP_READ_ACTIONS], Resource: `arn:aws:logs:${region}:${account}:log-group:/ecs/orders*` },
    ]);
    // A prefix is expanded by listing the account's log groups, which IAM checks account-wide.
    expect(granting(statements, 'logs:DescribeLogGroups')).toEqual([
      { Effect: 'Allow', Action: 'logs:DescribeLogGroups', Resource: `arn:aws:logs:*:${account}:log-group:*` },
    ]);
    const everyAction = Object.values(customRoles).flatMap((fn) => actionsOf(statementsOfFunction(custom, fn)));
    expect(everyAction).not.toContain('sts:AssumeRole');
  });

  it('are in place before a function that uses them is created', () => {
    for (const fn of [roles.api, roles.runner, roles.collector]) {
      const shared = policiesOf(stateless, fn.role).filter((id) => id.startsWith('MonitoredAccountAccess'));
      expect(stateless.toJSON().Resources[fn.id].DependsOn).toEqual(expect.arrayContaining(shared));
    }
  });
});

describe('the cost collector role', () => {
  it('may use exactly the three Cost Explorer reads, on "*"', () => {
    expect(statementsOfFunction(stateless, roles.collector).filter((s) => actionsOf([s]).some((a) => a.startsWith('ce:')))).toEqual([
      { Effect: 'Allow', Action: [...COST_EXPLORER_ACTIONS], Resource: '*' },
    ]);
  });

  it('may list Cost Optimization Hub recommendations only with costSavings, and then on "*"', () => {
    expect(actionsOf(statementsOfFunction(stateless, roles.collector)).filter((a) => a.startsWith('cost-optimization-hub:'))).toEqual([]);
    expect(granting(statementsOfFunction(custom, customRoles.collector), 'cost-optimization-hub:ListRecommendations')).toEqual([
      { Effect: 'Allow', Action: SAVINGS_READ_ACTIONS[0], Resource: '*' },
    ]);
    expect(functionEnvironment(stateless, roles.collector).COST_SAVINGS).toBe('off');
    expect(functionEnvironment(custom, customRoles.collector).COST_SAVINGS).toBe('on');
    for (const fn of [customRoles.api, customRoles.runner, customRoles.scheduler]) {
      expect(actionsOf(statementsOfFunction(custom, fn)).filter((a) => a.startsWith('cost-optimization-hub:'))).toEqual([]);
    }
  });

  it('has nothing beyond its baseline, Cost Explorer and assuming monitored roles: no logs, Bedrock, SES or SNS', () => {
    expect(actionsOf(statementsOfFunction(stateless, roles.collector)).sort()).toEqual(
      [...BASELINE_ACTIONS, ...tableActions('collector'), ...COST_EXPLORER_ACTIONS, 'sts:AssumeRole'].sort(),
    );
  });
});

describe('operator feedback in the table', () => {
  it('lives in the monitor partition, which the API (writes it) and the runner (reads it, saves runs holding it) may write', () => {
    const partition = keys.feedback('01MONITOR', '2026-11-27T10:00:00.000Z', '01FEEDBACK').pk;
    const writable = (patterns: readonly string[]) =>
      patterns.some((pattern) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(partition));

    expect(partition).toBe('MONITOR#01MONITOR');
    expect(writable(TABLE_GRANTS.api.writablePartitions)).toBe(true);
    expect(writable(TABLE_GRANTS.runner.writablePartitions)).toBe(true);
    expect(writable(TABLE_GRANTS.costCollector.writablePartitions)).toBe(false);
  });
});

describe('Cost Anomaly Detection feedback (anomalyFeedback)', () => {
  it('is not granted by default, and grants the API exactly ce:ProvideAnomalyFeedback on "*" when on', () => {
    const apiOn = customRoles.api;

    expect(actionsOf(statementsOfFunction(stateless, roles.api)).filter((action) => action.startsWith('ce:'))).toEqual([]);
    expect(statementsOfFunction(custom, apiOn).filter((s) => actionsOf([s]).some((a) => a.startsWith('ce:')))).toEqual([
      { Effect: 'Allow', Action: ANOMALY_FEEDBACK_ACTIONS[0], Resource: '*' },
    ]);
    expect(apiOn.properties.Environment.Variables.ANOMALY_FEEDBACK).toBe('on');
    expect(roles.api.properties.Environment.Variables.ANOMALY_FEEDBACK).toBe('off');
  });
});

describe('the scheduler role', () => {
  it('has its baseline and sending to the run queue only: no Bedrock, SES, SNS or log reads', () => {
    expect(actionsOf(statementsOfFunction(stateless, roles.scheduler)).sort()).toEqual(
      [...BASELINE_ACTIONS, ...tableActions('scheduler'), 'sqs:SendMessage'].sort(),
    );
  });
});

describe('the API role', () => {
  it('reads monitored accounts for the log-source test, and neither judges, mails nor reads costs', () => {
    expect(actionsOf(statementsOfFunction(stateless, roles.api)).sort()).toEqual(
      [...BASELINE_ACTIONS, ...tableActions('api'), 'sqs:SendMessage', ...MONITORED_READ_ACTIONS, ...METRIC_READ_ACTIONS, 'sts:AssumeRole'].sort(),
    );
  });
});

/** The policy of aws-cdk-lib's BucketDeployment function, which copies the console into its bucket. */
const isConsoleDeployment = (logicalId: string) => logicalId.startsWith('CustomCDKBucketDeployment');

describe('the console deployment role', () => {
  it('reads the CDK asset bucket, writes the console bucket and invalidates the distribution, nothing else', () => {
    const ids = Object.keys(stateless.findResources('AWS::IAM::Policy')).filter(isConsoleDeployment);
    expect(ids).toHaveLength(1);
    const statements = stateless.toJSON().Resources[ids[0] as string].Properties.PolicyDocument.Statement as Statement[];
    const byResource = statements.map((s) => ({ actions: actionsOf([s]).sort(), resource: JSON.stringify(s.Resource) }));
    expect(byResource).toEqual([
      { actions: ['s3:GetBucket*', 's3:GetObject*', 's3:List*'], resource: expect.stringContaining('cdk-hnb659fds-assets-123456789012-eu-west-1') },
      {
        actions: ['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:PutObject', 's3:PutObjectLegalHold', 's3:PutObjectRetention', 's3:PutObjectTagging', 's3:PutObjectVersionTagging'],
        resource: expect.stringMatching(/ConsoleBucket[0-9A-F]+.*Arn/),
      },
      { actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'], resource: '"*"' },
    ]);
  });
});

describe('every role of the stateless stack', () => {
  let statements: Statement[];
  beforeAll(() => {
    statements = Object.keys(stateless.findResources('AWS::IAM::Policy'))
      .filter((id) => !isConsoleDeployment(id))
      .flatMap((id) => stateless.toJSON().Resources[id].Properties.PolicyDocument.Statement as Statement[]);
  });

  it('is granted no table administration and no DynamoDB wildcard', () => {
    const actions = actionsOf(statements);
    const itemLevel = ['BatchGetItem', 'BatchWriteItem', 'ConditionCheckItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'];
    expect(actions.filter((a) => a.startsWith('dynamodb:') && !itemLevel.includes(a.slice('dynamodb:'.length)))).toEqual([]);
    expect(actions).not.toContain('dynamodb:DeleteTable');
    expect(actions).not.toContain('dynamodb:*');
  });

  it('uses a wildcard action only for the KMS data keys of publishing to the encrypted topic', () => {
    expect(actionsOf(statements).filter((a) => a.includes('*'))).toEqual(['kms:GenerateDataKey*']);
  });

  it('gets "*" as a resource only where the action supports nothing narrower', () => {
    const onEverything = statements
      .filter((s) => JSON.stringify(s.Resource) === '"*"')
      .map((s) => actionsOf([s]).join(' '))
      .sort();
    expect(onEverything).toEqual(
      [
        COST_EXPLORER_ACTIONS.join(' '),
        METRIC_READ_ACTIONS.join(' '),
        UNSCOPED_READ_ACTIONS.join(' '),
        ...Array.from({ length: 4 }, () => 'xray:PutTelemetryRecords xray:PutTraceSegments'),
      ].sort(),
    );
  });
});

describe('modelInvokeResources', () => {
  const env = { partition: 'aws', region: 'eu-west-1', account: '123456789012' };

  it('grants a plain model id in this Region only, with nothing routed', () => {
    expect(modelInvokeResources(['amazon.nova-micro-v1:0'], env)).toEqual({
      direct: ['arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-micro-v1:0'],
      routed: [],
      profiles: [],
    });
  });

  it.each([
    ['us', ['arn:aws:bedrock:*::foundation-model/amazon.nova-micro-v1:0']],
    ['apac', ['arn:aws:bedrock:*::foundation-model/amazon.nova-micro-v1:0']],
    ['us-gov', ['arn:aws:bedrock:*::foundation-model/amazon.nova-micro-v1:0']],
    ['global', ['arn:aws:bedrock:*::foundation-model/amazon.nova-micro-v1:0', 'arn:aws:bedrock:::foundation-model/amazon.nova-micro-v1:0']],
  ])('grants the %s. profile in this Region and the model it routes to', (prefix, routed) => {
    const profile = `arn:aws:bedrock:eu-west-1:123456789012:inference-profile/${prefix}.amazon.nova-micro-v1:0`;
    expect(modelInvokeResources([`${prefix}.amazon.nova-micro-v1:0`], env)).toEqual({ direct: [profile], routed, profiles: [profile] });
  });

  it('names a model routed to by two profiles once', () => {
    const { routed, profiles } = modelInvokeResources([`eu.${HAIKU}`, `global.${HAIKU}`, `eu.${HAIKU}`], env);
    expect(routed).toEqual([`arn:aws:bedrock:*::foundation-model/${HAIKU}`, `arn:aws:bedrock:::foundation-model/${HAIKU}`]);
    expect(profiles).toHaveLength(2);
  });
});

describe('wildcardResourceFinding', () => {
  it("names a resource built from tokens as cdk-nag does, so the acknowledgement holds without an environment", () => {
    // Prepare
    const stack = new Stack(new App(), 'Agnostic');

    // Act
    const finding = wildcardResourceFinding(stack, `arn:${stack.partition}:ecs:*:${stack.account}:service/*`);

    // Assess
    expect(finding).toBe('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:*:<AWS::AccountId>:service/*]');
  });

  it('keeps a literal resource as it is', () => {
    const stack = new Stack(new App(), 'Pinned', { env: TEST_ENV });
    expect(wildcardResourceFinding(stack, 'arn:aws:iam::*:role/*')).toBe('AwsSolutions-IAM5[Resource::arn:aws:iam::*:role/*]');
  });
});
