/**
 * Cost Explorer reads for the cost collector (never for runs: each request costs $0.01).
 * Cost Explorer is a global service served from us-east-1; the client must be built there.
 */
import {
  CostExplorerClient,
  type CostExplorerClientConfig,
  GetAnomaliesCommand,
  GetCostAndUsageCommand,
  GetCostForecastCommand,
  type GroupDefinition,
  type Metric,
  type RootCause,
} from '@aws-sdk/client-cost-explorer';
import type { CostAndUsage, CostExplorerPort, CostPeriod } from '#domain/collect/ports.ts';
import type { CostAnomaly } from '#domain/collect/types.ts';
import type { CostMetric } from '#domain/model/entities.ts';
import type { Clock } from '#domain/model/ports.ts';
import { callAws, type AwsCallContext } from '../aws-errors.ts';

export interface CostExplorerReaderOptions {
  maxAttempts: number;
  clock?: Clock;
  /** Pages read per request kind before stopping (each page is a billed request). @default 5 */
  maxPages?: number;
}

const FORECAST_METRIC: Record<CostMetric, Metric> = {
  AmortizedCost: 'AMORTIZED_COST',
  BlendedCost: 'BLENDED_COST',
  NetAmortizedCost: 'NET_AMORTIZED_COST',
  NetUnblendedCost: 'NET_UNBLENDED_COST',
  NormalizedUsageAmount: 'NORMALIZED_USAGE_AMOUNT',
  UnblendedCost: 'UNBLENDED_COST',
  UsageQuantity: 'USAGE_QUANTITY',
};

const NO_DATA =
  'Cost Explorer has no data for this account yet: enable Cost Explorer in the Billing console; data appears within 24 hours and forecasts need some history';

/** `SERVICE` → a dimension; `TAG:team` → a tag; `COST_CATEGORY:unit` → a cost category. */
export function groupDefinitionOf(groupBy: string): GroupDefinition {
  const [kind, ...rest] = groupBy.split(':');
  const key = rest.join(':');
  if (kind === 'TAG' && key) return { Type: 'TAG', Key: key };
  if (kind === 'COST_CATEGORY' && key) return { Type: 'COST_CATEGORY', Key: key };
  return { Type: 'DIMENSION', Key: groupBy };
}

/** Tag and cost-category groups come back as `key$value`; an empty value means untagged. */
function groupName(keys: string[] | undefined, definition: GroupDefinition): string {
  const key = keys?.[0] ?? '';
  if (definition.Type === 'DIMENSION') return key || '(none)';
  const value = key.slice(key.indexOf('$') + 1);
  return value || `(no ${definition.Key})`;
}

function rootCause(cause: RootCause): string {
  const account = cause.LinkedAccount ? `account ${cause.LinkedAccount}${cause.LinkedAccountName ? ` (${cause.LinkedAccountName})` : ''}` : undefined;
  const contribution = cause.Impact?.Contribution === undefined ? undefined : `contribution ${cause.Impact.Contribution.toFixed(2)}`;
  return [cause.Service, cause.Region, account, cause.UsageType, contribution].filter(Boolean).join(' / ');
}

/** Builds the Cost Explorer reader of one identity (see {@link costExplorerReader}). */
export type CostExplorerFactory = (config: CostExplorerClientConfig, options: CostExplorerReaderOptions) => CostExplorerPort;

/**
 * A Cost Explorer client and its reader. AwsSourceClients takes this as an option rather than
 * importing the client itself, so only the functions that call Cost Explorer (the cost collector,
 * local mode) bundle it.
 */
export const costExplorerReader: CostExplorerFactory = (config, options) =>
  new CostExplorerReader(new CostExplorerClient(config), options);

/** Reads costs, forecasts and anomalies with one identity. */
export class CostExplorerReader implements CostExplorerPort {
  private readonly clock: Clock;
  private readonly maxPages: number;

