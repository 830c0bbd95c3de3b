import * as z from 'zod';

/**
 * What the API answers, as zod schemas: the presenters return these types (so a field added to
 * a presenter without its schema is a type error) and the OpenAPI document is generated from
 * them. Nothing parses responses at run time.
 */

const timestamp = z.string().describe('ISO-8601 UTC timestamp');
const resourceId = z.string().describe('opaque id made by the server (a ULID)');

export const errorResponse = z
  .object({
    error: z.object({
      code: z
        .string()
        .describe(
          'validation_error (400), forbidden (403), not_found (404), method_not_allowed (405), conflict (409), ' +
            'payload_too_large (413), unsupported_media_type (415), internal_error (500), service_unavailable (503); ' +
            'local mode also answers misdirected_request (421)',
        ),
      message: z.string().describe('one sentence an operator can act on'),
      details: z
        .array(
          z.object({
            path: z.string().describe('the wrong field, as `inputs[1].label`; `body` for the body as a whole; a query parameter by its name'),
            message: z.string().describe('what is wrong with it: `is required`, `must be at most 100`, ...'),
          }),
        )
        .describe('one entry per wrong field (400); empty otherwise'),
    }),
  });

export const targetResponse = z
  .object({
    id: resourceId,
    name: z.string(),
    type: z.enum(['aws_account', 'local']),
    connection_config: z.object({
      region: z.string().optional(),
      role_arn: z.string().optional(),
      external_id: z.string().optional(),
    }),
    created_at: timestamp,
    updated_at: timestamp,
  });

export const logSourceResponse = z
  .object({
    id: resourceId,
    target_id: z.string(),
    name: z.string(),
    mode: z.enum(['cloudwatch_logs', 'ecs', 'cost_explorer', 'file', 'cloudwatch_metrics']),
    config: z.union([
      z
        .object({ cluster: z.string(), container_name: z.string(), service_name: z.string().optional(), task_family: z.string().optional() })
        .describe('ecs: service_name or task_family'),
      z.object({ metric: z.string(), group_by: z.string(), include_savings: z.boolean() }).describe('cost_explorer'),
      z.object({ path: z.string() }).describe('file'),
      z.strictObject({}).describe('cloudwatch_metrics: what to read is on each metrics input'),
      // Last: a union answers with its first match, and this one (both optional) matches any object.
      z.object({ log_group_names: z.array(z.string()).optional(), log_group_name_prefix: z.string().optional() }).describe('cloudwatch_logs: one of the two'),
    ]),
    created_at: timestamp,
    updated_at: timestamp,
  });

export const sourceTestResponse = z
  .object({
    ok: z.boolean(),
    message: z.string(),
    sample: z.array(z.string()).describe('up to 20 lines read'),
    line_count: z.number().int(),
  });

const runStatus = z.enum(['queued', 'running', 'ok', 'warn', 'alert', 'error']);

const monitorInputResponse = z.object({
  label: z.string(),
  mode: z.enum(['filter', 'insights', 'cost', 'tail', 'metrics']),
  log_source_id: z.string().optional(),
  lookback_minutes: z.number().int().optional(),
  filter_pattern: z.string().optional(),
  query: z.string().optional(),
  match: z.string().optional(),
  queries: z
    .array(
      z.union([
        z.object({
          id: z.string(),
          namespace: z.string(),
          metric: z.string(),
          dimensions: z.record(z.string(), z.string()),
          stat: z.string(),
          period_seconds: z.number().int(),
        }),
        z.object({ id: z.string(), expression: z.string(), period_seconds: z.number().int() }),
      ]),
    )
    .optional()
    .describe('metrics inputs: the GetMetricData queries'),
});

const costRuleResponse = z
  .object({
    kind: z.enum(['daily_threshold', 'monthly_budget', 'anomaly', 'aws_anomaly']),
    label: z.string().optional(),
    unit: z.string(),
    amount: z.number().optional(),
    group: z.string().optional(),
    severity: z.enum(['warn', 'alert']).optional(),
    alert_percentages: z.array(z.number()).optional(),
    z_score: z.number().optional(),
    min_delta: z.number().optional(),
    lookback_days: z.number().int().optional(),
    min_impact: z.number().optional(),
  })
  .describe('a cost rule: the fields of its kind');

export const usageTotals = z.object({
  runs: z.number().int().describe('runs that finished (any final status)'),
  model_calls: z.number().int().describe('runs the model judged (not skipped, not rules-only)'),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  estimated_cost_usd: z.number().describe('estimated model spend, from the price table'),
});

