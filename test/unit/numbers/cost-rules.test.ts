import { describe, expect, it } from 'vitest';
import type { CostRule } from '#domain/model/entities.ts';
import type { CostSnapshot, DailyCost } from '#domain/collect/types.ts';
import { CostRuleUnitError, evaluateCostRules } from '#domain/numbers/cost-rules.ts';

/** `days` days of costs ending on the snapshot's own (partial) day, `amountOf(day index from the oldest, group)`. */
function snapshotOf(options: {
  collectedAt: string;
  days: number;
  groups: string[];
  amountOf: (dayIndex: number, group: string, day: string) => number;
  overrides?: Partial<CostSnapshot>;
}): CostSnapshot {
  const today = new Date(`${options.collectedAt.slice(0, 10)}T00:00:00Z`);
  const daily: DailyCost[] = [];
  for (let i = 0; i < options.days; i += 1) {
    const day = new Date(today.getTime() - (options.days - 1 - i) * 86_400_000).toISOString().slice(0, 10);
    for (const group of options.groups) {
      const amount = options.amountOf(i, group, day);
      if (amount !== 0) daily.push({ day, group, amount });
    }
  }
  const monthStart = `${options.collectedAt.slice(0, 7)}-01`;
  const sums = new Map<string, number>();
  for (const cost of daily) if (cost.day >= monthStart) sums.set(cost.group, (sums.get(cost.group) ?? 0) + cost.amount);
  return {
    logSourceId: 'cost-1',
    collectedAt: options.collectedAt,
    metric: 'UnblendedCost',
    groupBy: 'SERVICE',
    unit: 'USD',
    estimatedFrom: null,
    daily,
    monthToDate: [...sums].map(([group, amount]) => ({ group, amount })),
    forecast: null,
    anomalies: [],
    notes: [],
    ...options.overrides,
  };
}

const one = (snapshot: CostSnapshot | null, label = 'BUDGET') => new Map([[label, snapshot]]);

describe('daily_threshold', () => {
  const rule: CostRule = { kind: 'daily_threshold', amount: 5, severity: 'alert', unit: 'USD' };

  it('compares the last complete day, never the partial one the snapshot was taken in', () => {
    // Prepare: 4 USD a day, 50 USD so far today (partial), collected mid-month
    const snapshot = snapshotOf({ collectedAt: '2026-11-21T06:00:00.000Z', days: 10, groups: ['EC2'], amountOf: (i) => (i === 9 ? 50 : 4) });

    // Act
    const [result] = evaluateCostRules([rule], one(snapshot));

    // Assess
    expect(result).toMatchObject({ label: 'BUDGET', kind: 'daily_threshold', breached: false, actual: 4, threshold: 5, day: '2026-11-20', basis: 'actual', unit: 'USD' });
    expect(result?.detail).toBe('2026-11-20 total 4.00 USD is within 5.00 USD');
  });

  it('is breached above the amount, for the total or for one group', () => {
    // Prepare: EC2 4 + Lambda 2 = 6 a day
    const snapshot = snapshotOf({
      collectedAt: '2026-11-21T06:00:00.000Z',
      days: 5,
      groups: ['EC2', 'Lambda'],
      amountOf: (_, group) => (group === 'EC2' ? 4 : 2),
    });

    // Act
    const [total, lambda] = evaluateCostRules([rule, { ...rule, group: 'Lambda', amount: 1.5, severity: 'warn' }], one(snapshot));

    // Assess
    expect(total).toMatchObject({ breached: true, severity: 'alert', actual: 6, percent: 120 });
    expect(lambda).toMatchObject({ breached: true, severity: 'warn', actual: 2, group: 'Lambda', threshold: 1.5 });
    expect(lambda?.detail).toBe('2026-11-20 Lambda 2.00 USD is above 1.50 USD');
  });

  it('on the 1st of the month reads the last day of the previous month', () => {
    // Prepare: November 30th cost 9, December 1st (today, partial) 1
    const snapshot = snapshotOf({ collectedAt: '2026-12-01T03:00:00.000Z', days: 5, groups: ['EC2'], amountOf: (i) => (i === 3 ? 9 : 1) });

    // Act
    const [result] = evaluateCostRules([rule], one(snapshot));

    // Assess
    expect(result).toMatchObject({ day: '2026-11-30', actual: 9, breached: true });
  });

  it('says when the day is still estimated by Cost Explorer', () => {
    // Prepare
    const snapshot = snapshotOf({ collectedAt: '2026-11-21T06:00:00.000Z', days: 3, groups: ['EC2'], amountOf: () => 7, overrides: { estimatedFrom: '2026-11-20' } });

    // Act
    const [result] = evaluateCostRules([rule], one(snapshot));

    // Assess
    expect(result?.detail).toBe('2026-11-20 total 7.00 USD (estimated by Cost Explorer) is above 5.00 USD');
  });
});

