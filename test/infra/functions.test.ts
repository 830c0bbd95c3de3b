/**
 * The scheduler, runner and cost collector functions of the stateless stack: runtime, settings,
 * triggers and alarms. Their permissions are in permissions.test.ts.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePriceOverrides } from '#domain/judge/prices.ts';
import type { SynthesizedFunction } from './support.ts';
import { LAMBDA_PROVIDED_VARIABLES, PLATFORM_VARIABLES } from '#composition/contract.ts';
import { FUNCTION_NAMES, readEnvironment, variablesReadBy } from '#composition/environment.ts';
import { functionNamed, onlyKey, statefulOutput, synthTemplates, topicNamed } from './support.ts';

let stateful: Template;
let stateless: Template;
/** Every setting these functions read, away from its default, in one app (synth is slow). */
let custom: Template;
let customStateful: Template;

beforeAll(() => {
  ({ stateful, stateless } = synthTemplates());
  ({ stateless: custom, stateful: customStateful } = synthTemplates({
    config: {
      logLevel: 'DEBUG',
      runRetentionDays: 30,
      defaultModelId: 'amazon.nova-micro-v1:0',
      allowedModelIds: ['amazon.nova-micro-v1:0'],
      runnerTimeoutSeconds: 200,
      runQueueVisibilityTimeoutSeconds: 1200,
      runnerMaxConcurrency: 10,
      maxInputTokens: 50_000,
      collectConcurrency: 6,
      costCollectorHours: 1,
      senderEmail: 'vigil@example.com',
      anomalyFeedback: true,
      modelMonthlyBudgetUsd: 250.5,
      modelPrices: {
        'amazon.nova-micro': { inputPerMillion: 0.035, outputPerMillion: 0.14 },
        'eu.anthropic.claude-haiku-4-5': { inputPerMillion: 1.1, outputPerMillion: 5.5, regionalPremium: 0 },
      },
    },
  }));
});

const RUN_QUEUE = { Properties: { RedrivePolicy: Match.anyValue() } };

function tableName(source: Template): unknown {
  return statefulOutput(source, { Ref: onlyKey(source, 'AWS::DynamoDB::Table') });
}

function powertools(name: string, level = 'INFO'): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: `vigil-${name}`,
    POWERTOOLS_METRICS_NAMESPACE: 'Vigil',
    POWERTOOLS_LOG_LEVEL: level,
    NODE_OPTIONS: '--enable-source-maps',
  };
}

/** The alarm on `fn`'s Errors metric. */
function errorAlarmOf(template: Template, fn: SynthesizedFunction): Record<string, unknown> {
  const alarms = Object.values(
    template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn.id } }] },
    }),
  );
  expect(alarms).toHaveLength(1);
  return (alarms[0] as { Properties: Record<string, unknown> }).Properties;
}

/** The EventBridge rule that invokes `fn`. */
function ruleOf(template: Template, fn: SynthesizedFunction): Record<string, unknown> {
  const rules = Object.values(
    template.findResources('AWS::Events::Rule', {
      Properties: { Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn.id, 'Arn'] } })] },
    }),
  );
  expect(rules).toHaveLength(1);
  return (rules[0] as { Properties: Record<string, unknown> }).Properties;
}

const LAMBDA_DEFAULTS = { Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, Handler: 'index.handler' };

describe('the stateless stack', () => {
  it('has the API, scheduler, runner and cost collector functions, and nothing else runs code but the console copy', () => {
    const functions = Object.entries(stateless.findResources('AWS::Lambda::Function'));
    const services = functions.flatMap(([, fn]) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME ?? []);
    const others = functions.filter(([, fn]) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === undefined);
    expect(services.sort()).toEqual(['vigil-api', 'vigil-cost-collector', 'vigil-runner', 'vigil-scheduler']);
    // aws-cdk-lib's BucketDeployment function, which copies the console into its bucket at deploy time.
    expect(others.map(([id]) => id)).toEqual([expect.stringMatching(/^CustomCDKBucketDeployment/)]);
  });

  it('alarms on errors of the four functions, to the operations topic, on failure and on recovery', () => {
    const topic = statefulOutput(stateful, { Ref: topicNamed(stateful, 'Vigil operations') });
    const alarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'Errors' } }));
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
        OKActions: [topic],
      });
    }
  });

  it('keeps the dead-letter alarm of the run queue in the stateful stack', () => {
    stateful.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      AlarmActions: [{ Ref: topicNamed(stateful, 'Vigil operations') }],
    });
  });
});

