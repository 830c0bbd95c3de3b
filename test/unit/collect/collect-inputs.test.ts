import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectInputs, READ_GRACE_MS } from '#domain/collect/collect-inputs.ts';
import { SourceReadError } from '#domain/collect/errors.ts';
import type { ReadResult } from '#domain/collect/types.ts';
import type { LogSource, Monitor, Target } from '#domain/model/entities.ts';
import { aLogSource, aMonitor, aTarget } from '../../support/builders.ts';
import { aSnapshot, fakeReaders, fixedClock, lines } from './fakes.ts';

const NOW = '2026-11-21T10:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const DEADLINE = NOW_MS + 60_000;

function world(sourceList: LogSource[], targetList: Target[]) {
  return {
    sources: new Map(sourceList.map((s) => [s.id, s])),
    targets: new Map(targetList.map((t) => [t.id, t])),
  };
}

const raw = { maxLines: 500, maxChars: 8000, mode: 'raw' as const };

describe('collectInputs', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads a filter input over [now - interval, now] of the source log groups', async () => {
    // Prepare
    const target = aTarget();
    const source = aLogSource(target.id, { config: { logGroupNames: ['/ecs/orders-api', '/ecs/payments'] } });
    const monitor = aMonitor(source.id, {
      windowConfig: raw,
      inputs: [{ label: 'ERRORS', mode: 'filter', filterPattern: '?ERROR ?Exception' }],
    });
    const readers = fakeReaders({ logs: async () => lines('ERROR boom') });
    const { sources, targets } = world([source], [target]);

    // Act
    const collected = await collectInputs(monitor, sources, targets, { readers, clock: fixedClock(NOW), deadline: DEADLINE, concurrency: 4, costCollectorHours: 6 });

    // Assess
    expect(readers.logCalls).toEqual([
      {
        kind: 'filter',
        region: 'eu-west-1',
        request: {
          groups: { kind: 'names', names: ['/ecs/orders-api', '/ecs/payments'] },
          start: new Date(NOW_MS - 5 * 60_000),
          end: new Date(NOW_MS),
          maxLines: 501, // one more than the window, to know it was cut
          deadline: DEADLINE - READ_GRACE_MS,
          filterPattern: '?ERROR ?Exception',
        },
      },
    ]);
    expect(readers.targetsAsked).toEqual([target]);
    expect(collected).toEqual([{ label: 'ERRORS', mode: 'filter', lines: lines('ERROR boom').lines, error: null, notes: [] }]);
  });

  it('runs an insights input over its own lookback on a prefix source, reading more lines in templates mode', async () => {
    // Prepare
    const target = aTarget();
    const source = aLogSource(target.id, { config: { logGroupNamePrefix: '/aws/lambda/orders-' } });
    const monitor = aMonitor(source.id, {
      windowConfig: { maxLines: 200, maxChars: 8000, mode: 'templates' },
      inputs: [{ label: 'LATENCY', mode: 'insights', query: 'stats avg(duration) by bin(1m)', lookbackMinutes: 60 }],
    });
    const readers = fakeReaders();
    const { sources, targets } = world([source], [target]);

    // Act
    await collectInputs(monitor, sources, targets, { readers, clock: fixedClock(NOW), deadline: DEADLINE, concurrency: 1, costCollectorHours: 6 });

    // Assess
    expect(readers.logCalls[0]).toEqual({
      kind: 'insights',
      region: 'eu-west-1',
      request: {
        groups: { kind: 'prefix', prefix: '/aws/lambda/orders-' },
        start: new Date(NOW_MS - 60 * 60_000),
        end: new Date(NOW_MS),
        maxLines: 10_000,
        deadline: DEADLINE - READ_GRACE_MS,
        query: 'stats avg(duration) by bin(1m)',
      },
    });
  });

  it('reads an ECS container through its awslogs group, region and task streams', async () => {
    // Prepare
    const target = aTarget({ connectionConfig: { region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/VigilRead' } });
    const config = { cluster: 'prod', serviceName: 'orders', containerName: 'api' };
    const source = aLogSource(target.id, { mode: 'ecs', config });
    const monitor = aMonitor(source.id, { windowConfig: raw });
    const readers = fakeReaders({
      location: { logGroup: '/ecs/orders', region: 'us-east-2', streamPrefix: 'ecs', taskDefinition: 'orders:7' },
    });
    const { sources, targets } = world([source], [target]);

    // Act
    const [collected] = await collectInputs(monitor, sources, targets, { readers, clock: fixedClock(NOW), deadline: DEADLINE, concurrency: 1, costCollectorHours: 6 });

    // Assess
    expect(readers.locateCalls).toEqual([config]);
    expect(readers.logCalls[0]?.region).toBe('us-east-2');
    expect(readers.logCalls[0]?.request).toMatchObject({ groups: { kind: 'names', names: ['/ecs/orders'] }, streamPrefix: 'ecs/api/' });
    expect(collected?.error).toBeNull();
  });

  it('reads every stream of the group, and says so, when the container sets no stream prefix', async () => {
    // Prepare
    const target = aTarget();
    const source = aLogSource(target.id, { mode: 'ecs', config: { cluster: 'prod', taskFamily: 'orders', containerName: 'api' } });
    const monitor = aMonitor(source.id, { windowConfig: raw });
    const readers = fakeReaders({ location: { logGroup: '/ecs/orders', region: null, streamPrefix: null, taskDefinition: 'orders:7' } });
    const { sources, targets } = world([source], [target]);

    // Act
    const [collected] = await collectInputs(monitor, sources, targets, { readers, clock: fixedClock(NOW), deadline: DEADLINE, concurrency: 1, costCollectorHours: 6 });

    // Assess
    expect(readers.logCalls[0]?.request.streamPrefix).toBeUndefined();
    expect(readers.logCalls[0]?.region).toBe('eu-west-1');
    expect(collected?.notes).toEqual(['container api sets no awslogs-stream-prefix, so every stream of /ecs/orders was read']);
  });

  it('renders the latest cost snapshot for a cost input, limited to its explicit lookback', async () => {
    // Prepare
    const target = aTarget();
    const source = aLogSource(target.id, { mode: 'cost_explorer', config: { metric: 'UnblendedCost', groupBy: 'SERVICE' } });
    const monitor = aMonitor(source.id, { windowConfig: raw, inputs: [{ label: 'BUDGET', mode: 'cost', lookbackMinutes: 600 }] });
    const readers = fakeReaders({ snapshot: aSnapshot(source.id) });
    const { sources, targets } = world([source], [target]);

    // Act
    const [collected] = await collectInputs(monitor, sources, targets, { readers, clock: fixedClock(NOW), deadline: DEADLINE, concurrency: 1, costCollectorHours: 6 });

    // Assess
    const texts = collected?.lines.map((l) => l.text) ?? [];
    expect(texts[0]).toBe('2026-11-21 Amazon EC2 3.25 USD');
    expect(texts).not.toContain('2026-11-20 Amazon EC2 12.50 USD');
    expect(texts).toContain('month-to-date since 2026-11-01 total 260.50 USD');
    expect(readers.logCalls).toEqual([]);
  });

  it('says when there is no cost snapshot yet and how often the collector runs', async () => {
    // Prepare
    const target = aTarget();
    const source = aLogSource(target.id, { mode: 'cost_explorer', config: { metric: 'UnblendedCost', groupBy: 'SERVICE' } });
    const monitor = aMonitor(source.id, { windowConfig: raw, inputs: [{ label: 'BUDGET', mode: 'cost' }] });
    const { sources, targets } = world([source], [target]);

    // Act
    const [collected] = await collectInputs(monitor, sources, targets, {
      readers: fakeReaders({ snapshot: null }),
      clock: fixedClock(NOW),
      deadline: DEADLINE,
      concurrency: 1,
      costCollectorHours: 12,
    });

    // Assess
    expect(collected).toEqual({ label: 'BUDGET', mode: 'cost', lines: [], error: 'no cost snapshot yet; the cost collector runs every 12 hours', notes: [] });
  });

  it('tails a file source of a local target with its match expression', async () => {
    // Prepare
    const target = aTarget({ type: 'local', connectionConfig: {} });
    const source = aLogSource(target.id, { mode: 'file', config: { path: '/var/log/bot.log' } });
    const monitor = aMonitor(source.id, { windowConfig: raw, inputs: [{ label: 'BOT', mode: 'tail', match: 'ERROR|WARN' }] });
    const readers = fakeReaders();
    const { sources, targets } = world([source], [target]);

    // Act
    const [collected] = await collectInputs(monitor, sources, targets, { readers, clock: fixedClock(NOW), deadline: DEADLINE, concurrency: 1, costCollectorHours: 6 });

    // Assess
    expect(readers.tailCalls).toEqual([
      { path: '/var/log/bot.log', options: { maxLines: 501, deadline: DEADLINE - READ_GRACE_MS, match: expect.objectContaining({ test: expect.any(Function) }) } },
    ]);
    const match = readers.tailCalls[0]?.options.match;
    expect(['ERROR disk', 'WARN slow', 'INFO ok'].map((line) => match?.test(line))).toEqual([true, true, false]);
    expect(collected?.lines.map((l) => l.text)).toEqual(['file line']);
  });

  it.each([
    ['outside local mode', fakeReaders({ files: null }), 'local', 'file sources are read in local mode only (npm start)'],
    ['on an AWS target', fakeReaders(), 'aws_account', 'file sources are read on local targets only; target "prod-account" is aws_account'],
  ] as const)('refuses a file source %s', async (_case, readers, type, message) => {
    // Prepare
    const target = aTarget({ type, connectionConfig: {} });
    const source = aLogSource(target.id, { mode: 'file', config: { path: '/var/log/bot.log' } });
    const monitor = aMonitor(source.id, { windowConfig: raw, inputs: [{ label: 'BOT', mode: 'tail' }] });
    const { sources, targets } = world([source], [target]);

    // Act
    const [collected] = await collectInputs(monitor, sources, targets, { readers, clock: fixedClock(NOW), deadline: DEADLINE, concurrency: 1, costCollectorHours: 6 });

    // Assess
    expect(collected?.error).toBe(message);
    expect(readers.tailCalls).toEqual([]);
  });

  it('records each failing input in place and still collects the others, in input order', async () => {
    // Prepare
    const target = aTarget();
    const source = aLogSource(target.id);
    const other = aLogSource(target.id, { config: { logGroupNames: ['/ecs/denied'] } });
    const monitor = aMonitor(source.id, {
      windowConfig: raw,
      inputs: [
        { label: 'DENIED', mode: 'filter', filterPattern: '', logSourceId: other.id },
        { label: 'FULL_LOGS', mode: 'filter', filterPattern: '' },
        { label: 'BROKEN', mode: 'insights', query: 'fields @message' },
        { label: 'GONE', mode: 'filter', filterPattern: '', logSourceId: 'missing-source' },
        { label: 'WRONG_MODE', mode: 'cost' },
      ],
    });
    const readers = fakeReaders({
      logs: async (call) => {
        if (call.request.groups.kind === 'names' && call.request.groups.names[0] === '/ecs/denied') {
          throw new SourceReadError('missing permission logs:FilterLogEvents on log group /ecs/denied in eu-west-1', 'permission');
        }
        if (call.kind === 'insights') throw new TypeError('boom');
        return lines('fine');
      },
    });
    const { sources, targets } = world([source, other], [target]);

    // Act
    const collected = await collectInputs(monitor, sources, targets, { readers, clock: fixedClock(NOW), deadline: DEADLINE, concurrency: 2, costCollectorHours: 6 });

    // Assess
    expect(collected.map((c) => [c.label, c.error, c.lines.length])).toEqual([
      ['DENIED', 'missing permission logs:FilterLogEvents on log group /ecs/denied in eu-west-1', 0],
      ['FULL_LOGS', null, 1],
      ['BROKEN', 'unexpected error: TypeError: boom', 0],
      ['GONE', 'log source missing-source not found', 0],
      ['WRONG_MODE', 'input mode cost does not fit cloudwatch_logs source "orders-api"; use filter or insights', 0],
    ]);
  });

  it('never reads more inputs at once than the concurrency allows', async () => {
    // Prepare
    const target = aTarget();
    const source = aLogSource(target.id);
    const monitor: Monitor = aMonitor(source.id, {
      windowConfig: raw,
      inputs: Array.from({ length: 7 }, (_, i) => ({ label: `IN_${i}`, mode: 'filter' as const, filterPattern: '' })),
    });
    let inFlight = 0;
    let most = 0;
    const readers = fakeReaders({
      logs: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return lines('x');
      },
    });
    const { sources, targets } = world([source], [target]);

    // Act
    const collected = await collectInputs(monitor, sources, targets, { readers, clock: fixedClock(NOW), deadline: DEADLINE, concurrency: 3, costCollectorHours: 6 });

    // Assess
    expect(most).toBe(3);
    expect(collected.map((c) => c.label)).toEqual(monitor.inputs.map((i) => i.label));
  });

  it('gives up on an input that outlives the deadline and keeps what the others read', async () => {
    // Prepare
    vi.useFakeTimers({ now: NOW_MS });
    const target = aTarget();
    const source = aLogSource(target.id);
    const monitor = aMonitor(source.id, {
      windowConfig: raw,
      inputs: [
        { label: 'HUNG', mode: 'insights', query: 'fields @message' },
        { label: 'FAST', mode: 'filter', filterPattern: '' },
      ],
    });
    const readers = fakeReaders({
      logs: (call) => (call.kind === 'insights' ? new Promise<ReadResult>(() => undefined) : Promise.resolve(lines('quick'))),
    });
    const { sources, targets } = world([source], [target]);
    const clock = { now: () => new Date() };

    // Act
    const pending = collectInputs(monitor, sources, targets, { readers, clock, deadline: NOW_MS + 30_000, concurrency: 2, costCollectorHours: 6 });
    await vi.advanceTimersByTimeAsync(30_000);
    const collected = await pending;

    // Assess
    expect(collected).toEqual([
      { label: 'HUNG', mode: 'insights', lines: [], error: 'timed out after 30s', notes: [] },
      { label: 'FAST', mode: 'filter', lines: lines('quick').lines, error: null, notes: [] },
    ]);
  });

  it('does not start an input once the deadline has passed', async () => {
    // Prepare
    const target = aTarget();
    const source = aLogSource(target.id);
    const monitor = aMonitor(source.id, { windowConfig: raw });
    const readers = fakeReaders();
    const { sources, targets } = world([source], [target]);

    // Act
    const [collected] = await collectInputs(monitor, sources, targets, { readers, clock: fixedClock(NOW), deadline: NOW_MS, concurrency: 1, costCollectorHours: 6 });

    // Assess
    expect(collected?.error).toBe('not read: the collection time budget ran out before this input started');
    expect(readers.logCalls).toEqual([]);
  });
});
