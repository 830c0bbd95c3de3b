import { afterEach, describe, expect, it } from 'vitest';
import { metrics } from '#adapters/powertools/index.ts';
import { CostCollectionError } from '#domain/collect/collect-cost-snapshots.ts';
import type { CostExplorerPort } from '#domain/collect/ports.ts';
import type { CostSnapshot } from '#domain/collect/types.ts';
import type { LogSource } from '#domain/model/entities.ts';
import { collectCosts } from '../../../lambdas/cost-collector/handler.ts';
import { aLogSource, aTarget } from '../../support/builders.ts';
import { fixedClock } from './fakes.ts';

const explorer = (fail: boolean): CostExplorerPort => ({
  costAndUsage: async () => {
    if (fail) throw new Error('AccessDeniedException');
    return { unit: 'USD', complete: true, days: [] };
  },
  forecast: async () => ({ amount: 1, unit: 'USD' }),
  anomalies: async () => [],
});

/** The metrics the invocation would flush (the shared handler wrapper flushes them after each one). */
const published = () => metrics.serializeMetrics() as unknown as Record<string, unknown>;

describe('cost collector handler', () => {
  afterEach(() => metrics.clearMetrics());

  it('summarises the snapshots saved and the sources that failed', async () => {
    // Prepare
    const target = aTarget();
    const cost = (id: string): LogSource => aLogSource(target.id, { id, mode: 'cost_explorer', config: { metric: 'UnblendedCost', groupBy: 'SERVICE' } });
    const saved: CostSnapshot[] = [];

    // Act
    const summary = await collectCosts({
      listCostSources: async () => [
        { source: cost('ok'), target },
        { source: cost('broken'), target: { ...target, id: 'other' } },
      ],
      costExplorerFor: (t) => explorer(t.id === 'other'),
      snapshots: { save: async (s) => void saved.push(s), latest: async () => null },
      clock: fixedClock('2026-11-21T06:00:00.000Z'),
    });

    // Assess
    expect(summary.collected).toBe(1);
    expect(summary.failed).toBe(1);
    expect(saved.map((s) => s.logSourceId)).toEqual(['ok']);
    expect(published()).toMatchObject({ CostSnapshotsSaved: 1, CostSnapshotsFailed: 1 });
  });

  it('fails when every source failed, so EventBridge retries the invocation', async () => {
    // Prepare
    const target = aTarget();
    const source = aLogSource(target.id, { mode: 'cost_explorer', config: { metric: 'UnblendedCost', groupBy: 'SERVICE' } });

    // Act
    const run = collectCosts({
      listCostSources: async () => [{ source, target }],
      costExplorerFor: () => explorer(true),
      snapshots: { save: async () => undefined, latest: async () => null },
      clock: fixedClock('2026-11-21T06:00:00.000Z'),
    });

    // Assess
    await expect(run).rejects.toBeInstanceOf(CostCollectionError);
    // The failures are counted before the invocation fails, and nothing is counted as saved.
    expect(published()).toMatchObject({ CostSnapshotsFailed: 1 });
    expect(published()).not.toHaveProperty('CostSnapshotsSaved');
  });

  it('publishes no metric when there is no cost source', async () => {
    const summary = await collectCosts({
      listCostSources: async () => [],
      costExplorerFor: () => explorer(false),
      snapshots: { save: async () => undefined, latest: async () => null },
      clock: fixedClock('2026-11-21T06:00:00.000Z'),
    });
    expect(summary).toEqual({ collected: 0, failed: 0, outcomes: [] });
    expect(published()).not.toHaveProperty('CostSnapshotsSaved');
    expect(published()).not.toHaveProperty('CostSnapshotsFailed');
  });
});
