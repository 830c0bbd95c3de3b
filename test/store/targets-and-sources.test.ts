import { beforeAll, describe, expect, it } from 'vitest';
import { BrokenReferenceError, ConflictError, InvalidCursorError, NotFoundError } from '#domain/model/errors.ts';
import { aLogSource, aMonitor, aTarget, expectSources } from '../support/builders.ts';
import { createTestStore } from '../support/store.ts';

let ctx: Awaited<ReturnType<typeof createTestStore>>;
beforeAll(async () => {
  ctx = await createTestStore();
});

describe('targets', () => {
  it('creates, reads, updates and deletes a target', async () => {
    const target = aTarget();
    await ctx.store.targets.create(target);
    expect(await ctx.store.targets.get(target.id)).toEqual(target);

    const renamed = { ...target, name: 'renamed', updatedAt: '2026-11-21T11:00:00.000Z' };
    await ctx.store.targets.update(renamed, target);
    expect(await ctx.store.targets.get(target.id)).toEqual(renamed);

    await ctx.store.targets.delete(target.id);
    expect(await ctx.store.targets.get(target.id)).toBeNull();
  });

  it('refuses an update written against a stale read', async () => {
    const target = aTarget();
    await ctx.store.targets.create(target);
    await ctx.store.targets.update({ ...target, name: 'first', updatedAt: '2026-11-21T11:00:00.000Z' }, target);

    await expect(
      ctx.store.targets.update({ ...target, name: 'second', updatedAt: '2026-11-21T11:00:01.000Z' }, target),
    ).rejects.toThrow(ConflictError);
    expect((await ctx.store.targets.get(target.id))?.name).toBe('first');
  });

  it('answers not found for a missing target on update and delete', async () => {
    const ghost = aTarget();
    await expect(ctx.store.targets.update(ghost, ghost)).rejects.toThrow(NotFoundError);
    await expect(ctx.store.targets.delete(ghost.id)).rejects.toThrow(NotFoundError);
  });

  it('pages through targets with next tokens and rejects a forged token', async () => {
    const { store } = await createTestStore('vigil-paging');
    const created = [aTarget(), aTarget(), aTarget()];
    for (const target of created) await store.targets.create(target);

    const first = await store.targets.list({ limit: 2 });
    const second = await store.targets.list({ limit: 2, nextToken: first.nextToken ?? undefined });

    expect([...first.items, ...second.items].map((t) => t.id)).toEqual(created.map((t) => t.id).sort());
    expect(second.nextToken).toBeNull();
    const forged = Buffer.from(JSON.stringify({ pk: 'X', sk: 'Y', typePk: 'MONITOR', typeSk: 'Z' })).toString('base64url');
    await expect(store.targets.list({ limit: 2, nextToken: forged })).rejects.toThrow(InvalidCursorError);
    await expect(store.targets.list({ limit: 2, nextToken: 'not base64 json' })).rejects.toThrow(InvalidCursorError);
  });
});

describe('log sources', () => {
  it('cannot be created for a missing target, and writes nothing', async () => {
    const { store, scanAll } = await createTestStore('vigil-orphan');
    const before = await scanAll();

    const error = await store.logSources.create(aLogSource('missing-target')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BrokenReferenceError);
    expect((error as BrokenReferenceError).problem).toEqual({
      reason: 'missing',
      reference: { kind: 'target', id: 'missing-target' },
      message: 'target missing-target does not exist',
    });
    expect(await scanAll()).toEqual(before);
  });

  it('accepts a file source only on a local target', async () => {
    const aws = aTarget();
    const local = aTarget({ type: 'local', connectionConfig: {} });
    await ctx.store.targets.create(aws);
    await ctx.store.targets.create(local);

    const refused = await ctx.store.logSources
      .create(aLogSource(aws.id, { mode: 'file', config: { path: '/var/log/app.log' } }))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BrokenReferenceError);
    expect((refused as BrokenReferenceError).problem).toEqual({
      reason: 'unfit',
      reference: { kind: 'target', id: aws.id },
      message: `a file source needs a local target; ${aws.id} is aws_account`,
    });
    await ctx.store.logSources.create(aLogSource(local.id, { mode: 'file', config: { path: '/var/log/app.log' } }));
    expect((await ctx.store.logSources.list({ limit: 10 }, { targetId: local.id })).items).toHaveLength(1);
  });

  it('keeps a target with log sources from being deleted or changing type', async () => {
    const target = aTarget();
    await ctx.store.targets.create(target);
    const source = aLogSource(target.id);
    await ctx.store.logSources.create(source);

    await expect(ctx.store.targets.delete(target.id)).rejects.toThrow(ConflictError);
    await expect(
      ctx.store.targets.update({ ...target, type: 'local', updatedAt: '2026-11-21T12:00:00.000Z' }, target),
    ).rejects.toThrow(/type cannot change/);

    await ctx.store.logSources.delete(source.id);
    await ctx.store.targets.delete(target.id);
    expect(await ctx.store.targets.get(target.id)).toBeNull();
  });

  it('lists sources by target, and moves a source between targets with the counts', async () => {
    const [a, b] = [aTarget(), aTarget()];
    await ctx.store.targets.create(a);
    await ctx.store.targets.create(b);
    const source = aLogSource(a.id);
    await ctx.store.logSources.create(source);

    await ctx.store.logSources.update({ ...source, targetId: b.id, updatedAt: '2026-11-21T12:00:00.000Z' }, source);

    expect((await ctx.store.logSources.list({ limit: 10 }, { targetId: a.id })).items).toEqual([]);
    expect((await ctx.store.logSources.list({ limit: 10 }, { targetId: b.id })).items.map((s) => s.id)).toEqual([source.id]);
    await ctx.store.targets.delete(a.id);
    await expect(ctx.store.targets.delete(b.id)).rejects.toThrow(ConflictError);
  });

  it('keeps a source with monitors from being deleted or changing mode', async () => {
    const target = aTarget();
    await ctx.store.targets.create(target);
    const source = aLogSource(target.id);
    await ctx.store.logSources.create(source);
    const monitor = aMonitor(source.id);
    await ctx.store.monitors.create(monitor, expectSources([source.id]));

    await expect(ctx.store.logSources.delete(source.id)).rejects.toThrow(/used by 1 monitor/);
    await expect(
      ctx.store.logSources.update(
        { ...source, mode: 'cost_explorer', config: { metric: 'UnblendedCost', groupBy: 'SERVICE' }, updatedAt: '2026-11-21T12:00:00.000Z' },
        source,
      ),
    ).rejects.toThrow(/mode cannot change/);

    await ctx.store.monitors.delete(monitor.id);
    await ctx.store.logSources.delete(source.id);
    expect(await ctx.store.logSources.get(source.id)).toBeNull();
  });
});
