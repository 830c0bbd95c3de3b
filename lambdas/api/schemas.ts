import * as z from 'zod';
import type { CostMetric, CostRule, SourceKind, MetricQuery, MetricRule, MonitorInput, MonitorRule, MonitorSpec } from '#domain/model/entities.ts';
import type { LogSourceBody } from '#domain/log-sources/manage-log-sources.ts';
import type { TargetSpec } from '#domain/targets/manage-targets.ts';
import { ANOMALY_LOOKBACK_DAYS, COST_RULE_DEFAULTS } from '#domain/numbers/cost-rules.ts';
import { parseOrThrow } from '#http/validation.ts';
import { linePatternProblem } from '#domain/model/line-pattern.ts';
import type { FeedbackInput } from '#domain/feedback/give-feedback.ts';
import { FEEDBACK_VERDICTS, MAX_FEEDBACK_NOTE_CHARS } from '#domain/feedback/types.ts';
import { DEFAULT_INSIGHT_DAYS, MAX_INSIGHT_DAYS } from '#domain/insights/insights.ts';
import { parseScheduleExpression } from '#domain/scheduling/schedule-expression.ts';

/**
 * Wire schemas (snake_case, API.md) and their mapping to domain specs. Objects are strict:
 * a misspelt field is a 400 naming it, not a silently ignored setting.
 */

const name = z.string().trim().min(1).max(128);
const id = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, { error: 'must be an id (1–64 of A-Z a-z 0-9 _ -)' });

// ---------- targets ----------

const connectionConfigSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region like eu-west-1' }).optional(),
  role_arn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, { error: 'must be an IAM role ARN' })
    .optional(),
  external_id: z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, { error: 'must be 2–1224 of A-Z a-z 0-9 +=,.@:/-' }).optional(),
});

export const targetSchema = z
  .strictObject({
    name,
    type: z.enum(['aws_account', 'local']),
    connection_config: connectionConfigSchema.default({}),
  })
  .superRefine((target, ctx) => {
    const connection = target.connection_config;
    if (target.type === 'local' && Object.keys(connection).length > 0) {
      ctx.addIssue({ code: 'custom', path: ['connection_config'], message: 'must be empty for a local target' });
    }
    if (connection.external_id !== undefined && connection.role_arn === undefined) {
      ctx.addIssue({ code: 'custom', path: ['connection_config', 'external_id'], message: 'needs role_arn' });
    }
  });

export function parseTarget(body: unknown): TargetSpec {
  const wire = parseOrThrow(targetSchema, body);
  const c = wire.connection_config;
  return {
    name: wire.name,
    type: wire.type,
    connectionConfig: {
      ...(c.region !== undefined && { region: c.region }),
      ...(c.role_arn !== undefined && { roleArn: c.role_arn }),
      ...(c.external_id !== undefined && { externalId: c.external_id }),
    },
  };
}

// ---------- log sources ----------

