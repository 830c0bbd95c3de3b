import type { Context, SQSEvent } from 'aws-lambda';
import { runnerFromEnvironment } from '#composition/runner.ts';
import { logger, metrics } from '#adapters/powertools/index.ts';
import { PowertoolsRunMetrics } from '#adapters/powertools/run-metrics.ts';
import { withEventHandler } from '#adapters/powertools/with-handler.ts';
import { processBatch } from './process-batch.ts';

/** A run is started only with at least this long left before the margin. */
const MINIMUM_RUN_MS = 30_000;

let composed: ReturnType<typeof runnerFromEnvironment> | undefined;
const runMetrics = new PowertoolsRunMetrics(metrics);

export const handler = withEventHandler(async (event: SQSEvent, context: Context) => {
  composed ??= runnerFromEnvironment(process.env);
  const { runner, marginMs } = composed;
  return processBatch(event, {
    execute: runner,
    remainingMs: () => context.getRemainingTimeInMillis(),
    marginMs,
    minimumRunMs: MINIMUM_RUN_MS,
    now: () => Date.now(),
    log: (message, fields) => logger.info(message, fields),
    record: (result) => runMetrics.record(result),
  });
});
