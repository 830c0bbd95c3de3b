/** `POST /log-sources/{id}/test`: a small recent sample read the way a run reads. */
import type { LogSource, Target } from '../model/entities.ts';
import type { Clock } from '../model/ports.ts';
import { beforeDeadline, seconds } from '../collect/bounded.ts';
import { READ_GRACE_MS } from '../collect/collect-inputs.ts';
import { describeReadFailure } from '../collect/errors.ts';
import type { SourceReaders } from '../collect/ports.ts';
import { readSource, type SourceQuery } from '../collect/read-source.ts';
import { formatLine } from '../collect/window.ts';

export const TEST_LOOKBACK_MINUTES = 60;
/** Lines read for the count; the sample shows the newest {@link SAMPLE_LINES}. */
export const TEST_READ_LINES = 200;
export const SAMPLE_LINES = 20;

export interface LogSourceTestResult {
  ok: boolean;
  message: string;
  /** At most {@link SAMPLE_LINES} newest lines, formatted as the payload shows them. */
  sample: string[];
  lineCount: number;
}

export interface TestLogSourceDeps {
  readers: SourceReaders;
  clock: Clock;
  /** @default 10000 */
  timeoutMs?: number;
  /** Hours between cost snapshots (the stack's schedule). */
  costCollectorHours: number;
}

function sampleQuery(source: LogSource): SourceQuery {
  switch (source.mode) {
    case 'cloudwatch_logs':
    case 'ecs':
      return { mode: 'filter', filterPattern: '' };
    case 'cost_explorer':
      return { mode: 'cost' };
    case 'file':
      return { mode: 'tail' };
  }
}

/**
 * Reads a sample of `source` (logs of the last hour, a file's newest lines, the latest cost
 * snapshot). Never throws for an AWS or file problem: `ok:false` with what to fix (which
 * permission, which group, which file) instead.
 */
export async function testLogSource(source: LogSource, target: Target, deps: TestLogSourceDeps): Promise<LogSourceTestResult> {
  const now = deps.clock.now().getTime();
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const failed = (message: string): LogSourceTestResult => ({ ok: false, message, sample: [], lineCount: 0 });
  const window = {
    start: new Date(now - TEST_LOOKBACK_MINUTES * 60_000),
    end: new Date(now),
    maxLines: TEST_READ_LINES,
    deadline: now + Math.max(0, timeoutMs - READ_GRACE_MS),
  };
  const context = { readers: deps.readers, clock: deps.clock, costCollectorHours: deps.costCollectorHours };
  try {
    const outcome = await beforeDeadline(readSource(source, target, sampleQuery(source), window, context), now + timeoutMs, deps.clock);
    if (!outcome.done) return failed(`timed out after ${seconds(timeoutMs)} reading log source "${source.name}"`);
    const { lines, notes, where } = outcome.value;
    const span = source.mode === 'cloudwatch_logs' || source.mode === 'ecs' ? ` in the last ${TEST_LOOKBACK_MINUTES} minutes` : '';
    const count = lines.length >= TEST_READ_LINES ? `the newest ${lines.length}` : `${lines.length}`;
    const summary =
      lines.length === 0 ? `${where} is readable but had no lines${span}` : `read ${count} ${lines.length === 1 ? 'line' : 'lines'} from ${where}${span}`;
    return {
      ok: true,
      message: [summary, ...notes].join('; '),
      sample: lines.slice(-SAMPLE_LINES).map(formatLine),
      lineCount: lines.length,
    };
  } catch (error) {
    return failed(describeReadFailure(error));
  }
}
