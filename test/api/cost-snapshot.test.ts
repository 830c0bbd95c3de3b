import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoCostSnapshotRepository } from '#adapters/dynamo/cost-snapshot-repository.ts';
import type { CostSnapshot } from '#domain/collect/types.ts';
import { createApiHarness, type ApiHarness } from '../support/api.ts';

let api: ApiHarness;
let targetId: string;
beforeAll(async () => {
  api = await createApiHarness();
  targetId = (await api.call('POST', '/targets', { body: { name: 'prod', type: 'aws_account' } })).body.id;
});

const costSource = async () =>
  (await api.call('POST', '/log-sources', { body: { target_id: targetId, name: 'costs', mode: 'cost_explorer', config: {} } })).body.id as string;

function snapshotOf(logSourceId: string, collectedAt: string, ec2: number): CostSnapshot {
  return {
    logSourceId,
    collectedAt,
    metric: 'UnblendedCost',
    groupBy: 'SERVICE',
    unit: 'USD',
    estimatedFrom: '2026-11-20',
    daily: [
      { day: '2026-11-19', group: 'Amazon EC2', amount: ec2 },
      { day: '2026-11-19', group: 'AmazonCloudWatch', amount: 0.3 },
      { day: '2026-11-20', group: 'Amazon EC2', amount: 12.5 },
    ],
    monthToDate: [
      { group: 'Amazon EC2', amount: 250 },
      { group: 'AmazonCloudWatch', amount: 6 },
    ],
    forecast: { start: '2026-11-21', end: '2026-12-01', amount: 125 },
    anomalies: [{ id: 'a-1', start: '2026-11-18', end: null, impact: 40, totalImpact: 80, rootCauses: ['Amazon EC2 / us-east-1'] }],
    notes: ['groups beyond 20 folded into Other'],
  };
}

describe('GET /log-sources/{id}/cost-snapshot', () => {
  it('answers the newest snapshot of a cost source, in snake_case', async () => {
    const id = await costSource();
    const repository = new DynamoCostSnapshotRepository(api.table.client, api.table.name);
    await repository.save(snapshotOf(id, '2026-11-20T06:00:00.000Z', 10));
    await repository.save(snapshotOf(id, '2026-11-21T06:00:00.000Z', 88));

    const response = await api.call('GET', `/log-sources/${id}/cost-snapshot`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      log_source_id: id,
      collected_at: '2026-11-21T06:00:00.000Z',
      metric: 'UnblendedCost',
      group_by: 'SERVICE',
      unit: 'USD',
      estimated_from: '2026-11-20',
      daily: [
        { day: '2026-11-19', group: 'Amazon EC2', amount: 88 },
        { day: '2026-11-19', group: 'AmazonCloudWatch', amount: 0.3 },
        { day: '2026-11-20', group: 'Amazon EC2', amount: 12.5 },
      ],
      month_to_date: [
        { group: 'Amazon EC2', amount: 250 },
        { group: 'AmazonCloudWatch', amount: 6 },
      ],
      forecast: { start: '2026-11-21', end: '2026-12-01', amount: 125 },
      anomalies: [{ id: 'a-1', start: '2026-11-18', end: null, impact: 40, total_impact: 80, root_causes: ['Amazon EC2 / us-east-1'] }],
      notes: ['groups beyond 20 folded into Other'],
    });
  });

  it('is a 404 that says so before the first snapshot, for another kind of source, and for an unknown source', async () => {
    const fresh = await costSource();
    const logs = (
      await api.call('POST', '/log-sources', {
        body: { target_id: targetId, name: 'api', mode: 'cloudwatch_logs', config: { log_group_names: ['/ecs/api'] } },
      })
    ).body.id;

    const none = await api.call('GET', `/log-sources/${fresh}/cost-snapshot`);
    const wrongKind = await api.call('GET', `/log-sources/${logs}/cost-snapshot`);
    const unknown = await api.call('GET', '/log-sources/01NOSUCHSOURCE/cost-snapshot');

    expect(none.status).toBe(404);
    expect(none.body.error.message).toBe(`log source ${fresh} has no cost snapshot yet; the cost collector takes one at its next pass`);
    expect(wrongKind.status).toBe(404);
    expect(wrongKind.body.error.message).toBe(`log source ${logs} is a cloudwatch_logs source; only cost_explorer sources have cost snapshots`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('log source 01NOSUCHSOURCE not found');
  });

  it('is read-only: POST is a 405 naming GET', async () => {
    const id = await costSource();
    const response = await api.expectRejected(405, 'POST', `/log-sources/${id}/cost-snapshot`);
    expect(response.error.code).toBe('method_not_allowed');
  });
});
