import { describe, expect, it } from 'vitest';
import type { LogSource } from '#domain/model/entities.ts';
import { BrokenReferenceError, ConflictError, FieldNotAllowedError, NotFoundError } from '#domain/model/errors.ts';
import { SourceReadError } from '#domain/collect/errors.ts';
import type { FileAccess } from '#domain/collect/file-access.ts';
import {
  createLogSource,
  deleteLogSource,
  getLogSource,
  listLogSources,
  testLogSourceById,
  updateLogSource,
  type LogSourceBody,
} from '#domain/log-sources/manage-log-sources.ts';
import { fakeManagementContext } from '../../support/fake-ports.ts';

const LOCAL = { localMode: true, runRetentionDays: 90 };

async function withTarget(type: 'aws_account' | 'local' = 'aws_account', overrides: Parameters<typeof fakeManagementContext>[0] = {}) {
  const fakes = fakeManagementContext(overrides);
  const target = { id: 'T1', name: 'prod', type, connectionConfig: {}, createdAt: '', updatedAt: '' };
  await fakes.targets.create(target);
  return { ...fakes, target };
}

const cloudwatch = (targetId = 'T1'): LogSourceBody =>
  ({ targetId, name: 'orders', mode: 'cloudwatch_logs', config: { logGroupNames: ['/ecs/orders'] } }) as LogSourceBody;
const file = (path: string, targetId = 'T1'): LogSourceBody => ({ targetId, name: 'app', mode: 'file', config: { path } }) as LogSourceBody;

/** File access that allows paths under /allowed and refuses the rest as the adapter does. */
const fileAccess: FileAccess & { checked: string[] } = {
  checked: [],
  async checkPath(path) {
    this.checked.push(path);
    if (path === '/broken') throw new Error('EIO: disk on fire');
    if (!path.startsWith('/allowed/')) throw new SourceReadError(`${path} is outside the directories file sources may read`, 'permission');
  },
};

describe('createLogSource', () => {
  it('stores the body with a new id and counts it on its target', async () => {
    const { ctx, logSources, targets } = await withTarget();

    const created = await createLogSource(cloudwatch(), ctx);

    expect(created).toEqual({ ...cloudwatch(), id: 'ID01', createdAt: '2026-11-21T10:00:00.000Z', updatedAt: '2026-11-21T10:00:00.000Z' });
    expect(logSources.items.get('ID01')).toEqual(created);
    expect(targets.sourceCounts.get('T1')).toBe(1);
  });

  it('passes the store’s missing target through as data: the reference, not a request field', async () => {
    const { ctx, logSources } = await withTarget();

    const error = await createLogSource(cloudwatch('01GONE'), ctx).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BrokenReferenceError);
    expect((error as BrokenReferenceError).problem).toEqual({
      reason: 'missing',
      reference: { kind: 'target', id: '01GONE' },
      message: 'target 01GONE does not exist',
    });
    expect(logSources.items.size).toBe(0);
  });

  it.each([
    ['outside local mode', {}, `file sources exist only in local mode (npm start)`, 'logSource.mode'],
    ['in local mode without file roots', { settings: LOCAL }, 'file sources are not enabled here', 'logSource.filePath'],
  ])('refuses a file source %s, before asking the store', async (_case, overrides, message, field) => {
    const { ctx, logSources } = await withTarget('local', overrides);

    const error = await createLogSource(file('/allowed/app.log'), ctx).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FieldNotAllowedError);
    expect(error).toMatchObject({ field, message });
    expect(logSources.items.size).toBe(0);
  });

  it('asks file access about the path: its refusal names the file path with its reason', async () => {
    const { ctx, logSources } = await withTarget('local', { settings: LOCAL, fileAccess });

    const error = await createLogSource(file('/etc/shadow'), ctx).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FieldNotAllowedError);
    expect(error).toMatchObject({ field: 'logSource.filePath', message: '/etc/shadow is outside the directories file sources may read' });
    expect(fileAccess.checked).toContain('/etc/shadow');
    expect(logSources.items.size).toBe(0);
  });

  it('lets an unexpected file access failure through unchanged (a 500, not a 400 blaming the request)', async () => {
    const { ctx } = await withTarget('local', { settings: LOCAL, fileAccess });
    await expect(createLogSource(file('/broken'), ctx)).rejects.toThrow('EIO: disk on fire');
  });

  it('takes a file source on a local target in local mode with the path allowed', async () => {
    const { ctx } = await withTarget('local', { settings: LOCAL, fileAccess });
    await expect(createLogSource(file('/allowed/app.log'), ctx)).resolves.toMatchObject({ mode: 'file', config: { path: '/allowed/app.log' } });
  });
});

