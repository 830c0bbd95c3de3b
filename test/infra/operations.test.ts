import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionNamed, onlyKey, statefulOutput, synthTemplates, topicNamed } from './support.ts';

let stateful: Template;
let stateless: Template;
let custom: Template;
let opsTopic: unknown;

beforeAll(() => {
  ({ stateful, stateless } = synthTemplates());
  ({ stateless: custom } = synthTemplates({ config: { modelDailyCostAlarmUsd: 42 } }));
  opsTopic = statefulOutput(stateful, { Ref: topicNamed(stateful, 'Vigil operations') });
});

/** The one alarm whose logical id starts with Operations<name>. */
function alarm(template: Template, name: string): Record<string, unknown> {
  const found = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith(`Operations${name}`));
  expect(found, name).toHaveLength(1);
  return (found[0]?.[1] as { Properties: Record<string, unknown> }).Properties;
}

describe('operations alarms', () => {
  it('sends every alarm of the stateless stack, and its recovery, to the operations topic and nowhere else', () => {
    const alarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm'));
    // Four function error alarms and six of Operations.
    expect(alarms).toHaveLength(10);
    for (const { Properties: properties } of alarms) {
      expect(properties.AlarmActions).toEqual([opsTopic]);
      expect(properties.OKActions).toEqual([opsTopic]);
    }
  });

  it('alarms on any API 5xx in 5 minutes', () => {
    expect(alarm(stateless, 'ApiServerErrorAlarm')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Dimensions: [{ Name: 'ApiName', Value: expect.any(String) }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms on API p99 latency above 5 s for three 5-minute periods', () => {
    expect(alarm(stateless, 'ApiLatencyAlarm')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Period: 300,
      Threshold: 5000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
  });

  it("alarms when the run queue's oldest message is older than 15 minutes for 5 minutes", () => {
    const queue = statefulOutput(stateful, { 'Fn::GetAtt': [onlyKey(stateful, 'AWS::SQS::Queue', { Properties: { VisibilityTimeout: 900 } }), 'QueueName'] });
    expect(alarm(stateless, 'RunQueueAgeAlarm')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: queue }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 900,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
    });
  });

  it('alarms on any DynamoDB read or write throttle event of the table', () => {
    const table = statefulOutput(stateful, { Ref: onlyKey(stateful, 'AWS::DynamoDB::Table') });
    const properties = alarm(stateless, 'TableThrottleAlarm');
    expect(properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
    const metrics = properties.Metrics as Array<Record<string, any>>;
    expect(metrics.find((m) => m.Expression)).toMatchObject({ Expression: 'reads + writes', ReturnData: true });
    expect(metrics.filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat.Metric, m.MetricStat.Stat, m.MetricStat.Period])).toEqual([
      ['reads', { Namespace: 'AWS/DynamoDB', MetricName: 'ReadThrottleEvents', Dimensions: [{ Name: 'TableName', Value: table }] }, 'Sum', 300],
      ['writes', { Namespace: 'AWS/DynamoDB', MetricName: 'WriteThrottleEvents', Dimensions: [{ Name: 'TableName', Value: table }] }, 'Sum', 300],
    ]);
  });

  it('alarms when the scheduler published no heartbeat for 5 minutes, missing data counting as missing beats', () => {
    expect(alarm(stateless, 'SchedulerHeartbeatAlarm')).toMatchObject({
      Namespace: 'Vigil',
      MetricName: 'SchedulerHeartbeat',
      Dimensions: [{ Name: 'service', Value: 'vigil-scheduler' }],
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      TreatMissingData: 'breaching',
    });
  });

  it('alarms when the estimated model cost of a day passes modelDailyCostAlarmUsd (5 USD by default)', () => {
    const expected = {
      Namespace: 'Vigil',
      MetricName: 'EstimatedCostUsd',
      // The runner's total, without the ModelId dimension.
      Dimensions: [{ Name: 'service', Value: 'vigil-runner' }],
      Statistic: 'Sum',
      Period: 86400,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    };
    expect(alarm(stateless, 'ModelDailyCostAlarm')).toMatchObject({ ...expected, Threshold: 5 });
    expect(alarm(custom, 'ModelDailyCostAlarm')).toMatchObject({ ...expected, Threshold: 42 });
  });

  it('alarms on errors of the API function as of the others', () => {
    const api = functionNamed(stateless, 'api');
    const errors = Object.values(
      stateless.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: api.id } }] } }),
    );
    expect(errors).toHaveLength(1);
  });
});

describe('the dashboard', () => {
  /** The dashboard body with CloudFormation's joins resolved to placeholders. */
  function body(): { widgets: Array<{ properties: { title?: string; metrics?: unknown[][] } }> } {
    const dashboard = stateless.toJSON().Resources[onlyKey(stateless, 'AWS::CloudWatch::Dashboard')].Properties.DashboardBody;
    const parts = (dashboard['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : '"REF"'));
    return JSON.parse(parts.join('').replaceAll('""REF""', '"REF"'));
  }

  it('has a graph for each thing operators watch', () => {
    expect(body().widgets.map((w) => w.properties.title).filter(Boolean)).toEqual([
      'Runs by status',
      'Run duration (ms)',
      'Model tokens per day',
      'Model cost per day (USD)',
      'Notifications by outcome',
      'Scheduler: lag (s) and claims',
      'Run queue',
      'API latency (ms) and errors',
    ]);
  });

  it('graphs the metrics the functions publish, with their names and dimensions', () => {
    const text = JSON.stringify(body());
    for (const status of ['ok', 'warn', 'alert', 'error']) expect(text).toContain(`["Vigil","Runs","Status","${status}","service","vigil-runner"`);
    for (const outcome of ['sent', 'failed', 'suppressed']) expect(text).toContain(`["Vigil","Notifications","Outcome","${outcome}","service","vigil-runner"`);
    expect(text).toContain('["Vigil","RunDuration","service","vigil-runner"');
    expect(text).toContain('["Vigil","SlotLagSeconds","service","vigil-scheduler"');
    expect(text).toContain('["Vigil","ClaimedSlots","service","vigil-scheduler"');
    expect(text).toContain('["Vigil","EstimatedCostUsd","service","vigil-runner"');
    expect(text).toContain(String.raw`SEARCH('{Vigil,ModelId,service} MetricName=\"InputTokens\" service=\"vigil-runner\"', 'Sum', 86400)`);
    expect(text).toContain('"AWS/SQS","ApproximateAgeOfOldestMessage"');
    expect(text).toContain('"AWS/ApiGateway","Latency"');
    expect(text).toContain('"AWS/ApiGateway","5XXError"');
  });
});
