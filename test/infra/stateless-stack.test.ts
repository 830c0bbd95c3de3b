import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, OVERSIZED_CONTENT_LENGTH_REGEX } from '../../lib/constructs/management-api.ts';
import { TABLE_GRANTS } from '../../lib/constructs/vigil-table.ts';
import { METRIC_READ_ACTIONS, UNSCOPED_READ_ACTIONS } from '../../lib/constructs/monitored-account-access.ts';
import type { Statement, SynthesizedFunction } from './support.ts';
import { functionNamed, onlyKey, policiesOf, statefulOutput, statementsOf, synthTemplates, TEST_ENV } from './support.ts';

let stateful: Template;
let stateless: Template;
/** Every setting of the stateless stack away from its default, in one app (synth is slow). */
let custom: Template;
let apiFunction: SynthesizedFunction;

beforeAll(() => {
  ({ stateful, stateless } = synthTemplates());
  ({ stateless: custom } = synthTemplates({
    config: {
      logLevel: 'DEBUG',
      runRetentionDays: 30,
      defaultModelId: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
      allowedModelIds: ['eu.anthropic.claude-haiku-4-5-20251001-v1:0'],
      logRetentionDays: 7,
      apiThrottle: { rateLimit: 2, burstLimit: 4 },
      apiQuota: { limit: 5000, period: 'MONTH' },
      apiCloudWatchRole: false,
      apiWaf: true,
      costCollectorHours: 12,
    },
  }));
  apiFunction = functionNamed(stateless, 'api');
});

const RUN_QUEUE = { Properties: { RedrivePolicy: Match.anyValue() } };
const ACCESS_LOG_GROUP = { DeletionPolicy: 'Retain' };

/** The statements of one policy, by logical id. */
function statementsOfPolicy(template: Template, policyLogicalId: string): Statement[] {
  return template.toJSON().Resources[policyLogicalId].Properties.PolicyDocument.Statement;
}

/** The API function's role's policy named like `name` (DefaultPolicy, TracingPolicy). */
function apiPolicy(name: string): string {
  const ids = policiesOf(stateless, apiFunction.role).filter((id) => id.includes(name));
  expect(ids, `API function policies named ${name}`).toHaveLength(1);
  return ids[0] as string;
}

