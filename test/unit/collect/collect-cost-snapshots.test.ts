import { describe, expect, it } from 'vitest';
import {
  collectCostSnapshots,
  CostCollectionError,
  listCostSources,
  MAX_GROUPS,
  takeCostSnapshot,
  type CostSource,
} from '#domain/collect/collect-cost-snapshots.ts';
import { SourceReadError } from '#domain/collect/errors.ts';
import type { CostAndUsage, CostExplorerPort, CostSnapshotRepository } from '#domain/collect/ports.ts';
import type { CostAnomaly, CostSnapshot } from '#domain/collect/types.ts';
import type { LogSource, Target } from '#domain/model/entities.ts';
import type { LogSourceRepository } from '#domain/log-sources/ports.ts';
import type { TargetRepository } from '#domain/targets/ports.ts';
import { aLogSource, aTarget } from '../../support/builders.ts';
import { fixedClock } from './fakes.ts';

type Call = { kind: string; request: unknown };

function fakeExplorer(answers: {
  usage?: CostAndUsage | Error;
  forecast?: { amount: number; unit: string | null } | Error;
  anomalies?: CostAnomaly[] | Error;
}): CostExplorerPort & { calls: Call[] } {
  const calls: Call[] = [];
  const answer = async <T>(kind: string, request: unknown, value: T | Error | undefined, fallback: T): Promise<T> => {
    calls.push({ kind, request });
    if (value instanceof Error) throw value;
    return value ?? fallback;
  };
  return {
    calls,
    costAndUsage: (request) => answer('costAndUsage', request, answers.usage, { unit: 'USD', complete: true, days: [] }),
    forecast: (request) => answer('forecast', request, answers.forecast, { amount: 100, unit: 'USD' }),
    anomalies: (request) => answer('anomalies', request, answers.anomalies, []),
  };
}

function memorySnapshots(): CostSnapshotRepository & { saved: CostSnapshot[] } {
  const saved: CostSnapshot[] = [];
  return {
    saved,
    save: async (snapshot) => {
      saved.push(snapshot);
    },
    latest: async (id) => saved.filter((s) => s.logSourceId === id).at(-1) ?? null,
  };
}

const costSource = (targetId: string, overrides: Partial<LogSource> = {}): CostSource =>
  aLogSource(targetId, { mode: 'cost_explorer', config: { metric: 'UnblendedCost', groupBy: 'SERVICE' }, ...overrides } as Partial<LogSource>) as CostSource;

const day = (d: string, estimated: boolean, groups: Array<[string, number]>) => ({
  day: d,
  estimated,
  groups: groups.map(([group, amount]) => ({ group, amount })),
});