describe('monthly_budget', () => {
  const budget: CostRule = { kind: 'monthly_budget', amount: 100, alertPercentages: [50, 80, 100], unit: 'USD' };
  // 21 days of November at 4 USD (84 USD: 84%), today (the 21st) partial at 4 too
  const november = (overrides: Partial<CostSnapshot> = {}) =>
    snapshotOf({ collectedAt: '2026-11-21T06:00:00.000Z', days: 30, groups: ['EC2'], amountOf: () => 4, overrides });

  it('reports the highest actual percentage crossed below 100% as warn', () => {
    // Act
    const [result] = evaluateCostRules([budget], one(november()));

    // Assess
    expect(result).toMatchObject({ breached: true, severity: 'warn', basis: 'actual', percent: 80, actual: 84, threshold: 100, day: '2026-11-21' });
    expect(result?.detail).toBe('month-to-date since 2026-11-01 84.00 USD (84% of 100.00 USD); no forecast in the snapshot; actual crossed 80%');
  });

  it('is alert once the month-to-date reaches 100% or more', () => {
    // Act
    const [result] = evaluateCostRules([{ ...budget, amount: 80, alertPercentages: [100, 50] }], one(november()));

    // Assess
    expect(result).toMatchObject({ breached: true, severity: 'alert', basis: 'actual', percent: 100, actual: 84 });
  });

  it('warns on a forecast crossing: the complete days plus the forecast from today, with the 80% interval', () => {
    // Prepare: 80 USD over 20 complete days + 4 today; forecast from today 40 (30..55): month ≈ 120 (110..135)
    const snapshot = november({ forecast: { start: '2026-11-21', end: '2026-12-01', amount: 40, lower: 30, upper: 55 } });

    // Act
    const [result] = evaluateCostRules([{ ...budget, amount: 125, alertPercentages: [90] }], one(snapshot));

    // Assess
    expect(result).toMatchObject({ breached: true, severity: 'warn', basis: 'forecast', percent: 90, actual: 120, threshold: 125 });
    expect(result?.detail).toBe(
      'month-to-date since 2026-11-01 84.00 USD (67% of 125.00 USD); forecast month total 120.00 USD (96%); 80% interval 110.00 USD–135.00 USD: the budget is inside it; forecast crossed 90%',
    );
  });

  it('prefers the actual alert over a forecast warn, and says when the budget is below the interval', () => {
    // Prepare
    const snapshot = november({ forecast: { start: '2026-11-21', end: '2026-12-01', amount: 40, lower: 30, upper: 55 } });

    // Act
    const [result] = evaluateCostRules([{ ...budget, amount: 50 }], one(snapshot));

    // Assess
    expect(result).toMatchObject({ severity: 'alert', basis: 'actual', percent: 100 });
    expect(result?.detail).toContain('the budget is below it');
  });

  it('is not breached below every percentage', () => {
    // Act
    const [result] = evaluateCostRules([{ ...budget, amount: 1000 }], one(november()));

    // Assess
    expect(result).toMatchObject({ breached: false, actual: 84, threshold: 1000, basis: 'actual' });
    expect(result?.percent).toBeUndefined();
  });

  it('on the 1st counts only today: the previous month is not month-to-date', () => {
    // Prepare: 40 a day through November, 2 so far on December 1st; forecast for December 60
    const snapshot = snapshotOf({
      collectedAt: '2026-12-01T02:00:00.000Z',
      days: 30,
      groups: ['EC2'],
      amountOf: (i) => (i === 29 ? 2 : 40),
      overrides: { forecast: { start: '2026-12-01', end: '2027-01-01', amount: 60 } },
    });

    // Act
    const [result] = evaluateCostRules([budget], one(snapshot));

    // Assess: month end = 0 complete days + 60
    expect(result).toMatchObject({ breached: true, basis: 'forecast', percent: 50, actual: 60, day: '2026-12-01' });
    expect(result?.detail).toContain('month-to-date since 2026-12-01 2.00 USD (2% of 100.00 USD)');
  });

  it('handles a month with no data yet and no forecast', () => {
    // Prepare
    const snapshot = snapshotOf({ collectedAt: '2026-12-01T00:10:00.000Z', days: 1, groups: ['EC2'], amountOf: () => 0 });

    // Act
    const [result] = evaluateCostRules([budget], one(snapshot));

    // Assess
    expect(result).toMatchObject({ breached: false, actual: 0 });
    expect(result?.detail).toBe('month-to-date since 2026-12-01 0.00 USD (0% of 100.00 USD); no forecast in the snapshot');
  });
});