const logGroupName = z.string().regex(/^[.\-_/#A-Za-z0-9]{1,512}$/, { error: 'must be a CloudWatch log group name' });
const COST_DIMENSIONS = [
  'AZ', 'INSTANCE_TYPE', 'LINKED_ACCOUNT', 'OPERATION', 'PURCHASE_TYPE', 'REGION', 'SERVICE',
  'USAGE_TYPE', 'USAGE_TYPE_GROUP', 'RECORD_TYPE', 'PLATFORM', 'TENANCY', 'DATABASE_ENGINE',
  'LEGAL_ENTITY_NAME', 'DEPLOYMENT_OPTION', 'BILLING_ENTITY', 'INVOICING_ENTITY',
];
const COST_METRICS = [
  'AmortizedCost', 'BlendedCost', 'NetAmortizedCost', 'NetUnblendedCost', 'NormalizedUsageAmount',
  'UnblendedCost', 'UsageQuantity',
] as const satisfies readonly CostMetric[];

const configSchemas = {
  cloudwatch_logs: z
    .strictObject({
      log_group_names: z.array(logGroupName).min(1).max(10).optional(),
      log_group_name_prefix: logGroupName.optional(),
    })
    .refine((c) => (c.log_group_names === undefined) !== (c.log_group_name_prefix === undefined), {
      error: 'needs exactly one of log_group_names or log_group_name_prefix',
    }),
  ecs: z
    .strictObject({
      cluster: z.string().min(1).max(2048),
      container_name: z.string().min(1).max(255),
      service_name: z.string().min(1).max(255).optional(),
      task_family: z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, { error: 'must be a task definition family' }).optional(),
    })
    .refine((c) => (c.service_name === undefined) !== (c.task_family === undefined), {
      error: 'needs exactly one of service_name or task_family',
    }),
  cost_explorer: z.strictObject({
    metric: z.enum(COST_METRICS).default('UnblendedCost'),
    group_by: z
      .string()
      .refine((g) => COST_DIMENSIONS.includes(g) || /^(TAG|COST_CATEGORY):.{1,128}$/.test(g), {
        error: `must be one of ${COST_DIMENSIONS.join(', ')}, TAG:<key> or COST_CATEGORY:<name>`,
      })
      .default('SERVICE'),
    include_savings: z.boolean().default(false),
  }),
  file: z.strictObject({ path: z.string().min(1).max(4096) }),
  // What to read is on each `metrics` input; the source is the target's account and region.
  cloudwatch_metrics: z.strictObject({}),
} satisfies Record<SourceKind, z.ZodType>;

export const logSourceSchema = z.strictObject({
  target_id: id,
  name,
  mode: z.enum(['cloudwatch_logs', 'ecs', 'cost_explorer', 'file', 'cloudwatch_metrics']),
  config: z.record(z.string(), z.unknown()).default({}),
});

/** The log source body as documented: `config` is the schema of one of the modes. */
export const logSourceDocSchema = logSourceSchema.extend({
  config: z
    .union([
      configSchemas.cloudwatch_logs.describe('mode cloudwatch_logs: exactly one of log_group_names or log_group_name_prefix'),
      configSchemas.ecs.describe('mode ecs: exactly one of service_name or task_family'),
      configSchemas.cost_explorer.describe('mode cost_explorer'),
      configSchemas.file.describe('mode file (local mode, on a local target): a path under VIGIL_FILE_ROOTS'),
    ])
    .optional()
    .describe('validated against `mode`'),
});

export function parseLogSource(body: unknown): LogSourceBody {
  const wire = parseOrThrow(logSourceSchema, body);
  const base = { targetId: wire.target_id, name: wire.name };
  switch (wire.mode) {
    case 'cloudwatch_logs': {
      const c = parseOrThrow(configSchemas.cloudwatch_logs, wire.config, ['config']);
      return {
        ...base,
        mode: wire.mode,
        config: c.log_group_names ? { logGroupNames: c.log_group_names } : { logGroupNamePrefix: c.log_group_name_prefix },
      };
    }
    case 'ecs': {
      const c = parseOrThrow(configSchemas.ecs, wire.config, ['config']);
      return {
        ...base,
        mode: wire.mode,
        config: {
          cluster: c.cluster,
          containerName: c.container_name,
          ...(c.service_name !== undefined ? { serviceName: c.service_name } : { taskFamily: c.task_family }),
        },
      };
    }
    case 'cost_explorer': {
      const c = parseOrThrow(configSchemas.cost_explorer, wire.config, ['config']);
      return { ...base, mode: wire.mode, config: { metric: c.metric, groupBy: c.group_by, ...(c.include_savings && { includeSavings: true }) } };
    }
    case 'file': {
      const c = parseOrThrow(configSchemas.file, wire.config, ['config']);
      return { ...base, mode: wire.mode, config: { path: c.path } };
    }
    case 'cloudwatch_metrics': {
      parseOrThrow(configSchemas.cloudwatch_metrics, wire.config, ['config']);
      return { ...base, mode: wire.mode, config: {} };
    }
  }
}

// ---------- monitors ----------

const regex = z
  .string()
  .min(1)
  .max(512)
  .superRefine((pattern, ctx) => {
    const problem = linePatternProblem(pattern);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });
const lookback = z.number().int().min(1).max(10080).optional();
const inputCommon = {
  label: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1–64 of A-Z a-z 0-9 _ -' }),
  log_source_id: id.optional(),
  lookback_minutes: lookback,
};

// GetMetricData's rules: ids start with a lower-case letter; periods are 1, 5, 10, 30 or a multiple of 60 seconds.
const metricId = z.string().regex(/^[a-z][a-zA-Z0-9_]{0,254}$/, { error: 'must match ^[a-z][a-zA-Z0-9_]*$ (a GetMetricData id)' });
const periodSeconds = z
  .number()
  .int()
  .min(1)
  .max(86400)
  .refine((p) => [1, 5, 10, 30].includes(p) || p % 60 === 0, { error: 'must be 1, 5, 10, 30 or a multiple of 60' });
const STAT = /^(SampleCount|Average|Sum|Minimum|Maximum|IQM|(p|tm|tc|ts|wm|pr)\d{1,2}(\.\d{1,10})?|(TM|TC|TS|WM|PR)\([^)]{1,40}\))$/;
const metricQuerySchema = z
  .strictObject({
    id: metricId,
    namespace: z.string().min(1).max(255).optional(),
    metric: z.string().min(1).max(255).optional(),
    dimensions: z
      .record(z.string().min(1).max(255), z.string().min(1).max(1024))
      .refine((d) => Object.keys(d).length <= 30, { error: 'at most 30 dimensions' })
      .optional(),
    stat: z.string().regex(STAT, { error: 'must be a CloudWatch statistic: Average, Sum, Minimum, Maximum, SampleCount, p99, …' }).optional(),
    expression: z.string().trim().min(1).max(2048).optional(),
    period_seconds: periodSeconds,
  })
  .superRefine((query, ctx) => {
    if (query.expression !== undefined) {
      for (const field of ['namespace', 'metric', 'dimensions', 'stat'] as const) {
        if (query[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'cannot be set together with expression' });
      }
      return;
    }
    for (const field of ['namespace', 'metric', 'stat'] as const) {
      if (query[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'is required unless expression is set' });
    }
  });
