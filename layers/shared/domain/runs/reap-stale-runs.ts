import type { RunStatus } from '../model/entities.ts';
import type { Clock } from '../model/ports.ts';

/** A run still `queued` or `running`, as the open-runs index lists it. */
export interface OpenRun {
  monitorId: string;
  runId: string;
  status: Extract<RunStatus, 'queued' | 'running'>;
  /** When the run entered its current status (created, or started). */
  since: string;
}

/** Where open runs are found across monitors (a sparse index, not `last_run`). */
export interface OpenRunRepository {
  /** Up to `limit` runs open since before `before`, oldest first per index shard. */
  listOpenSince(before: Date, limit: number): Promise<OpenRun[]>;
  /**
   * Ends the run as `error` with `reason` only if it is still in the status and since the time
   * `open` names (so a run that moved on meanwhile is left alone); false when it was not.
   */
  closeOpen(open: OpenRun, finishedAt: Date, reason: string): Promise<boolean>;
}

export interface ReapDeps {
  runs: OpenRunRepository;
  clock: Clock;
  /** The run timeout plus a margin: a run open longer than this will not finish. */
  staleAfterMs: number;
  /** Said after the age, to point at where to look (the dead-letter queue, local mode's log). */
  hint: string;
  /** Runs the caller knows are alive (local mode's in-memory queue holds them): never closed. */
  isAlive?: (run: OpenRun) => boolean;
  /** Runs closed per call at most; the rest wait for the next tick. */
  limit?: number;
}

/**
 * Closes every run left `queued` or `running` longer than the run timeout plus a margin as an
 * `error` run saying it stopped before it finished — whatever the monitor's `last_run` says,
 * so runs a crash left behind are closed even after newer runs. Returns how many it closed.
 */
export async function reapStaleRuns(deps: ReapDeps): Promise<number> {
  const now = deps.clock.now();
  const stale = await deps.runs.listOpenSince(new Date(now.getTime() - deps.staleAfterMs), deps.limit ?? 500);
  let closed = 0;
  for (const run of stale) {
    if (deps.isAlive?.(run)) continue;
    const seconds = Math.round((now.getTime() - Date.parse(run.since)) / 1000);
    const reason =
      `stopped before it finished: ${run.status} for ${seconds} s, longer than the run timeout plus a margin ` +
      `(${Math.round(deps.staleAfterMs / 1000)} s); ${deps.hint}`;
    if (await deps.runs.closeOpen(run, now, reason)) closed += 1;
  }
  return closed;
}
