/**
 * Metric rules: computed in code over the series a `metrics` input read, before the model is
 * asked. A rule is breached when each of the last `datapoints` points satisfies `op value`
 * (CloudWatch alarms' "M out of M"); with fewer points than that it is not breached, and the
 * result says so. A breached rule sets a floor on the run's status, like a log rule.
 */
import type { MetricOp, MetricRule, RuleResult } from '../model/entities.ts';
import { formatMetricValue, type MetricSeries } from './metric-series.ts';

const COMPARE: Readonly<Record<MetricOp, (a: number, b: number) => boolean>> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
};

/** The rule's condition as it reads in results: `connections > 80`. */
export function metricCondition(rule: Pick<MetricRule, 'id' | 'op' | 'value'>): string {
  return `${rule.id} ${rule.op} ${formatMetricValue(rule.value)}`;
}

/** The series of `label` (matched case-insensitively, as labels are unique either way). */
function seriesOf(series: ReadonlyMap<string, readonly MetricSeries[]>, label: string): readonly MetricSeries[] | undefined {
  const exact = series.get(label);
  if (exact !== undefined) return exact;
  const wanted = label.toLowerCase();
  for (const [name, value] of series) if (name.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * Evaluates each rule over the series of its label's input, by query id. A label in `unread`
 * (its input failed) is not evaluated: the result says so and is never breached. `count` is how
 * many of the last `datapoints` points satisfy the condition; `actual` is the newest value.
 */
export function evaluateMetricRules(
  rules: readonly MetricRule[],
  series: ReadonlyMap<string, readonly MetricSeries[]>,
  unread: ReadonlySet<string> = new Set(),
): RuleResult[] {
  const failed = new Set([...unread].map((label) => label.toLowerCase()));
  return rules.map((rule) => {
    const base = {
      label: rule.label,
      pattern: metricCondition(rule),
      kind: 'metric' as const,
      threshold: rule.value,
      id: rule.id,
      op: rule.op,
      datapoints: rule.datapoints,
      severity: rule.severity,
    };
    if (failed.has(rule.label.toLowerCase())) {
      return { ...base, count: 0, actual: null, breached: false, unread: true, detail: 'not evaluated: the input could not be read' };
    }
    const found = seriesOf(series, rule.label)?.find((s) => s.id === rule.id);
    const points = found?.points ?? [];
    const actual = points.at(-1)?.value ?? null;
    if (points.length < rule.datapoints) {
      const had = points.length === 1 ? '1 datapoint' : `${points.length} datapoints`;
      return { ...base, count: 0, actual, breached: false, detail: `only ${had} in the window, ${rule.datapoints} needed: not evaluated` };
    }
    const last = points.slice(-rule.datapoints);
    const count = last.filter((point) => COMPARE[rule.op](point.value, rule.value)).length;
    const values = last.map((point) => formatMetricValue(point.value)).join(', ');
    return { ...base, count, actual, breached: count === rule.datapoints, detail: `last ${rule.datapoints}: ${values}` };
  });
}

/**
 * How a metric rule result reads in summaries, prompts and notices: `RDS connections > 80: 3 of
 * the last 3 points (last 3: 85, 90, 92) (alert)`.
 */
export function describeMetricRuleResult(result: RuleResult): string {
  const head = `${result.label} ${result.pattern}`;
  if (result.unread === true) return `${head}: not evaluated, the input could not be read (${result.severity})`;
  const needed = result.datapoints ?? 1;
  if (result.detail?.startsWith('only ')) return `${head}: ${result.detail} (${result.severity})`;
  return `${head}: ${result.count} of the last ${needed} points (${result.detail ?? ''}) (${result.severity})`;
}