describe('takeCostSnapshot', () => {
  it('asks for 35 days and today, the rest of the month and 30 days of anomalies, and sums the month', async () => {
    // Prepare
    const source = costSource('t-1');
    const anomaly: CostAnomaly = { id: 'a-2', start: '2026-11-19', end: null, impact: 30, totalImpact: null, rootCauses: [] };
    const older: CostAnomaly = { id: 'a-1', start: '2026-11-02', end: '2026-11-03', impact: 10, totalImpact: 12, rootCauses: ['x'] };
    const explorer = fakeExplorer({
      usage: {
        unit: 'USD',
        complete: true,
        days: [
          day('2026-10-31', false, [['Amazon EC2', 40]]),
          day('2026-11-01', false, [
            ['Amazon EC2', 10.123456],
            ['AWS Lambda', 0.001],
          ]),
          day('2026-11-20', true, [
            ['Amazon EC2', 12],
            ['AWS Lambda', 2.5],
          ]),
          day('2026-11-21', true, [['Amazon EC2', 3]]),
        ],
      },
      forecast: { amount: 180.126, unit: 'USD' },
      anomalies: [anomaly, older],
    });

    // Act
    const snapshot = await takeCostSnapshot(source, explorer, new Date('2026-11-21T06:00:00.000Z'));

    // Assess
    expect(explorer.calls).toEqual([
      { kind: 'costAndUsage', request: { start: '2026-10-17', end: '2026-11-22', metric: 'UnblendedCost', groupBy: 'SERVICE' } },
      { kind: 'forecast', request: { start: '2026-11-21', end: '2026-12-01', metric: 'UnblendedCost' } },
      { kind: 'anomalies', request: { start: '2026-10-22', end: '2026-11-21' } },
    ]);
    expect(snapshot).toEqual({
      logSourceId: source.id,
      collectedAt: '2026-11-21T06:00:00.000Z',
      metric: 'UnblendedCost',
      groupBy: 'SERVICE',
      unit: 'USD',
      estimatedFrom: '2026-11-20',
      daily: [
        { day: '2026-10-31', group: 'Amazon EC2', amount: 40 },
        { day: '2026-11-01', group: 'Amazon EC2', amount: 10.1235 },
        { day: '2026-11-20', group: 'Amazon EC2', amount: 12 },
        { day: '2026-11-20', group: 'AWS Lambda', amount: 2.5 },
        { day: '2026-11-21', group: 'Amazon EC2', amount: 3 },
      ],
      monthToDate: [
        { group: 'Amazon EC2', amount: 25.1235 },
        { group: 'AWS Lambda', amount: 2.501 },
      ],
      forecast: { start: '2026-11-21', end: '2026-12-01', amount: 180.126 },
      anomalies: [older, anomaly],
      notes: [],
    });
  });

  it('starts a new month on its first day and forecasts across the year end', async () => {
    // Prepare
    const explorer = fakeExplorer({ usage: { unit: 'USD', complete: true, days: [day('2026-11-30', false, [['S3', 5]]), day('2026-12-01', true, [['S3', 1]])] } });

    // Act
    const snapshot = await takeCostSnapshot(costSource('t-1'), explorer, new Date('2026-12-01T00:30:00.000Z'));

    // Assess
    expect(explorer.calls[1]).toEqual({ kind: 'forecast', request: { start: '2026-12-01', end: '2027-01-01', metric: 'UnblendedCost' } });
    expect(snapshot.monthToDate).toEqual([{ group: 'S3', amount: 1 }]);
  });

  it(`keeps the ${MAX_GROUPS} largest groups and sums the rest into Other`, async () => {
    // Prepare
    const groups = Array.from({ length: MAX_GROUPS + 3 }, (_, i): [string, number] => [`svc-${String(i).padStart(2, '0')}`, 100 - i]);
    const explorer = fakeExplorer({ usage: { unit: 'USD', complete: false, days: [day('2026-11-21', false, groups)] } });

    // Act
    const snapshot = await takeCostSnapshot(costSource('t-1'), explorer, new Date('2026-11-21T06:00:00.000Z'));

    // Assess
    expect(snapshot.daily).toHaveLength(MAX_GROUPS + 1);
    expect(snapshot.daily.find((c) => c.group === 'Other')?.amount).toBe(75 + 74 + 73);
    expect(snapshot.daily.some((c) => c.group === 'svc-25')).toBe(false);
    expect(snapshot.notes).toEqual([
      '3 smaller groups are summed into Other',
      'Cost Explorer had more pages of groups than were read; the smallest groups may be missing',
    ]);
  });

  it('keeps the costs when the forecast or the anomalies cannot be read, and says why', async () => {
    // Prepare
    const explorer = fakeExplorer({
      usage: { unit: null, complete: true, days: [] },
      forecast: new SourceReadError('Cost Explorer has no data for this account yet', 'not_found'),
      anomalies: new SourceReadError('missing permission ce:GetAnomalies on cost anomalies in us-east-1', 'permission'),
    });

    // Act
    const snapshot = await takeCostSnapshot(costSource('t-1'), explorer, new Date('2026-11-21T06:00:00.000Z'));

    // Assess
    expect(snapshot.forecast).toBeNull();
    expect(snapshot.anomalies).toEqual([]);
    expect(snapshot.unit).toBe('USD');
    expect(snapshot.notes).toEqual([
      'no forecast: Cost Explorer has no data for this account yet',
      'no anomalies: missing permission ce:GetAnomalies on cost anomalies in us-east-1',
    ]);
  });
});

