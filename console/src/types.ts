/** The API's shapes as the console reads them (docs/api.md); fields added later are optional. */

export type RunStatus = 'queued' | 'running' | 'ok' | 'warn' | 'alert' | 'error';
export const FINAL_STATUSES: readonly RunStatus[] = ['ok', 'warn', 'alert', 'error'];

export interface Page<T> {
  items: T[];
  next_token: string | null;
}

export interface Target {
  id: string;
  name: string;
  type: 'aws_account' | 'local';
  connection_config: { region?: string; role_arn?: string; external_id?: string };
  created_at: string;
  updated_at: string;
}

export interface LogSource {
  id: string;
  target_id: string;
  name: string;
  mode: 'cloudwatch_logs' | 'ecs' | 'cost_explorer' | 'file';
  config: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface SourceTest {
  ok: boolean;
  message: string;
  sample: string[];
  line_count: number;
}

export interface MonitorInput {
  label: string;
  mode: 'filter' | 'insights' | 'cost' | 'tail';
  log_source_id?: string;
  filter_pattern?: string;
  query?: string;
  match?: string;
  lookback_minutes?: number;
}

export interface MonitorRule {
  label: string;
  pattern: string;
  severity: 'warn' | 'alert';
  min_count?: number;
  expect_at_least?: number;
}

export interface Monitor {
  id: string;
  name: string;
  log_source_id: string;
  enabled: boolean;
  interval_seconds?: number | null;
  schedule?: string | null;
  prompt: string;
  inputs: MonitorInput[];
  rules: MonitorRule[];
  cost_rules?: Array<Record<string, unknown>>;
  window_config: { max_lines: number; max_chars: number; mode?: string };
  notification_config: {
    email_recipients: string[];
    sms_numbers: string[];
    notify_on: 'alert_only' | 'warn_and_alert' | 'all';
    cooldown_minutes: number;
  };
  model: { model_id?: string };
  next_run_at: string | null;
  last_run: { id: string; status: RunStatus; finished_at: string | null } | null;
  snoozed_until?: string | null;
  usage_30d?: { runs: number; model_calls: number; input_tokens?: number; output_tokens?: number; estimated_cost_usd: number };
  created_at: string;
  updated_at: string;
}

export interface Finding {
  title: string;
  severity: string;
  label?: string | null;
  evidence: string[];
  recommendation?: string | null;
}

export interface RunRule {
  label?: string;
  pattern?: string;
  kind?: string;
  count?: number;
  severity: string;
  breached: boolean;
  min_count?: number;
  expect_at_least?: number;
  input_failed?: boolean;
  // cost and metric rules carry their figures
  actual?: number;
  threshold?: number;
  percent?: number;
  day?: string;
  group?: string;
  message?: string;
  [figure: string]: unknown;
}

export interface Run {
  id: string;
  monitor_id: string;
  trigger: string;
  status: RunStatus;
  scheduled_for: string | null;
  started_at: string | null;
  finished_at: string | null;
  created_at?: string;
  summary: string | null;
  findings: Finding[];
  inputs: Record<string, { lines: number; chars: number; truncated: boolean; error: string | null; omitted_templates?: number; notes?: string[] }>;
  rules: RunRule[];
  judge: {
    kind: string;
    model_id: string | null;
    input_tokens: number;
    output_tokens: number;
    latency_ms: number;
    estimated_cost_usd: number;
    skipped: string | null;
    fallback?: string | null;
    fallback_reason?: string | null;
  } | null;
  notifications: Array<{ channel: string; target: string; status: string; reason: string | null }>;
  notifications_pending?: boolean;
  error: string | null;
  payload?: string | null;
  raw_reply?: string | null;
  redactions?: unknown;
}

export interface Health {
  status: 'ok' | 'degraded' | 'down';
  checks: Record<string, { ok: boolean; [detail: string]: unknown }>;
}

/** `GET /log-sources/{id}/cost-snapshot`: the latest snapshot of a cost source. */
export interface CostSnapshot {
  log_source_id: string;
  collected_at: string;
  metric: string;
  group_by: string;
  unit: string;
  estimated_from: string | null;
  daily: Array<{ day: string; group: string; amount: number }>;
  month_to_date: Array<{ group: string; amount: number }>;
  forecast: { start: string; end: string; amount: number; lower?: number | null; upper?: number | null } | null;
  anomalies: Array<{ id: string; start: string; end: string | null; impact: number; total_impact: number | null; root_causes: string[] }>;
  notes: string[];
}
