import { CLAIM_BATCH_LIMIT, type ClaimOutcome, type ScheduleRepository } from './ports.ts';
import { EnqueueError, type RunQueue, type RunRequest, type RunRepository } from '../runs/ports.ts';
import type { Clock } from '../model/ports.ts';
import { scheduledRunId } from '../runs/run-identity.ts';
import { forEachConcurrently } from '../model/concurrency.ts';
import { nextScheduledSlot, scheduleOf } from './schedule-expression.ts';
import { newRun } from '../runs/manage-runs.ts';
import { describeError } from '../notify/channels.ts';

/** A slot the tick could not handle: whose, which, and why (an error's name and first line, credentials removed). */
export interface SlotFailure {
  monitorId: string;
  slot: string;
  reason: string;
}
import { digestRunId, digestSlot } from '../numbers/digest.ts';

export interface TickResult {
  due: number;
  claimed: number;
  /** Slots another scheduler claimed first (overlapping ticks). */
  lost: number;
  /** Claims that failed (throttling, say), each with its monitor and why: their slots stay due for the next tick. */
  failedClaims: SlotFailure[];
  /** Runs the runner never finished, closed as `error` (see {@link STALE_RUN_MS}). */
  closedStaleRuns: number;
  /** Digest runs created and queued (at most one per monitor and day). */
  digests: number;
  /** How late the most overdue due slot was at this tick, in seconds (0 when none was due). */
  lagSeconds: number;
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
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'TickIncompleteError';
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

/**
 * Where a claim moves a monitor whose cron fires no more (its last year has passed): its last
 * slot still runs once, and the due index never returns it again.
 */
const NEVER_AGAIN = new Date('9999-12-31T00:00:00.000Z');

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
  const result: TickResult = { due: 0, claimed: 0, lost: 0, failedClaims: [], closedStaleRuns: 0, digests: 0, lagSeconds: 0 };
  result.closedStaleRuns += (await deps.reap?.()) ?? 0;
  let enqueueFailure: unknown = null;
  const unqueued: SlotFailure[] = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.schedule.listDue(now, { limit: deps.pageSize ?? 100, ...(nextToken && { nextToken }) });
    const claimed: ScheduledRequest[] = [];
    const withDigest = new Map<string, number>();
    result.due += page.items.length;
    for (const due of page.items) result.lagSeconds = Math.max(result.lagSeconds, (now.getTime() - Date.parse(due.nextRunAt)) / 1000);
    await forEachConcurrently(chunk(page.items, CLAIM_BATCH_LIMIT), deps.claimConcurrency ?? CLAIM_CONCURRENCY, async (batch) => {
      const claims = batch.map((due) => ({
        monitorId: due.monitorId,
        from: due.nextRunAt,
        to: (nextScheduledSlot(scheduleOf(due, now), now, due.monitorId) ?? NEVER_AGAIN).toISOString(),
      }));
      const outcomes = await deps.schedule.claimMany(claims).catch((error: unknown) =>
        claims.map((): ClaimOutcome => ({ kind: 'failed', reason: describeError(error) })),
      );
      batch.forEach((due, i) => {
        const outcome: ClaimOutcome = outcomes[i] ?? { kind: 'failed', reason: 'the store returned no outcome for this claim' };
        if (outcome.kind === 'claimed') {
          claimed.push({ kind: 'schedule', monitorId: due.monitorId, scheduledFor: due.nextRunAt });
          if (due.digestHourUtc != null) withDigest.set(due.monitorId, due.digestHourUtc);
        } else if (outcome.kind === 'lost') result.lost += 1;
        else result.failedClaims.push({ monitorId: due.monitorId, slot: due.nextRunAt, reason: outcome.reason });
      });
    });
    result.claimed += claimed.length;
    const slotsFailure = await enqueueOrRecord(claimed, deps, unqueued, (notQueued, error) => recordUnqueuedSlots(notQueued as ScheduledRequest[], error, deps));
    const digests = await createDueDigests(withDigest, now, deps);
    result.digests += digests.length;
    const digestsFailure = await enqueueOrRecord(digests, deps, unqueued, (notQueued, error) => recordUnqueuedDigests(notQueued, error, deps));
    enqueueFailure ??= slotsFailure ?? digestsFailure;
    nextToken = page.nextToken ?? undefined;
  } while (nextToken);

  if (enqueueFailure !== null) throw new TickIncompleteError(result, unqueued, { cause: enqueueFailure });
  await deps.schedule.recordHeartbeat(now);
  return result;
}

/**
 * Queues `requests`; those the queue did not take are recorded by `record` (their failures added
 * to `unqueued`), and the queue's error returned (null when all were queued).
 */
async function enqueueOrRecord(
  requests: RunRequest[],
  deps: Pick<TickDeps, 'queue'>,
  unqueued: SlotFailure[],
  record: (notQueued: RunRequest[], error: unknown) => Promise<SlotFailure[]>,
): Promise<unknown> {
  if (requests.length === 0) return null;
  try {
    await deps.queue.enqueue(requests);
    return null;
  } catch (error) {
    unqueued.push(...(await record(error instanceof EnqueueError ? error.notQueued : requests, error)));
    return error;
  }
}

/**
 * The digest runs that are due: for each monitor whose slot this tick claimed and whose digest
 * hour has come today (UTC), the day's digest run, created `queued` with an id made of (monitor,
 * day) by a conditional write, so overlapping ticks, retries and later slots the same day never
 * make a second one. A read first spares the write on every slot after the first. The run exists
 * before it is queued: local mode resends queued runs at start, and the reaper closes one whose
 * message was lost.
 */
async function createDueDigests(withDigest: ReadonlyMap<string, number>, now: Date, deps: TickDeps): Promise<RunRequest[]> {
  const requests: RunRequest[] = [];
  for (const [monitorId, hourUtc] of withDigest) {
    const slot = digestSlot(now, hourUtc);
    if (slot === null) continue;
    const id = digestRunId(monitorId, slot);
    if ((await deps.runs.get(monitorId, id)) !== null) continue;
    const run = newRun({ id, monitorId, trigger: 'digest', scheduledFor: slot.toISOString() }, now, deps.runRetentionDays);
    if (await deps.runs.create(run)) requests.push({ kind: 'manual', monitorId, runId: id });
  }
  return requests;
}

/** Records each digest run the queue did not take as an `error` run; each with what happened. */
async function recordUnqueuedDigests(requests: readonly RunRequest[], error: unknown, deps: TickDeps): Promise<SlotFailure[]> {
  const reason = `could not queue the digest run: ${error instanceof Error ? error.message : String(error)}`;
  const failures: SlotFailure[] = [];
  for (const request of requests) {
    if (request.kind !== 'manual') continue;
    const recorded = await deps.runs
      .get(request.monitorId, request.runId)
      .then(async (run) => {
        if (run === null) return 'not recorded: the run is gone';
        await deps.runs.save({ ...run, status: 'error', finishedAt: deps.clock.now().toISOString(), error: reason });
        return 'recorded as an error run';
      })
      .catch((recordError: unknown) => `not recorded as an error run either (${describeError(recordError)})`);
    failures.push({ monitorId: request.monitorId, slot: `digest run ${request.runId}`, reason: `${describeError(error)}; ${recorded}` });
  }
  return failures;
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