describe('the scheduler function', () => {
  let scheduler: SynthesizedFunction;
  beforeAll(() => {
    scheduler = functionNamed(stateless, 'scheduler');
  });

  it('runs Node.js 22 on ARM64 with tracing, and ends a tick within 50 s, before the next one', () => {
    expect(scheduler.properties).toMatchObject({ ...LAMBDA_DEFAULTS, MemorySize: 512, Timeout: 50 });
  });

  it('gets exactly the settings the handler reads', () => {
    expect(scheduler.properties.Environment.Variables).toEqual({
      TABLE_NAME: tableName(stateful),
      RUN_QUEUE_URL: statefulOutput(stateful, { Ref: onlyKey(stateful, 'AWS::SQS::Queue', RUN_QUEUE) }),
      RUN_RETENTION_DAYS: '90',
      ...powertools('scheduler'),
    });
    expect(functionNamed(custom, 'scheduler').properties.Environment.Variables).toMatchObject({
      RUN_RETENTION_DAYS: '30',
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    });
  });

  it('ticks every minute; a tick older than a minute is not retried', () => {
    expect(ruleOf(stateless, scheduler)).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [expect.objectContaining({ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 } })],
    });
  });

  it('alarms when ticks fail in two consecutive minutes, not on one failed tick', () => {
    expect(errorAlarmOf(stateless, scheduler)).toMatchObject({ Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 2, Threshold: 1 });
  });
});

describe('the runner function', () => {
  let runner: SynthesizedFunction;
  beforeAll(() => {
    runner = functionNamed(stateless, 'runner');
  });

  it('runs Node.js 22 on ARM64 with tracing, 1024 MB, for 150 s by default', () => {
    expect(runner.properties).toMatchObject({ ...LAMBDA_DEFAULTS, MemorySize: 1024, Timeout: 150 });
    expect(functionNamed(custom, 'runner').properties.Timeout).toBe(200);
  });

  it('gets exactly the settings the handler reads, without a sender or price overrides by default', () => {
    expect(runner.properties.Environment.Variables).toEqual({
      TABLE_NAME: tableName(stateful),
      DEFAULT_MODEL_ID: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
      RUN_RETENTION_DAYS: '90',
      ALERT_TOPIC_ARN: statefulOutput(stateful, { Ref: topicNamed(stateful, 'Vigil alerts') }),
      API_BASE_URL: (stateless.toJSON().Outputs as Record<string, { Value: unknown }>).ApiUrl?.Value,
      COST_COLLECTOR_HOURS: '6',
      RUN_MARGIN_SECONDS: '15',
      MAX_INPUT_TOKENS: '30000',
      COLLECT_CONCURRENCY: '4',
      ...powertools('runner'),
    });
  });

  it('takes the model, retention, sender and collector period from the config', () => {
    expect(functionNamed(custom, 'runner').properties.Environment.Variables).toMatchObject({
      DEFAULT_MODEL_ID: 'amazon.nova-micro-v1:0',
      RUN_RETENTION_DAYS: '30',
      SENDER_EMAIL: 'vigil@example.com',
      COST_COLLECTOR_HOURS: '1',
      MAX_INPUT_TOKENS: '50000',
      COLLECT_CONCURRENCY: '6',
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    });
  });

  it('passes modelMonthlyBudgetUsd as MODEL_MONTHLY_BUDGET_USD, which the runtime config reads back', () => {
    const variables = functionNamed(custom, 'runner').properties.Environment.Variables;

    const runnerEnv = (budget?: string) => ({ TABLE_NAME: 't', AWS_REGION: 'eu-west-1', ...(budget !== undefined && { MODEL_MONTHLY_BUDGET_USD: budget }) });
    expect(variables.MODEL_MONTHLY_BUDGET_USD).toBe('250.5');
    expect(readEnvironment('runner', runnerEnv(variables.MODEL_MONTHLY_BUDGET_USD as string)).MODEL_MONTHLY_BUDGET_USD).toBe(250.5);
    expect(() => readEnvironment('runner', runnerEnv('0'))).toThrow(/MODEL_MONTHLY_BUDGET_USD: /);
    expect(readEnvironment('runner', runnerEnv()).MODEL_MONTHLY_BUDGET_USD).toBeUndefined();
    // Only the runner judges: no other function gets the budget.
    for (const name of ['api', 'scheduler', 'cost-collector']) {
      expect(functionNamed(custom, name).properties.Environment.Variables).not.toHaveProperty('MODEL_MONTHLY_BUDGET_USD');
    }
  });

  it('passes modelPrices in the shape the runtime parses (parsePriceOverrides)', () => {
    // Prepare
    const json = functionNamed(custom, 'runner').properties.Environment.Variables.MODEL_PRICES_JSON;

    // Act
    const prices = parsePriceOverrides(json as string, 'MODEL_PRICES_JSON');

    // Assess
    expect(prices).toEqual({
      'amazon.nova-micro': { input: 0.035, output: 0.14 },
      'eu.anthropic.claude-haiku-4-5': { input: 1.1, output: 5.5, regionalPremium: 0 },
    });
  });

  it('consumes the run queue one message at a time, reporting partial failures, under the concurrency cap', () => {
    const queueArn = statefulOutput(stateful, { 'Fn::GetAtt': [onlyKey(stateful, 'AWS::SQS::Queue', RUN_QUEUE), 'Arn'] });
    const mappings = Object.values(stateless.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toEqual({
      FunctionName: { Ref: runner.id },
      EventSourceArn: queueArn,
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    custom.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 10 } });
  });

  it('times out well before the run queue makes a message visible again', () => {
    const visibility = (Object.values(stateful.findResources('AWS::SQS::Queue', RUN_QUEUE))[0]?.Properties as { VisibilityTimeout: number })
      .VisibilityTimeout;
    expect(runner.properties.Timeout as number).toBeLessThan(visibility);
    customStateful.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 1200 });
  });

  it('alarms on any failed invocation within five minutes', () => {
    expect(errorAlarmOf(stateless, runner)).toMatchObject({ Period: 300, EvaluationPeriods: 1, DatapointsToAlarm: 1, Threshold: 1 });
  });
});

