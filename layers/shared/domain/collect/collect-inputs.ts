/** Collecting a monitor's labeled inputs, concurrently, within the run's time budget. */
import type { LogSource, Monitor, MonitorInput, Target, WindowConfig } from '../model/entities.ts';
import type { Clock } from '../model/ports.ts';
import { beforeDeadline, mapBounded, seconds } from './bounded.ts';
import { describeReadFailure, SourceReadError } from './errors.ts';
import type { SourceReaders } from './ports.ts';
import { readSource, type SourceQuery } from './read-source.ts';
import type { CollectedInput } from './types.ts';

/**
 * Readers get their deadline this much before the run's, so an Insights query can still be
 * stopped and partial results returned before the input is given up on.
 */
export const READ_GRACE_MS = 1_000;

/** In templates mode every pattern counts, so more lines are read than the window shows. */
export const TEMPLATE_READ_LINES = 10_000;

export interface CollectDeps {
  readers: SourceReaders;
  clock: Clock;
  /** Epoch milliseconds by which collection must stop. */
  deadline: number;
  /** Inputs read at the same time. */
  concurrency: number;
  /** Hours between cost snapshots (the stack's schedule): what a source without one yet is told. */
  costCollectorHours: number;
}

/**
 * How many lines a read asks for: in `raw` mode one more than the window, so the window can
 * tell that it was cut (`truncated`); more in `templates` mode, where every pattern counts.
 */
export function readLimit(window: WindowConfig): number {
  return window.mode === 'templates' ? Math.max(window.maxLines, TEMPLATE_READ_LINES) : window.maxLines + 1;
}

function queryOf(input: MonitorInput): SourceQuery {
  switch (input.mode) {
    case 'filter':
      return { mode: 'filter', filterPattern: input.filterPattern };
    case 'insights':
      return { mode: 'insights', query: input.query };
    case 'cost':
      return input.lookbackMinutes === undefined ? { mode: 'cost' } : { mode: 'cost', lookbackMinutes: input.lookbackMinutes };
    case 'tail':
      return input.match === undefined ? { mode: 'tail' } : { mode: 'tail', match: input.match };
  }
}

function sourceOf(
  input: MonitorInput,
  monitor: Monitor,
  sources: ReadonlyMap<string, LogSource>,
  targets: ReadonlyMap<string, Target>,
): { source: LogSource; target: Target } {
  const sourceId = input.logSourceId ?? monitor.logSourceId;
  const source = sources.get(sourceId);
  if (!source) throw new SourceReadError(`log source ${sourceId} not found`, 'not_found');
  const target = targets.get(source.targetId);
  if (!target) throw new SourceReadError(`target ${source.targetId} of log source "${source.name}" not found`, 'not_found');
  return { source, target };
}

async function collectOne(
  input: MonitorInput,
  monitor: Monitor,
  sources: ReadonlyMap<string, LogSource>,
  targets: ReadonlyMap<string, Target>,
  deps: CollectDeps,
): Promise<CollectedInput> {
  const failed = (error: string): CollectedInput => ({ label: input.label, mode: input.mode, lines: [], error, notes: [] });
  const started = deps.clock.now().getTime();
  if (started >= deps.deadline) return failed('not read: the collection time budget ran out before this input started');
  try {
    const { source, target } = sourceOf(input, monitor, sources, targets);
    const lookbackMinutes = input.lookbackMinutes ?? monitor.intervalSeconds / 60;
    const window = {
      start: new Date(started - lookbackMinutes * 60_000),
      end: new Date(started),
      maxLines: readLimit(monitor.windowConfig),
      deadline: Math.max(started, deps.deadline - READ_GRACE_MS),
    };
    const context = { readers: deps.readers, clock: deps.clock, costCollectorHours: deps.costCollectorHours };
    const outcome = await beforeDeadline(readSource(source, target, queryOf(input), window, context), deps.deadline, deps.clock);
    if (!outcome.done) return failed(`timed out after ${seconds(deps.deadline - started)}`);
    return { label: input.label, mode: input.mode, lines: outcome.value.lines, error: null, notes: outcome.value.notes };
  } catch (error) {
    return failed(describeReadFailure(error));
  }
}

/**
 * Collects every input of `monitor`, in its order, at most `concurrency` at a time. An input
 * that cannot be read (missing permission or group, throttled, timed out, past `deadline`)
 * carries its error instead of lines and does not stop the others: this never rejects.
 * `sources` and `targets` are keyed by id and hold every source the inputs reference.
 */
export function collectInputs(
  monitor: Monitor,
  sources: ReadonlyMap<string, LogSource>,
  targets: ReadonlyMap<string, Target>,
  deps: CollectDeps,
): Promise<CollectedInput[]> {
  return mapBounded(monitor.inputs, deps.concurrency, (input) => collectOne(input, monitor, sources, targets, deps));
}