const metricQueries = z
  .array(metricQuerySchema)
  .min(1)
  .max(10)
  .superRefine((queries, ctx) => {
    const seen = new Map<string, number>();
    queries.forEach((query, i) => {
      if (seen.has(query.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `repeats the id of queries[${seen.get(query.id)}]` });
      else seen.set(query.id, i);
    });
  });

const inputSchema = z.discriminatedUnion('mode', [
  z.strictObject({ ...inputCommon, mode: z.literal('filter'), filter_pattern: z.string().max(1024).default('') }),
  z.strictObject({ ...inputCommon, mode: z.literal('insights'), query: z.string().trim().min(1).max(10000) }),
  z.strictObject({ ...inputCommon, mode: z.literal('cost') }),
  z.strictObject({ ...inputCommon, mode: z.literal('tail'), match: regex.optional() }),
  z.strictObject({ ...inputCommon, mode: z.literal('metrics'), queries: metricQueries }),
]);

const metricRuleSchema = z.strictObject({
  label: z.string().min(1).max(64),
  id: metricId,
  op: z.enum(['>', '>=', '<', '<=']),
  value: z.number().finite(),
  datapoints: z.number().int().min(1).max(100).default(1),
  severity: z.enum(['warn', 'alert']),
});

const ruleCount = z.number().int().min(1).max(1_000_000);
const isSet = (rule: unknown, field: string): boolean =>
  typeof rule === 'object' && rule !== null && (rule as Record<string, unknown>)[field] !== undefined;
