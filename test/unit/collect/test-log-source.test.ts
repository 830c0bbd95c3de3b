import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalFileAccess } from '#adapters/files/file-access.ts';
import { LocalFileTailer } from '#adapters/files/file-tailer.ts';
import { SourceReadError } from '#domain/collect/errors.ts';
import { testLogSource } from '#domain/log-sources/test-log-source.ts';
import type { ReadResult } from '#domain/collect/types.ts';
import { aLogSource, aTarget } from '../../support/builders.ts';
import { aSnapshot, fakeReaders, fixedClock, lines } from './fakes.ts';

const NOW = '2026-11-21T10:00:00.000Z';
const NOW_MS = Date.parse(NOW);

describe('testLogSource', () => {
  let dir: string;
  let access: LocalFileAccess;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-test-source-'));
    access = await LocalFileAccess.create({ roots: [dir] });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a file source on a local target with the newest 20 of its lines', async () => {
    // Prepare
    const path = join(dir, 'bot.log');
    await writeFile(path, Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
    const target = aTarget({ type: 'local', connectionConfig: {} });
    const source = aLogSource(target.id, { mode: 'file', config: { path } });
    const clock = fixedClock(NOW);
    const readers = { ...fakeReaders(), files: new LocalFileTailer({ access, clock }) };

    // Act
    const result = await testLogSource(source, target, { readers, clock, costCollectorHours: 6 });

    // Assess
    expect(result).toEqual({
      ok: true,
      message: `read 30 lines from file ${path}`,
      sample: Array.from({ length: 20 }, (_, i) => `line ${i + 11}`),
      lineCount: 30,
    });
  });

  it('answers ok:false with the reason for a missing file', async () => {
    // Prepare
    const path = join(dir, 'missing.log');
    const target = aTarget({ type: 'local', connectionConfig: {} });
    const source = aLogSource(target.id, { mode: 'file', config: { path } });
    const clock = fixedClock(NOW);
    const readers = { ...fakeReaders(), files: new LocalFileTailer({ access, clock }) };

    // Act
    const result = await testLogSource(source, target, { readers, clock, costCollectorHours: 6 });

    // Assess
    expect(result).toEqual({ ok: false, message: `file ${path} not found`, sample: [], lineCount: 0 });
  });

  it('reads the last hour of a CloudWatch source as a run would and shows the newest lines', async () => {
    // Prepare
    const target = aTarget();
    const source = aLogSource(target.id);
    const readers = fakeReaders({ logs: async () => lines(...Array.from({ length: 25 }, (_, i) => `event ${i}`)) });

    // Act
    const result = await testLogSource(source, target, { readers, clock: fixedClock(NOW), costCollectorHours: 6 });

    // Assess
    expect(readers.logCalls).toEqual([
      {
        kind: 'filter',
        region: 'eu-west-1',
        request: {
          groups: { kind: 'names', names: ['/ecs/orders-api'] },
          start: new Date(NOW_MS - 3_600_000),
          end: new Date(NOW_MS),
          maxLines: 200,
          deadline: NOW_MS + 9_000,
          filterPattern: '',
        },
      },
    ]);
    expect(result.ok).toBe(true);
    expect(result.message).toBe('read 25 lines from log group /ecs/orders-api in the last 60 minutes');
    expect(result.lineCount).toBe(25);
    expect(result.sample).toHaveLength(20);
    expect(result.sample[19]).toBe('2026-11-21T09:59:24Z event 24');
  });

  it('says a readable source had no lines in the last hour', async () => {
    // Prepare
    const target = aTarget();
    const source = aLogSource(target.id, { config: { logGroupNamePrefix: '/aws/lambda/orders-' } });
    const readers = fakeReaders({ logs: async () => ({ lines: [], notes: [] }) });

    // Act
    const result = await testLogSource(source, target, { readers, clock: fixedClock(NOW), costCollectorHours: 6 });

    // Assess
    expect(result).toEqual({
      ok: true,
      message: 'log groups starting with /aws/lambda/orders- is readable but had no lines in the last 60 minutes',
      sample: [],
      lineCount: 0,
    });
  });

  it('answers a permission problem with ok:false naming the permission and the group', async () => {
    // Prepare
    const target = aTarget();
    const source = aLogSource(target.id);
    const denied = 'missing permission logs:FilterLogEvents on log group /ecs/orders-api in eu-west-1';
    const readers = fakeReaders({
      logs: async () => {
        throw new SourceReadError(denied, 'permission');
      },
    });

    // Act
    const result = await testLogSource(source, target, { readers, clock: fixedClock(NOW), costCollectorHours: 6 });

    // Assess
    expect(result).toEqual({ ok: false, message: denied, sample: [], lineCount: 0 });
  });

  it('names the ECS container, its task definition and streams', async () => {
    // Prepare
    const target = aTarget();
    const source = aLogSource(target.id, { mode: 'ecs', config: { cluster: 'prod', serviceName: 'orders', containerName: 'api' } });
    const readers = fakeReaders();

    // Act
    const result = await testLogSource(source, target, { readers, clock: fixedClock(NOW), costCollectorHours: 6 });

    // Assess
    expect(result.message).toBe(
      'read 1 line from ECS container api (orders:7): log group /ecs/orders, streams ecs/api/* in the last 60 minutes',
    );
  });

  it('answers a cost source from its latest snapshot', async () => {
    // Prepare
    const target = aTarget();
    const source = aLogSource(target.id, { mode: 'cost_explorer', config: { metric: 'UnblendedCost', groupBy: 'SERVICE' } });
    const readers = fakeReaders({ snapshot: aSnapshot(source.id) });

    // Act
    const result = await testLogSource(source, target, { readers, clock: fixedClock(NOW), costCollectorHours: 6 });

    // Assess
    expect(result.ok).toBe(true);
    expect(result.message).toBe('read 9 lines from the cost snapshot collected at 2026-11-21T06:00:00.000Z');
    expect(result.sample.at(-1)).toBe(
      'snapshot: UnblendedCost by SERVICE in USD, collected 2026-11-21T06:00:00.000Z; amounts from 2026-11-20 on are estimates',
    );
  });

  it('answers a cost source without a snapshot with ok:false and when to expect one', async () => {
    // Prepare
    const target = aTarget();
    const source = aLogSource(target.id, { mode: 'cost_explorer', config: { metric: 'UnblendedCost', groupBy: 'SERVICE' } });

    // Act
    const result = await testLogSource(source, target, { readers: fakeReaders(), clock: fixedClock(NOW), costCollectorHours: 6 });

    // Assess
    expect(result).toEqual({ ok: false, message: 'no cost snapshot yet; the cost collector runs every 6 hours', sample: [], lineCount: 0 });
  });

  it('answers ok:false when the read does not finish in time', async () => {
    // Prepare
    vi.useFakeTimers({ now: NOW_MS });
    const target = aTarget();
    const source = aLogSource(target.id);
    const readers = fakeReaders({ logs: () => new Promise<ReadResult>(() => undefined) });

    // Act
    const pending = testLogSource(source, target, { readers, clock: { now: () => new Date() }, timeoutMs: 5_000, costCollectorHours: 6 });
    await vi.advanceTimersByTimeAsync(5_000);
    const result = await pending;
    vi.useRealTimers();

    // Assess
    expect(result).toEqual({ ok: false, message: 'timed out after 5s reading log source "orders-api"', sample: [], lineCount: 0 });
  });
});