describe('collectCostSnapshots', () => {
  it('saves a snapshot per cost source with its target identity and reports a failing one without stopping', async () => {
    // Prepare
    const good = aTarget({ id: 'good' });
    const bad = aTarget({ id: 'bad', connectionConfig: { roleArn: 'arn:aws:iam::210987654321:role/VigilRead' } });
    const first = costSource(good.id, { id: 'cost-1' });
    const second = costSource(bad.id, { id: 'cost-2' });
    const logs = aLogSource(good.id, { id: 'logs-1' });
    const snapshots = memorySnapshots();
    const asked: Target[] = [];

    // Act
    const outcomes = await collectCostSnapshots({
      listCostSources: async () => [
        { source: first, target: good },
        { source: logs, target: good },
        { source: second, target: bad },
      ],
      costExplorerFor: (target) => {
        asked.push(target);
        return target.id === 'bad'
          ? fakeExplorer({ usage: new SourceReadError('missing permission ce:GetCostAndUsage on UnblendedCost by SERVICE in us-east-1', 'permission') })
          : fakeExplorer({});
      },
      snapshots,
      clock: fixedClock('2026-11-21T06:00:00.000Z'),
    });

    // Assess
    expect(asked.map((t) => t.id)).toEqual(['good', 'bad']);
    expect(outcomes).toEqual([
      { logSourceId: 'cost-1', ok: true, collectedAt: '2026-11-21T06:00:00.000Z', notes: [] },
      { logSourceId: 'cost-2', ok: false, error: 'missing permission ce:GetCostAndUsage on UnblendedCost by SERVICE in us-east-1' },
    ]);
    expect(snapshots.saved.map((s) => s.logSourceId)).toEqual(['cost-1']);
  });

  it('fails the invocation when every source failed', async () => {
    // Prepare
    const target = aTarget();
    const source = costSource(target.id, { id: 'cost-1' });
    const snapshots = memorySnapshots();
    snapshots.save = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };

    // Act
    const run = collectCostSnapshots({
      listCostSources: async () => [{ source, target }],
      costExplorerFor: () => fakeExplorer({}),
      snapshots,
      clock: fixedClock('2026-11-21T06:00:00.000Z'),
    });

    // Assess
    await expect(run).rejects.toBeInstanceOf(CostCollectionError);
    await expect(run).rejects.toThrow('every cost source failed: cost-1: unexpected error: Error: ProvisionedThroughputExceededException');
  });

  it('succeeds with nothing to do when there is no cost source', async () => {
    // Act
    const outcomes = await collectCostSnapshots({
      listCostSources: async () => [],
      costExplorerFor: () => fakeExplorer({}),
      snapshots: memorySnapshots(),
      clock: fixedClock('2026-11-21T06:00:00.000Z'),
    });

    // Assess
    expect(outcomes).toEqual([]);
  });
});

describe('listCostSources', () => {
  it('pages through every log source, keeps the cost ones and looks each target up once', async () => {
    // Prepare
    const target = aTarget({ id: 't-1' });
    const pages: LogSource[][] = [
      [costSource('t-1', { id: 'c-1' }), aLogSource('t-1', { id: 'l-1' })],
      [costSource('t-1', { id: 'c-2' }), costSource('gone', { id: 'c-3' })],
    ];
    const requests: unknown[] = [];
    const logSources = {
      list: async (page: { limit: number; nextToken?: string }) => {
        requests.push(page);
        const index = page.nextToken === undefined ? 0 : 1;
        return { items: pages[index] ?? [], nextToken: index === 0 ? 'page-2' : null };
      },
    } as unknown as LogSourceRepository;
    const lookups: string[] = [];
    const targets = {
      get: async (id: string) => {
        lookups.push(id);
        return id === 't-1' ? target : null;
      },
    } as unknown as TargetRepository;

    // Act
    const found = await listCostSources({ logSources, targets });

    // Assess
    expect(requests).toEqual([{ limit: 100 }, { limit: 100, nextToken: 'page-2' }]);
    expect(found.map((f) => [f.source.id, f.target.id])).toEqual([
      ['c-1', 't-1'],
      ['c-2', 't-1'],
    ]);
    expect(lookups).toEqual(['t-1', 'gone']);
  });
});