// Checked beside the other fields' issues (not only once they are all valid), so one answer names every problem.
const whenAnObject = { when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null };
// `min_count` is breached by many matching lines, `expect_at_least` by few (a source gone quiet);
// a rule is one or the other, so exactly one is set.
const ruleSchema = z
  .strictObject({
    label: z.string().min(1).max(64),
    pattern: regex,
    min_count: ruleCount.optional(),
    expect_at_least: ruleCount.optional(),
    severity: z.enum(['warn', 'alert']),
  })
  .refine((rule) => !(isSet(rule, 'min_count') && isSet(rule, 'expect_at_least')), {
    path: ['expect_at_least'],
    message: 'cannot be set together with min_count; a rule has exactly one of them',
    ...whenAnObject,
  })
  .refine((rule) => isSet(rule, 'min_count') || isSet(rule, 'expect_at_least'), {
    path: ['min_count'],
    message: 'is required unless expect_at_least is set; a rule has exactly one of them',
    ...whenAnObject,
  });

// Cost rules: computed in code from the snapshot a `cost` input read (domain/numbers/cost-rules.ts).
const costRuleCommon = {
  label: z.string().min(1).max(64).optional(),
  unit: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,15}$/, { error: 'must be a unit like USD' }).default(COST_RULE_DEFAULTS.unit),
};
const amount = z.number().positive().max(1e12);
const costRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...costRuleCommon,
    kind: z.literal('daily_threshold'),
    amount,
    group: z.string().min(1).max(256).optional(),
    severity: z.enum(['warn', 'alert']).default(COST_RULE_DEFAULTS.severity),
  }),
  z.strictObject({
    ...costRuleCommon,
    kind: z.literal('monthly_budget'),
    amount,
    alert_percentages: z
      .array(z.number().positive().max(1000))
      .min(1)
      .max(10)
      .refine((percentages) => new Set(percentages).size === percentages.length, { error: 'must not repeat a percentage' })
      .default([...COST_RULE_DEFAULTS.alertPercentages]),
  }),
  z.strictObject({
    ...costRuleCommon,
    kind: z.literal('anomaly'),
    z_score: z.number().positive().max(100).default(COST_RULE_DEFAULTS.zScore),
    min_delta: z.number().min(0).max(1e12).default(COST_RULE_DEFAULTS.minDelta),
    lookback_days: z.number().int().min(ANOMALY_LOOKBACK_DAYS.min).max(ANOMALY_LOOKBACK_DAYS.max).default(COST_RULE_DEFAULTS.lookbackDays),
  }),
  z.strictObject({ ...costRuleCommon, kind: z.literal('aws_anomaly'), min_impact: z.number().min(0).max(1e12) }),
]);

const email = z.email({ error: 'must be an email address' }).max(254);
const phone = z.string().regex(/^\+[1-9]\d{6,14}$/, { error: 'must be an E.164 phone number like +15555550100' });

/** Syntax only: whether a cron still fires after now is the use-case's check (it has the clock). */
function scheduleExpression(kind: 'any' | 'cron') {
  return z
    .string()
    .max(256)
    .superRefine((text, ctx) => {
      const parsed = parseScheduleExpression(text, new Date(0));
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
      else if (kind === 'cron' && parsed.schedule.kind !== 'cron') ctx.addIssue({ code: 'custom', message: 'must be a cron(...) expression' });
    });
}

const DEFAULT_INTERVAL_SECONDS = 300;

const maintenanceWindowSchema = z.strictObject({
  schedule: scheduleExpression('cron'),
  duration_minutes: z.number().int().min(1).max(10080),
});

