import {
  CostExplorerClient,
  DataUnavailableException,
  GetAnomaliesCommand,
  GetCostAndUsageCommand,
  GetCostForecastCommand,
  LimitExceededException,
} from '@aws-sdk/client-cost-explorer';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CostExplorerReader, groupDefinitionOf } from '#adapters/cost-explorer/cost-explorer-reader.ts';
import { awsError } from './fake-time.ts';

const ce = mockClient(CostExplorerClient);
const reader = (maxPages?: number) =>
  new CostExplorerReader(new CostExplorerClient({ region: 'us-east-1' }), { maxAttempts: 3, ...(maxPages ? { maxPages } : {}) });
const inputs = <T>(calls: Array<{ args: [{ input: T }] }>): T[] => calls.map((c) => c.args[0].input);

describe('CostExplorerReader', () => {
  afterEach(() => {
    ce.reset();
  });

  it('asks GetCostAndUsage for daily costs by the group-by and merges pages per day', async () => {
    // Prepare
    ce.on(GetCostAndUsageCommand)
      .resolvesOnce({
        ResultsByTime: [
          {
            TimePeriod: { Start: '2026-11-20', End: '2026-11-21' },
            Estimated: false,
            Groups: [{ Keys: ['Amazon EC2'], Metrics: { UnblendedCost: { Amount: '12.3456', Unit: 'USD' } } }],
          },
        ],
        NextPageToken: 'p2',
      })
      .resolvesOnce({
        ResultsByTime: [
          {
            TimePeriod: { Start: '2026-11-20', End: '2026-11-21' },
            Estimated: false,
            Groups: [{ Keys: ['AWS Lambda'], Metrics: { UnblendedCost: { Amount: '0.5', Unit: 'USD' } } }],
          },
          { TimePeriod: { Start: '2026-11-21', End: '2026-11-22' }, Estimated: true, Groups: [] },
        ],
      });

    // Act
    const usage = await reader().costAndUsage({ start: '2026-10-17', end: '2026-11-22', metric: 'UnblendedCost', groupBy: 'SERVICE' });

    // Assess
    expect(inputs(ce.commandCalls(GetCostAndUsageCommand))).toEqual([
      {
        TimePeriod: { Start: '2026-10-17', End: '2026-11-22' },
        Granularity: 'DAILY',
        Metrics: ['UnblendedCost'],
        GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
      },
      {
        TimePeriod: { Start: '2026-10-17', End: '2026-11-22' },
        Granularity: 'DAILY',
        Metrics: ['UnblendedCost'],
        GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
        NextPageToken: 'p2',
      },
    ]);
    expect(usage).toEqual({
      unit: 'USD',
      complete: true,
      days: [
        {
          day: '2026-11-20',
          estimated: false,
          groups: [
            { group: 'Amazon EC2', amount: 12.3456 },
            { group: 'AWS Lambda', amount: 0.5 },
          ],
        },
        { day: '2026-11-21', estimated: true, groups: [] },
      ],
    });
  });

  it('groups by a tag, naming untagged costs, and stops at the page cap', async () => {
    // Prepare
    ce.on(GetCostAndUsageCommand).resolves({
      ResultsByTime: [
        {
          TimePeriod: { Start: '2026-11-20', End: '2026-11-21' },
          Groups: [
            { Keys: ['team$payments'], Metrics: { AmortizedCost: { Amount: '3', Unit: 'USD' } } },
            { Keys: ['team$'], Metrics: { AmortizedCost: { Amount: '1', Unit: 'USD' } } },
          ],
        },
      ],
      NextPageToken: 'again',
    });

    // Act
    const usage = await reader(2).costAndUsage({ start: '2026-10-17', end: '2026-11-22', metric: 'AmortizedCost', groupBy: 'TAG:team' });

    // Assess
    expect(inputs(ce.commandCalls(GetCostAndUsageCommand))[0]?.GroupBy).toEqual([{ Type: 'TAG', Key: 'team' }]);
    expect(ce.commandCalls(GetCostAndUsageCommand)).toHaveLength(2);
    expect(usage.complete).toBe(false);
    expect(usage.days[0]?.groups.slice(0, 2)).toEqual([
      { group: 'payments', amount: 3 },
      { group: '(no team)', amount: 1 },
    ]);
  });

  it('asks GetCostForecast for the period in the forecast metric name', async () => {
    // Prepare
    ce.on(GetCostForecastCommand).resolves({ Total: { Amount: '180.126', Unit: 'USD' } });

    // Act
    const forecast = await reader().forecast({ start: '2026-11-21', end: '2026-12-01', metric: 'NetAmortizedCost' });

    // Assess
    expect(inputs(ce.commandCalls(GetCostForecastCommand))).toEqual([
      { TimePeriod: { Start: '2026-11-21', End: '2026-12-01' }, Metric: 'NET_AMORTIZED_COST', Granularity: 'MONTHLY' },
    ]);
    expect(forecast).toEqual({ amount: 180.126, unit: 'USD' });
  });

  it('reads anomalies with their impact and root causes across pages', async () => {
    // Prepare
    ce.on(GetAnomaliesCommand)
      .resolvesOnce({
        Anomalies: [
          {
            AnomalyId: 'a-1',
            AnomalyStartDate: '2026-11-18T00:00:00Z',
            AnomalyEndDate: '2026-11-19T00:00:00Z',
            AnomalyScore: { MaxScore: 0.9, CurrentScore: 0.5 },
            Impact: { MaxImpact: 42, TotalImpact: 80 },
            MonitorArn: 'arn:aws:ce::123456789012:anomalymonitor/m',
            RootCauses: [
              {
                Service: 'Amazon Elastic Compute Cloud - Compute',
                Region: 'us-east-1',
                LinkedAccount: '123456789012',
                LinkedAccountName: 'prod',
                UsageType: 'BoxUsage:m5.large',
                Impact: { Contribution: 80 },
              },
            ],
          },
        ],
        NextPageToken: 'p2',
      })
      .resolvesOnce({
        Anomalies: [
          {
            AnomalyId: 'a-2',
            AnomalyStartDate: '2026-11-20',
            AnomalyScore: { MaxScore: 0.5, CurrentScore: 0.5 },
            Impact: { MaxImpact: 5 },
            MonitorArn: 'arn:aws:ce::123456789012:anomalymonitor/m',
          },
        ],
      });

    // Act
    const anomalies = await reader().anomalies({ start: '2026-10-22', end: '2026-11-21' });

    // Assess
    expect(inputs(ce.commandCalls(GetAnomaliesCommand))).toEqual([
      { DateInterval: { StartDate: '2026-10-22', EndDate: '2026-11-21' } },
      { DateInterval: { StartDate: '2026-10-22', EndDate: '2026-11-21' }, NextPageToken: 'p2' },
    ]);
    expect(anomalies).toEqual([
      {
        id: 'a-1',
        start: '2026-11-18',
        end: '2026-11-19',
        impact: 42,
        totalImpact: 80,
        rootCauses: ['Amazon Elastic Compute Cloud - Compute / us-east-1 / account 123456789012 (prod) / BoxUsage:m5.large / contribution 80.00'],
      },
      { id: 'a-2', start: '2026-11-20', end: null, impact: 5, totalImpact: null, rootCauses: [] },
    ]);
  });

  it.each([
    [
      // Cost Explorer does not model AccessDeniedException: it arrives as a generic service error.
      awsError('AccessDeniedException', 'not authorized to perform ce:GetCostAndUsage'),
      'missing permission ce:GetCostAndUsage on UnblendedCost by SERVICE in us-east-1',
    ],
    [
      new DataUnavailableException({ message: 'Data is not available.', $metadata: {} }),
      'Cost Explorer has no data for this account yet: enable Cost Explorer in the Billing console; data appears within 24 hours and forecasts need some history',
    ],
    [
      new LimitExceededException({ message: 'Rate exceeded', $metadata: {} }),
      'throttled by Cost Explorer (ce:GetCostAndUsage on UnblendedCost by SERVICE) after 3 attempts',
    ],
  ])('maps %s', async (error, message) => {
    // Prepare
    ce.on(GetCostAndUsageCommand).rejects(error);

    // Act
    const usage = reader().costAndUsage({ start: '2026-10-17', end: '2026-11-22', metric: 'UnblendedCost', groupBy: 'SERVICE' });

    // Assess
    await expect(usage).rejects.toThrow(message);
  });
});

describe('groupDefinitionOf', () => {
  it('reads dimensions, tags and cost categories', () => {
    expect(groupDefinitionOf('LINKED_ACCOUNT')).toEqual({ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' });
    expect(groupDefinitionOf('TAG:aws:cloudformation:stack-name')).toEqual({ Type: 'TAG', Key: 'aws:cloudformation:stack-name' });
    expect(groupDefinitionOf('COST_CATEGORY:Business unit')).toEqual({ Type: 'COST_CATEGORY', Key: 'Business unit' });
  });
});
