/**
 * Cost Optimization Hub for the cost collector: one ListRecommendations request per snapshot of
 * a source with `include_savings`, the largest estimated monthly savings first. The service is
 * served from us-east-1; the client must be built there.
 */
import {
  CostOptimizationHubClient,
  ListRecommendationsCommand,
  type CostOptimizationHubClientConfig,
  type Recommendation,
} from '@aws-sdk/client-cost-optimization-hub';
import { COST_OPTIMIZATION_HUB_REGION } from '#adapters/aws-source-clients.ts';
import { callAws, type AwsCallContext } from '#adapters/aws-errors.ts';
import type { SavingsPort } from '#domain/collect/ports.ts';
import type { SavingsRecommendation } from '#domain/collect/types.ts';
import type { Clock } from '#domain/model/ports.ts';


const NOT_ENROLLED =
  'Cost Optimization Hub is not enabled for this account: opt in from the Billing and Cost Management console (Cost Optimization Hub)';

function recommendationOf(item: Recommendation): SavingsRecommendation {
  return {
    resource: item.resourceId ?? item.resourceArn ?? item.recommendationId ?? '(unknown resource)',
    resourceType: item.currentResourceType ?? 'resource',
    action: item.actionType ?? 'Review',
    region: item.region ?? null,
    monthlySavings: item.estimatedMonthlySavings ?? 0,
    currency: item.currencyCode ?? 'USD',
    recommended: item.recommendedResourceSummary ?? null,
  };
}

export interface SavingsReaderOptions {
  maxAttempts: number;
  clock?: Clock;
}

export type SavingsFactory = (config: CostOptimizationHubClientConfig, options: SavingsReaderOptions) => SavingsPort;

/**
 * A Cost Optimization Hub client and its reader. AwsSourceClients takes this as an option rather
 * than importing the client itself, so only the functions that read savings (the cost collector,
 * local mode) bundle it.
 */
export const savingsReader: SavingsFactory = (config, options) => new CostOptimizationHubReader(new CostOptimizationHubClient(config), options);

/** Reads the top recommendations with one identity. */
export class CostOptimizationHubReader implements SavingsPort {
  private readonly clock: Clock;

  constructor(
    private readonly client: CostOptimizationHubClient,
    private readonly options: SavingsReaderOptions,
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
  }

  async topRecommendations(limit: number): Promise<SavingsRecommendation[]> {
    const context: AwsCallContext = {
      service: 'Cost Optimization Hub',
      action: 'cost-optimization-hub:ListRecommendations',
      resource: 'savings recommendations',
      region: COST_OPTIMIZATION_HUB_REGION,
      maxAttempts: this.options.maxAttempts,
      notFound: NOT_ENROLLED,
    };
    const page = await callAws(context, { clock: this.clock }, (options) =>
      this.client.send(
        new ListRecommendationsCommand({ orderBy: { dimension: 'EstimatedMonthlySavings', order: 'Desc' }, maxResults: limit }),
        options,
      ),
    );
    return (page.items ?? [])
      .map(recommendationOf)
      .sort((a, b) => b.monthlySavings - a.monthlySavings)
      .slice(0, limit);
  }
}
