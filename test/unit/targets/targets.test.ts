import { describe, expect, it } from 'vitest';
import { ConflictError, FieldNotAllowedError, NotFoundError } from '#domain/model/errors.ts';
import { createTarget, deleteTarget, getTarget, listTargets, updateTarget } from '#domain/targets/manage-targets.ts';
import { fakeManagementContext } from '../../support/fake-ports.ts';

const prod = { name: 'prod', type: 'aws_account' as const, connectionConfig: { region: 'eu-west-1' } };

describe('createTarget', () => {
  it('stores the spec with a new id and the clock’s time', async () => {
    const { ctx, targets } = fakeManagementContext();

    const created = await createTarget(prod, ctx);

    expect(created).toEqual({ id: 'ID01', ...prod, createdAt: '2026-11-21T10:00:00.000Z', updatedAt: '2026-11-21T10:00:00.000Z' });
    expect(targets.items.get('ID01')).toEqual(created);
  });

  it('refuses a local target outside local mode, naming the target’s type, and stores nothing', async () => {
    const { ctx, targets } = fakeManagementContext();

    const error = await createTarget({ name: 'laptop', type: 'local', connectionConfig: {} }, ctx).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FieldNotAllowedError);
    expect(error).toMatchObject({ field: 'target.type', message: 'local targets exist only in local mode (npm start); use aws_account' });
    expect(targets.items.size).toBe(0);
  });

  it('takes a local target in local mode', async () => {
    const { ctx } = fakeManagementContext({ settings: { localMode: true, runRetentionDays: 90 } });
    await expect(createTarget({ name: 'laptop', type: 'local', connectionConfig: {} }, ctx)).resolves.toMatchObject({ type: 'local' });
  });

  it('passes the store’s conflict on a taken id through', async () => {
    const { ctx } = fakeManagementContext({ ids: { next: () => 'SAME' } });
    await createTarget(prod, ctx);
    await expect(createTarget(prod, ctx)).rejects.toThrow(new ConflictError('target SAME already exists'));
  });
});

describe('reading targets', () => {
  it('getTarget: a missing target is a NotFoundError naming it', async () => {
    const { ctx } = fakeManagementContext();
    await expect(getTarget('01NOPE', ctx)).rejects.toThrow(new NotFoundError('target 01NOPE not found'));
  });

  it('listTargets: hands the page request to the store and its cursor back, page after page', async () => {
    const { ctx, targets } = fakeManagementContext();
    for (const name of ['a', 'b', 'c']) await createTarget({ ...prod, name }, ctx);

    const first = await listTargets({ limit: 2 }, ctx);
    const second = await listTargets({ limit: 2, nextToken: first.nextToken ?? undefined }, ctx);

    expect(targets.pageRequests).toEqual([{ limit: 2 }, { limit: 2, nextToken: 'ID02' }]);
    expect(first).toMatchObject({ items: [{ name: 'a' }, { name: 'b' }], nextToken: 'ID02' });
    expect(second).toMatchObject({ items: [{ name: 'c' }], nextToken: null });
  });
});

describe('updateTarget', () => {
  it('applies the change to the current target, keeps its id and creation time, and writes against what it read', async () => {
    const { ctx, targets, clock } = fakeManagementContext();
    const created = await createTarget(prod, ctx);
    clock.set('2026-11-21T11:00:00.000Z');
    let seen: unknown = null;

    const updated = await updateTarget(created.id, (current) => ((seen = current), { ...prod, name: 'production' }), ctx);

    expect(seen).toEqual(created);
    expect(updated).toEqual({ ...created, name: 'production', updatedAt: '2026-11-21T11:00:00.000Z' });
    expect(targets.items.get(created.id)).toEqual(updated);
  });

  it('a missing target is a NotFoundError before the change is even computed', async () => {
    const { ctx } = fakeManagementContext();
    let called = false;
    await expect(updateTarget('01NOPE', () => ((called = true), prod), ctx)).rejects.toThrow(NotFoundError);
    expect(called).toBe(false);
  });

  it('refuses to turn a target local outside local mode, and writes nothing', async () => {
    const { ctx, targets } = fakeManagementContext();
    const created = await createTarget(prod, ctx);

    await expect(updateTarget(created.id, () => ({ ...prod, type: 'local' }), ctx)).rejects.toMatchObject({ field: 'target.type' });
    expect(targets.items.get(created.id)).toEqual(created);
  });

  it('passes the store’s conflict through when another request changed the target meanwhile', async () => {
    const { ctx, targets } = fakeManagementContext();
    const created = await createTarget(prod, ctx);

    const error = await updateTarget(
      created.id,
      (current) => {
        // Another request writes between this one's read and its write.
        targets.items.set(current.id, { ...current, name: 'theirs', updatedAt: '2026-11-21T10:30:00.000Z' });
        return { ...prod, name: 'mine' };
      },
      ctx,
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConflictError);
    expect(targets.items.get(created.id)?.name).toBe('theirs');
  });
});

describe('deleteTarget', () => {
  it('passes the store’s refusal through while log sources use the target', async () => {
    const { ctx, targets } = fakeManagementContext();
    const created = await createTarget(prod, ctx);
    targets.sourceCounts.set(created.id, 2);

    await expect(deleteTarget(created.id, ctx)).rejects.toThrow(new ConflictError(`target ${created.id} is used by 2 log source(s); delete them first`));
    targets.sourceCounts.set(created.id, 0);
    await deleteTarget(created.id, ctx);
    expect(targets.items.size).toBe(0);
  });
});
