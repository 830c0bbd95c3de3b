import type { MonitorRun, Page, PageRequest, RunTrigger } from '../model/entities.ts';
import { NotFoundError } from '../model/errors.ts';
import type { ManagementContext } from '../model/management-context.ts';
import { getMonitor } from '../monitors/manage-monitors.ts';

type Deps = Pick<ManagementContext, 'monitors' | 'runs' | 'queue' | 'clock' | 'ids' | 'settings'>;

/** A new run in `queued`, with its expiry from the retention setting. */
export function newRun(
  fields: { id: string; monitorId: string; trigger: RunTrigger; scheduledFor: string | null },
  now: Date,
  runRetentionDays: number,
): MonitorRun {
  return {
    ...fields,
    status: 'queued',
    createdAt: now.toISOString(),
    startedAt: null,
    finishedAt: null,
    summary: null,
    findings: [],
    inputs: {},
    rules: [],
    judge: null,
    notifications: [],
    redactions: 0,
    payloadHash: null,
    payload: null,
    rawReply: null,
    error: null,
    expiresAt: Math.floor(now.getTime() / 1000) + runRetentionDays * 86_400,
  };
}

/**
 * Creates a manual run in `queued` and hands it to the runner. If the queue refuses it, the
 * run is kept as an `error` run saying so (never lost, never stuck in `queued`).
 */
export async function runOnce(monitorId: string, deps: Deps): Promise<MonitorRun> {
  await getMonitor(monitorId, deps);
  const now = deps.clock.now();
  const run = newRun({ id: deps.ids.next(now), monitorId, trigger: 'manual', scheduledFor: null }, now, deps.settings.runRetentionDays);
  await deps.runs.create(run);
  try {
    await deps.queue.enqueue([{ kind: 'manual', monitorId, runId: run.id }]);
  } catch (error) {
    const failed: MonitorRun = {
      ...run,
      status: 'error',
      finishedAt: deps.clock.now().toISOString(),
      error: `could not queue the run: ${error instanceof Error ? error.message : String(error)}`,
    };
    await deps.runs.save(failed);
    throw error;
  }
  return run;
}

export async function listRuns(monitorId: string, page: PageRequest, deps: Pick<Deps, 'monitors' | 'runs'>): Promise<Page<MonitorRun>> {
  await getMonitor(monitorId, deps);
  return deps.runs.list(monitorId, page);
}

export async function latestRun(monitorId: string, deps: Pick<Deps, 'monitors' | 'runs'>): Promise<MonitorRun> {
  await getMonitor(monitorId, deps);
  const run = await deps.runs.latest(monitorId);
  if (!run) throw new NotFoundError(`monitor ${monitorId} has no run yet`);
  return run;
}

export async function getRun(monitorId: string, runId: string, deps: Pick<Deps, 'monitors' | 'runs'>): Promise<MonitorRun> {
  await getMonitor(monitorId, deps);
  const run = await deps.runs.get(monitorId, runId);
  if (!run) throw new NotFoundError(`run ${runId} of monitor ${monitorId} not found`);
  return run;
}