describe('the API function', () => {
  it('runs Node.js 22 on ARM64 with active tracing, as an ESM bundle', () => {
    expect(apiFunction.properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 10,
    });
  });

  it('logs to its own log group, kept 30 days by default', () => {
    const logGroup = (apiFunction.properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(stateless.toJSON().Resources[logGroup]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      DeletionPolicy: 'Delete',
      Properties: { RetentionInDays: 30 },
    });
  });

  it('gets exactly the settings the handler reads', () => {
    const table = onlyKey(stateful, 'AWS::DynamoDB::Table');
    const queue = onlyKey(stateful, 'AWS::SQS::Queue', RUN_QUEUE);
    expect(apiFunction.properties.Environment.Variables).toEqual({
      TABLE_NAME: statefulOutput(stateful, { Ref: table }),
      RUN_QUEUE_URL: statefulOutput(stateful, { Ref: queue }),
      RUN_RETENTION_DAYS: '90',
      COST_COLLECTOR_HOURS: '6',
      ANOMALY_FEEDBACK: 'off',
      ALLOWED_MODEL_IDS: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
      // The one origin its CORS allows: the console's distribution.
      CONSOLE_ORIGIN: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [onlyKey(stateless, 'AWS::CloudFront::Distribution'), 'DomainName'] }]] },
      // POST /monitors/preview collects and judges (rules only) as the runner does.
      DEFAULT_MODEL_ID: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
      MAX_INPUT_TOKENS: '30000',
      COLLECT_CONCURRENCY: '4',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_SERVICE_NAME: 'vigil-api',
      POWERTOOLS_METRICS_NAMESPACE: 'Vigil',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('takes its settings from the config', () => {
    expect(functionNamed(custom, 'api').properties.Environment.Variables).toMatchObject({
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
      RUN_RETENTION_DAYS: '30',
      COST_COLLECTOR_HOURS: '12',
      ALLOWED_MODEL_IDS: expect.stringContaining('eu.anthropic.claude-haiku-4-5-20251001-v1:0'),
    });
    custom.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('has a role without managed policies, allowed to write only to its own log group', () => {
    const role = apiFunction.role;
    const logGroup = (apiFunction.properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(stateless.toJSON().Resources[role].Properties.ManagedPolicyArns).toBeUndefined();
    const defaultPolicy = apiPolicy('DefaultPolicy');
    expect(statementsOfPolicy(stateless, defaultPolicy)).toContainEqual({
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] },
    });
  });

  it('may use its DynamoDB actions on the table, the list indexes and runs by status, write only in its partitions, and send to the run queue', () => {
    // Prepare
    const defaultPolicy = apiPolicy('DefaultPolicy');
    const tableArn = statefulOutput(stateful, { 'Fn::GetAtt': [onlyKey(stateful, 'AWS::DynamoDB::Table'), 'Arn'] });
    const queueArn = statefulOutput(stateful, { 'Fn::GetAtt': [onlyKey(stateful, 'AWS::SQS::Queue', RUN_QUEUE), 'Arn'] });

    // Act
    const statements = statementsOfPolicy(stateless, defaultPolicy).filter((s) => !JSON.stringify(s.Action).includes('logs:'));

    // Assess
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: [...TABLE_GRANTS.api.reads].sort(),
        Resource: [tableArn, ...['byParent', 'byType', 'runsByStatus'].map((index) => ({ 'Fn::Join': ['', [tableArn, `/index/${index}`]] }))],
      },
      {
        Effect: 'Allow',
        Action: [...TABLE_GRANTS.api.writes].sort(),
        Resource: tableArn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TARGET#*', 'LOGSOURCE#*', 'MONITOR#*'] } },
      },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn },
    ]);
  });

  it('is granted no table administration, no wildcard action and "*" only for X-Ray, the query reads and the metric reads', () => {
    const statements = statementsOf(stateless, apiFunction.role);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).not.toContain('dynamodb:DeleteTable');
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(statements.filter((s) => JSON.stringify(s.Resource).includes('"*"'))).toEqual([
      { Effect: 'Allow', Action: [...UNSCOPED_READ_ACTIONS], Resource: '*' },
      { Effect: 'Allow', Action: [...METRIC_READ_ACTIONS], Resource: '*' },
      { Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
    ]);
  });

  it('is created after the policy that lets it send traces', () => {
    const tracingPolicy = apiPolicy('TracingPolicy');
    expect(stateless.toJSON().Resources[apiFunction.id].DependsOn).toContain(tracingPolicy);
  });
});

