import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudWatchMetricReader } from '#adapters/cloudwatch/metric-reader.ts';
import { SourceReadError } from '#domain/collect/errors.ts';
import type { MetricQuery } from '#domain/model/entities.ts';
import { awsError } from '../collect/fake-time.ts';

const cw = mockClient(CloudWatchClient);
const reader = (maxPages?: number) =>
  new CloudWatchMetricReader(new CloudWatchClient({ region: 'eu-west-1' }), { region: 'eu-west-1', maxAttempts: 3, ...(maxPages ? { maxPages } : {}) });

const start = new Date('2026-11-21T10:00:00.000Z');
const end = new Date('2026-11-21T10:30:00.000Z');
const queries: MetricQuery[] = [
  { id: 'conns', namespace: 'AWS/RDS', metricName: 'DatabaseConnections', dimensions: { DBInstanceIdentifier: 'orders-db' }, stat: 'Maximum', periodSeconds: 60 },
  { id: 'spare', expression: '100 - conns', periodSeconds: 60 },
];
const at = (minute: number) => new Date(Date.UTC(2026, 10, 21, 10, minute));

describe('CloudWatchMetricReader', () => {
  afterEach(() => {
    cw.reset();
  });

  it('asks GetMetricData for every query in one request, ascending, and merges pages by id', async () => {
    // Prepare
    cw.on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'conns', Timestamps: [at(1), at(2)], Values: [70, 75], StatusCode: 'PartialData' },
          { Id: 'spare', Timestamps: [at(1)], Values: [30], StatusCode: 'PartialData' },
        ],
        NextToken: 'p2',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'conns', Timestamps: [at(3)], Values: [90], StatusCode: 'Complete' },
          { Id: 'spare', Timestamps: [], Values: [], StatusCode: 'Complete', Messages: [{ Code: 'ArithmeticError', Value: 'division by zero' }] },
        ],
      });

    // Act
    const read = await reader().read({ queries, start, end, deadline: Date.now() + 10_000 });

    // Assess
    const inputs = cw.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      {
        MetricDataQueries: [
          {
            Id: 'conns',
            MetricStat: {
              Metric: { Namespace: 'AWS/RDS', MetricName: 'DatabaseConnections', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'orders-db' }] },
              Period: 60,
              Stat: 'Maximum',
            },
            ReturnData: true,
          },
          { Id: 'spare', Expression: '100 - conns', Period: 60, ReturnData: true },
        ],
        StartTime: start,
        EndTime: end,
        ScanBy: 'TimestampAscending',
      },
      expect.objectContaining({ NextToken: 'p2', ScanBy: 'TimestampAscending' }),
    ]);
    expect(read.notes).toEqual([]);
    expect(read.series).toEqual([
      {
        id: 'conns',
        label: 'AWS/RDS DatabaseConnections DBInstanceIdentifier=orders-db Maximum 60s',
        points: [
          { timestamp: at(1).toISOString(), value: 70 },
          { timestamp: at(2).toISOString(), value: 75 },
          { timestamp: at(3).toISOString(), value: 90 },
        ],
        status: 'Complete',
        messages: [],
      },
      { id: 'spare', label: 'expression 100 - conns 60s', points: [{ timestamp: at(1).toISOString(), value: 30 }], status: 'Complete', messages: ['ArithmeticError: division by zero'] },
    ]);
  });

  it('stops after maxPages and notes that the newest points are missing', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'conns', Timestamps: [at(1)], Values: [1] }], NextToken: 'more' });
    const read = await reader(2).read({ queries: queries.slice(0, 1), start, end, deadline: Date.now() + 10_000 });
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(2);
    expect(read.notes).toEqual(['GetMetricData had more than 2 pages; the newest points are missing']);
  });

  it.each([
    [awsError('AccessDeniedException', 'no'), 'permission', 'missing permission cloudwatch:GetMetricData on metrics conns, spare in eu-west-1'],
    [awsError('InvalidParameterValueException', 'The value 61 for parameter Period is not valid.'), 'invalid', 'CloudWatch rejected cloudwatch:GetMetricData on metrics conns, spare: The value 61 for parameter Period is not valid.'],
    [awsError('LimitExceededException', 'slow down'), 'throttled', 'throttled by CloudWatch (cloudwatch:GetMetricData on metrics conns, spare) after 3 attempts'],
    [awsError('InternalServiceFault', 'oops'), 'unavailable', 'CloudWatch is unavailable in eu-west-1 (InternalServiceFault) after 3 attempts'],
  ])('maps %s to a %s read error', async (error, reason, message) => {
    cw.on(GetMetricDataCommand).rejects(error);
    const failure = await reader().read({ queries, start, end, deadline: Date.now() + 10_000 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SourceReadError);
    expect(failure).toMatchObject({ reason, message });
  });

  it('probes with one page of ListMetrics', async () => {
    cw.on(ListMetricsCommand).resolves({
      Metrics: [{ Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: 'orders' }] }],
      NextToken: 'next',
    });
    expect(await reader().probe(Date.now() + 10_000)).toEqual({ metrics: ['AWS/Lambda Errors FunctionName=orders'], more: true });
    expect(cw.commandCalls(ListMetricsCommand).map((call) => call.args[0].input)).toEqual([{}]);
  });
});
