/**
 * Metric series as a `metrics` input reads them (GetMetricData over the lookback), and how they
 * read in the payload: one compact line per query, the arithmetic done here, never by the model.
 */
import type { MetricQuery } from '../model/entities.ts';

/** One point of a series. */
export interface MetricPoint {
  /** ISO-8601 UTC. */
  timestamp: string;
  value: number;
}

/** A query's series over the window, oldest point first. */
export interface MetricSeries {
  id: string;
  /** What the series is: `AWS/RDS DatabaseConnections DBInstanceIdentifier=db-1 Maximum 60s`. */
  label: string;
  points: MetricPoint[];
  /** GetMetricData's status: `Complete`, `PartialData` (points were cut), `Forbidden`, `InternalError`. */
  status: string;
  /** CloudWatch's messages about this series (an expression that failed, a metric with no data). */
  messages: string[];
}

/** Points shown on each line: enough for a trend, few enough to stay compact. */
export const SHOWN_POINTS = 6;

/** `AWS/RDS DatabaseConnections DBInstanceIdentifier=db-1 Maximum 60s`, or `expression … 60s`. */
export function describeMetricQuery(query: MetricQuery): string {
  if ('expression' in query) return `expression ${query.expression} ${query.periodSeconds}s`;
  const dimensions = Object.entries(query.dimensions).map(([name, value]) => `${name}=${value}`);
  return [query.namespace, query.metricName, ...dimensions, query.stat, `${query.periodSeconds}s`].join(' ');
}

/** A value as CloudWatch would print it: up to four decimals, no trailing zeros. */
export function formatMetricValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 10_000) / 10_000);
}

/** `HH:MMZ` of a point, or the date too when the window spans more than a day. */
function pointTime(timestamp: string, withDay: boolean): string {
  return withDay ? `${timestamp.slice(5, 10)}T${timestamp.slice(11, 16)}Z` : `${timestamp.slice(11, 16)}Z`;
}

/**
 * One line per series: `cpu (AWS/RDS CPUUtilization DBInstanceIdentifier=db-1 Average 60s):
 * last 91.5 at 12:34Z; min 20 max 91.5 avg 55.25 over 30 points; last 6: 12:29Z 80, …`.
 */
export function renderMetricSeries(series: MetricSeries): string {
  const head = `${series.id} (${series.label})`;
  const caveats = [
    ...(series.status === 'Complete' || series.status === '' ? [] : [`status ${series.status}`]),
    ...series.messages,
  ];
  const tail = caveats.length === 0 ? '' : `; ${caveats.join('; ')}`;
  const { points } = series;
  const last = points.at(-1);
  if (last === undefined) return `${head}: no datapoints in the window${tail}`;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const point of points) {
    min = Math.min(min, point.value);
    max = Math.max(max, point.value);
    sum += point.value;
  }
  const withDay = points[0] !== undefined && points[0].timestamp.slice(0, 10) !== last.timestamp.slice(0, 10);
  const shown = points.slice(-SHOWN_POINTS).map((point) => `${pointTime(point.timestamp, withDay)} ${formatMetricValue(point.value)}`);
  const count = points.length === 1 ? '1 point' : `${points.length} points`;
  return (
    `${head}: last ${formatMetricValue(last.value)} at ${pointTime(last.timestamp, withDay)}; ` +
    `min ${formatMetricValue(min)} max ${formatMetricValue(max)} avg ${formatMetricValue(sum / points.length)} over ${count}; ` +
    `last ${shown.length}: ${shown.join(', ')}${tail}`
  );
}