export const monitorSchema = z
  .strictObject({
    name,
    log_source_id: id,
    enabled: z.boolean().default(true),
    // Exactly one of the two; neither means every 300 s. A GET shows the unused one as null.
    interval_seconds: z.number().int().min(60).max(86400).nullable().default(null).describe('seconds between runs: 300 when neither this nor `schedule` is given; exactly one of the two'),
    schedule: scheduleExpression('any').nullable().default(null),
    snoozed_until: z.iso.datetime({ offset: true, error: 'must be an RFC 3339 time like 2026-11-27T18:00:00Z, or null' }).nullable().default(null),
    maintenance_windows: z.array(maintenanceWindowSchema).max(10).default([]),
    prompt: z.string().trim().min(1).max(8000),
    inputs: z.array(inputSchema).min(1).max(10).describe('labels unique within the monitor (case-insensitive)'),
    rules: z
      .array(ruleSchema.describe('exactly one of min_count (breached by at least that many matching lines) or expect_at_least (breached by fewer)'))
      .max(20)
      .default([])
      .describe("each on an input's label"),
    metric_rules: z.array(metricRuleSchema).max(20).default([]),
    window_config: z
      .strictObject({
        max_lines: z.number().int().min(1).max(10000).default(500),
        max_chars: z.number().int().min(100).max(200000).default(8000),
        mode: z.enum(['raw', 'templates']).default('templates'),
      })
      .default({ max_lines: 500, max_chars: 8000, mode: 'templates' }),
    notification_config: z
      .strictObject({
        email_recipients: z.array(email).max(50).default([]),
        sms_numbers: z.array(phone).max(20).default([]),
        notify_on: z.enum(['alert_only', 'warn_and_alert', 'all']).default('alert_only'),
        cooldown_minutes: z.number().int().min(0).max(10080).default(60),
      })
      .default({ email_recipients: [], sms_numbers: [], notify_on: 'alert_only', cooldown_minutes: 60 }),
    model: z.strictObject({ model_id: z.string().min(1).max(256).optional() }).default({}),
    no_data_status: z.enum(['ok', 'warn', 'alert']).default('ok'),
    judge_when: z.enum(['always', 'unusual']).default('always'),
    cost_rules: z.array(costRuleSchema).max(10).default([]),
    digest: z.strictObject({ hour_utc: z.number().int().min(0).max(23) }).nullable().default(null),
  })
  .superRefine((monitor, ctx) => {
    if (monitor.interval_seconds !== null && monitor.schedule !== null) {
      ctx.addIssue({ code: 'custom', path: ['schedule'], message: 'cannot be set together with interval_seconds; a monitor has exactly one of them' });
    }
    if (monitor.judge_when === 'unusual' && monitor.window_config.mode !== 'templates') {
      ctx.addIssue({ code: 'custom', path: ['judge_when'], message: 'unusual needs window_config.mode templates (the baseline compares templates)' });
    }
    const labels = new Map<string, number>();
    monitor.inputs.forEach((input, i) => {
      const key = input.label.toLowerCase();
      if (labels.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['inputs', i, 'label'], message: `repeats the label of inputs[${labels.get(key)}]` });
      } else {
        labels.set(key, i);
      }
    });
    monitor.rules.forEach((rule, i) => {
      if (!labels.has(rule.label.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'label'], message: `names no input (labels: ${monitor.inputs.map((x) => x.label).join(', ')})` });
      }
    });
    const metricInputs = monitor.inputs.flatMap((input) => (input.mode === 'metrics' ? [input] : []));
    monitor.metric_rules.forEach((rule, i) => {
      const input = metricInputs.find((x) => x.label.toLowerCase() === rule.label.toLowerCase());
      if (input === undefined) {
        const labels = metricInputs.map((x) => x.label).join(', ') || 'none';
        ctx.addIssue({ code: 'custom', path: ['metric_rules', i, 'label'], message: `names no metrics input (metrics inputs: ${labels})` });
      } else if (!input.queries.some((query) => query.id === rule.id)) {
        const ids = input.queries.map((query) => query.id).join(', ');
        ctx.addIssue({ code: 'custom', path: ['metric_rules', i, 'id'], message: `names no query of input ${input.label} (ids: ${ids})` });
      }
    });
    const costLabels = monitor.inputs.filter((input) => input.mode === 'cost').map((input) => input.label);
    monitor.cost_rules.forEach((rule, i) => {
      if (costLabels.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['cost_rules', i, 'label'], message: 'needs a cost input: the monitor has no input with mode cost' });
      } else if (rule.label === undefined && costLabels.length > 1) {
        ctx.addIssue({ code: 'custom', path: ['cost_rules', i, 'label'], message: `is required when the monitor has more than one cost input (${costLabels.join(', ')})` });
      } else if (rule.label !== undefined && !costLabels.some((label) => label.toLowerCase() === rule.label?.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['cost_rules', i, 'label'], message: `names no cost input (cost inputs: ${costLabels.join(', ')})` });
      }
    });
    if (monitor.digest !== null && costLabels.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['digest'], message: 'needs a cost input: the digest reports the snapshot a cost input reads' });
    }
  });

