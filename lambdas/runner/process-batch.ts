import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from '#domain/model/schema.ts';
import type { RunRequest } from '#domain/runs/ports.ts';
import type { ExecuteRunResult } from '#domain/runs/execute-run.ts';

const runRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('schedule'), monitorId: z.string().check(z.minLength(1)), scheduledFor: z.iso.datetime() }),
  z.object({ kind: z.literal('manual'), monitorId: z.string().check(z.minLength(1)), runId: z.string().check(z.minLength(1)) }),
]);

export interface BatchDeps {
  execute(request: RunRequest, deadline: number): Promise<ExecuteRunResult>;
  /** Milliseconds left in this invocation. */
  remainingMs(): number;
  /** Kept back from the invocation's end so a run is always written in its final status. */
  marginMs: number;
  /** A run is only started with at least this much time before the margin. */
  minimumRunMs: number;
  now(): number;
  log(message: string, fields: Record<string, unknown>): void;
  /** Told every handled run (its status, duration and notifications become metrics). */
  record?(result: ExecuteRunResult): void;
}

/**
 * Runs the batch's records one after another. A record that fails (or is malformed, or that
 * there is no time left to start) is reported as a batch item failure so SQS redelivers it,
 * and after three receives moves it to the dead-letter queue, whose alarm tells someone.
 */
export async function processBatch(event: SQSEvent, deps: BatchDeps): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const fail = (reason: string, fields: Record<string, unknown> = {}) => {
      deps.log(reason, { messageId: record.messageId, ...fields });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    };
    let request: RunRequest;
    try {
      request = runRequestSchema.parse(JSON.parse(record.body));
    } catch (error) {
      fail('malformed run message', { error: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const available = deps.remainingMs() - deps.marginMs;
    if (available < deps.minimumRunMs) {
      fail('not enough time left to start the run; handing it back', { availableMs: available });
      continue;
    }
    try {
      const result = await deps.execute(request, deps.now() + available);
      deps.log('run handled', { messageId: record.messageId, outcome: result.outcome, monitorId: request.monitorId });
      deps.record?.(result);
    } catch (error) {
      fail('run failed before reaching a final status', { error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { batchItemFailures };
}
