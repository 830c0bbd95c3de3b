import { describe, expect, it } from 'vitest';
import type { MetricRule } from '#domain/model/entities.ts';
import { describeRuleResult } from '#domain/judge/rules.ts';
import { evaluateMetricRules } from '#domain/numbers/metric-rules.ts';
import { renderMetricSeries, type MetricSeries } from '#domain/numbers/metric-series.ts';

const series = (id: string, values: number[], start = '2026-11-21T10:00:00.000Z'): MetricSeries => ({
  id,
  label: `AWS/RDS DatabaseConnections DBInstanceIdentifier=orders-db Maximum 60s`,
  points: values.map((value, i) => ({ timestamp: new Date(Date.parse(start) + i * 60_000).toISOString(), value })),
  status: 'Complete',
  messages: [],
});
const rule = (overrides: Partial<MetricRule> = {}): MetricRule => ({ label: 'RDS', id: 'conns', op: '>', value: 80, datapoints: 3, severity: 'alert', ...overrides });

describe('evaluateMetricRules', () => {
  it('is breached when each of the last `datapoints` points satisfies the condition', () => {
    const [result] = evaluateMetricRules([rule()], new Map([['RDS', [series('conns', [10, 95, 81, 85, 90])]]]));
    expect(result).toEqual({
      label: 'RDS',
      pattern: 'conns > 80',
      kind: 'metric',
      threshold: 80,
      id: 'conns',
      op: '>',
      datapoints: 3,
      severity: 'alert',
      count: 3,
      actual: 90,
      breached: true,
      detail: 'last 3: 81, 85, 90',
    });
    expect(describeRuleResult(result!)).toBe('RDS conns > 80: 3 of the last 3 points (last 3: 81, 85, 90) (alert)');
  });

  it('is not breached when one of the last points does not satisfy it, and counts those that do', () => {
    const [result] = evaluateMetricRules([rule()], new Map([['RDS', [series('conns', [95, 96, 97, 80, 99])]]]));
    expect(result).toMatchObject({ breached: false, count: 2, actual: 99, detail: 'last 3: 97, 80, 99' });
  });

  it.each([
    ['>', 80, false],
    ['>=', 80, true],
    ['<', 81, true],
    ['<=', 79.5, false],
  ] as const)('compares with %s %d (points 80, 80, 80): breached %s', (op, value, breached) => {
    const [result] = evaluateMetricRules([rule({ op, value })], new Map([['RDS', [series('conns', [80, 80, 80])]]]));
    expect(result?.breached).toBe(breached);
  });

  it('is not breached with fewer points than `datapoints`, and says so', () => {
    const [result] = evaluateMetricRules([rule({ datapoints: 3 })], new Map([['RDS', [series('conns', [99, 99])]]]));
    expect(result).toMatchObject({ breached: false, count: 0, actual: 99, detail: 'only 2 datapoints in the window, 3 needed: not evaluated' });
    expect(describeRuleResult(result!)).toBe('RDS conns > 80: only 2 datapoints in the window, 3 needed: not evaluated (alert)');
  });

  it('is not breached when the series is absent or empty, with no actual value', () => {
    const results = evaluateMetricRules([rule({ datapoints: 1 }), rule({ label: 'OTHER', datapoints: 1 })], new Map([['RDS', [series('conns', [])]]]));
    expect(results.map((r) => [r.breached, r.actual, r.detail])).toEqual([
      [false, null, 'only 0 datapoints in the window, 1 needed: not evaluated'],
      [false, null, 'only 0 datapoints in the window, 1 needed: not evaluated'],
    ]);
  });

  it('does not evaluate a rule whose input failed, and matches labels case-insensitively', () => {
    const map = new Map([['rds', [series('conns', [99])]]]);
    expect(evaluateMetricRules([rule({ datapoints: 1 })], map)[0]?.breached).toBe(true);
    const [unread] = evaluateMetricRules([rule({ datapoints: 1 })], map, new Set(['RDS']));
    expect(unread).toMatchObject({ breached: false, unread: true, actual: null });
    expect(describeRuleResult(unread!)).toBe('RDS conns > 80: not evaluated, the input could not be read (alert)');
  });

  it('picks the series by query id among several', () => {
    const [result] = evaluateMetricRules([rule({ id: 'cpu', op: '<', value: 5, datapoints: 2 })], new Map([['RDS', [series('conns', [1, 1]), series('cpu', [4, 6])]]]));
    expect(result).toMatchObject({ breached: false, count: 1, actual: 6 });
  });
});

describe('renderMetricSeries', () => {
  it('shows the last value, min/max/avg over the window and the last six points', () => {
    expect(renderMetricSeries(series('conns', [10, 20, 30, 40, 50, 60, 70, 81.25]))).toBe(
      'conns (AWS/RDS DatabaseConnections DBInstanceIdentifier=orders-db Maximum 60s): last 81.25 at 10:07Z; ' +
        'min 10 max 81.25 avg 45.1563 over 8 points; last 6: 10:02Z 30, 10:03Z 40, 10:04Z 50, 10:05Z 60, 10:06Z 70, 10:07Z 81.25',
    );
  });

  it('says when there are no points, and shows a partial status and CloudWatch messages', () => {
    const empty = { ...series('conns', []), status: 'PartialData', messages: ['MaxQueryTimeRangeExceed: too long'] };
    expect(renderMetricSeries(empty)).toBe(
      'conns (AWS/RDS DatabaseConnections DBInstanceIdentifier=orders-db Maximum 60s): no datapoints in the window; status PartialData; MaxQueryTimeRangeExceed: too long',
    );
  });

  it('adds the day to times when the window spans midnight', () => {
    expect(renderMetricSeries(series('conns', [1, 2], '2026-11-21T23:59:00.000Z'))).toContain('last 2: 11-21T23:59Z 1, 11-22T00:00Z 2');
  });
});