describe('the cost collector function', () => {
  let collector: SynthesizedFunction;
  beforeAll(() => {
    collector = functionNamed(stateless, 'cost-collector');
  });

  it('runs Node.js 22 on ARM64 with tracing, for up to five minutes', () => {
    expect(collector.properties).toMatchObject({ ...LAMBDA_DEFAULTS, MemorySize: 512, Timeout: 300 });
  });

  it('gets exactly the settings the handler reads', () => {
    expect(collector.properties.Environment.Variables).toEqual({
      TABLE_NAME: tableName(stateful),
      COST_SAVINGS: 'off',
      ...powertools('cost-collector'),
    });
  });

  it('runs every costCollectorHours hours, 6 by default', () => {
    expect(ruleOf(stateless, collector)).toMatchObject({
      ScheduleExpression: 'rate(6 hours)',
      State: 'ENABLED',
      Targets: [expect.objectContaining({ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 1800 } })],
    });
    expect(ruleOf(custom, functionNamed(custom, 'cost-collector'))).toMatchObject({ ScheduleExpression: 'rate(1 hour)' });
  });

  it('alarms on a failed collection', () => {
    expect(errorAlarmOf(stateless, collector)).toMatchObject({ Period: 300, EvaluationPeriods: 1, Threshold: 1 });
  });
});

describe('the environment contract (layers/shared/composition/contract.ts)', () => {
  it.each(FUNCTION_NAMES)('gives the %s function every variable its runtime reads, and none it does not', (name) => {
    // Prepare: the app with every optional setting on, so every optional variable is set.
    const set = Object.keys(functionNamed(custom, name).properties.Environment.Variables).sort();

    // Act
    const reads = variablesReadBy(name);

    // Assess
    const fromLambda = new Set<string>(LAMBDA_PROVIDED_VARIABLES);
    expect(reads.filter((variable) => !fromLambda.has(variable)).sort()).toEqual(
      set.filter((variable) => !(PLATFORM_VARIABLES as readonly string[]).includes(variable)),
    );
    for (const variable of PLATFORM_VARIABLES) expect(set).toContain(variable);
  });

  it('covers every function of the stack', () => {
    const services = Object.values(custom.findResources('AWS::Lambda::Function'))
      .map((fn) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME as string | undefined)
      .filter((service) => service?.startsWith('vigil-'));
    expect(services.sort()).toEqual(FUNCTION_NAMES.map((name) => `vigil-${name}`).sort());
  });

  it('parses what each function is given in the default app, without a ConfigError', () => {
    for (const name of FUNCTION_NAMES) {
      // Tokens (Refs, Fn::GetAtt) stand in for the values CloudFormation fills in at deploy time.
      const given = functionNamed(stateless, name).properties.Environment.Variables;
      const env = Object.fromEntries(
        Object.entries(given).map(([variable, value]) => [variable, typeof value === 'string' ? value : placeholderFor(variable)]),
      );
      expect(() => readEnvironment(name, { ...env, AWS_REGION: 'eu-west-1' })).not.toThrow();
    }
  });
});

/** A well-formed value for a variable CloudFormation resolves at deploy time. */
function placeholderFor(variable: string): string {
  if (variable.endsWith('_URL')) return 'https://example.com/x';
  if (variable.endsWith('_ARN')) return 'arn:aws:sns:eu-west-1:123456789012:alerts';
  if (variable.endsWith('_ORIGIN')) return 'https://d111111abcdef8.cloudfront.net';
  return 'resolved-at-deploy';
}