describe('the management API', () => {
  it('is a regional REST API reading the API key from the x-api-key header', () => {
    stateless.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
      ApiKeySourceType: 'HEADER',
    });
  });

  it("answers the errors API Gateway produces itself (bad key, throttling, 5xx) in the API's error shape", () => {
    const templates = Object.values(stateless.findResources('AWS::ApiGateway::GatewayResponse')).map((resource) => ({
      type: resource.Properties.ResponseType,
      body: resource.Properties.ResponseTemplates['application/json'],
    }));
    const body = (code: string) => `{"error": {"code": "${code}", "message": $context.error.messageString, "details": []}}`;

    expect(templates).toEqual(
      expect.arrayContaining([
        { type: 'DEFAULT_4XX', body: body('$context.error.responseType.toLowerCase()') },
        { type: 'DEFAULT_5XX', body: body('internal_error') },
        { type: 'INVALID_API_KEY', body: body('forbidden') },
        { type: 'THROTTLED', body: body('throttled') },
        { type: 'QUOTA_EXCEEDED', body: body('quota_exceeded') },
      ]),
    );
    expect(templates).toHaveLength(5);
  });

  it('sends the root and every {proxy+} path, any method, to the function, each requiring the API key', () => {
    const fn = apiFunction.id;
    const proxy = onlyKey(stateless, 'AWS::ApiGateway::Resource', { Properties: { PathPart: '{proxy+}' } });
    const methods = stateless.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: Match.not('OPTIONS') } });
    expect(Object.keys(methods)).toHaveLength(2);
    for (const method of Object.values(methods)) expect(method.Properties).toMatchObject({
      HttpMethod: 'ANY',
      ApiKeyRequired: true,
      AuthorizationType: 'NONE',
      Integration: {
        Type: 'AWS_PROXY',
        IntegrationHttpMethod: 'POST',
        Uri: { 'Fn::Join': ['', expect.arrayContaining([{ 'Fn::GetAtt': [fn, 'Arn'] }])] },
      },
    });
    stateless.hasResourceProperties('AWS::ApiGateway::Method', { ResourceId: { Ref: proxy } });
    stateless.hasResourceProperties('AWS::ApiGateway::Method', {
      ResourceId: { 'Fn::GetAtt': [onlyKey(stateless, 'AWS::ApiGateway::RestApi'), 'RootResourceId'] },
    });
  });

  it('lets API Gateway invoke the function from the deployed stage only (no test-invoke permissions)', () => {
    const permissions = stateless.findResources('AWS::Lambda::Permission', {
      Properties: { FunctionName: { 'Fn::GetAtt': [apiFunction.id, 'Arn'] } },
    });
    expect(Object.keys(permissions)).toHaveLength(2);
    for (const permission of Object.values(permissions)) {
      expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(permission.Properties.SourceArn)).not.toContain('test-invoke-stage');
    }
  });

  it('throttles the key through a usage plan on the stage, without a quota by default', () => {
    const stage = onlyKey(stateless, 'AWS::ApiGateway::Stage');
    const plan = onlyKey(stateless, 'AWS::ApiGateway::UsagePlan');
    stateless.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 10, BurstLimit: 20 },
      Quota: Match.absent(),
      ApiStages: [{ ApiId: { Ref: onlyKey(stateless, 'AWS::ApiGateway::RestApi') }, Stage: { Ref: stage } }],
    });
    stateless.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
      KeyId: { Ref: onlyKey(stateless, 'AWS::ApiGateway::ApiKey') },
      KeyType: 'API_KEY',
      UsagePlanId: { Ref: plan },
    });
  });

  it('takes the throttle and an optional quota from the config', () => {
    custom.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 2, BurstLimit: 4 },
      Quota: { Limit: 5000, Period: 'MONTH' },
    });
  });

  it('lets API Gateway generate the key value, so no secret is in the template', () => {
    stateless.hasResourceProperties('AWS::ApiGateway::ApiKey', { Enabled: true, Value: Match.absent() });
  });

  it('keeps the access log, 30 days by default, after the stack is gone', () => {
    stateless.hasResource('AWS::Logs::LogGroup', { ...ACCESS_LOG_GROUP, Properties: { RetentionInDays: 30 } });
  });

  it('configures the v1 stage with JSON access logs, ERROR execution logs without bodies, no paid per-method metrics, and tracing', () => {
    // Prepare
    const accessLogs = onlyKey(stateless, 'AWS::Logs::LogGroup', ACCESS_LOG_GROUP);

    // Assess
    stateless.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: {
        // The service's own form of the ARN, without the trailing `:*` (no drift).
        DestinationArn: {
          'Fn::Join': ['', [`arn:aws:logs:${TEST_ENV.region}:${TEST_ENV.account}:log-group:`, { Ref: accessLogs }]],
        },
        Format: Match.anyValue(),
      },
      MethodSettings: [
        { HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: false },
      ],
    });
    const stage = Object.values(stateless.findResources('AWS::ApiGateway::Stage'))[0];
    const format = JSON.parse(stage?.Properties.AccessLogSetting.Format as string) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      apiKeyId: '$context.identity.apiKeyId',
      sourceIp: '$context.identity.sourceIp',
      httpMethod: '$context.httpMethod',
      resourcePath: '$context.resourcePath',
      status: '$context.status',
      integrationLatency: '$context.integrationLatency',
    });
  });

  it("sets API Gateway's CloudWatch Logs role before the stage needs it, and keeps it", () => {
    const role = onlyKey(stateless, 'AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] },
      },
    });
    const account = onlyKey(stateless, 'AWS::ApiGateway::Account');
    stateless.hasResource('AWS::ApiGateway::Account', {
      Properties: { CloudWatchRoleArn: { 'Fn::GetAtt': [role, 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
    stateless.hasResource('AWS::IAM::Role', { Properties: Match.objectLike({ ManagedPolicyArns: Match.anyValue() }), DeletionPolicy: 'Retain' });
    stateless.hasResource('AWS::ApiGateway::Stage', { DependsOn: Match.arrayWith([account]) });
  });

  it('leaves the account logging role alone when the config says the account has one', () => {
    custom.resourceCountIs('AWS::ApiGateway::Account', 0);
    expect(
      custom.findResources('AWS::IAM::Role', {
        Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] } },
      }),
    ).toEqual({});
  });

  it('has no WAF by default', () => {
    stateless.resourceCountIs('AWS::WAFv2::WebACL', 0);
    stateless.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });

  it('outputs the URL, the key id and the command that prints the key, the role ARNs, the dashboard and the console URL, and nothing else', () => {
    const api = onlyKey(stateless, 'AWS::ApiGateway::RestApi');
    const key = onlyKey(stateless, 'AWS::ApiGateway::ApiKey');
    const roleArn = (name: string) => ({ Description: expect.any(String), Value: { 'Fn::GetAtt': [functionNamed(stateless, name).role, 'Arn'] } });
    expect(stateless.toJSON().Outputs).toEqual({
      RunnerRoleArn: roleArn('runner'),
      ApiRoleArn: roleArn('api'),
      CostCollectorRoleArn: roleArn('cost-collector'),
      DashboardUrl: {
        Description: expect.any(String),
        Value: {
          'Fn::Join': [
            '',
            [
              'https://',
              { Ref: 'AWS::Region' },
              '.console.aws.amazon.com/cloudwatch/home?region=',
              { Ref: 'AWS::Region' },
              '#dashboards:name=',
              { Ref: onlyKey(stateless, 'AWS::CloudWatch::Dashboard') },
            ],
          ],
        },
      },
      ApiUrl: {
        Description: expect.any(String),
        Value: {
          'Fn::Join': [
            '',
            [
              'https://',
              { Ref: api },
              `.execute-api.${TEST_ENV.region}.`,
              { Ref: 'AWS::URLSuffix' },
              '/',
              { Ref: onlyKey(stateless, 'AWS::ApiGateway::Stage') },
              '/',
            ],
          ],
        },
      },
      ApiKeyId: { Description: expect.any(String), Value: { Ref: key } },
      ApiKeyCommand: {
        Description: expect.any(String),
        Value: {
          'Fn::Join': ['', ['aws apigateway get-api-key --api-key ', { Ref: key }, ' --include-value --query value --output text']],
        },
      },
      ConsoleUrl: {
        Description: expect.any(String),
        Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [onlyKey(stateless, 'AWS::CloudFront::Distribution'), 'DomainName'] }, '/']] },
      },
    });
  });
});

