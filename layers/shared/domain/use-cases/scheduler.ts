import { EnqueueError, type Clock, type RunQueue, type RunRequest, type RunRepository, type ScheduleRepository } from '../ports.ts';
import { scheduledRunId } from '../run-identity.ts';
import { nextSlotAfter } from '../schedule.ts';
import { newRun } from './runs.ts';

export interface TickResult {
  due: number;
  claimed: number;
  /** Slots another scheduler claimed first (overlapping ticks). */
  lost: number;
  /** Claims that failed (throttling, say): their slots stay due for the next tick. */
  failedClaims: number;
}

export interface TickDeps {
  schedule: ScheduleRepository;
  runs: Pick<RunRepository, 'create'>;
  queue: RunQueue;
  clock: Clock;
  runRetentionDays: number;
  /** Due monitors read per page; the work grows with due monitors, not all monitors. */
  pageSize?: number;
}

type ScheduledRequest = Extract<RunRequest, { kind: 'schedule' }>;

/**
 * One scheduler tick: every enabled monitor whose next run time has come is claimed by moving
 * `next_run_at` to its next slot with a conditional write (so overlapping ticks never claim
 * the same slot twice), and each page's claimed slots are sent to the runner at once. A claim
 * that fails leaves its slot due for the next tick. A slot the queue did not take becomes an
 * `error` run saying so — no slot disappears silently — and the tick then fails (and alarms).
 */
export async function tick(deps: TickDeps): Promise<TickResult> {
  const now = deps.clock.now();
  const result: TickResult = { due: 0, claimed: 0, lost: 0, failedClaims: 0 };
  let enqueueFailure: unknown = null;
  let nextToken: string | undefined;
  do {
    const page = await deps.schedule.listDue(now, { limit: deps.pageSize ?? 100, ...(nextToken && { nextToken }) });
    const claimed: ScheduledRequest[] = [];
    for (const due of page.items) {
      result.due += 1;
      const next = nextSlotAfter(now, due.intervalSeconds).toISOString();
      try {
        if (await deps.schedule.claim(due.monitorId, due.nextRunAt, next)) {
          claimed.push({ kind: 'schedule', monitorId: due.monitorId, scheduledFor: due.nextRunAt });
        } else {
          result.lost += 1;
        }
      } catch {
        result.failedClaims += 1;
      }
    }
    result.claimed += claimed.length;
    if (claimed.length > 0) {
      try {
        await deps.queue.enqueue(claimed);
      } catch (error) {
        enqueueFailure ??= error;
        const notQueued = error instanceof EnqueueError ? (error.notQueued as ScheduledRequest[]) : claimed;
        await recordUnqueuedSlots(notQueued, error, deps);
      }
    }
    nextToken = page.nextToken ?? undefined;
  } while (nextToken);

  if (enqueueFailure !== null) throw enqueueFailure;
  await deps.schedule.recordHeartbeat(now);
  return result;
}

async function recordUnqueuedSlots(slots: ScheduledRequest[], error: unknown, deps: TickDeps): Promise<void> {
  const now = deps.clock.now();
  const reason = `could not queue the run: ${error instanceof Error ? error.message : String(error)}`;
  for (const slot of slots) {
    const id = scheduledRunId(slot.monitorId, new Date(slot.scheduledFor));
    const run = {
      ...newRun({ id, monitorId: slot.monitorId, trigger: 'schedule', scheduledFor: slot.scheduledFor }, now, deps.runRetentionDays),
      status: 'error' as const,
      finishedAt: now.toISOString(),
      error: reason,
    };
    await deps.runs.create(run).catch(() => false);
  }
}
