/**
 * Scheduler benchmark on DynamoDB Local.
 *
 *   npm run bench:scheduler -- [--monitors N] [--interval S] [--claim-concurrency C] [--json]
 *
 * Writes N enabled monitors of one interval (default 300 s) straight into a fresh table with
 * BatchWriteItem, as the store would write them (due shard and offset slot included), then runs
 * the real scheduler tick (the DynamoDB store, the SQS run queue over a client that accepts every
 * batch) once a minute of simulated time across one whole interval. Each tick is timed on the wall
 * clock; requests are the DynamoDB commands plus the SQS SendMessageBatch calls it made.
 * Every monitor must be claimed exactly once in the interval, or the benchmark fails.
 */
import { loadavg } from 'node:os';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { Monitor } from '#domain/model/entities.ts';
import { forEachConcurrently } from '#domain/model/concurrency.ts';
import { nextSlotAfter } from '#domain/scheduling/schedule.ts';
import { tick, type TickResult } from '#domain/scheduling/scheduler.ts';
import { createStore } from '#adapters/dynamo/index.ts';
import { duePartitionOf, ENTITY, keys } from '#adapters/dynamo/keys.ts';
import { SqsRunQueue } from '#adapters/sqs/sqs-run-queue.ts';
import { documentClient } from '#composition/table.ts';
import { ensureTable, localDynamoClient, startDynamoLocal } from '#local/dynamo-local.ts';

const TICK_SECONDS = 60;
const BATCH_WRITE_LIMIT = 25;
/** The start of the simulated interval: monitors are created here, ticks follow each minute. */
const START = new Date('2026-11-27T12:00:00.000Z');

interface Args {
  readonly monitors: number;
  readonly intervalSeconds: number;
  readonly json: boolean;
  /** Claim transactions in flight; the scheduler's default when not given. */
  readonly claimConcurrency?: number;
}

function parseArgs(argv: readonly string[]): Args {
  let monitors = 10_000;
  let intervalSeconds = 300;
  let json = false;
  let claimConcurrency: number | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--monitors') monitors = Number(argv[++i]);
    else if (arg === '--interval') intervalSeconds = Number(argv[++i]);
    else if (arg === '--claim-concurrency') claimConcurrency = Number(argv[++i]);
    else throw new Error(`unknown option ${arg} (use [--monitors N] [--interval S] [--claim-concurrency C] [--json])`);
  }
  if (!Number.isInteger(monitors) || monitors < 1) throw new Error('--monitors must be a positive integer');
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < TICK_SECONDS || intervalSeconds % TICK_SECONDS !== 0) {
    throw new Error(`--interval must be a multiple of ${TICK_SECONDS} seconds`);
  }
  if (claimConcurrency !== undefined && (!Number.isInteger(claimConcurrency) || claimConcurrency < 1)) {
    throw new Error('--claim-concurrency must be a positive integer');
  }
  return { monitors, intervalSeconds, json, ...(claimConcurrency !== undefined && { claimConcurrency }) };
}

