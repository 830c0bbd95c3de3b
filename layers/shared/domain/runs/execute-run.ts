import {
  FINAL_STATUSES,
  MAX_STORED_PAYLOAD_BYTES,
  type InputStats,
  type Monitor,
  type MonitorRun,
  type NotificationOutcome,
} from '../model/entities.ts';
import type { CostSnapshot } from '../collect/types.ts';
import type { JudgeRunResult } from '../judge/judge-run.ts';
import type { Feedback } from '../feedback/types.ts';
import type { MetricSeries } from '../numbers/metric-series.ts';
import type { DigestOutcome } from '../numbers/run-digest.ts';
import type { Clock } from '../model/ports.ts';
import type { MonitorRepository } from '../monitors/ports.ts';
import type { RunRepository, RunRequest } from './ports.ts';
import { scheduledRunId } from './run-identity.ts';
import { newRun } from './manage-runs.ts';

/** What collection hands to the judge: the labeled payload and what each label held. */
export interface CollectedPayload {
  text: string;
  inputs: Record<string, InputStats>;
  /** Each label's window lines, for the rules and the rules-only judge. */
  linesByLabel: Map<string, string[]>;
  /** Every label matched its baseline: nothing new, missing or outside its usual range (templates mode). */
  usual?: boolean;
  /** The monitor's newest operator feedback, newest first, read before the window was rendered. */
  feedback?: readonly Feedback[];
  /** Each `metrics` label's series, for the metric rules. */
  seriesByLabel?: Map<string, MetricSeries[]>;
  /** Each `cost` input's label with the snapshot it read (null when it failed), for the cost rules. */
  costSnapshots?: Map<string, CostSnapshot | null>;
}

/** The verdict and its bookkeeping, as the run records it. */
export type JudgedRun = Pick<
  JudgeRunResult,
  'status' | 'summary' | 'findings' | 'rules' | 'judge' | 'redactions' | 'payloadHash' | 'rawReply' | 'error'
> & { payload?: string };

/** Keeps the start of `text` within `maxBytes` of UTF-8, saying how much was left out. */
export function capText(text: string, maxBytes: number): string {
  const encoded = new TextEncoder().encode(text);
  if (encoded.length <= maxBytes) return text;
  const note = `\n… (${encoded.length - maxBytes} more bytes not kept)`;
  const kept = new TextDecoder().decode(encoded.slice(0, maxBytes - note.length * 4)).replace(/\uFFFD$/, '');
  return `${kept}${note}`;
}

/** The three stages of a run, composed from the collect, judge and notify modules. */
export interface RunSteps {
  /** `run` names the run being collected, so its baseline update counts once. */
  collect(monitor: Monitor, deadline: number, run?: Pick<MonitorRun, 'id'>): Promise<CollectedPayload>;
  judge(monitor: Monitor, payload: CollectedPayload, previous: MonitorRun | null, deadline: number): Promise<JudgedRun>;
  /** Never throws for a failed delivery: that is an outcome. */
  notify(run: MonitorRun, monitor: Monitor): Promise<NotificationOutcome[]>;
  /** A `digest` run: reads the cost snapshots and sends the digest, whatever the status (numbers/run-digest.ts). */
  digest(monitor: Monitor, run: MonitorRun): Promise<DigestOutcome>;
}

export interface ExecuteRunDeps {
  monitors: Pick<MonitorRepository, 'get'>;
  runs: RunRepository;
  steps: RunSteps;
  clock: Clock;
  runRetentionDays: number;
  /** Epoch ms by which the run must be written in its final status (the Lambda's end less a margin). */
  deadline: () => number;
}

export type ExecuteRunResult =
  | { outcome: 'finished'; run: MonitorRun }
  /** A redelivery that found the verdict saved but its notifications never recorded. */
  | { outcome: 'notified'; run: MonitorRun }
  | { outcome: 'duplicate'; run: MonitorRun }
  | { outcome: 'gone'; reason: string };

export class RunTimeoutError extends Error {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'RunTimeoutError';
  constructor(seconds: number) {
    super(`the run did not finish in its time budget (${seconds} s) and was stopped`);
    this.name = 'RunTimeoutError';
  }
}

