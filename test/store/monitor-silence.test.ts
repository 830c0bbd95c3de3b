import { beforeAll, describe, expect, it } from 'vitest';
import { aLogSource, aMonitor, aTarget, expectSources } from '../support/builders.ts';
import { createTestStore } from '../support/store.ts';

let ctx: Awaited<ReturnType<typeof createTestStore>>;
let sourceId: string;
beforeAll(async () => {
  ctx = await createTestStore('vigil-monitor-silence');
  const target = aTarget();
  await ctx.store.targets.create(target);
  const source = aLogSource(target.id);
  await ctx.store.logSources.create(source);
  sourceId = source.id;
});

describe('monitors with rules for silence', () => {
  it('keep expect_at_least rules and no_data_status through a create and an update', async () => {
    const monitor = aMonitor(sourceId, {
      rules: [
        { label: 'FULL_LOGS', pattern: 'heartbeat', expectAtLeast: 2, severity: 'alert' },
        { label: 'FULL_LOGS', pattern: 'ERROR', minCount: 5, severity: 'warn' },
      ],
      noDataStatus: 'warn',
    });
    await ctx.store.monitors.create(monitor, expectSources([sourceId]));
    const created = await ctx.store.monitors.get(monitor.id);

    await ctx.store.monitors.update({ ...monitor, noDataStatus: 'alert', version: 2 }, monitor, expectSources([sourceId]));
    const updated = await ctx.store.monitors.get(monitor.id);

    expect(created).toMatchObject({ rules: monitor.rules, noDataStatus: 'warn' });
    expect(updated).toMatchObject({ rules: monitor.rules, noDataStatus: 'alert', version: 2 });
  });

  it('read a monitor stored without no_data_status as having none, and update it either way', async () => {
    const monitor = aMonitor(sourceId);
    await ctx.store.monitors.create(monitor, expectSources([sourceId]));
    const before = await ctx.store.monitors.get(monitor.id);

    await ctx.store.monitors.update({ ...monitor, name: 'renamed', version: 2 }, monitor, expectSources([sourceId]));
    const renamed = await ctx.store.monitors.get(monitor.id);
    await ctx.store.monitors.update({ ...monitor, noDataStatus: 'alert', version: 3 }, { ...monitor, version: 2 }, expectSources([sourceId]));
    const silenced = await ctx.store.monitors.get(monitor.id);

    expect(before).not.toHaveProperty('noDataStatus');
    expect(renamed).toMatchObject({ name: 'renamed' });
    expect(renamed).not.toHaveProperty('noDataStatus');
    expect(silenced?.noDataStatus).toBe('alert');
  });
});