describe('the WAF option (on in the custom app)', () => {
  it('associates a regional web ACL with the stage', () => {
    const acl = onlyKey(custom, 'AWS::WAFv2::WebACL');
    const stage = onlyKey(custom, 'AWS::ApiGateway::Stage');
    custom.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    custom.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: { 'Fn::GetAtt': [acl, 'Arn'] },
      ResourceArn: {
        'Fn::Join': ['', Match.arrayWith([{ Ref: onlyKey(custom, 'AWS::ApiGateway::RestApi') }, '/stages/', { Ref: stage }])],
      },
    });
  });

  it('blocks a declared body over 256 KiB with the API error shape, then applies the AWS common rule set', () => {
    custom.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: [
        Match.objectLike({
          Name: 'BodySizeLimit',
          Priority: 0,
          Statement: {
            RegexMatchStatement: {
              FieldToMatch: { SingleHeader: { Name: 'content-length' } },
              RegexString: OVERSIZED_CONTENT_LENGTH_REGEX,
              TextTransformations: [{ Priority: 0, Type: 'NONE' }],
            },
          },
          Action: { Block: { CustomResponse: { ResponseCode: 413, CustomResponseBodyKey: 'PayloadTooLarge' } } },
        }),
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          Priority: 1,
          OverrideAction: { None: {} },
          Statement: {
            ManagedRuleGroupStatement: {
              VendorName: 'AWS',
              Name: 'AWSManagedRulesCommonRuleSet',
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            },
          },
        }),
      ],
      CustomResponseBodies: {
        PayloadTooLarge: {
          ContentType: 'APPLICATION_JSON',
          Content: Match.serializedJson({ error: { code: 'payload_too_large', message: Match.stringLikeRegexp('262144') } }),
        },
      },
    });
  });
});

describe('OVERSIZED_CONTENT_LENGTH_REGEX', () => {
  const oversized = new RegExp(OVERSIZED_CONTENT_LENGTH_REGEX);

  it('matches exactly the lengths above 256 KiB', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000_000 }), fc.nat({ max: 3 }), (length, zeros) => {
        expect(oversized.test('0'.repeat(zeros) + String(length))).toBe(length > MAX_BODY_BYTES);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['262144', false],
    ['262145', true],
    ['262150', true],
    ['263000', true],
    ['270000', true],
    ['300000', true],
    ['1000000', true],
    ['99999999999', true],
    ['0', false],
    ['', false],
    ['26214a', false],
    ['-300000', false],
  ])('Content-Length %j -> %s', (value, expected) => {
    expect(oversized.test(value)).toBe(expected);
  });
});