describe('anomaly', () => {
  const rule: CostRule = { kind: 'anomaly', zScore: 3, minDelta: 5, lookbackDays: 14, unit: 'USD' };

  it('flags a group whose last complete day is far above its median (robust spread), not the others', () => {
    // Prepare: EC2 alternates 9/11 for weeks then 40 yesterday; S3 steady at 2 (3 yesterday); today partial spikes ignored
    const snapshot = snapshotOf({
      collectedAt: '2026-11-21T06:00:00.000Z',
      days: 30,
      groups: ['EC2', 'S3'],
      amountOf: (i, group) => {
        if (i === 29) return 500;
        if (group === 'S3') return i === 28 ? 3 : 2;
        return i === 28 ? 40 : i % 2 === 0 ? 9 : 11;
      },
    });

    // Act
    const results = evaluateCostRules([rule], one(snapshot));

    // Assess: median 10, MAD 1 → spread 1.4826; +30 is 20.2 σ
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ kind: 'anomaly', breached: true, severity: 'alert', group: 'EC2', day: '2026-11-20', actual: 40, threshold: 15 });
    expect(results[0]?.detail).toBe('EC2 on 2026-11-20: 40.00 USD, usual 10.00 USD (median of 14 days), +30.00 USD, 20.2 σ');
  });

  it('falls back to mean and standard deviation when the median deviation is 0', () => {
    // Prepare: 10 every day but one 16 in the window; yesterday 20 → mean 10.43, sd 1.55
    const snapshot = snapshotOf({
      collectedAt: '2026-11-21T06:00:00.000Z',
      days: 16,
      groups: ['EC2'],
      amountOf: (i) => (i === 14 ? 20 : i === 5 ? 16 : 10),
    });

    // Act
    const [result] = evaluateCostRules([rule], one(snapshot));

    // Assess
    expect(result).toMatchObject({ breached: true, group: 'EC2' });
    expect(result?.detail).toMatch(/^EC2 on 2026-11-20: 20\.00 USD, usual 10\.43 USD \(mean of 14 days\), \+9\.57 USD, 6\.2 σ$/);
  });

  it('needs the rise to exceed min_delta too: a new small service is not an anomaly, a new large one is', () => {
    // Prepare: two services with no history; yesterday one cost 4, the other 12
    const snapshot = snapshotOf({
      collectedAt: '2026-11-21T06:00:00.000Z',
      days: 20,
      groups: ['Small', 'Large'],
      amountOf: (i, group) => (i === 18 ? (group === 'Small' ? 4 : 12) : 0),
    });

    // Act
    const results = evaluateCostRules([rule], one(snapshot));

    // Assess
    expect(results.map((r) => [r.group, r.breached])).toEqual([['Large', true]]);
    expect(results[0]?.detail).toContain('no variation before');
  });

  it('gives one unbreached result when no group stands out', () => {
    // Prepare
    const snapshot = snapshotOf({ collectedAt: '2026-11-21T06:00:00.000Z', days: 20, groups: ['EC2'], amountOf: (i) => 10 + (i % 3) });

    // Act
    const results = evaluateCostRules([rule], one(snapshot));

    // Assess
    expect(results).toEqual([
      expect.objectContaining({ breached: false, day: '2026-11-20', detail: 'no group on 2026-11-20 above its last 14 days by more than 3 σ and 5.00 USD (1 groups)' }),
    ]);
  });
});

