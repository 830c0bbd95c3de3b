import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { expect } from 'vitest';
import type { RunQueue, RunRequest } from '#domain/runs/ports.ts';
import type { ManagementContext } from '#domain/model/management-context.ts';
import type { LocalFileAccess } from '#adapters/files/file-access.ts';
import type { AnomalyFeedbackSender } from '#domain/feedback/ports.ts';
import type { Table } from '#adapters/dynamo/index.ts';
import { NO_MODEL_IN_API, ulidGenerator } from '#composition/management.ts';
import { monitorPreviewer, uncountedJudgeMetrics } from '#composition/preview.ts';
import { sourceReaders } from '#composition/readers.ts';
import { guardedJudge } from '#composition/runner.ts';
import { LocalFileTailer } from '#adapters/files/file-tailer.ts';
import { DEFAULT_MODEL_ID } from '#domain/judge/prices.ts';
import type { Judge } from '#domain/judge/ports.ts';
import { createApi } from '../../lambdas/api/handler.ts';
import { createTestStore } from './store.ts';

/** An API Gateway REST proxy event as the `{proxy+}` integration delivers it. */
export function apiEvent(
  method: string,
  path: string,
  options: { body?: unknown; query?: Record<string, string>; headers?: Record<string, string>; rawBody?: string } = {},
): APIGatewayProxyEvent {
  const body = options.rawBody ?? (options.body === undefined ? null : JSON.stringify(options.body));
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers: { 'Content-Type': 'application/json', 'x-api-key': 'test-key', ...options.headers },
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: { sourceIp: '127.0.0.1', apiKey: 'test-key' } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/prod${path}`,
      stage: 'prod',
      requestId: 'req-1',
      requestTimeEpoch: 1_795_000_000_000,
      resourceId: 'res',
      resourcePath: '/{proxy+}',
    },
    body,
    isBase64Encoded: false,
  };
}

/** A queue that remembers what it was given, or fails when told to. */
export class RecordingQueue implements RunQueue {
  readonly sent: RunRequest[] = [];
  failWith: Error | null = null;

  async enqueue(messages: RunRequest[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(...messages);
  }
}

export interface ApiHarness {
  call(method: string, path: string, options?: Parameters<typeof apiEvent>[2]): Promise<{ status: number; body: any; headers: Record<string, string> }>;
  ctx: ManagementContext;
  queue: RecordingQueue;
  clock: { now: () => Date; set(iso: string): void };
  scanAll: () => Promise<Record<string, unknown>[]>;
  /** The table under the API, for writing what only other functions write (cost snapshots). */
  table: Table;
  /** Asserts a request is refused with `status` and that the table did not change. */
  expectRejected(status: number, method: string, path: string, options?: Parameters<typeof apiEvent>[2]): Promise<any>;
}

/** The real API handler over a fresh DynamoDB Local table; `fileAccess` is local mode's file roots. */
export async function createApiHarness(
  settings: Partial<ManagementContext['settings']> = {},
  parts: { fileAccess?: LocalFileAccess; model?: Judge; anomalyFeedback?: AnomalyFeedbackSender } = {},
): Promise<ApiHarness> {
  const { table, store, scanAll } = await createTestStore('vigil-api');
  const queue = new RecordingQueue();
  let now = new Date('2026-11-21T10:00:00.000Z');
  const clock = { now: () => new Date(now), set: (iso: string) => (now = new Date(iso)) };
  const ctx: ManagementContext = {
    ...store,
    runHistory: store.runs,
    queue,
    clock,
    ids: ulidGenerator,
    settings: { localMode: false, runRetentionDays: 90, ...settings },
    sourceTester: {
      test: async (source) => ({ ok: true, message: `tested ${source.name}`, sample: ['line 1'], lineCount: 1 }),
    },
    // The API function's previewer: the real readers (files where local mode's roots are given).
    previewer: monitorPreviewer({
      store,
      readers: sourceReaders({
        table,
        defaultRegion: 'us-east-1',
        clock,
        ...(parts.fileAccess && { files: new LocalFileTailer({ access: parts.fileAccess, clock }) }),
      }),
      clock,
      judgeMetrics: uncountedJudgeMetrics,
      model: parts.model ? guardedJudge(parts.model, { store, clock, settings: { modelMonthlyBudgetUsd: null } }) : { unavailable: NO_MODEL_IN_API },
      settings: { defaultModelId: DEFAULT_MODEL_ID, maxInputTokens: 100_000, collectConcurrency: 2, costCollectorHours: 6 },
      timeoutMs: 7_000,
    }),
    ...(parts.fileAccess && { fileAccess: parts.fileAccess }),
    ...(parts.anomalyFeedback && { anomalyFeedback: parts.anomalyFeedback }),
  };
  const api = createApi(ctx);
  const call: ApiHarness['call'] = async (method, path, options) => {
    const result: APIGatewayProxyResult = await api(apiEvent(method, path, options));
    return {
      status: result.statusCode,
      body: result.body ? JSON.parse(result.body) : null,
      headers: (result.headers ?? {}) as Record<string, string>,
    };
  };
  return {
    call,
    ctx,
    queue,
    clock,
    scanAll,
    table,
    async expectRejected(status, method, path, options) {
      const before = await scanAll();
      const response = await call(method, path, options);
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      expect(await scanAll()).toEqual(before);
      return response.body;
    },
  };
}

/** `usage_30d` of a monitor that has not run: what GET /monitors/{id} adds to the created monitor. */
export const NO_USAGE_30D = { runs: 0, model_calls: 0, input_tokens: 0, output_tokens: 0, estimated_cost_usd: 0 };