export const monitorResponse = z
  .object({
    id: resourceId,
    name: z.string(),
    log_source_id: z.string(),
    enabled: z.boolean(),
    interval_seconds: z.number().int().nullable().describe('null when the monitor runs on a `schedule`'),
    schedule: z.string().nullable().describe('`cron(…)` (EventBridge syntax, UTC) or `rate(…)`; null when the monitor runs every `interval_seconds`'),
    snoozed_until: timestamp.nullable().describe('notifications are suppressed (reason `snoozed`) until then'),
    maintenance_windows: z.array(z.object({ schedule: z.string(), duration_minutes: z.number().int() })),
    prompt: z.string(),
    inputs: z.array(monitorInputResponse),
    rules: z.array(
      z.object({
        label: z.string(),
        pattern: z.string(),
        min_count: z.number().int().optional(),
        expect_at_least: z.number().int().optional(),
        severity: z.enum(['warn', 'alert']),
      }),
    ),
    metric_rules: z.array(
      z.object({
        label: z.string(),
        id: z.string(),
        op: z.enum(['>', '>=', '<', '<=']),
        value: z.number(),
        datapoints: z.number().int(),
        severity: z.enum(['warn', 'alert']),
      }),
    ),
    cost_rules: z.array(costRuleResponse),
    digest: z.object({ hour_utc: z.number().int() }).nullable(),
    window_config: z.object({ max_lines: z.number().int(), max_chars: z.number().int(), mode: z.enum(['raw', 'templates']) }),
    notification_config: z.object({
      email_recipients: z.array(z.string()),
      sms_numbers: z.array(z.string()),
      notify_on: z.enum(['alert_only', 'warn_and_alert', 'all']),
      cooldown_minutes: z.number().int(),
    }),
    model: z.object({ model_id: z.string().optional() }),
    no_data_status: z.enum(['ok', 'warn', 'alert']),
    judge_when: z.enum(['always', 'unusual']),
    next_run_at: timestamp.nullable().describe('the next schedule slot'),
    last_run: z.object({ id: z.string(), status: runStatus, finished_at: timestamp.nullable() }).nullable(),
    usage_30d: usageTotals
      .optional()
      .describe('runs, model calls, tokens and cost over the last 30 UTC days (today included); only when one monitor is read (GET /monitors/{id}), not in lists'),
    created_at: timestamp,
    updated_at: timestamp,
  });

export const usageResponse = z
  .object({
    month: z.string().describe('YYYY-MM (UTC)'),
    total: usageTotals,
    by_monitor: z
      .array(usageTotals.extend({ monitor_id: z.string(), name: z.string().optional().describe('absent when the monitor was deleted since') }))
      .describe('largest estimated cost first'),
    by_model: z.array(usageTotals.extend({ model_id: z.string() })).describe('largest estimated cost first; models that were called'),
  })
  .describe("a month's usage, counted when each run finished (by its finish day, UTC)");

