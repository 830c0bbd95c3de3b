import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoBaselineRepository } from '#adapters/dynamo/baseline-repository.ts';
import type { Table } from '#adapters/dynamo/index.ts';
import { recordRun, type LabelBaseline, type ObservedTemplate } from '#domain/baseline/index.ts';
import { aMonitor, aRun, expectSources } from '../support/builders.ts';
import { createTestStoreWithSource, type createTestStore } from '../support/store.ts';

let ctx: Awaited<ReturnType<typeof createTestStore>>;
let sourceId: string;
beforeAll(async () => {
  ({ ctx, sourceId } = await createTestStoreWithSource('vigil-baselines'));
});

async function aStoredMonitor() {
  const monitor = aMonitor(sourceId);
  await ctx.store.monitors.create(monitor, expectSources([sourceId]));
  return monitor;
}

const TEMPLATES: ObservedTemplate[] = [
  { id: 'hb', template: 'heartbeat from <*> ok', level: 'info', count: 1 },
  { id: 'rq', template: 'request <*> served', level: 'info', count: 40 },
];
const record = (runId: string, templates = TEMPLATES) => (current: LabelBaseline | null) =>
  recordRun(current, { label: 'APP', runId, at: `2026-11-27T10:00:0${runId.slice(-1)}.000Z`, templates });

describe('DynamoBaselineRepository', { timeout: 60_000 }, () => {
  it('keeps a label baseline in the monitor partition and reads it back', async () => {
    const monitor = await aStoredMonitor();
    expect(await ctx.store.baselines.load(monitor.id)).toEqual(new Map());

    await ctx.store.baselines.update(monitor.id, 'APP', record('run1'));
    await ctx.store.baselines.update(monitor.id, 'ERRORS', record('run1', [{ id: 'e', template: 'boom', level: 'error', count: 2 }]));
    const loaded = await ctx.store.baselines.load(monitor.id);

    expect([...loaded.keys()].sort()).toEqual(['APP', 'ERRORS']);
    expect(loaded.get('APP')).toEqual({
      label: 'APP',
      runs: ['run1'],
      runsRecorded: 1,
      version: 1,
      templates: [
        { id: 'rq', template: 'request <*> served', level: 'info', firstSeen: '2026-11-27T10:00:01.000Z', lastSeen: '2026-11-27T10:00:01.000Z', firstRunId: 'run1', counts: [40] },
        { id: 'hb', template: 'heartbeat from <*> ok', level: 'info', firstSeen: '2026-11-27T10:00:01.000Z', lastSeen: '2026-11-27T10:00:01.000Z', firstRunId: 'run1', counts: [1] },
      ],
    });
    const items = await ctx.scanAll();
    expect(items.filter((item) => item.pk === `MONITOR#${monitor.id}`).map((item) => item.sk).sort()).toEqual([
      'BASELINE#APP',
      'BASELINE#ERRORS',
      'MONITOR',
      `REF#LOGSOURCE#${sourceId}`,
    ]);
  });

  it('writes nothing for a redelivered run', async () => {
    const monitor = await aStoredMonitor();
    await ctx.store.baselines.update(monitor.id, 'APP', record('run1'));

    await ctx.store.baselines.update(monitor.id, 'APP', record('run1'));

    expect((await ctx.store.baselines.load(monitor.id)).get('APP')).toMatchObject({ runs: ['run1'], runsRecorded: 1, version: 1 });
  });

  it('re-reads and re-applies when another run wrote in between, so neither run is lost', async () => {
    const monitor = await aStoredMonitor();
    await ctx.store.baselines.update(monitor.id, 'APP', record('run1'));
    // The real table, with a concurrent run committing right after this repository's first read.
    let raced = false;
    const racing: Table = {
      name: ctx.table.name,
      client: {
        send: async (command: unknown) => {
          const result = await ctx.table.client.send(command as GetCommand);
          if (command instanceof GetCommand && !raced) {
            raced = true;
            await ctx.store.baselines.update(monitor.id, 'APP', record('run2'));
          }
          return result;
        },
      } as unknown as Table['client'],
    };
    let applied = 0;

    await new DynamoBaselineRepository(racing).update(monitor.id, 'APP', (current) => {
      applied += 1;
      return record('run3')(current);
    });

    expect(applied).toBe(2);
    expect((await ctx.store.baselines.load(monitor.id)).get('APP')).toMatchObject({ runs: ['run1', 'run2', 'run3'], runsRecorded: 3, version: 3 });
  });

  it('records every one of several runs writing at once', async () => {
    const monitor = await aStoredMonitor();

    await Promise.all(['run5', 'run6', 'run7', 'run8'].map((id) => ctx.store.baselines.update(monitor.id, 'APP', record(id))));

    const baseline = (await ctx.store.baselines.load(monitor.id)).get('APP');
    expect(baseline?.runs).toEqual(['run5', 'run6', 'run7', 'run8']);
    expect(baseline?.runsRecorded).toBe(4);
    expect(baseline?.templates.find((t) => t.id === 'rq')?.counts).toEqual([40, 40, 40, 40]);
  });

  it('goes with its monitor, and a late run cannot bring it back', async () => {
    const monitor = await aStoredMonitor();
    await ctx.store.runs.create(aRun(monitor.id));
    await ctx.store.baselines.update(monitor.id, 'APP', record('run1'));

    await ctx.store.monitors.delete(monitor.id);
    await ctx.store.baselines.update(monitor.id, 'APP', record('run2'));

    expect((await ctx.scanAll()).filter((item) => item.pk === `MONITOR#${monitor.id}`)).toEqual([]);
  });
});
