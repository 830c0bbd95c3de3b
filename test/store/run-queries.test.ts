import { beforeAll, describe, expect, it } from 'vitest';
import type { MonitorRun, RunStatus } from '#domain/model/entities.ts';
import { InvalidCursorError } from '#domain/model/errors.ts';
import type { RunQuery } from '#domain/runs/ports.ts';
import { scheduledRunId } from '#domain/runs/run-identity.ts';
import { aMonitor, aRun, expectSources } from '../support/builders.ts';
import { createTestStoreWithSource } from '../support/store.ts';

let ctx: Awaited<ReturnType<typeof createTestStoreWithSource>>['ctx'];
let sourceId: string;
const runs: MonitorRun[] = [];

/** A scheduled run of `monitorId` at `minute` past 10:00 with `status`. */
function aSlotRun(monitorId: string, minute: number, status: RunStatus): MonitorRun {
  const slot = new Date(Date.UTC(2026, 10, 21, 10, minute));
  return aRun(monitorId, { id: scheduledRunId(monitorId, slot), trigger: 'schedule', scheduledFor: slot.toISOString(), status });
}

const at = (minute: number) => new Date(Date.UTC(2026, 10, 21, 10, minute));
const ids = (list: MonitorRun[]) => list.map((run) => run.id);
const newestFirst = (list: MonitorRun[]) => [...list].sort((a, b) => (a.id < b.id ? 1 : -1));

/** Every page of a query, `limit` at a time. */
async function allPages(query: RunQuery, limit: number): Promise<{ pages: MonitorRun[][]; items: MonitorRun[] }> {
  const pages: MonitorRun[][] = [];
  let nextToken: string | undefined;
  do {
    const page = await ctx.store.runs.query(query, { limit, ...(nextToken !== undefined && { nextToken }) });
    pages.push(page.items);
    nextToken = page.nextToken ?? undefined;
  } while (nextToken !== undefined);
  return { pages, items: pages.flat() };
}

let first: string;
let second: string;
beforeAll(async () => {
  ({ ctx, sourceId } = await createTestStoreWithSource('vigil-run-queries'));
  const a = aMonitor(sourceId);
  const b = aMonitor(sourceId);
  await ctx.store.monitors.create(a, expectSources([sourceId]));
  await ctx.store.monitors.create(b, expectSources([sourceId]));
  first = a.id;
  second = b.id;
  const statuses: RunStatus[] = ['ok', 'alert', 'warn', 'alert', 'ok', 'error', 'alert', 'ok', 'queued', 'alert'];
  for (const [minute, status] of statuses.entries()) {
    runs.push(aSlotRun(minute % 2 === 0 ? first : second, minute, status));
  }
  for (const run of runs) expect(await ctx.store.runs.create(run)).toBe(true);
});

describe('runs across monitors', () => {
  it('lists one status newest first, a page at a time, each run once', async () => {
    const { items, pages } = await allPages({ status: 'alert' }, 2);

    expect(ids(items)).toEqual(ids(newestFirst(runs.filter((r) => r.status === 'alert'))));
    expect(pages[0]).toHaveLength(2);
    expect(items.every((run) => run.status === 'alert')).toBe(true);
  });

  it('lists every status merged newest first, a page at a time, each run once', async () => {
    const { items } = await allPages({}, 3);

    expect(ids(items)).toEqual(ids(newestFirst(runs)));
    expect(items[0]).toEqual(newestFirst(runs)[0]);
  });

  it('takes since inclusive and until exclusive, by the run time its id carries', async () => {
    const { items } = await allPages({ since: at(2), until: at(7) }, 100);
    const { items: alerts } = await allPages({ status: 'alert', since: at(3), until: at(9) }, 1);

    expect(ids(items)).toEqual(ids(newestFirst(runs.slice(2, 7))));
    expect(ids(alerts)).toEqual(ids(newestFirst([runs[3], runs[6]] as MonitorRun[])));
  });

  it('moves a run to its new status when it is saved or closed', async () => {
    const queued = runs[8] as MonitorRun;
    await ctx.store.runs.save({ ...queued, status: 'warn', finishedAt: at(9).toISOString() });

    expect(ids((await ctx.store.runs.query({ status: 'queued' }, { limit: 10 })).items)).toEqual([]);
    expect(ids((await ctx.store.runs.query({ status: 'warn' }, { limit: 10 })).items)).toContain(queued.id);

    const open = aSlotRun(first, 30, 'running');
    await ctx.store.runs.create(open);
    const [listed] = (await ctx.store.runs.listOpenSince(at(59), 10)).filter((r) => r.runId === open.id);
    expect(await ctx.store.runs.closeOpen(listed!, at(40), 'stopped')).toBe(true);
    expect(ids((await ctx.store.runs.query({ status: 'running' }, { limit: 10 })).items)).toEqual([]);
    expect(ids((await ctx.store.runs.query({ status: 'error' }, { limit: 10 })).items)[0]).toBe(open.id);
    await ctx.store.runs.save({ ...queued, status: 'queued' });
  });
});

describe("one monitor's runs", () => {
  it('filters by status and time in its partition, a page at a time', async () => {
    const { items, pages } = await allPages({ monitorId: second, status: 'alert' }, 1);
    const { items: inRange } = await allPages({ monitorId: first, since: at(2), until: at(8) }, 2);

    expect(ids(items)).toEqual(ids(newestFirst(runs.filter((r) => r.monitorId === second && r.status === 'alert'))));
    expect(pages.every((page) => page.length <= 1)).toBe(true);
    expect(ids(inRange)).toEqual(ids(newestFirst(runs.filter((r, minute) => r.monitorId === first && minute >= 2 && minute < 8))));
  });

  it('refuses a token from another list', async () => {
    const page = await ctx.store.runs.query({ status: 'alert' }, { limit: 1 });
    expect(page.nextToken).not.toBeNull();

    await expect(ctx.store.runs.query({ status: 'ok' }, { limit: 1, nextToken: page.nextToken! })).rejects.toThrow(InvalidCursorError);
    await expect(ctx.store.runs.query({ monitorId: first }, { limit: 1, nextToken: page.nextToken! })).rejects.toThrow(InvalidCursorError);
  });
});