type WireCostRule = z.output<typeof costRuleSchema>;

function toCostRule(wire: WireCostRule, labelOf: ReadonlyMap<string, string>): CostRule {
  const common = { unit: wire.unit, ...(wire.label !== undefined && { label: labelOf.get(wire.label.toLowerCase()) ?? wire.label }) };
  switch (wire.kind) {
    case 'daily_threshold':
      return { ...common, kind: wire.kind, amount: wire.amount, severity: wire.severity, ...(wire.group !== undefined && { group: wire.group }) };
    case 'monthly_budget':
      return { ...common, kind: wire.kind, amount: wire.amount, alertPercentages: wire.alert_percentages };
    case 'anomaly':
      return { ...common, kind: wire.kind, zScore: wire.z_score, minDelta: wire.min_delta, lookbackDays: wire.lookback_days };
    case 'aws_anomaly':
      return { ...common, kind: wire.kind, minImpact: wire.min_impact };
  }
}

type WireInput = z.output<typeof inputSchema>;

function toInput(wire: WireInput): MonitorInput {
  const common = {
    label: wire.label,
    ...(wire.log_source_id !== undefined && { logSourceId: wire.log_source_id }),
    ...(wire.lookback_minutes !== undefined && { lookbackMinutes: wire.lookback_minutes }),
  };
  switch (wire.mode) {
    case 'filter':
      return { ...common, mode: 'filter', filterPattern: wire.filter_pattern };
    case 'insights':
      return { ...common, mode: 'insights', query: wire.query };
    case 'cost':
      return { ...common, mode: 'cost' };
    case 'tail':
      return { ...common, mode: 'tail', ...(wire.match !== undefined && { match: wire.match }) };
    case 'metrics':
      return { ...common, mode: 'metrics', queries: wire.queries.map(toMetricQuery) };
  }
}

function toMetricQuery(wire: z.output<typeof metricQuerySchema>): MetricQuery {
  const base = { id: wire.id, periodSeconds: wire.period_seconds };
  if (wire.expression !== undefined) return { ...base, expression: wire.expression };
  return { ...base, namespace: wire.namespace ?? '', metricName: wire.metric ?? '', dimensions: wire.dimensions ?? {}, stat: wire.stat ?? '' };
}

/** Parses a monitor body; a rule's label is matched to its input's label as written there. */
export function parseMonitor(body: unknown): MonitorSpec {
  return toMonitorSpec(parseOrThrow(monitorSchema, body));
}

/** `POST /monitors/preview`: a monitor body and `use_model`, which only a preview takes. */
export const monitorPreviewSchema = monitorSchema.safeExtend({
  use_model: z
    .boolean()
    .default(false)
    .describe('judge with the model (its spend counts against the monthly budget); false: the rules alone. Local mode with AWS credentials only: 400 in AWS'),
});

/** Parses a preview body: the monitor, validated exactly as a create, and `use_model`. */
export function parseMonitorPreview(body: unknown): { spec: MonitorSpec; useModel: boolean } {
  const wire = parseOrThrow(monitorPreviewSchema, body);
  return { spec: toMonitorSpec(wire), useModel: wire.use_model };
}

