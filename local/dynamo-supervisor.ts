import { startDynamoLocal, type DynamoLocal } from './dynamo-local.ts';

/** Local mode's view of the database: up or down, and what to do when it is back. */
export interface DatabaseStatus {
  /** False while DynamoDB Local is down or restarting. */
  available(): boolean;
  /** Resolves once the database answers again (at once when it does). */
  whenAvailable(): Promise<void>;
}

export interface DynamoSupervisor extends DatabaseStatus {
  endpoint: string;
  /** Called after each restart, once DynamoDB Local answers again. */
  onRestart(listener: () => Promise<void>): void;
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  dataDir: string;
  log: (line: string) => void;
  /** First wait before a restart; doubles after each failed attempt up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Up this long, the backoff starts again from `initialBackoffMs`. */
  stableAfterMs?: number;
  /** Starts DynamoDB Local (tests hand in their own). */
  start?: typeof startDynamoLocal;
}

function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/**
 * Runs DynamoDB Local for local mode and restarts it when it exits without being asked to,
 * on the same port and data folder, with exponential backoff, saying so in the log. While it is
 * down {@link DatabaseStatus.available} is false, so the API can answer 503 and the runner wait.
 */
export async function superviseDynamoLocal(options: SupervisorOptions): Promise<DynamoSupervisor> {
  const start = options.start ?? startDynamoLocal;
  const initialBackoffMs = options.initialBackoffMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const stableAfterMs = options.stableAfterMs ?? 60_000;
  const { log } = options;

  let current: DynamoLocal = await start({ dataDir: options.dataDir });
  const port = Number(new URL(current.endpoint).port);
  let up = true;
  let stopping = false;
  let waiters: Array<() => void> = [];
  const listeners: Array<() => Promise<void>> = [];
  let restarting: Promise<void> = Promise.resolve();
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((done) => {
      const timer = setTimeout(done, ms);
      wake = () => {
        clearTimeout(timer);
        done();
      };
    });

  const watch = (instance: DynamoLocal, startedAt: number, backoffMs: number) => {
    void instance.exited.then((exit) => {
      if (stopping || instance !== current) return;
      up = false;
      const next = Date.now() - startedAt >= stableAfterMs ? initialBackoffMs : backoffMs;
      log(`DynamoDB Local exited unexpectedly (${describeExit(exit)}); the API answers 503 until it is back`);
      restarting = restart(next);
    });
  };

  const restart = async (firstWaitMs: number) => {
    for (let waitMs = firstWaitMs; !stopping; waitMs = Math.min(waitMs * 2, maxBackoffMs)) {
      log(`restarting DynamoDB Local in ${(waitMs / 1000).toFixed(1)} s`);
      await sleep(waitMs);
      if (stopping) return;
      try {
        current = await start({ dataDir: options.dataDir, port });
      } catch (error) {
        log(`DynamoDB Local did not restart: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
        continue;
      }
      if (stopping) {
        await current.stop();
        return;
      }
      watch(current, Date.now(), Math.min(waitMs * 2, maxBackoffMs));
      for (const listener of listeners) {
        await listener().catch((error: unknown) => log(`after the restart: ${error instanceof Error ? error.message : String(error)}`));
      }
      up = true;
      log(`DynamoDB Local is back on ${current.endpoint}`);
      for (const done of waiters) done();
      waiters = [];
      return;
    }
  };

  watch(current, Date.now(), initialBackoffMs);
  return {
    endpoint: current.endpoint,
    available: () => up,
    whenAvailable: () => (up ? Promise.resolve() : new Promise<void>((done) => waiters.push(done))),
    onRestart: (listener) => listeners.push(listener),
    async stop() {
      stopping = true;
      wake?.();
      await restarting;
      await current.stop();
      for (const done of waiters) done();
      waiters = [];
    },
  };
}
