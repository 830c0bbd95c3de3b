import { describe, expect, it } from 'vitest';
import { NotFoundError } from '#domain/model/errors.ts';
import { getRun, latestRun, listRuns, runOnce } from '#domain/runs/manage-runs.ts';
import { aMonitor, aRun } from '../../support/builders.ts';
import { fakeManagementContext } from '../../support/fake-ports.ts';

async function withMonitor() {
  const fakes = fakeManagementContext();
  const monitor = aMonitor('CW', { id: 'M1' });
  fakes.monitors.items.set(monitor.id, monitor);
  return { ...fakes, monitor };
}

describe('runOnce', () => {
  it('creates a queued manual run that expires after the retention, then queues it', async () => {
    const { ctx, runs, queue } = await withMonitor();

    const run = await runOnce('M1', ctx);

    expect(run).toMatchObject({ id: 'ID01', monitorId: 'M1', trigger: 'manual', status: 'queued', scheduledFor: null });
    expect(run.expiresAt).toBe(Date.parse('2026-11-21T10:00:00.000Z') / 1000 + 90 * 86_400);
    expect(runs.items.get('ID01')).toEqual(run);
    expect(queue.sent).toEqual([{ kind: 'manual', monitorId: 'M1', runId: 'ID01' }]);
  });

  it('a missing monitor is a NotFoundError, and nothing is created or queued', async () => {
    const { ctx, runs, queue } = await withMonitor();

    await expect(runOnce('01NOPE', ctx)).rejects.toThrow(new NotFoundError('monitor 01NOPE not found'));
    expect(runs.items.size).toBe(0);
    expect(queue.sent).toEqual([]);
  });

  it('keeps a run the queue refused as an error run saying so, and fails', async () => {
    const { ctx, runs, queue, clock } = await withMonitor();
    queue.failWith = () => {
      clock.set('2026-11-21T10:00:01.000Z');
      return new Error('SQS is down');
    };

    await expect(runOnce('M1', ctx)).rejects.toThrow('SQS is down');
    expect(runs.items.get('ID01')).toMatchObject({
      status: 'error',
      finishedAt: '2026-11-21T10:00:01.000Z',
      error: 'could not queue the run: SQS is down',
    });
  });
});

describe('reading runs', () => {
  it('listRuns: hands the page to the store and its cursor back; a missing monitor is a NotFoundError', async () => {
    const { ctx, runs } = await withMonitor();
    for (const id of ['R1', 'R2', 'R3']) runs.items.set(id, aRun('M1', { id }));

    const first = await listRuns('M1', { limit: 2 }, ctx);
    const second = await listRuns('M1', { limit: 2, nextToken: first.nextToken ?? undefined }, ctx);

    expect(runs.listed).toEqual([
      { monitorId: 'M1', page: { limit: 2 } },
      { monitorId: 'M1', page: { limit: 2, nextToken: 'R2' } },
    ]);
    expect(second).toMatchObject({ items: [{ id: 'R3' }], nextToken: null });
    await expect(listRuns('01NOPE', { limit: 2 }, ctx)).rejects.toThrow(NotFoundError);
  });

  it('latestRun: the newest run, or a NotFoundError that says there is none yet', async () => {
    const { ctx, runs } = await withMonitor();
    await expect(latestRun('M1', ctx)).rejects.toThrow(new NotFoundError('monitor M1 has no run yet'));

    runs.items.set('R1', aRun('M1', { id: 'R1' }));
    runs.items.set('R2', aRun('M1', { id: 'R2' }));
    await expect(latestRun('M1', ctx)).resolves.toMatchObject({ id: 'R2' });
  });

  it('getRun: a run of another monitor is not found under this one', async () => {
    const { ctx, runs, monitors } = await withMonitor();
    monitors.items.set('M2', aMonitor('CW', { id: 'M2' }));
    runs.items.set('R1', aRun('M2', { id: 'R1' }));

    await expect(getRun('M1', 'R1', ctx)).rejects.toThrow(new NotFoundError('run R1 of monitor M1 not found'));
    await expect(getRun('M2', 'R1', ctx)).resolves.toMatchObject({ id: 'R1', monitorId: 'M2' });
  });
});
