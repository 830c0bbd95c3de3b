import { describe, expect, it } from 'vitest';
import { renderCostSnapshot } from '#domain/collect/cost-lines.ts';
import { aSnapshot } from './fakes.ts';

describe('renderCostSnapshot', () => {
  it('lists days oldest first, then anomalies, month to date, forecast and the snapshot line', () => {
    // Act
    const read = renderCostSnapshot(aSnapshot('cost-1'), { now: new Date('2026-11-21T09:00:00.000Z') });

    // Assess
    expect(read.lines.map((l) => l.text)).toEqual([
      '2026-11-20 Amazon EC2 12.50 USD',
      '2026-11-20 AWS Lambda 0.75 USD',
      '2026-11-21 Amazon EC2 3.25 USD',
      'anomaly id=a-1 2026-11-18..2026-11-19 impact 42.00 USD (total 80.00 USD); root causes: Amazon EC2 / us-east-1 / account 123456789012 / BoxUsage:m5.large / contribution 80.00',
      'month-to-date since 2026-11-01 Amazon EC2 250.00 USD',
      'month-to-date since 2026-11-01 AWS Lambda 10.50 USD',
      'month-to-date since 2026-11-01 total 260.50 USD',
      'forecast 2026-11-21..2026-12-01 (end exclusive) 180.00 USD; month total ≈ 437.25 USD',
      'snapshot: UnblendedCost by SERVICE in USD, collected 2026-11-21T06:00:00.000Z; amounts from 2026-11-20 on are estimates',
    ]);
    expect(read.lines.every((l) => l.timestamp === null)).toBe(true);
    expect(read.notes).toEqual([]);
  });

  it('shows the forecast\'s 80% interval and the month totals it gives, today\'s partial cost counted once', () => {
    // Prepare: 260.50 so far, of which 3.25 today; forecast from today 180 (150..220)
    const snapshot = aSnapshot('cost-1', { forecast: { start: '2026-11-21', end: '2026-12-01', amount: 180, lower: 150, upper: 220 } });

    // Act
    const read = renderCostSnapshot(snapshot, { now: new Date('2026-11-21T09:00:00.000Z') });

    // Assess
    expect(read.lines.map((l) => l.text)).toContain(
      'forecast 2026-11-21..2026-12-01 (end exclusive) 180.00 USD; month total ≈ 437.25 USD (80% interval 150.00 USD–220.00 USD; month total 407.25 USD–477.25 USD)',
    );
  });

  it('writes the collector notes, an ongoing anomaly and no forecast line when there is none', () => {
    // Prepare
    const snapshot = aSnapshot('cost-1', {
      daily: [],
      forecast: null,
      estimatedFrom: null,
      anomalies: [{ id: 'a', start: '2026-11-20', end: null, impact: 5, totalImpact: null, rootCauses: [] }],
      notes: ['no forecast: Cost Explorer has no data for this account yet'],
    });

    // Act
    const read = renderCostSnapshot(snapshot, { now: new Date('2026-11-21T09:00:00.000Z') });

    // Assess
    expect(read.lines.map((l) => l.text)).toEqual([
      'anomaly id=a 2026-11-20..ongoing impact 5.00 USD',
      'month-to-date since 2026-11-01 Amazon EC2 250.00 USD',
      'month-to-date since 2026-11-01 AWS Lambda 10.50 USD',
      'month-to-date since 2026-11-01 total 260.50 USD',
      'note: no forecast: Cost Explorer has no data for this account yet',
      'snapshot: UnblendedCost by SERVICE in USD, collected 2026-11-21T06:00:00.000Z',
    ]);
  });

  it('warns when the snapshot is a day old or more', () => {
    // Act
    const read = renderCostSnapshot(aSnapshot('cost-1'), { now: new Date('2026-11-22T07:00:00.000Z') });

    // Assess
    expect(read.notes).toEqual(['the cost snapshot is 25 hours old; is the cost collector running?']);
  });
});
