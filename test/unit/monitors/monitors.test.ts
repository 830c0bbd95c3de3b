import { describe, expect, it } from 'vitest';
import type { LogSource, MonitorSpec } from '#domain/model/entities.ts';
import { BrokenReferenceError, ConflictError, FieldNotAllowedError, InvalidReferencesError, NotFoundError } from '#domain/model/errors.ts';
import { nextSlotAfter } from '#domain/scheduling/schedule.ts';
import { createMonitor, deleteMonitor, getMonitor, listMonitors, updateMonitor } from '#domain/monitors/manage-monitors.ts';
import { aMonitor } from '../../support/builders.ts';
import { fakeManagementContext } from '../../support/fake-ports.ts';

const NOW = new Date('2026-11-21T10:00:00.000Z');

async function withSources() {
  const fakes = fakeManagementContext();
  await fakes.targets.create({ id: 'T1', name: 'prod', type: 'aws_account', connectionConfig: {}, createdAt: '', updatedAt: '' });
  const source = (id: string, mode: LogSource['mode'], config: object) =>
    fakes.logSources.create({ id, targetId: 'T1', name: id, mode, config, createdAt: '', updatedAt: '' } as LogSource);
  await source('CW', 'cloudwatch_logs', { logGroupNames: ['/ecs/orders'] });
  await source('COST', 'cost_explorer', {});
  return fakes;
}

/** A spec (the fields a request sets) over the CW source. */
function spec(overrides: Partial<MonitorSpec> = {}): MonitorSpec {
  const { id: _id, nextRunAt: _n, lastRun: _l, alertState: _a, version: _v, createdAt: _c, updatedAt: _u, ...fields } = aMonitor('CW');
  return { ...fields, ...overrides };
}

describe('createMonitor', () => {
  it('stores the monitor at version 1 with its first slot, and the modes its sources were checked with', async () => {
    const { ctx, monitors } = await withSources();
    const inputs = [
      { label: 'ALL', mode: 'filter' as const, filterPattern: '' },
      { label: 'BILL', mode: 'cost' as const, logSourceId: 'COST' },
    ];

    const created = await createMonitor(spec({ inputs }), ctx);

    expect(created).toMatchObject({ id: 'ID01', version: 1, lastRun: null, alertState: null, createdAt: NOW.toISOString() });
    expect(created.nextRunAt).toBe(nextSlotAfter(NOW, 300, 'ID01').toISOString());
    expect(monitors.items.get('ID01')).toEqual(created);
    expect(monitors.expectations).toEqual([new Map([['CW', 'cloudwatch_logs'], ['COST', 'cost_explorer']])]);
  });

  it('gives a disabled monitor no next run', async () => {
    const { ctx } = await withSources();
    await expect(createMonitor(spec({ enabled: false }), ctx)).resolves.toMatchObject({ nextRunAt: null });
  });

  it('names every missing source and unfitting input as references, in order, and writes nothing', async () => {
    const { ctx, monitors } = await withSources();
    const inputs = [
      { label: 'ALL', mode: 'filter' as const, filterPattern: '' },
      { label: 'GONE', mode: 'filter' as const, filterPattern: '', logSourceId: '01NOWHERE' },
      { label: 'BILL', mode: 'filter' as const, filterPattern: '', logSourceId: 'COST' },
    ];

    const error = await createMonitor(spec({ logSourceId: '01GONE', inputs }), ctx).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidReferencesError);
    // The default source is named once: the input that shares it (ALL) adds nothing.
    expect((error as InvalidReferencesError).problems).toEqual([
      { reason: 'missing', reference: { kind: 'log_source', id: '01GONE' }, message: 'log source 01GONE does not exist' },
      { reason: 'missing', reference: { kind: 'log_source', id: '01NOWHERE', inputIndex: 1 }, message: 'log source 01NOWHERE does not exist' },
      {
        reason: 'input_mode',
        reference: { kind: 'log_source', id: 'COST', inputIndex: 2 },
        message: 'a cost_explorer source takes cost inputs, not filter',
      },
    ]);
    expect(monitors.items.size).toBe(0);
  });

  it('refuses a model the deployment may not invoke, naming the model field', async () => {
    const { ctx, monitors } = await withSources();
    const restricted = { ...ctx, settings: { ...ctx.settings, allowedModelIds: ['model-a'] } };

    const error = await createMonitor(spec({ model: { modelId: 'model-b' } }), restricted).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FieldNotAllowedError);
    expect(error).toMatchObject({
      field: 'monitor.modelId',
      message: 'is not one this deployment may invoke (allowedModelIds: model-a); add it to the stack setting first',
    });
    expect(monitors.items.size).toBe(0);
    await expect(createMonitor(spec({ model: { modelId: 'model-a' } }), restricted)).resolves.toMatchObject({ model: { modelId: 'model-a' } });
  });

  it('passes a source that vanished between the check and the write through as the store reported it', async () => {
    const { ctx, monitors } = await withSources();
    const race = new BrokenReferenceError({ reason: 'missing', reference: { kind: 'log_source', id: 'CW' }, message: 'log source CW does not exist' });
    monitors.failNextWrite = race;

    await expect(createMonitor(spec(), ctx)).rejects.toBe(race);
  });
});

