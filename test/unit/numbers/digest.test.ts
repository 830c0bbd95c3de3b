import { describe, expect, it } from 'vitest';
import type { CostSnapshot, DailyCost } from '#domain/collect/types.ts';
import { digestRunId, digestSlot, renderCostDigest } from '#domain/numbers/digest.ts';
import { aSnapshot } from '../collect/fakes.ts';

/** 20 days of November up to the 21st (partial): EC2 10 a day then 14 in the last week, S3 2, five small services. */
function novemberSnapshot(): CostSnapshot {
  const daily: DailyCost[] = [];
  for (let d = 1; d <= 21; d += 1) {
    const day = `2026-11-${String(d).padStart(2, '0')}`;
    daily.push({ day, group: 'Amazon EC2', amount: d >= 14 ? 14 : 10 });
    daily.push({ day, group: 'Amazon S3', amount: 2 });
    for (const [i, group] of ['Lambda', 'CloudWatch', 'DynamoDB', 'SQS'].entries()) daily.push({ day, group, amount: (i + 1) * 0.1 });
  }
  daily.push({ day: '2026-11-20', group: 'New thing', amount: 0.05 });
  return aSnapshot('cost-1', {
    estimatedFrom: null,
    daily,
    monthToDate: [
      { group: 'Amazon EC2', amount: 262 },
      { group: 'Amazon S3', amount: 42 },
    ],
    forecast: { start: '2026-11-21', end: '2026-12-01', amount: 150, lower: 120, upper: 190 },
    anomalies: [],
  });
}

describe('renderCostDigest', () => {
  it('writes month to date against the budget, the forecast with its interval and the top five against the week before', () => {
    // Act
    const digest = renderCostDigest(
      {
        id: 'm-1',
        name: 'AWS bill',
        costRules: [{ kind: 'monthly_budget', amount: 400, alertPercentages: [80], unit: 'USD' }],
      },
      [{ label: 'BUDGET', snapshot: novemberSnapshot() }],
      { day: '2026-11-21', runUrl: 'http://127.0.0.1:3000/monitors/m-1/runs/r-1' },
    );

    // Assess: complete days of November 288 (304 less today's 16.00) + forecast 150
    expect(digest.email.text).toBe(
      [
        'Vigil cost digest for "AWS bill", 2026-11-21',
        '',
        '[BUDGET] UnblendedCost by SERVICE, snapshot collected 2026-11-21T06:00:00.000Z',
        'Month to date (since 2026-11-01): 304.00 USD — 76% of the 400.00 USD budget',
        'Forecast month total: 437.00 USD (80% interval 407.00 USD–477.00 USD), 109% of the budget',
        'Top 5 by cost, 2026-11-14..2026-11-20 against the 7 days before:',
        '  1. Amazon EC2: 98.00 USD (+28.00 USD, +40%)',
        '  2. Amazon S3: 14.00 USD (+0.00 USD, +0%)',
        '  3. SQS: 2.80 USD (+0.00 USD, +0%)',
        '  4. DynamoDB: 2.10 USD (+0.00 USD, +0%)',
        '  5. CloudWatch: 1.40 USD (+0.00 USD, +0%)',
        '  together 118.30 USD',
        '',
        'Run: http://127.0.0.1:3000/monitors/m-1/runs/r-1',
      ].join('\n'),
    );
    expect(digest.email.subject).toBe('[Vigil] Cost digest: AWS bill: 304.00 USD month to date (76% of budget)');
    expect(digest.email.html).toContain('Amazon EC2: 98.00 USD (+28.00 USD, +40%)');
    expect(digest.summary).toBe('Cost digest: 304.00 USD month to date (76% of budget).');
    expect(digest.topic.attributes).toEqual({ monitor_id: 'm-1', status: 'ok', severity: 'info', kind: 'digest' });
    const event = JSON.parse(JSON.parse(digest.topic.message).default);
    expect(event.sections[0]).toMatchObject({ label: 'BUDGET', month_to_date: 304, budget: 400, forecast_month_total: 437, forecast_lower: 407, forecast_upper: 477 });
    expect(event.sections[0].top[0]).toEqual({ group: 'Amazon EC2', last_7_days: 98, previous_7_days: 70 });
  });

  it('says when there is no budget, no forecast, a falling or new group, and a label without a snapshot', () => {
    // Prepare
    const snapshot: CostSnapshot = {
      ...novemberSnapshot(),
      forecast: null,
      daily: [
        { day: '2026-11-10', group: 'Old', amount: 20 },
        { day: '2026-11-18', group: 'Old', amount: 5 },
        { day: '2026-11-19', group: 'Fresh', amount: 3 },
      ],
      monthToDate: [{ group: 'Old', amount: 25 }, { group: 'Fresh', amount: 3 }],
    };

    // Act
    const digest = renderCostDigest({ id: 'm-1', name: 'two accounts' }, [
      { label: 'PROD', snapshot },
      { label: 'DEV', snapshot: null, error: 'no cost snapshot yet' },
    ], { day: '2026-11-21', runUrl: 'u' });

    // Assess
    expect(digest.email.text).toContain('Month to date (since 2026-11-01): 28.00 USD (no monthly_budget rule)');
    expect(digest.email.text).toContain('Forecast: none in the snapshot (Cost Explorer needs some history)');
    expect(digest.email.text).toContain('  1. Old: 5.00 USD (-15.00 USD, -75%)');
    expect(digest.email.text).toContain('  2. Fresh: 3.00 USD (+3.00 USD, new)');
    expect(digest.email.text).toContain('[DEV] no snapshot: no cost snapshot yet');
    expect(digest.email.subject).toBe('[Vigil] Cost digest: two accounts: 28.00 USD month to date');
  });
});

describe('digest slots', () => {
  it("is today's hour once it has come, and one id per monitor and day", () => {
    expect(digestSlot(new Date('2026-11-21T07:59:59Z'), 8)).toBeNull();
    expect(digestSlot(new Date('2026-11-21T08:00:00Z'), 8)?.toISOString()).toBe('2026-11-21T08:00:00.000Z');
    expect(digestSlot(new Date('2026-11-21T23:10:00Z'), 0)?.toISOString()).toBe('2026-11-21T00:00:00.000Z');
    const slot = new Date('2026-11-21T08:00:00Z');
    expect(digestRunId('m-1', slot)).toBe(digestRunId('m-1', slot));
    expect(digestRunId('m-1', slot)).not.toBe(digestRunId('m-2', slot));
    expect(digestRunId('m-1', slot)).not.toBe(digestRunId('m-1', new Date('2026-11-22T08:00:00Z')));
  });
});