export const runResponse = z
  .object({
    id: resourceId,
    monitor_id: z.string(),
    trigger: z.enum(['schedule', 'manual', 'digest']),
    status: runStatus,
    scheduled_for: timestamp.nullable().describe('the schedule slot of a `schedule` run; null for manual runs'),
    created_at: timestamp,
    started_at: timestamp.nullable(),
    finished_at: timestamp.nullable(),
    summary: z.string().nullable(),
    findings: z.array(
      z.object({
        title: z.string(),
        severity: z.enum(['info', 'warn', 'alert']),
        label: z.string().nullable(),
        evidence: z.array(z.string()).describe('log lines quoted from the payload'),
        recommendation: z.string().nullable(),
      }),
    ),
    inputs: z
      .record(
        z.string(),
        z.object({
          lines: z.number().int(),
          chars: z.number().int(),
          truncated: z.boolean(),
          error: z.string().nullable(),
          omitted_templates: z.number().int().optional(),
          notes: z.array(z.string()).optional(),
        }),
      )
      .describe('per input label: what was collected'),
    rules: z.array(
      z.union([
        z
          .object({
            label: z.string(),
            pattern: z.string(),
            kind: z.enum(['min_count', 'expect_at_least']),
            min_count: z.number().int().optional(),
            expect_at_least: z.number().int().optional(),
            count: z.number().int(),
            input_failed: z.literal(true).optional(),
            severity: z.enum(['warn', 'alert']),
            breached: z.boolean(),
            template_id: z.string().optional(),
          })
          .describe('a line rule'),
        z
          .object({
            label: z.string(),
            pattern: z.string().describe('its condition, e.g. `conns > 80`'),
            kind: z.literal('metric'),
            count: z.number().int().describe('how many of the last `datapoints` points satisfy it'),
            input_failed: z.literal(true).optional(),
            severity: z.enum(['warn', 'alert']),
            breached: z.boolean(),
            id: z.string().optional(),
            op: z.enum(['>', '>=', '<', '<=']).optional(),
            value: z.number().optional(),
            datapoints: z.number().int().optional(),
            actual: z.number().nullable(),
            detail: z.string().nullable(),
          })
          .describe('a metric rule'),
        z
          .object({
            label: z.string(),
            kind: z.enum(['daily_threshold', 'monthly_budget', 'anomaly', 'aws_anomaly']).nullable(),
            severity: z.enum(['warn', 'alert']),
            breached: z.boolean(),
            input_failed: z.literal(true).optional(),
            actual: z.number().nullable().optional(),
            threshold: z.number().optional(),
            percent: z.number().optional(),
            day: z.string().optional(),
            group: z.string().optional(),
            basis: z.enum(['actual', 'forecast']).optional(),
            unit: z.string().optional(),
            detail: z.string().optional(),
          })
          .describe('a cost rule, with the figures behind it'),
      ]),
    ),
    judge: z
      .object({
        kind: z.enum(['bedrock', 'rules']),
        model_id: z.string().nullable(),
        input_tokens: z.number().int(),
        output_tokens: z.number().int(),
        latency_ms: z.number(),
        estimated_cost_usd: z.number(),
        skipped: z.enum(['no_new_data', 'unchanged', 'usual']).nullable(),
        fallback: z.enum(['circuit_open', 'budget_reached']).nullable(),
        fallback_reason: z.string().nullable(),
      })
      .nullable(),
    redactions: z.number().int(),
    payload: z.string().nullable().optional().describe('the redacted labeled payload the judge read; only when one run is read'),
    notifications: z.array(
      z
        .object({
          channel: z.enum(['email', 'sms', 'topic']).nullable(),
          target: z.string().nullable(),
          status: z.enum(['sent', 'failed', 'suppressed', 'outbox']),
          reason: z.string().nullable(),
        })
        .describe('one per channel and recipient; channel and target null when the notify step itself failed (status failed, reason says why)'),
    ),
    feedback: z
      .array(
        z.object({
          id: z.string(),
          verdict: z.enum(['correct', 'false_positive', 'missed']),
          finding_index: z.number().int().nullable(),
          note: z.string().nullable(),
          created_at: timestamp,
        }),
      )
      .describe("operators' feedback on this run, oldest first"),
    notifications_pending: z
      .boolean()
      .describe('true until the run is final and its notifications are recorded: poll until it is false (`notifications` is then complete)'),
    raw_reply: z.string().nullable(),
    error: z.string().nullable(),
  });

/** A preview is a run that was never stored: no id, no monitor, nobody notified. */
export const previewResponse = runResponse
  .extend({
    id: z.null().describe('a preview is not stored: it has no run id'),
    monitor_id: z.null().describe('nor a monitor'),
    trigger: z.literal('manual'),
    preview: z.literal(true),
    payload: z.string().nullable().describe('the redacted labeled payload the judge read'),
    notifications: z.array(z.never()).describe('always empty: a preview notifies nobody'),
    notifications_pending: z.literal(false),
  })
  .describe('the run a save would have produced now: no previous verdict (never skipped as unchanged) and no baseline (no NEW/MISSING marks)');

export const costSnapshotResponse = z.object({
  log_source_id: z.string(),
  collected_at: timestamp,
  metric: z.string(),
  group_by: z.string(),
  unit: z.string().describe('the currency of every amount'),
  estimated_from: z.string().nullable().describe('the first day Cost Explorer still marks as estimated'),
  daily: z.array(z.object({ day: z.string(), group: z.string(), amount: z.number() })).describe('the last 35 days and today, oldest first'),
  month_to_date: z.array(z.object({ group: z.string(), amount: z.number() })).describe('largest first'),
  forecast: z
    .object({
      start: z.string(),
      end: z.string().describe('exclusive'),
      amount: z.number(),
      lower: z.number().optional().describe("the 80% prediction interval's lower bound"),
      upper: z.number().optional(),
    })
    .nullable(),
  anomalies: z.array(
    z.object({
      id: z.string(),
      start: z.string(),
      end: z.string().nullable(),
      impact: z.number(),
      total_impact: z.number().nullable(),
      root_causes: z.array(z.string()),
    }),
  ),
  savings: z
    .array(
      z.object({
        resource: z.string(),
        resource_type: z.string(),
        action: z.string(),
        region: z.string().nullable(),
        monthly_savings: z.number(),
        currency: z.string(),
        recommended: z.string().nullable(),
      }),
    )
    .optional()
    .describe('Cost Optimization Hub recommendations, for sources with include_savings'),
  notes: z.array(z.string()),
});

export const healthResponse = z
  .object({
    status: z.enum(['ok', 'degraded', 'down']),
    checks: z.object({
      database: z.object({ ok: z.boolean() }),
      scheduler: z.object({ ok: z.boolean(), last_tick_at: timestamp.nullable(), age_seconds: z.number().nullable() }),
    }),
  });