describe('reading log sources', () => {
  it('getLogSource: a missing source is a NotFoundError naming it', async () => {
    const { ctx } = await withTarget();
    await expect(getLogSource('01NOPE', ctx)).rejects.toThrow(new NotFoundError('log source 01NOPE not found'));
  });

  it('listLogSources: hands the page and the target filter to the store, and its cursor back', async () => {
    const { ctx, logSources, targets } = await withTarget();
    await targets.create({ id: 'T2', name: 'staging', type: 'aws_account', connectionConfig: {}, createdAt: '', updatedAt: '' });
    for (const targetId of ['T1', 'T2', 'T2', 'T2']) await createLogSource(cloudwatch(targetId), ctx);

    const first = await listLogSources({ limit: 2 }, { targetId: 'T2' }, ctx);
    const second = await listLogSources({ limit: 2, nextToken: first.nextToken ?? undefined }, { targetId: 'T2' }, ctx);

    expect(logSources.listed).toEqual([
      { page: { limit: 2 }, filter: { targetId: 'T2' } },
      { page: { limit: 2, nextToken: 'ID03' }, filter: { targetId: 'T2' } },
    ]);
    expect([...first.items, ...second.items].map((s: LogSource) => s.id)).toEqual(['ID02', 'ID03', 'ID04']);
    expect(second.nextToken).toBeNull();
  });
});

describe('updateLogSource', () => {
  it('applies the change to the current source, keeping id and creation time', async () => {
    const { ctx, clock, logSources } = await withTarget();
    const created = await createLogSource(cloudwatch(), ctx);
    clock.set('2026-11-21T12:00:00.000Z');

    const updated = await updateLogSource(created.id, (current) => ({ ...cloudwatch(), name: `${current.name}-v2` }), ctx);

    expect(updated).toEqual({ ...created, name: 'orders-v2', updatedAt: '2026-11-21T12:00:00.000Z' });
    expect(logSources.items.get(created.id)).toEqual(updated);
  });

  it('a missing source is a NotFoundError', async () => {
    const { ctx } = await withTarget();
    await expect(updateLogSource('01NOPE', () => cloudwatch(), ctx)).rejects.toThrow(NotFoundError);
  });

  it('checks a change to a file source like a create, and writes nothing when refused', async () => {
    const { ctx, logSources } = await withTarget();
    const created = await createLogSource(cloudwatch(), ctx);

    await expect(updateLogSource(created.id, () => file('/allowed/app.log'), ctx)).rejects.toThrow(FieldNotAllowedError);
    expect(logSources.items.get(created.id)).toEqual(created);
  });

  it('passes a move to a missing target through as the target reference', async () => {
    const { ctx } = await withTarget();
    const created = await createLogSource(cloudwatch(), ctx);

    const error = await updateLogSource(created.id, () => cloudwatch('01ELSEWHERE'), ctx).catch((e: unknown) => e);

    expect((error as BrokenReferenceError).problem.reference).toEqual({ kind: 'target', id: '01ELSEWHERE' });
  });
});

describe('testLogSourceById', () => {
  it('reads through the tester with the source and its target', async () => {
    const seen: unknown[] = [];
    const { ctx, target } = await withTarget('aws_account', {
      sourceTester: { test: async (source, of) => (seen.push([source.id, of.id]), { ok: true, message: 'read 1 line', sample: ['x'], lineCount: 1 }) },
    });
    const created = await createLogSource(cloudwatch(), ctx);

    await expect(testLogSourceById(created.id, ctx)).resolves.toEqual({ ok: true, message: 'read 1 line', sample: ['x'], lineCount: 1 });
    expect(seen).toEqual([[created.id, target.id]]);
  });

  it('a source whose target is gone is a NotFoundError naming both', async () => {
    const { ctx, targets } = await withTarget();
    const created = await createLogSource(cloudwatch(), ctx);
    targets.items.delete('T1');

    await expect(testLogSourceById(created.id, ctx)).rejects.toThrow(new NotFoundError(`target T1 of log source ${created.id} not found`));
  });
});

describe('deleteLogSource', () => {
  it('passes the store’s refusal through and deletes when allowed', async () => {
    const { ctx, logSources } = await withTarget();
    const created = await createLogSource(cloudwatch(), ctx);
    const store = logSources.delete.bind(logSources);
    logSources.delete = async () => {
      throw new ConflictError(`log source ${created.id} is used by 1 monitor(s); delete or change them first`);
    };
    await expect(deleteLogSource(created.id, ctx)).rejects.toThrow(ConflictError);

    logSources.delete = store;
    await deleteLogSource(created.id, ctx);
    expect(logSources.items.size).toBe(0);
    await expect(deleteLogSource(created.id, ctx)).rejects.toThrow(NotFoundError);
  });
});
