import { CLAIM_BATCH_LIMIT, type ClaimOutcome, type ScheduleRepository } from './ports.ts';
import { EnqueueError, type RunQueue, type RunRequest, type RunRepository } from '../runs/ports.ts';
import type { Clock } from '../model/ports.ts';
import { scheduledRunId } from '../runs/run-identity.ts';
import { forEachConcurrently } from '../model/concurrency.ts';
import { nextSlotAfter } from './schedule.ts';
import { newRun } from '../runs/manage-runs.ts';
import { describeError } from '../notify/channels.ts';

/** A slot the tick could not handle: whose, which, and why (an error's name and first line, credentials removed). */
export interface SlotFailure {
  monitorId: string;
  slot: string;
  reason: string;
}

export interface TickResult {
  due: number;
  claimed: number;
  /** Slots another scheduler claimed first (overlapping ticks). */
  lost: number;
  /** Claims that failed (throttling, say), each with its monitor and why: their slots stay due for the next tick. */
  failedClaims: SlotFailure[];
  /** Runs the runner never finished, closed as `error` (see {@link STALE_RUN_MS}). */
  closedStaleRuns: number;
}

/** At most this many monitor ids per reason in {@link failuresByReason}: a tick may fail thousands of claims at once. */
const LOGGED_IDS_PER_REASON = 20;

/**
 * Failed slots grouped by reason, each with its count and the first monitor ids, for one log
 * entry that says what failed and why, bounded whatever the count. Reasons name the error
 * (credentials removed), never a monitor's content.
 */
export function failuresByReason(failures: readonly SlotFailure[]) {
  const groups = new Map<string, { reason: string; count: number; monitorIds: string[] }>();
  for (const { monitorId, reason } of failures) {
    const group = groups.get(reason) ?? { reason, count: 0, monitorIds: [] };
    group.count += 1;
    if (group.monitorIds.length < LOGGED_IDS_PER_REASON) group.monitorIds.push(monitorId);
    groups.set(reason, group);
  }
  return [...groups.values()];
}

/**
 * The queue did not take every claimed slot: each such slot was recorded as an `error` run (or,
 * if even that failed, `unqueued` says so), and the tick fails so the scheduler alarms. `result`
 * is what the tick did; `cause` the queue's first error.
 */
export class TickIncompleteError extends Error {
  constructor(
    readonly result: TickResult,
    readonly unqueued: SlotFailure[],
    options: { cause: unknown },
  ) {
    super(`${unqueued.length} claimed slot(s) not queued: ${describeError(options.cause)}`, options);
    this.name = 'TickIncompleteError';
  }
}

/**
 * A run still `queued` or `running` this long after it was created will not finish: its message
 * was received three times (each within the runner's 15-minute limit) and went to the
 * dead-letter queue, or local mode stopped. The tick's reaper (reap-stale-runs.ts) closes it as an `error` run.
 */
export const STALE_RUN_MS = 60 * 60 * 1000;

export interface TickDeps {
  schedule: ScheduleRepository;
  runs: Pick<RunRepository, 'create' | 'get' | 'save'>;
  queue: RunQueue;
  clock: Clock;
  runRetentionDays: number;
  /** Due monitors read per page (per due-index shard); the work grows with due monitors, not all monitors. */
  pageSize?: number;
  /** Closes every run left open past the run timeout plus a margin (reap-stale-runs.ts). */
  reap?: () => Promise<number>;
  /** Claims in flight at once. @default {@link CLAIM_CONCURRENCY} */
  claimConcurrency?: number;
}

/**
 * Claim requests in flight at once, each of up to {@link CLAIM_BATCH_LIMIT} slots. One claim at
 * a time (a few milliseconds each), 10,000 due monitors needed over a minute.
 */
export const CLAIM_CONCURRENCY = 4;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
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
  const result: TickResult = { due: 0, claimed: 0, lost: 0, failedClaims: [], closedStaleRuns: 0 };
  result.closedStaleRuns += (await deps.reap?.()) ?? 0;
  let enqueueFailure: unknown = null;
  const unqueued: SlotFailure[] = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.schedule.listDue(now, { limit: deps.pageSize ?? 100, ...(nextToken && { nextToken }) });
    const claimed: ScheduledRequest[] = [];
    result.due += page.items.length;
    await forEachConcurrently(chunk(page.items, CLAIM_BATCH_LIMIT), deps.claimConcurrency ?? CLAIM_CONCURRENCY, async (batch) => {
      const claims = batch.map((due) => ({
        monitorId: due.monitorId,
        from: due.nextRunAt,
        to: nextSlotAfter(now, due.intervalSeconds, due.monitorId).toISOString(),
      }));
      const outcomes = await deps.schedule.claimMany(claims).catch((error: unknown) =>
        claims.map((): ClaimOutcome => ({ kind: 'failed', reason: describeError(error) })),
      );
      batch.forEach((due, i) => {
        const outcome: ClaimOutcome = outcomes[i] ?? { kind: 'failed', reason: 'the store returned no outcome for this claim' };
        if (outcome.kind === 'claimed') {
          claimed.push({ kind: 'schedule', monitorId: due.monitorId, scheduledFor: due.nextRunAt });
        } else if (outcome.kind === 'lost') result.lost += 1;
        else result.failedClaims.push({ monitorId: due.monitorId, slot: due.nextRunAt, reason: outcome.reason });
      });
    });
    result.claimed += claimed.length;
    if (claimed.length > 0) {
      try {
        await deps.queue.enqueue(claimed);
      } catch (error) {
        enqueueFailure ??= error;
        const notQueued = error instanceof EnqueueError ? (error.notQueued as ScheduledRequest[]) : claimed;
        unqueued.push(...(await recordUnqueuedSlots(notQueued, error, deps)));
      }
    }
    nextToken = page.nextToken ?? undefined;
  } while (nextToken);

  if (enqueueFailure !== null) throw new TickIncompleteError(result, unqueued, { cause: enqueueFailure });
  await deps.schedule.recordHeartbeat(now);
  return result;
}

/** Records each slot the queue did not take as an `error` run; the slots, each with what happened. */
async function recordUnqueuedSlots(slots: ScheduledRequest[], error: unknown, deps: TickDeps): Promise<SlotFailure[]> {
  const now = deps.clock.now();
  const reason = `could not queue the run: ${error instanceof Error ? error.message : String(error)}`;
  const failures: SlotFailure[] = [];
  for (const slot of slots) {
    const id = scheduledRunId(slot.monitorId, new Date(slot.scheduledFor));
    const run = {
      ...newRun({ id, monitorId: slot.monitorId, trigger: 'schedule', scheduledFor: slot.scheduledFor }, now, deps.runRetentionDays),
      status: 'error' as const,
      finishedAt: now.toISOString(),
      error: reason,
    };
    const recorded = await deps.runs.create(run).then(
      () => 'recorded as an error run',
      (recordError: unknown) => `not recorded as an error run either (${describeError(recordError)})`,
    );
    failures.push({ monitorId: slot.monitorId, slot: slot.scheduledFor, reason: `${describeError(error)}; ${recorded}` });
  }
  return failures;
}