/** Every input of the run failed; the run is an `error` run that keeps each input's error. */
class EveryInputFailedError extends Error {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'EveryInputFailedError';
  constructor(
    readonly inputs: Record<string, InputStats>,
    reasons: string[],
  ) {
    super(`every input failed: ${reasons.join('; ')}`);
    this.name = 'EveryInputFailedError';
  }
}

const isFinal = (run: MonitorRun) => (FINAL_STATUSES as readonly string[]).includes(run.status);

/** Races `work` against the deadline, so a slow step cannot keep the run from being recorded. */
async function beforeDeadline<T>(work: Promise<T>, deadline: number, clock: Clock, startedAt: number): Promise<T> {
  const remaining = deadline - clock.now().getTime();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new RunTimeoutError(Math.round((deadline - startedAt) / 1000))), Math.max(0, remaining));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Finds or creates the run a request names; null when there is nothing (left) to do. */
async function claimRun(request: RunRequest, deps: ExecuteRunDeps): Promise<ExecuteRunResult | MonitorRun> {
  if (request.kind === 'manual') {
    const run = await deps.runs.get(request.monitorId, request.runId);
    if (!run) return { outcome: 'gone', reason: `run ${request.runId} no longer exists` };
    return isFinal(run) ? { outcome: 'duplicate', run } : run;
  }
  const slot = new Date(request.scheduledFor);
  const run = newRun(
    { id: scheduledRunId(request.monitorId, slot), monitorId: request.monitorId, trigger: 'schedule', scheduledFor: request.scheduledFor },
    deps.clock.now(),
    deps.runRetentionDays,
  );
  if (await deps.runs.create(run)) return run;
  // A redelivered message: the run exists. Finish it if an earlier attempt died midway.
  const existing = await deps.runs.get(run.monitorId, run.id);
  if (!existing) return { outcome: 'gone', reason: `run ${run.id} vanished` };
  return isFinal(existing) ? { outcome: 'duplicate', run: existing } : existing;
}

async function previousFinishedRun(run: MonitorRun, runs: RunRepository): Promise<MonitorRun | null> {
  const { items } = await runs.list(run.monitorId, { limit: 10 });
  // A digest run judged nothing: it is never the verdict a run compares itself with.
  return items.find((candidate) => candidate.id < run.id && isFinal(candidate) && candidate.status !== 'error' && candidate.trigger !== 'digest') ?? null;
}

/**
 * Executes one run request: `queued` → `running` → a final status, always. A redelivered
 * request finds its run by id and does nothing twice; a step that fails or overruns the
 * deadline ends the run as `error` with the reason; notifications follow the saved verdict,
 * so a failed delivery never loses it.
 */
export async function executeRun(request: RunRequest, deps: ExecuteRunDeps): Promise<ExecuteRunResult> {
  const monitor = await deps.monitors.get(request.monitorId);
  if (!monitor) return { outcome: 'gone', reason: `monitor ${request.monitorId} no longer exists` };
  const claimed = await claimRun(request, deps);
  if ('outcome' in claimed) {
    // The verdict was saved, then the attempt died before recording its notifications: finish them.
    // (Runs stored before `notificationsPending` tell it by their empty notifications; a digest run is saved final with
    // its deliveries at once: there is nothing left to finish.)
    if (claimed.outcome === 'duplicate' && claimed.run.trigger !== 'digest' && (claimed.run.notificationsPending ?? claimed.run.notifications.length === 0)) {
      return { outcome: 'notified', run: await notifyAndRecord(claimed.run, monitor, deps) };
    }
    return claimed;
  }

  const startedAt = deps.clock.now();
  const running: MonitorRun = { ...claimed, status: 'running', startedAt: startedAt.toISOString() };
  await deps.runs.save(running);
  if (running.trigger === 'digest') return { outcome: 'finished', run: await executeDigest(running, monitor, deps) };

  const deadline = deps.deadline();
  const finished = await collectAndJudge(monitor, running, {
    steps: deps.steps,
    clock: deps.clock,
    deadline,
    startedAt: startedAt.getTime(),
    previous: () => previousFinishedRun(running, deps.runs),
    baselineRun: running,
  });
  finished.notificationsPending = true;
  await deps.runs.save(finished);
  return { outcome: 'finished', run: await notifyAndRecord(finished, monitor, deps) };
}

