import type { ClaimOutcome, ScheduleRepository, SlotClaim } from '#domain/scheduling/ports.ts';
import type { Clock } from '#domain/model/ports.ts';
import type { RunRepository, RunRequest } from '#domain/runs/ports.ts';
import { reapStaleRuns, type OpenRunRepository } from '#domain/runs/reap-stale-runs.ts';
import { scheduledRunId } from '#domain/runs/run-identity.ts';
import { newRun } from '#domain/runs/manage-runs.ts';
import { describeError } from '#domain/notify/channels.ts';
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
  const runOf = (claim: SlotClaim) =>
    newRun(
      { id: scheduledRunId(claim.monitorId, new Date(claim.from)), monitorId: claim.monitorId, trigger: 'schedule', scheduledFor: claim.from },
      options.clock.now(),
      options.runRetentionDays,
    );
  const claimMany = async (claims: readonly SlotClaim[]): Promise<ClaimOutcome[]> => {
    // true: written now; false: written before (a crash, an earlier failed claim); an Error: not written.
    const written = await Promise.all(claims.map((claim) => runs.create(runOf(claim)).catch((error: unknown) => toError(error))));
    const claimable = claims.filter((_, i) => !(written[i] instanceof Error));
    const results = claimable.length > 0 ? await schedule.claimMany(claimable) : [];
    let next = 0;
    // A slot whose run could not be written is not claimed: it stays due for the next tick.
    const outcomes = claims.map((_, i): ClaimOutcome => {
      const run = written[i];
      if (run instanceof Error) return { kind: 'failed', reason: `its queued run could not be written: ${describeError(run)}` };
      return results[next++] ?? { kind: 'failed', reason: 'the store returned no outcome for this claim' };
    });
    await Promise.all(
      claims.map(async (claim, i) => {
        if (outcomes[i]?.kind !== 'lost' || written[i] !== true) return;
        await runs.save({
          ...runOf(claim),
          status: 'error',
          finishedAt: options.clock.now().toISOString(),
          error: 'not run: the monitor was disabled or rescheduled as this slot came due',
        });
      }),
    );
    return outcomes;
  };
  return {
    listDue: (now, page) => schedule.listDue(now, page),
    recordHeartbeat: (at) => schedule.recordHeartbeat(at),
    lastHeartbeat: () => schedule.lastHeartbeat(),
    claimMany,
    async claim(monitorId, from, to) {
      const [outcome] = await claimMany([{ monitorId, from, to }]);
      if (outcome?.kind === 'failed') throw new Error(`the slot ${from} of monitor ${monitorId} could not be claimed now: ${outcome.reason}`);
      return outcome?.kind === 'claimed';
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

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
