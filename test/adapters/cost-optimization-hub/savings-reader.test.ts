import { CostOptimizationHubClient, ListRecommendationsCommand } from '@aws-sdk/client-cost-optimization-hub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CostOptimizationHubReader } from '#adapters/cost-optimization-hub/savings-reader.ts';
import { SourceReadError } from '#domain/collect/errors.ts';
import { awsError } from '../collect/fake-time.ts';

const hub = mockClient(CostOptimizationHubClient);
const reader = () => new CostOptimizationHubReader(new CostOptimizationHubClient({ region: 'us-east-1' }), { maxAttempts: 3 });

describe('CostOptimizationHubReader', () => {
  afterEach(() => {
    hub.reset();
  });

  it('asks for the top recommendations by estimated monthly savings, one page', async () => {
    hub.on(ListRecommendationsCommand).resolves({
      items: [
        { resourceId: 'db-old', currentResourceType: 'RdsDbInstance', actionType: 'Stop', region: 'eu-west-1', estimatedMonthlySavings: 8.25, currencyCode: 'USD' },
        {
          resourceArn: 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc',
          currentResourceType: 'Ec2Instance',
          actionType: 'Rightsize',
          region: 'eu-west-1',
          estimatedMonthlySavings: 41.5,
          currencyCode: 'USD',
          recommendedResourceSummary: 't4g.small',
        },
      ],
      nextToken: 'more',
    });

    const found = await reader().topRecommendations(20);

    expect(hub.commandCalls(ListRecommendationsCommand).map((call) => call.args[0].input)).toEqual([
      { orderBy: { dimension: 'EstimatedMonthlySavings', order: 'Desc' }, maxResults: 20 },
    ]);
    expect(found).toEqual([
      {
        resource: 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc',
        resourceType: 'Ec2Instance',
        action: 'Rightsize',
        region: 'eu-west-1',
        monthlySavings: 41.5,
        currency: 'USD',
        recommended: 't4g.small',
      },
      { resource: 'db-old', resourceType: 'RdsDbInstance', action: 'Stop', region: 'eu-west-1', monthlySavings: 8.25, currency: 'USD', recommended: null },
    ]);
  });

  it.each([
    [awsError('AccessDeniedException'), 'permission', 'missing permission cost-optimization-hub:ListRecommendations on savings recommendations in us-east-1'],
    [awsError('ResourceNotFoundException'), 'not_found', expect.stringMatching(/^Cost Optimization Hub is not enabled for this account/)],
    [awsError('ThrottlingException'), 'throttled', 'throttled by Cost Optimization Hub (cost-optimization-hub:ListRecommendations on savings recommendations) after 3 attempts'],
  ])('maps %s to a %s read error', async (error, reason, message) => {
    hub.on(ListRecommendationsCommand).rejects(error);
    const failure = await reader().topRecommendations(20).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SourceReadError);
    expect(failure).toMatchObject({ reason, message });
  });
});
