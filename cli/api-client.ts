import type * as z from 'zod';
import type { runResponse } from '../lambdas/api/response-schemas.ts';
import type { Finding } from '#domain/model/entities.ts';

/**
 * A small typed client of Vigil's management API (docs/api.md): JSON in and out, the key in
 * `x-api-key`, every error answer turned into an {@link ApiError} that keeps the API's message
 * and each `details` path.
 */

export interface FieldIssue {
  path: string;
  message: string;
}

/** An error answer of the API, or a request that never got one (status 0). */
export class ApiError extends Error {
  /** The health report a 503 from `/health` carries. */
  report?: HealthReport;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Page<T> {
  items: T[];
  next_token: string | null;
}

export type RunStatus = 'queued' | 'running' | 'ok' | 'warn' | 'alert' | 'error';

/** A finding goes on the wire exactly as the domain holds it (the API presents it as is). */
export type { Finding };

export interface RuleResult {
  label: string;
  pattern: string;
  kind: 'min_count' | 'expect_at_least';
  min_count?: number;
  expect_at_least?: number;
  count: number;
  input_failed?: boolean;
  severity: 'warn' | 'alert';
  breached: boolean;
}

/** A run's judge, as the API's response schema (docs/openapi.json) defines it. */
export type JudgeUsage = NonNullable<z.output<typeof runResponse>['judge']>;

export interface NotificationOutcome {
  channel: 'email' | 'sms' | 'topic';
  target: string;
  status: 'sent' | 'failed' | 'suppressed' | 'outbox';
  reason: string | null;
}

export interface MonitorRun {
  id: string;
  monitor_id: string;
  /** True on a preview (`POST /monitors/preview`): never stored, its ids are null. */
  preview?: true;
  trigger: 'schedule' | 'manual';
  status: RunStatus;
  scheduled_for: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  summary: string | null;
  findings: Finding[];
  inputs: Record<string, { lines: number; chars: number; truncated: boolean; error: string | null }>;
  rules: RuleResult[];
  judge: JudgeUsage | null;
  notifications: NotificationOutcome[];
  /** True until the notify step has recorded its outcomes (absent on servers without it). */
  notifications_pending?: boolean;
  error: string | null;
}

export interface Monitor {
  id: string;
  name: string;
  enabled: boolean;
  interval_seconds: number | null;
  schedule?: string | null;
  snoozed_until?: string | null;
  next_run_at: string | null;
  last_run: { id: string; status: RunStatus; finished_at: string | null } | null;
  [field: string]: unknown;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  checks: Record<string, { ok: boolean; [field: string]: unknown }>;
}

/** The API's collections, by the names the CLI uses for them. */
export const RESOURCE_PATHS = { targets: '/targets', sources: '/log-sources', monitors: '/monitors' } as const;
export type ResourceName = keyof typeof RESOURCE_PATHS;

export interface ClientOptions {
  baseUrl: string;
  apiKey?: string;
  fetch?: typeof fetch;
  /** @default 30000 */
  timeoutMs?: number;
}

type Query = Record<string, string | number | undefined>;

export class VigilClient {
  private readonly baseUrl: string;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** One request; the parsed body (null for 204), or an ApiError. */
  async request<T>(method: string, path: string, options: { body?: unknown; query?: Query } = {}): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.apiKey) headers['x-api-key'] = this.options.apiKey;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        method,
        headers,
        ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new ApiError(0, 'unreachable', `cannot reach ${this.baseUrl}: ${cause}`);
    }
    const text = await response.text();
    let body: unknown = null;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        throw new ApiError(response.status, 'not_json', `${method} ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
      }
    }
    if (!response.ok) throw toApiError(response.status, body, `${method} ${path}`);
    return body as T;
  }

  /** Every item of a list, following `next_token`. */
  async listAll<T>(path: string, query: Query = {}): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const page = await this.request<Page<T>>('GET', path, { query: { ...query, limit: 100, next_token: token } });
      items.push(...page.items);
      token = page.next_token ?? undefined;
    } while (token);
    return items;
  }

  get<T>(resource: ResourceName, id: string): Promise<T> {
    return this.request('GET', `${RESOURCE_PATHS[resource]}/${encodeURIComponent(id)}`);
  }

  create<T>(resource: ResourceName, body: unknown): Promise<T> {
    return this.request('POST', RESOURCE_PATHS[resource], { body });
  }

  update<T>(resource: ResourceName, id: string, body: unknown): Promise<T> {
    return this.request('PUT', `${RESOURCE_PATHS[resource]}/${encodeURIComponent(id)}`, { body });
  }

  async delete(resource: ResourceName, id: string): Promise<void> {
    await this.request('DELETE', `${RESOURCE_PATHS[resource]}/${encodeURIComponent(id)}`);
  }

  testSource<T>(id: string): Promise<T> {
    return this.request('POST', `/log-sources/${encodeURIComponent(id)}/test`);
  }

  preview(body: unknown): Promise<MonitorRun> {
    return this.request('POST', '/monitors/preview', { body });
  }

  runOnce(monitorId: string): Promise<MonitorRun> {
    return this.request('POST', `/monitors/${encodeURIComponent(monitorId)}/run-once`);
  }

  getRun(monitorId: string, runId: string): Promise<MonitorRun> {
    return this.request('GET', `/monitors/${encodeURIComponent(monitorId)}/runs/${encodeURIComponent(runId)}`);
  }

  /** Runs of one monitor, or of every monitor when `monitorId` is undefined; newest first. */
  listRuns(monitorId: string | undefined, query: Query): Promise<Page<MonitorRun>> {
    const path = monitorId === undefined ? '/runs' : `/monitors/${encodeURIComponent(monitorId)}/runs`;
    return this.request('GET', path, { query });
  }

  /** The health report; a 503 (database down) is a report too, not an error. */
  async health(): Promise<HealthReport> {
    try {
      return await this.request<HealthReport>('GET', '/health');
    } catch (error) {
      if (error instanceof ApiError && error.status === 503 && error.report) return error.report;
      throw error;
    }
  }
}

function toApiError(status: number, body: unknown, what: string): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (error && typeof error.message === 'string') {
    const details = Array.isArray(error.details)
      ? error.details.filter((d): d is FieldIssue => typeof d?.path === 'string' && typeof d?.message === 'string')
      : [];
    return new ApiError(status, typeof error.code === 'string' ? error.code : 'error', error.message, details);
  }
  const failed = new ApiError(status, 'error', `${what} answered ${status}`);
  // /health answers 503 with its report when the database is down.
  if (status === 503 && typeof (body as HealthReport | null)?.status === 'string') failed.report = body as HealthReport;
  return failed;
}