describe('reading monitors', () => {
  it('getMonitor: a missing monitor is a NotFoundError naming it', async () => {
    const { ctx } = await withSources();
    await expect(getMonitor('01NOPE', ctx)).rejects.toThrow(new NotFoundError('monitor 01NOPE not found'));
  });

  it('listMonitors: hands the page and the source filter to the store, and its cursor back', async () => {
    const { ctx, monitors } = await withSources();
    for (let i = 0; i < 3; i += 1) await createMonitor(spec(), ctx);

    const first = await listMonitors({ limit: 2 }, { logSourceId: 'CW' }, ctx);
    const second = await listMonitors({ limit: 2, nextToken: first.nextToken ?? undefined }, { logSourceId: 'CW' }, ctx);

    expect(monitors.listed).toEqual([
      { page: { limit: 2 }, filter: { logSourceId: 'CW' } },
      { page: { limit: 2, nextToken: 'ID02' }, filter: { logSourceId: 'CW' } },
    ]);
    expect(second).toMatchObject({ items: [{ id: 'ID03' }], nextToken: null });
  });
});

describe('updateMonitor', () => {
  async function created() {
    const fakes = await withSources();
    const monitor = await createMonitor(spec(), fakes.ctx);
    fakes.clock.set('2026-11-21T10:02:00.000Z');
    return { ...fakes, monitor };
  }

  it('keeps the slot when the schedule is unchanged, bumps the version, and writes against the version it read', async () => {
    const { ctx, monitor, monitors } = await created();

    const updated = await updateMonitor(monitor.id, (current) => ({ ...spec(), name: `${current.name}!` }), ctx);

    expect(updated).toMatchObject({ name: `${monitor.name}!`, version: 2, nextRunAt: monitor.nextRunAt, updatedAt: '2026-11-21T10:02:00.000Z' });
    expect(monitors.items.get(monitor.id)).toEqual(updated);
  });

  it('schedules from now when the interval changes or the monitor is enabled again; a disabled monitor has no slot', async () => {
    const { ctx, monitor, clock } = await created();
    const now = () => clock.now();

    const faster = await updateMonitor(monitor.id, () => spec({ intervalSeconds: 60 }), ctx);
    expect(faster.nextRunAt).toBe(nextSlotAfter(now(), 60, monitor.id).toISOString());

    const disabled = await updateMonitor(monitor.id, () => spec({ intervalSeconds: 60, enabled: false }), ctx);
    expect(disabled.nextRunAt).toBeNull();

    clock.set('2026-11-21T11:00:00.000Z');
    const enabled = await updateMonitor(monitor.id, () => spec({ intervalSeconds: 60 }), ctx);
    expect(enabled.nextRunAt).toBe(nextSlotAfter(now(), 60, monitor.id).toISOString());
    expect(enabled.version).toBe(4);
  });

  it('checks the references of the new spec like a create, and writes nothing when refused', async () => {
    const { ctx, monitor, monitors } = await created();

    const error = await updateMonitor(monitor.id, () => spec({ logSourceId: '01GONE' }), ctx).catch((e: unknown) => e);

    expect((error as InvalidReferencesError).problems.map((p) => p.reference)).toEqual([{ kind: 'log_source', id: '01GONE' }]);
    expect(monitors.items.get(monitor.id)).toEqual(monitor);
  });

  it('passes the store’s conflict through when another request changed the monitor meanwhile', async () => {
    const { ctx, monitor, monitors } = await created();

    const error = await updateMonitor(
      monitor.id,
      (current) => {
        monitors.items.set(current.id, { ...current, version: current.version + 1 });
        return spec();
      },
      ctx,
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConflictError);
  });

  it('a missing monitor is a NotFoundError', async () => {
    const { ctx } = await withSources();
    await expect(updateMonitor('01NOPE', () => spec(), ctx)).rejects.toThrow(NotFoundError);
  });
});

describe('deleteMonitor', () => {
  it('deletes, and a second delete is a NotFoundError', async () => {
    const { ctx, monitors } = await withSources();
    const monitor = await createMonitor(spec(), ctx);

    await deleteMonitor(monitor.id, ctx);

    expect(monitors.items.size).toBe(0);
    await expect(deleteMonitor(monitor.id, ctx)).rejects.toThrow(NotFoundError);
  });
});