  constructor(
    private readonly client: CostExplorerClient,
    private readonly options: CostExplorerReaderOptions,
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
    this.maxPages = options.maxPages ?? 5;
  }

  private context(action: string, resource: string): AwsCallContext {
    return { service: 'Cost Explorer', action, resource, region: 'us-east-1', maxAttempts: this.options.maxAttempts, notFound: NO_DATA };
  }

  /** GetCostAndUsage, daily, one metric, one group-by; pages of more groups are merged per day. */
  async costAndUsage(request: CostPeriod & { metric: CostMetric; groupBy: string }): Promise<CostAndUsage> {
    const definition = groupDefinitionOf(request.groupBy);
    const days = new Map<string, { day: string; estimated: boolean; groups: Array<{ group: string; amount: number }> }>();
    let unit: string | null = null;
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await callAws(this.context('ce:GetCostAndUsage', `${request.metric} by ${request.groupBy}`), { clock: this.clock }, (options) =>
        this.client.send(
          new GetCostAndUsageCommand({
            TimePeriod: { Start: request.start, End: request.end },
            Granularity: 'DAILY',
            Metrics: [request.metric],
            GroupBy: [definition],
            ...(nextToken === undefined ? {} : { NextPageToken: nextToken }),
          }),
          options,
        ),
      );
      pages += 1;
      for (const result of page.ResultsByTime ?? []) {
        const day = result.TimePeriod?.Start?.slice(0, 10);
        if (!day) continue;
        const entry = days.get(day) ?? { day, estimated: false, groups: [] };
        entry.estimated ||= result.Estimated ?? false;
        for (const group of result.Groups ?? []) {
          const value = group.Metrics?.[request.metric];
          unit ??= value?.Unit ?? null;
          entry.groups.push({ group: groupName(group.Keys, definition), amount: Number(value?.Amount ?? 0) });
        }
        days.set(day, entry);
      }
      nextToken = page.NextPageToken;
    } while (nextToken !== undefined && pages < this.maxPages);
    return { unit, complete: nextToken === undefined, days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)) };
  }

  /** GetCostForecast over the period as one monthly amount. */
  async forecast(request: CostPeriod & { metric: CostMetric }): Promise<{ amount: number; unit: string | null }> {
    const result = await callAws(this.context('ce:GetCostForecast', `the ${request.metric} forecast`), { clock: this.clock }, (options) =>
      this.client.send(
        new GetCostForecastCommand({
          TimePeriod: { Start: request.start, End: request.end },
          Metric: FORECAST_METRIC[request.metric],
          Granularity: 'MONTHLY',
        }),
        options,
      ),
    );
    return { amount: Number(result.Total?.Amount ?? 0), unit: result.Total?.Unit ?? null };
  }

  /** GetAnomalies (Cost Anomaly Detection) in the period, every monitor's. */
  async anomalies(request: CostPeriod): Promise<CostAnomaly[]> {
    const found: CostAnomaly[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await callAws(this.context('ce:GetAnomalies', 'cost anomalies'), { clock: this.clock }, (options) =>
        this.client.send(
          new GetAnomaliesCommand({
            DateInterval: { StartDate: request.start, EndDate: request.end },
            ...(nextToken === undefined ? {} : { NextPageToken: nextToken }),
          }),
          options,
        ),
      );
      pages += 1;
      for (const anomaly of page.Anomalies ?? []) {
        found.push({
          id: anomaly.AnomalyId ?? '',
          start: (anomaly.AnomalyStartDate ?? '').slice(0, 10),
          end: anomaly.AnomalyEndDate ? anomaly.AnomalyEndDate.slice(0, 10) : null,
          impact: anomaly.Impact?.MaxImpact ?? 0,
          totalImpact: anomaly.Impact?.TotalImpact ?? null,
          rootCauses: (anomaly.RootCauses ?? []).map(rootCause),
        });
      }
      nextToken = page.NextPageToken;
    } while (nextToken !== undefined && pages < this.maxPages);
    return found;
  }
}