function toMonitorSpec(wire: z.output<typeof monitorSchema>): MonitorSpec {
  const labelOf = new Map(wire.inputs.map((input) => [input.label.toLowerCase(), input.label]));
  return {
    name: wire.name,
    logSourceId: wire.log_source_id,
    enabled: wire.enabled,
    // With a schedule, the use-case replaces this with the interval the schedule stands for.
    intervalSeconds: wire.interval_seconds ?? DEFAULT_INTERVAL_SECONDS,
    schedule: wire.schedule,
    snoozedUntil: wire.snoozed_until === null ? null : new Date(wire.snoozed_until).toISOString(),
    maintenanceWindows: wire.maintenance_windows.map((window) => ({ schedule: window.schedule, durationMinutes: window.duration_minutes })),
    prompt: wire.prompt,
    inputs: wire.inputs.map(toInput),
    rules: wire.rules.map((rule): MonitorRule => {
      const common = { label: labelOf.get(rule.label.toLowerCase()) ?? rule.label, pattern: rule.pattern, severity: rule.severity };
      return rule.expect_at_least !== undefined
        ? { ...common, expectAtLeast: rule.expect_at_least }
        : { ...common, minCount: rule.min_count ?? 1 };
    }),
    windowConfig: { maxLines: wire.window_config.max_lines, maxChars: wire.window_config.max_chars, mode: wire.window_config.mode },
    notificationConfig: {
      emailRecipients: wire.notification_config.email_recipients,
      smsNumbers: wire.notification_config.sms_numbers,
      notifyOn: wire.notification_config.notify_on,
      cooldownMinutes: wire.notification_config.cooldown_minutes,
    },
    model: wire.model.model_id !== undefined ? { modelId: wire.model.model_id } : {},
    noDataStatus: wire.no_data_status,
    judgeWhen: wire.judge_when,
    metricRules: wire.metric_rules.map(
      (rule): MetricRule => ({
        label: labelOf.get(rule.label.toLowerCase()) ?? rule.label,
        id: rule.id,
        op: rule.op,
        value: rule.value,
        datapoints: rule.datapoints,
        severity: rule.severity,
      }),
    ),
    costRules: wire.cost_rules.map((rule) => toCostRule(rule, labelOf)),
    digest: wire.digest === null ? null : { hourUtc: wire.digest.hour_utc },
  };
}

/** The request bodies by their OpenAPI component name (documented as their input side). */
export const requestSchemas = z.registry<{ id: string }>();
requestSchemas.add(targetSchema, { id: 'TargetBody' });
requestSchemas.add(logSourceDocSchema, { id: 'LogSourceBody' });
requestSchemas.add(monitorSchema, { id: 'MonitorBody' });
requestSchemas.add(monitorPreviewSchema, { id: 'MonitorPreviewBody' });

// ---------- feedback and insights ----------

export const feedbackSchema = z.strictObject({
  verdict: z.enum(FEEDBACK_VERDICTS),
  finding_index: z.number().int().min(0).max(1000).optional(),
  note: z.string().max(MAX_FEEDBACK_NOTE_CHARS).optional(),
});

export function parseFeedback(body: unknown): FeedbackInput {
  const wire = parseOrThrow(feedbackSchema, body);
  return {
    verdict: wire.verdict,
    ...(wire.finding_index !== undefined && { findingIndex: wire.finding_index }),
    ...(wire.note !== undefined && { note: wire.note }),
  };
}

export const insightsQuerySchema = z.strictObject({
  // Digits only, like `limit`: Number() would also take `0x10` or `1e1`.
  days: z
    .string()
    .regex(/^[0-9]+$/, { error: 'must be a whole number written in digits' })
    .transform(Number)
    .pipe(z.number().min(1).max(MAX_INSIGHT_DAYS))
    .default(DEFAULT_INSIGHT_DAYS),
});

requestSchemas.add(feedbackSchema, { id: 'FeedbackBody' });

/** `?days=` of `GET /monitors/{id}/insights`. */
export function parseInsightsQuery(query: Record<string, string>): { days: number } {
  return parseOrThrow(insightsQuerySchema, query);
}