describe('aws_anomaly', () => {
  const rule: CostRule = { kind: 'aws_anomaly', minImpact: 10, unit: 'USD' };
  const anomaly = (id: string, start: string, end: string | null, impact: number) => ({
    id,
    start,
    end,
    impact: impact / 2,
    totalImpact: impact,
    rootCauses: [`Amazon EC2 / us-east-1 / contribution ${impact}`],
  });

  it('alerts on recent findings with total impact at least min_impact, with their root causes', () => {
    // Prepare
    const snapshot = snapshotOf({
      collectedAt: '2026-11-21T06:00:00.000Z',
      days: 3,
      groups: ['EC2'],
      amountOf: () => 1,
      overrides: {
        anomalies: [anomaly('old', '2026-11-01', '2026-11-05', 99), anomaly('small', '2026-11-19', null, 9.99), anomaly('big', '2026-11-18', '2026-11-19', 25)],
      },
    });

    // Act
    const results = evaluateCostRules([rule], one(snapshot));

    // Assess
    expect(results).toEqual([
      expect.objectContaining({
        kind: 'aws_anomaly',
        breached: true,
        severity: 'alert',
        actual: 25,
        threshold: 10,
        day: '2026-11-18',
        detail: 'anomaly 2026-11-18..2026-11-19 total impact 25.00 USD; root causes: Amazon EC2 / us-east-1 / contribution 25',
      }),
    ]);
  });

  it('is not breached without such a finding', () => {
    // Act
    const [result] = evaluateCostRules([rule], one(snapshotOf({ collectedAt: '2026-11-21T06:00:00.000Z', days: 3, groups: ['EC2'], amountOf: () => 1 })));

    // Assess
    expect(result).toMatchObject({ breached: false, detail: 'no Cost Anomaly Detection finding since 2026-11-14 with total impact of 10.00 USD or more' });
  });
});

describe('evaluateCostRules', () => {
  const snapshot = snapshotOf({ collectedAt: '2026-11-21T06:00:00.000Z', days: 3, groups: ['EC2'], amountOf: () => 1 });

  it('refuses a snapshot in another unit than the rule with a clear error', () => {
    // Act + Assess
    expect(() => evaluateCostRules([{ kind: 'monthly_budget', amount: 100, alertPercentages: [100], unit: 'EUR' }], one(snapshot))).toThrow(
      new CostRuleUnitError(0, { kind: 'monthly_budget', amount: 100, alertPercentages: [100], unit: 'EUR' }, 'BUDGET', 'USD'),
    );
    expect(() => evaluateCostRules([{ kind: 'aws_anomaly', minImpact: 1, unit: 'EUR' }], one(snapshot))).toThrow(
      'cost_rules[0] (aws_anomaly) is in EUR but the snapshot of BUDGET is in USD; set the rule\'s unit to USD or use a source in EUR',
    );
  });

  it('reads the labelled input among several, and marks a rule whose input failed as unread', () => {
    // Prepare
    const snapshots = new Map<string, CostSnapshot | null>([
      ['PROD', snapshot],
      ['DEV', null],
    ]);
    const rule: CostRule = { kind: 'daily_threshold', amount: 0.5, severity: 'warn', unit: 'USD' };

    // Act
    const [prod, dev] = evaluateCostRules([{ ...rule, label: 'prod' }, { ...rule, label: 'DEV' }], snapshots);

    // Assess
    expect(prod).toMatchObject({ label: 'PROD', breached: true, actual: 1 });
    expect(dev).toMatchObject({ label: 'DEV', breached: false, unread: true, severity: 'warn' });
  });
});