/** A monitor as the API would create it at `START`, enabled, reading one log source. */
function benchMonitor(intervalSeconds: number): Monitor {
  const id = ulid();
  return {
    id,
    name: `bench monitor ${id}`,
    logSourceId: 'BENCHSOURCE',
    enabled: true,
    intervalSeconds,
    prompt: 'Look for errors, stuck loops and abnormal latency; say which service is affected.',
    inputs: [{ label: 'FULL_LOGS', mode: 'filter', filterPattern: '' }],
    rules: [],
    windowConfig: { maxLines: 500, maxChars: 8000, mode: 'templates' },
    notificationConfig: { emailRecipients: [], smsNumbers: [], notifyOn: 'alert_only', cooldownMinutes: 60 },
    model: {},
    nextRunAt: nextSlotAfter(START, intervalSeconds, id).toISOString(),
    lastRun: null,
    alertState: null,
    version: 1,
    createdAt: START.toISOString(),
    updatedAt: START.toISOString(),
  } as Monitor;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const loadBefore = loadavg();
  const dynamo = await startDynamoLocal();
  try {
    const client = localDynamoClient(dynamo.endpoint);
    let dynamoRequests = 0;
    client.middlewareStack.add(
      (next) => async (input) => {
        dynamoRequests += 1;
        return next(input);
      },
      { step: 'initialize', name: 'countRequests' },
    );
    const table = { client: documentClient(client), name: 'vigil-bench-scheduler' };
    await ensureTable(client, table.name);

    const setupStarted = Date.now();
    const items = Array.from({ length: args.monitors }, () => {
      const monitor = benchMonitor(args.intervalSeconds);
      return {
        ...keys.monitor(monitor.id),
        typePk: ENTITY.monitor,
        typeSk: monitor.id,
        ...monitor,
        duePk: duePartitionOf(monitor.id),
        dueAt: monitor.nextRunAt,
      };
    });
    const batches: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) batches.push(items.slice(i, i + BATCH_WRITE_LIMIT));
    await forEachConcurrently(batches, 4, async (batch) => {
      let pending: Array<{ PutRequest: { Item: Record<string, unknown> } }> = batch.map((item) => ({ PutRequest: { Item: item } }));
      while (pending.length > 0) {
        const result = await table.client.send(new BatchWriteCommand({ RequestItems: { [table.name]: pending } }));
        pending = (result.UnprocessedItems?.[table.name] ?? []).flatMap((r) => (r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : []));
      }
    });
    log(`wrote ${args.monitors} monitors in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`);

    let sqsRequests = 0;
    const sqs = {
      send: async () => {
        sqsRequests += 1;
        return { Successful: [], Failed: [] };
      },
    } as unknown as SQSClient;
    const store = createStore(table);
    // Where a tick's time goes: reading the due index, or claiming (summed over concurrent calls).
    const spent = { listMs: 0, claimMs: 0 };
    const schedule = Object.assign(Object.create(store.schedule) as typeof store.schedule, {
      listDue: async (...args: Parameters<typeof store.schedule.listDue>) => {
        const started = performance.now();
        try {
          return await store.schedule.listDue(...args);
        } finally {
          spent.listMs += performance.now() - started;
        }
      },
      claimMany: async (...args: Parameters<typeof store.schedule.claimMany>) => {
        const started = performance.now();
        try {
          return await store.schedule.claimMany(...args);
        } finally {
          spent.claimMs += performance.now() - started;
        }
      },
    });
    const queue = new SqsRunQueue(sqs, 'https://sqs.bench.invalid/vigil-runs');

    const ticks: Array<TickResult & { at: string; ms: number; nodeCpuMs: number; requests: number }> = [];
    for (let at = TICK_SECONDS; at <= args.intervalSeconds; at += TICK_SECONDS) {
      const now = new Date(START.getTime() + at * 1000);
      const requestsBefore = dynamoRequests + sqsRequests;
      const cpuBefore = process.cpuUsage();
      spent.listMs = 0;
      spent.claimMs = 0;
      const started = performance.now();
      const result = await tick({
        schedule,
        runs: store.runs,
        queue,
        clock: { now: () => now },
        runRetentionDays: 90,
        ...(args.claimConcurrency !== undefined && { claimConcurrency: args.claimConcurrency }),
      });
      const ms = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const nodeCpuMs = (cpu.user + cpu.system) / 1000;
      ticks.push({ ...result, at: now.toISOString(), ms, nodeCpuMs, requests: dynamoRequests + sqsRequests - requestsBefore });
      log(`tick ${now.toISOString()}: due ${result.due}, claimed ${result.claimed}, ${Math.round(ms)} ms (${Math.round(nodeCpuMs)} ms CPU in Node, ${Math.round(spent.listMs)} ms in listDue, ${Math.round(spent.claimMs)} ms summed over claim batches), ${ticks.at(-1)?.requests} requests, load ${loadavg()[0]?.toFixed(1)}`);
    }

    const claimedTotal = ticks.reduce((sum, t) => sum + t.claimed, 0);
    const failedClaims = ticks.reduce((sum, t) => sum + t.failedClaims.length, 0);
    const sortedMs = ticks.map((t) => t.ms).sort((a, b) => a - b);
    const figures = {
      monitors: args.monitors,
      interval_seconds: args.intervalSeconds,
      ticks: ticks.length,
      due_per_tick_max: Math.max(...ticks.map((t) => t.due)),
      due_per_tick_min: Math.min(...ticks.map((t) => t.due)),
      claimed_total: claimedTotal,
      failed_claims: failedClaims,
      tick_ms_p50: Math.round(percentile(sortedMs, 50)),
      tick_ms_max: Math.round(sortedMs.at(-1) ?? 0),
      requests_per_tick_max: Math.max(...ticks.map((t) => t.requests)),
      requests_per_due_monitor_max: Math.max(...ticks.map((t) => t.requests / Math.max(1, t.due))),
      load_average_before: loadBefore.map((v) => Number(v.toFixed(2))),
      load_average_after: loadavg().map((v) => Number(v.toFixed(2))),
      per_tick: ticks.map((t) => ({ at: t.at, due: t.due, claimed: t.claimed, ms: Math.round(t.ms), node_cpu_ms: Math.round(t.nodeCpuMs), requests: t.requests })),
    };
    if (args.json) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    else {
      for (const [name, value] of Object.entries(figures)) if (name !== 'per_tick') process.stdout.write(`${name.padEnd(30)} ${JSON.stringify(value)}\n`);
    }
    if (claimedTotal !== args.monitors || failedClaims > 0) {
      throw new Error(`expected every monitor claimed once in the interval: claimed ${claimedTotal} of ${args.monitors}, ${failedClaims} failed claims`);
    }
    client.destroy();
  } finally {
    await dynamo.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