/**
 * Collects and judges `running` once within the deadline: the run in its final status, with the
 * verdict or, when a step failed or overran the deadline, `error` and the reason. Shared by the
 * runner and the preview (which stores nothing: no `baselineRun`, no previous verdict).
 */
export async function collectAndJudge(
  monitor: Monitor,
  running: MonitorRun,
  options: {
    steps: Pick<RunSteps, 'collect' | 'judge'>;
    clock: Clock;
    deadline: number;
    startedAt: number;
    previous: () => Promise<MonitorRun | null>;
    /** The run whose baseline update this is; absent, no baseline is read or written. */
    baselineRun?: Pick<MonitorRun, 'id'>;
  },
): Promise<MonitorRun> {
  const { steps, clock, deadline } = options;
  try {
    const judged = await beforeDeadline(
      (async () => {
        const payload = await steps.collect(monitor, deadline, options.baselineRun);
        const failed = Object.entries(payload.inputs).filter(([, stats]) => stats.error !== null);
        if (failed.length > 0 && failed.length === Object.keys(payload.inputs).length) {
          // Nothing was read: there is nothing to judge, and saying `ok` would hide the outage.
          throw new EveryInputFailedError(payload.inputs, failed.map(([label, stats]) => `${label}: ${stats.error}`));
        }
        const previous = await options.previous();
        const verdict = await steps.judge(monitor, payload, previous, deadline);
        return { payload, verdict };
      })(),
      deadline,
      clock,
      options.startedAt,
    );
    const { verdict } = judged;
    return {
      ...running,
      status: verdict.status,
      summary: verdict.summary,
      findings: verdict.findings,
      rules: verdict.rules,
      judge: verdict.judge,
      redactions: verdict.redactions,
      payloadHash: verdict.payloadHash,
      payload: verdict.payload === undefined ? null : capText(verdict.payload, MAX_STORED_PAYLOAD_BYTES),
      rawReply: verdict.rawReply,
      error: verdict.error,
      inputs: judged.payload.inputs,
      finishedAt: clock.now().toISOString(),
    };
  } catch (error) {
    return {
      ...running,
      status: 'error',
      summary: null,
      ...(error instanceof EveryInputFailedError && { inputs: error.inputs }),
      error: error instanceof Error ? error.message : String(error),
      finishedAt: clock.now().toISOString(),
    };
  }
}

/**
 * A digest run: sent, then saved final with its deliveries in one write. A crash between the two
 * leaves it `running`, and a redelivery sends it again: at least once, like notices.
 */
async function executeDigest(running: MonitorRun, monitor: Monitor, deps: ExecuteRunDeps): Promise<MonitorRun> {
  let finished: MonitorRun;
  try {
    const outcome = await deps.steps.digest(monitor, running);
    finished = { ...running, ...outcome, finishedAt: deps.clock.now().toISOString() };
  } catch (error) {
    finished = { ...running, status: 'error', error: error instanceof Error ? error.message : String(error), finishedAt: deps.clock.now().toISOString() };
  }
  await deps.runs.save(finished);
  return finished;
}

/** Notifies for a saved final run and records each channel's outcome on it. */
async function notifyAndRecord(run: MonitorRun, monitor: Monitor, deps: ExecuteRunDeps): Promise<MonitorRun> {
  const notifications = await deps.steps.notify(run, monitor).catch((error: unknown): NotificationOutcome[] => [
    {
      channel: null,
      target: null,
      status: 'failed',
      reason: `notification step failed: ${error instanceof Error ? error.message : String(error)}`,
    },
  ]);
  // Saved even when nobody was notified: `notificationsPending` false tells pollers the run is settled.
  const notified = { ...run, notifications, notificationsPending: false };
  await deps.runs.save(notified);
  return notified;
}
