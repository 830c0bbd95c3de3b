import type { Clock, RunRepository, RunRequest, ScheduleRepository } from '#domain/ports.ts';
import { reapStaleRuns, type OpenRunRepository } from '#domain/use-cases/reap-stale-runs.ts';
import { scheduledRunId } from '#domain/run-identity.ts';
import { newRun } from '#domain/use-cases/runs.ts';
import type { InProcessRunQueue } from './in-process-queue.ts';
import type { LocalConfig } from './local-config.ts';

/**
 * Local mode's scheduler claims: the slot's run is written as `queued` before the slot is
 * claimed, so a crash at any point leaves either an unclaimed slot (still due, claimed again
 * after the restart, finding its run) or a claimed slot with its run — never a claimed slot
 * without one. The run's id comes from (monitor, slot), so a second write for the same slot is
 * a no-op. If the claim is refused (the monitor was disabled or rescheduled in between), the run
 * is closed as an `error` run that says so, rather than left queued.
 */
export function claimsThatKeepTheirRuns(
  schedule: ScheduleRepository,
  runs: Pick<RunRepository, 'create' | 'get' | 'save'>,
  options: { clock: Clock; runRetentionDays: number },
): ScheduleRepository {
  return {
    listDue: (now, page) => schedule.listDue(now, page),
    recordHeartbeat: (at) => schedule.recordHeartbeat(at),
    lastHeartbeat: () => schedule.lastHeartbeat(),
    async claim(monitorId, from, to) {
      const now = options.clock.now();
      const run = newRun(
        { id: scheduledRunId(monitorId, new Date(from)), monitorId, trigger: 'schedule', scheduledFor: from },
        now,
        options.runRetentionDays,
      );
      const created = await runs.create(run);
      if (await schedule.claim(monitorId, from, to)) return true;
      if (created) {
        await runs.save({
          ...run,
          status: 'error',
          finishedAt: options.clock.now().toISOString(),
          error: 'not run: the monitor was disabled or rescheduled as this slot came due',
        });
      }
      return false;
    },
  };
}

/** Every run waiting in the table as `queued`, as requests for the runner (oldest first). */
export async function queuedRunRequests(runs: OpenRunRepository, limit = 10_000): Promise<RunRequest[]> {
  // The index sorts ISO strings: the end of year 9999 is after every run (a later Date would print as +YYYYYY).
  const open = await runs.listOpenSince(new Date('9999-12-31T23:59:59.999Z'), limit);
  return open
    .filter((run) => run.status === 'queued')
    .sort((a, b) => a.since.localeCompare(b.since))
    .map((run) => ({ kind: 'manual' as const, monitorId: run.monitorId, runId: run.runId }));
}

/**
 * The reaper as local mode runs it on each tick: a run open longer than the run timeout plus
 * `VIGIL_RUN_MARGIN_SECONDS` is closed, unless the in-memory queue holds it (it is only waiting).
 */
export function reapRunsLeftOpen(deps: {
  runs: OpenRunRepository;
  clock: Clock;
  queue: Pick<InProcessRunQueue, 'holds'>;
  config: Pick<LocalConfig, 'VIGIL_RUN_TIMEOUT_SECONDS' | 'VIGIL_RUN_MARGIN_SECONDS'>;
}): Promise<number> {
  return reapStaleRuns({
    runs: deps.runs,
    clock: deps.clock,
    staleAfterMs: (deps.config.VIGIL_RUN_TIMEOUT_SECONDS + deps.config.VIGIL_RUN_MARGIN_SECONDS) * 1000,
    hint: 'local mode (or its database) stopped while the run was in flight',
    isAlive: (run) => deps.queue.holds(run.runId),
  });
}
