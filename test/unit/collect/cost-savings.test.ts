import { describe, expect, it } from 'vitest';
import { SAVINGS_NOT_GRANTED, takeCostSnapshot, TOP_SAVINGS, type CostSource } from '#domain/collect/collect-cost-snapshots.ts';
import { renderCostSnapshot } from '#domain/collect/cost-lines.ts';
import { SourceReadError } from '#domain/collect/errors.ts';
import type { CostExplorerPort, SavingsPort } from '#domain/collect/ports.ts';
import type { SavingsRecommendation } from '#domain/collect/types.ts';
import type { LogSource } from '#domain/model/entities.ts';
import { aLogSource } from '../../support/builders.ts';

const NOW = new Date('2026-11-21T10:00:00.000Z');
const explorer: CostExplorerPort = {
  costAndUsage: async () => ({ unit: 'USD', complete: true, days: [{ day: '2026-11-20', estimated: false, groups: [{ group: 'Amazon EC2', amount: 12 }] }] }),
  forecast: async () => ({ amount: 100, unit: 'USD' }),
  anomalies: async () => [],
};
const source = (includeSavings: boolean): CostSource =>
  aLogSource('T1', { mode: 'cost_explorer', config: { metric: 'UnblendedCost', groupBy: 'SERVICE', ...(includeSavings && { includeSavings }) } } as Partial<LogSource>) as CostSource;
const rightsize: SavingsRecommendation = {
  resource: 'i-0abc',
  resourceType: 'Ec2Instance',
  action: 'Rightsize',
  region: 'eu-west-1',
  monthlySavings: 41.5,
  currency: 'USD',
  recommended: 't4g.small',
};
const stop: SavingsRecommendation = { ...rightsize, resource: 'db-old', resourceType: 'RdsDbInstance', action: 'Stop', monthlySavings: 8.25, recommended: null };

function hub(answer: SavingsRecommendation[] | Error): SavingsPort & { limits: number[] } {
  const limits: number[] = [];
  return {
    limits,
    topRecommendations: async (limit) => {
      limits.push(limit);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

describe('savings in cost snapshots', () => {
  it('asks Cost Optimization Hub for the top 20 when the source sets include_savings, and renders them', async () => {
    const port = hub([rightsize, stop]);
    const snapshot = await takeCostSnapshot(source(true), explorer, NOW, port);

    expect(port.limits).toEqual([TOP_SAVINGS]);
    expect(TOP_SAVINGS).toBe(20);
    expect(snapshot.savings).toEqual([rightsize, stop]);
    expect(snapshot.notes).toEqual([]);
    const texts = renderCostSnapshot(snapshot, { now: NOW }).lines.map((line) => line.text);
    expect(texts).toEqual(
      expect.arrayContaining([
        'savings: Rightsize to t4g.small Ec2Instance i-0abc in eu-west-1 saves ≈ 41.50 USD/month',
        'savings: Stop RdsDbInstance db-old in eu-west-1 saves ≈ 8.25 USD/month',
        'savings: 2 recommendations save ≈ 49.75 USD/month in all',
      ]),
    );
  });

  it('does not ask without include_savings', async () => {
    const port = hub([rightsize]);
    const snapshot = await takeCostSnapshot(source(false), explorer, NOW, port);
    expect(port.limits).toEqual([]);
    expect(snapshot.savings).toBeUndefined();
    expect(renderCostSnapshot(snapshot, { now: NOW }).lines.some((line) => line.text.startsWith('savings'))).toBe(false);
  });

  it('notes, and keeps the costs, when the deployment does not grant it or the call fails', async () => {
    const ungranted = await takeCostSnapshot(source(true), explorer, NOW);
    expect(ungranted.notes).toEqual([SAVINGS_NOT_GRANTED]);
    expect(ungranted.daily).toHaveLength(1);

    const failed = await takeCostSnapshot(source(true), explorer, NOW, hub(new SourceReadError('missing permission cost-optimization-hub:ListRecommendations', 'permission')));
    expect(failed.savings).toBeUndefined();
    expect(failed.notes).toEqual(['no savings recommendations: missing permission cost-optimization-hub:ListRecommendations']);
    expect(failed.daily).toHaveLength(1);
  });

  it('says when there is nothing to save', async () => {
    const snapshot = await takeCostSnapshot(source(true), explorer, NOW, hub([]));
    expect(renderCostSnapshot(snapshot, { now: NOW }).lines.map((line) => line.text)).toContain('savings: Cost Optimization Hub has no recommendations');
  });
});
