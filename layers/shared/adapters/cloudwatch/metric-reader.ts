/**
 * CloudWatch metrics for `metrics` inputs: one GetMetricData request for all of an input's
 * queries (metric math included), oldest points first, pages merged per query id.
 */
import {
  GetMetricDataCommand,
  ListMetricsCommand,
  type CloudWatchClient,
  type GetMetricDataOutput,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { callAws, type AwsCallContext } from '#adapters/aws-errors.ts';
import type { MetricReader, MetricReadRequest } from '#domain/collect/ports.ts';
import type { MetricQuery } from '#domain/model/entities.ts';
import type { Clock } from '#domain/model/ports.ts';
import { describeMetricQuery, type MetricSeries } from '#domain/numbers/metric-series.ts';

export interface CloudWatchMetricReaderOptions {
  region: string;
  maxAttempts: number;
  clock?: Clock;
  /** GetMetricData pages read before stopping (each page is billed per metric). @default 10 */
  maxPages?: number;
}

/** The GetMetricData query of one of Vigil's metric queries. */
export function metricDataQueryOf(query: MetricQuery): MetricDataQuery {
  if ('expression' in query) return { Id: query.id, Expression: query.expression, Period: query.periodSeconds, ReturnData: true };
  return {
    Id: query.id,
    MetricStat: {
      Metric: {
        Namespace: query.namespace,
        MetricName: query.metricName,
        Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: query.periodSeconds,
      Stat: query.stat,
    },
    ReturnData: true,
  };
}

/** Reads metric series with one identity in one region. */
export class CloudWatchMetricReader implements MetricReader {
  private readonly clock: Clock;
  private readonly maxPages: number;

  constructor(
    private readonly client: CloudWatchClient,
    private readonly options: CloudWatchMetricReaderOptions,
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
    this.maxPages = options.maxPages ?? 10;
  }

  private context(action: string, resource: string): AwsCallContext {
    return { service: 'CloudWatch', action, resource, region: this.options.region, maxAttempts: this.options.maxAttempts };
  }

  /** GetMetricData over `[start, end]`, ScanBy TimestampAscending, NextToken pages merged by query id. */
  async read(request: MetricReadRequest): Promise<{ series: MetricSeries[]; notes: string[] }> {
    const series = new Map<string, MetricSeries>(
      request.queries.map((query) => [query.id, { id: query.id, label: describeMetricQuery(query), points: [], status: '', messages: [] }]),
    );
    const resource = `metrics ${request.queries.map((query) => query.id).join(', ')}`;
    const notes: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page: GetMetricDataOutput = await callAws(
        this.context('cloudwatch:GetMetricData', resource),
        { clock: this.clock, deadline: request.deadline },
        (options) =>
          this.client.send(
            new GetMetricDataCommand({
              MetricDataQueries: request.queries.map(metricDataQueryOf),
              StartTime: request.start,
              EndTime: request.end,
              ScanBy: 'TimestampAscending',
              ...(nextToken === undefined ? {} : { NextToken: nextToken }),
            }),
            options,
          ),
      );
      pages += 1;
      for (const result of page.MetricDataResults ?? []) {
        const entry = result.Id === undefined ? undefined : series.get(result.Id);
        if (entry === undefined) continue;
        const timestamps = result.Timestamps ?? [];
        const values = result.Values ?? [];
        timestamps.forEach((timestamp, i) => {
          const value = values[i];
          if (value !== undefined) entry.points.push({ timestamp: new Date(timestamp).toISOString(), value });
        });
        // The last page's status is the series' (PartialData on every page but the last).
        entry.status = result.StatusCode ?? entry.status;
        for (const message of result.Messages ?? []) {
          const text = [message.Code, message.Value].filter(Boolean).join(': ');
          if (text !== '' && !entry.messages.includes(text)) entry.messages.push(text);
        }
      }
      for (const message of page.Messages ?? []) {
        const text = [message.Code, message.Value].filter(Boolean).join(': ');
        if (text !== '' && !notes.includes(text)) notes.push(text);
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined && pages < this.maxPages);
    if (nextToken !== undefined) notes.push(`GetMetricData had more than ${this.maxPages} pages; the newest points are missing`);
    for (const entry of series.values()) entry.points.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    return { series: [...series.values()], notes };
  }

  /** One page of ListMetrics: the metrics this identity can see in the region. */
  async probe(deadline: number): Promise<{ metrics: string[]; more: boolean }> {
    const page = await callAws(this.context('cloudwatch:ListMetrics', 'metrics'), { clock: this.clock, deadline }, (options) =>
      this.client.send(new ListMetricsCommand({}), options),
    );
    const metrics = (page.Metrics ?? []).map((metric) => {
      const dimensions = (metric.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`);
      return [metric.Namespace, metric.MetricName, ...dimensions].filter(Boolean).join(' ');
    });
    return { metrics, more: page.NextToken !== undefined };
  }
}