export const feedbackResponse = z.object({
  id: z.string(),
  monitor_id: z.string(),
  run_id: z.string(),
  verdict: z.enum(['correct', 'false_positive', 'missed']),
  finding_index: z.number().int().nullable().describe('the finding the feedback is about; null: the whole verdict'),
  note: z.string().nullable(),
  created_at: timestamp,
  run_at: timestamp.describe("the run's slot, else its start"),
  run_status: z.enum(['ok', 'warn', 'alert', 'error']),
  finding_titles: z.array(z.string()),
  expected_templates: z
    .array(z.object({ label: z.string().nullable(), template: z.string() }))
    .describe('for false_positive: the templates of the findings\' evidence, now expected in later runs'),
  rule_breaches: z.array(
    z.object({ label: z.string(), pattern: z.string(), severity: z.enum(['warn', 'alert']), threshold: z.number().nullable(), count: z.number() }),
  ),
  anomaly_feedback: z
    .array(
      z.object({
        anomaly_id: z.string(),
        value: z.enum(['YES', 'NO']),
        status: z.enum(['sent', 'failed', 'skipped']),
        reason: z.string().nullable(),
      }),
    )
    .describe('Cost Anomaly Detection feedback for each anomaly the findings quote; skipped unless the stack has anomalyFeedback'),
});

const dayCount = z.object({ day: z.string(), ok: z.number(), warn: z.number(), alert: z.number(), error: z.number(), open: z.number() });

export const suggestionResponse = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('raise_min_count'), label: z.string(), pattern: z.string(), current: z.number(), suggested: z.number(), message: z.string() }),
  z.object({ kind: z.literal('lengthen_interval'), current: z.number(), suggested: z.number(), message: z.string() }),
  z.object({
    kind: z.literal('cheaper_model'),
    current: z.string(),
    suggested: z.string(),
    current_cost_usd: z.number(),
    estimated_cost_usd: z.number(),
    message: z.string(),
  }),
  z.object({
    kind: z.literal('expect_at_least'),
    label: z.string(),
    pattern: z.string(),
    expect_at_least: z.number(),
    template: z.string(),
    message: z.string(),
  }),
]);

export const insightsResponse = z.object({
  monitor_id: z.string(),
  days: z.number(),
  from: timestamp,
  to: timestamp,
  runs: z.object({
    total: z.number(),
    by_status: dayCount.omit({ day: true }),
    per_day: z.array(dayCount),
    complete: z.boolean().describe('false when the period held more runs than one answer reads (20,000): the oldest were left out'),
  }),
  notifications: z.object({ sent: z.number(), suppressed: z.number(), failed: z.number(), outbox: z.number() }),
  feedback: z.object({
    total: z.number(),
    correct: z.number(),
    false_positive: z.number(),
    missed: z.number(),
    false_positive_rate: z.number().nullable().describe('false_positive / (correct + false_positive); null without either'),
  }),
  new_templates: z.array(z.object({ label: z.string(), template: z.string(), first_seen: timestamp })),
  model: z.object({
    model_runs: z.number(),
    skipped_runs: z.number(),
    input_tokens: z.number(),
    output_tokens: z.number(),
    estimated_cost_usd: z.number(),
  }),
  suggestions: z.array(suggestionResponse),
});

/** A page of a list: `next_token` is null on the last page. */
function pageResponse<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_token: z.string().nullable().describe('pass as ?next_token= for the next page; null on the last') });
}

export const openApiResponse = z
  .looseObject({ openapi: z.literal('3.1.0'), info: z.looseObject({}), paths: z.record(z.string(), z.looseObject({})) })
  .describe('this document');

export const targetPage = pageResponse(targetResponse);
export const logSourcePage = pageResponse(logSourceResponse);
export const monitorPage = pageResponse(monitorResponse);
export const runPage = pageResponse(runResponse);
export const feedbackPage = pageResponse(feedbackResponse);

/** The response schemas by their OpenAPI component name. */
export const responseSchemas = z.registry<{ id: string }>();
for (const [id, schema] of Object.entries({
  Error: errorResponse,
  Target: targetResponse,
  TargetPage: targetPage,
  LogSource: logSourceResponse,
  LogSourcePage: logSourcePage,
  SourceTestResult: sourceTestResponse,
  CostSnapshot: costSnapshotResponse,
  Monitor: monitorResponse,
  MonitorPage: monitorPage,
  MonitorRun: runResponse,
  MonitorRunPage: runPage,
  MonitorPreview: previewResponse,
  UsageTotals: usageTotals,
  Usage: usageResponse,
  Feedback: feedbackResponse,
  FeedbackPage: feedbackPage,
  Insights: insightsResponse,
  Health: healthResponse,
  OpenApiDocument: openApiResponse,
})) {
  responseSchemas.add(schema, { id });
}
