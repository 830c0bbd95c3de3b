import { createStore, type Store } from '#adapters/dynamo/index.ts';
import type { Clock } from '#domain/model/ports.ts';
import type { RunQueue } from '#domain/runs/ports.ts';
import type { ScheduleRepository } from '#domain/scheduling/ports.ts';
import { reapStaleRuns } from '#domain/runs/reap-stale-runs.ts';
import { STALE_RUN_MS, type TickDeps } from '#domain/scheduling/scheduler.ts';
import { systemClock } from './clock.ts';
import { readEnvironment } from './environment.ts';
import { sqsRunQueue } from './run-queue.ts';
import { openTable } from './table.ts';

/**
 * The scheduler tick's ports: claims in the store, runs enqueued to `queue`, and the reaper that
 * closes runs left open. Local mode hands in its own claim wrapper and reaper.
 */
export function schedulerTick(options: {
  store: Store;
  queue: RunQueue;
  clock: Clock;
  runRetentionDays: number;
  schedule?: ScheduleRepository;
  reap?: () => Promise<number>;
}): TickDeps {
  const { store, clock } = options;
  return {
    schedule: options.schedule ?? store.schedule,
    runs: store.runs,
    queue: options.queue,
    clock,
    runRetentionDays: options.runRetentionDays,
    reap:
      options.reap ??
      (() =>
        reapStaleRuns({
          runs: store.runs,
          clock,
          // Three receives of up to 15 minutes each, plus a margin: no attempt can still be alive.
          staleAfterMs: STALE_RUN_MS,
          hint: "see the run queue's dead-letter queue and the runner's logs",
        })),
  };
}

/** The scheduler function's composition root: the table and the run queue. */
export function schedulerTickFromEnvironment(env: Record<string, string | undefined>): TickDeps {
  const config = readEnvironment('scheduler', env);
  return schedulerTick({
    store: createStore(openTable(config.TABLE_NAME)),
    queue: sqsRunQueue(config.RUN_QUEUE_URL),
    clock: systemClock,
    runRetentionDays: config.RUN_RETENTION_DAYS,
  });
}
