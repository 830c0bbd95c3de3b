import type { z } from 'zod';
import type { CostRule, LogSource, MetricQuery, Monitor, MonitorInput, MonitorRun, Page, RuleResult, Target } from '#domain/model/entities.ts';
import { isCostRuleResult } from '#domain/judge/rules.ts';
import type { MonthUsage, UsageTotals } from '#domain/runs/usage.ts';
import type {
  costSnapshotResponse,
  feedbackResponse,
  insightsResponse,
  logSourceResponse,
  monitorResponse,
  previewResponse,
  runResponse,
  suggestionResponse,
  targetResponse,
  usageResponse,
  usageTotals,
} from './response-schemas.ts';
import type { CostSnapshot } from '#domain/collect/types.ts';
import type { Feedback } from '#domain/feedback/types.ts';
import type { Insights, Suggestion } from '#domain/insights/insights.ts';

/**
 * Domain entities as docs/api.md shows them: snake_case, optional fields left out. Each returns
 * the type of its response schema, so the OpenAPI document cannot drift from what is sent.
 */

export function presentTarget(target: Target): z.output<typeof targetResponse> {
  const c = target.connectionConfig;
  return {
    id: target.id,
    name: target.name,
    type: target.type,
    connection_config: {
      ...(c.region !== undefined && { region: c.region }),
      ...(c.roleArn !== undefined && { role_arn: c.roleArn }),
      ...(c.externalId !== undefined && { external_id: c.externalId }),
    },
    created_at: target.createdAt,
    updated_at: target.updatedAt,
  };
}

function presentSourceConfig(source: LogSource): z.output<typeof logSourceResponse>['config'] {
  switch (source.mode) {
    case 'cloudwatch_logs':
      return source.config.logGroupNames
        ? { log_group_names: source.config.logGroupNames }
        : { log_group_name_prefix: source.config.logGroupNamePrefix };
    case 'ecs':
      return {
        cluster: source.config.cluster,
        container_name: source.config.containerName,
        ...(source.config.serviceName !== undefined && { service_name: source.config.serviceName }),
        ...(source.config.taskFamily !== undefined && { task_family: source.config.taskFamily }),
      };
    case 'cost_explorer':
      return { metric: source.config.metric, group_by: source.config.groupBy, include_savings: source.config.includeSavings === true };
    case 'file':
      return { path: source.config.path };
    case 'cloudwatch_metrics':
      return {};
  }
}

export function presentLogSource(source: LogSource): z.output<typeof logSourceResponse> {
  return {
    id: source.id,
    target_id: source.targetId,
    name: source.name,
    mode: source.mode,
    config: presentSourceConfig(source),
    created_at: source.createdAt,
    updated_at: source.updatedAt,
  };
}

function presentInput(input: MonitorInput): z.output<typeof monitorResponse>['inputs'][number] {
  return {
    label: input.label,
    mode: input.mode,
    ...(input.logSourceId !== undefined && { log_source_id: input.logSourceId }),
    ...(input.lookbackMinutes !== undefined && { lookback_minutes: input.lookbackMinutes }),
    ...(input.mode === 'filter' && { filter_pattern: input.filterPattern }),
    ...(input.mode === 'insights' && { query: input.query }),
    ...(input.mode === 'tail' && input.match !== undefined && { match: input.match }),
    ...(input.mode === 'metrics' && { queries: input.queries.map(presentMetricQuery) }),
  };
}

type MonitorBody = z.output<typeof monitorResponse>;
type RunBody = z.output<typeof runResponse>;

function presentMetricQuery(query: MetricQuery): NonNullable<MonitorBody['inputs'][number]['queries']>[number] {
  if ('expression' in query) return { id: query.id, expression: query.expression, period_seconds: query.periodSeconds };
  return {
    id: query.id,
    namespace: query.namespace,
    metric: query.metricName,
    dimensions: query.dimensions,
    stat: query.stat,
    period_seconds: query.periodSeconds,
  };
}

function presentCostRule(rule: CostRule): MonitorBody['cost_rules'][number] {
  const common = { kind: rule.kind, ...(rule.label !== undefined && { label: rule.label }), unit: rule.unit };
  switch (rule.kind) {
    case 'daily_threshold':
      return { ...common, amount: rule.amount, ...(rule.group !== undefined && { group: rule.group }), severity: rule.severity };
    case 'monthly_budget':
      return { ...common, amount: rule.amount, alert_percentages: rule.alertPercentages };
    case 'anomaly':
      return { ...common, z_score: rule.zScore, min_delta: rule.minDelta, lookback_days: rule.lookbackDays };
    case 'aws_anomaly':
      return { ...common, min_impact: rule.minImpact };
  }
}

/** A run's rule result: a line rule with its pattern and count, a number rule (cost) with the figures behind it. */
function presentRuleResult(rule: RuleResult): RunBody['rules'][number] {
  if (rule.kind === 'metric') {
    return {
      label: rule.label,
      pattern: rule.pattern,
      kind: 'metric',
      count: rule.count,
      ...(rule.unread === true && { input_failed: true }),
      severity: rule.severity,
      breached: rule.breached,
      id: rule.id,
      op: rule.op,
      value: rule.threshold,
      datapoints: rule.datapoints,
      actual: rule.actual ?? null,
      detail: rule.detail ?? null,
    };
  }
  if (isCostRuleResult(rule)) {
    return {
      label: rule.label,
      kind: rule.kind,
      severity: rule.severity,
      breached: rule.breached,
      ...(rule.unread === true && { input_failed: true }),
      ...Object.fromEntries(
        (['actual', 'threshold', 'percent', 'day', 'group', 'basis', 'unit', 'detail'] as const).flatMap((field) =>
          rule[field] === undefined ? [] : [[field, rule[field]]],
        ),
      ),
    };
  }
  return {
    label: rule.label,
    pattern: rule.pattern,
    kind: rule.kind ?? 'min_count',
    ...(rule.threshold !== undefined && { [rule.kind ?? 'min_count']: rule.threshold }),
    count: rule.count,
    ...(rule.unread === true && { input_failed: true }),
    severity: rule.severity,
    breached: rule.breached,
    ...(rule.templateId != null && { template_id: rule.templateId }),
  };
}

/** A monitor as the API shows it; `usage` (its last 30 days) only when one monitor is read. */
export function presentMonitor(monitor: Monitor, usage?: UsageTotals): z.output<typeof monitorResponse> {
  return {
    id: monitor.id,
    name: monitor.name,
    log_source_id: monitor.logSourceId,
    enabled: monitor.enabled,
    interval_seconds: monitor.schedule == null ? monitor.intervalSeconds : null,
    schedule: monitor.schedule ?? null,
    snoozed_until: monitor.snoozedUntil ?? null,
    maintenance_windows: (monitor.maintenanceWindows ?? []).map((window) => ({
      schedule: window.schedule,
      duration_minutes: window.durationMinutes,
    })),
    prompt: monitor.prompt,
    inputs: monitor.inputs.map(presentInput),
    rules: monitor.rules.map((rule) => ({
      label: rule.label,
      pattern: rule.pattern,
      ...(rule.expectAtLeast !== undefined ? { expect_at_least: rule.expectAtLeast } : { min_count: rule.minCount }),
      severity: rule.severity,
    })),
    metric_rules: (monitor.metricRules ?? []).map((rule) => ({
      label: rule.label,
      id: rule.id,
      op: rule.op,
      value: rule.value,
      datapoints: rule.datapoints,
      severity: rule.severity,
    })),
    window_config: {
      max_lines: monitor.windowConfig.maxLines,
      max_chars: monitor.windowConfig.maxChars,
      mode: monitor.windowConfig.mode,
    },
    notification_config: {
      email_recipients: monitor.notificationConfig.emailRecipients,
      sms_numbers: monitor.notificationConfig.smsNumbers,
      notify_on: monitor.notificationConfig.notifyOn,
      cooldown_minutes: monitor.notificationConfig.cooldownMinutes,
    },
    model: monitor.model.modelId !== undefined ? { model_id: monitor.model.modelId } : {},
    no_data_status: monitor.noDataStatus ?? 'ok',
    judge_when: monitor.judgeWhen ?? 'always',
    cost_rules: (monitor.costRules ?? []).map(presentCostRule),
    digest: monitor.digest ? { hour_utc: monitor.digest.hourUtc } : null,
    next_run_at: monitor.nextRunAt,
    last_run: monitor.lastRun
      ? { id: monitor.lastRun.id, status: monitor.lastRun.status, finished_at: monitor.lastRun.finishedAt }
      : null,
    ...(usage && { usage_30d: presentUsage(usage) }),
    created_at: monitor.createdAt,
    updated_at: monitor.updatedAt,
  };
}

export function presentUsage(usage: UsageTotals): z.output<typeof usageTotals> {
  return {
    runs: usage.runs,
    model_calls: usage.modelCalls,
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    estimated_cost_usd: usage.estimatedCostUsd,
  };
}

export function presentMonthUsage(usage: MonthUsage): z.output<typeof usageResponse> {
  return {
    month: usage.month,
    total: presentUsage(usage.total),
    by_monitor: usage.byMonitor.map((item) => ({ monitor_id: item.monitorId, ...(item.name !== undefined && { name: item.name }), ...presentUsage(item) })),
    by_model: usage.byModel.map((item) => ({ model_id: item.modelId, ...presentUsage(item) })),
  };
}

/** A run as the API shows it; the payload (up to 64 KiB) only when one run is read, not in lists. */
export function presentRun(run: MonitorRun, options: { payload?: boolean } = {}): z.output<typeof runResponse> {
  return {
    id: run.id,
    monitor_id: run.monitorId,
    trigger: run.trigger,
    status: run.status,
    scheduled_for: run.scheduledFor,
    created_at: run.createdAt,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    summary: run.summary,
    findings: run.findings,
    inputs: Object.fromEntries(
      Object.entries(run.inputs).map(([label, stats]) => [
        label,
        {
          lines: stats.lines,
          chars: stats.chars,
          truncated: stats.truncated,
          error: stats.error,
          ...(stats.omittedTemplates !== undefined && { omitted_templates: stats.omittedTemplates }),
          ...(stats.notes !== undefined && stats.notes.length > 0 && { notes: stats.notes }),
        },
      ]),
    ),
    rules: run.rules.map(presentRuleResult),
    judge: run.judge && {
      kind: run.judge.kind,
      model_id: run.judge.modelId,
      input_tokens: run.judge.inputTokens,
      output_tokens: run.judge.outputTokens,
      latency_ms: run.judge.latencyMs,
      estimated_cost_usd: run.judge.estimatedCostUsd,
      skipped: run.judge.skipped,
      fallback: run.judge.fallback?.code ?? null,
      fallback_reason: run.judge.fallback?.reason ?? null,
    },
    redactions: run.redactions,
    ...(options.payload && { payload: run.payload ?? null }),
    notifications: run.notifications,
    notifications_pending: run.status === 'queued' || run.status === 'running' || run.notificationsPending === true,
    feedback: (run.feedback ?? []).map((item) => ({
      id: item.id,
      verdict: item.verdict,
      finding_index: item.findingIndex,
      note: item.note,
      created_at: item.createdAt,
    })),
    raw_reply: run.rawReply,
    error: run.error,
  };
}

/** A preview's run: the run shape with no ids, never notified, its payload shown. */
export function presentPreview(run: MonitorRun): z.output<typeof previewResponse> {
  return { ...presentRun(run), id: null, monitor_id: null, trigger: 'manual', preview: true, payload: run.payload, notifications: [], notifications_pending: false };
}

export function presentPage<T, R>(page: Page<T>, present: (item: T) => R): { items: R[]; next_token: string | null } {
  return { items: page.items.map(present), next_token: page.nextToken };
}

/**
 * A cost snapshot as `GET /log-sources/{id}/cost-snapshot` shows it. The forecast keeps every
 * figure the collector stored (`start`, `end`, `amount`, and the prediction interval's `lower` /
 * `upper` when Cost Explorer gave one).
 */
export function presentCostSnapshot(snapshot: CostSnapshot): z.output<typeof costSnapshotResponse> {
  return {
    log_source_id: snapshot.logSourceId,
    collected_at: snapshot.collectedAt,
    metric: snapshot.metric,
    group_by: snapshot.groupBy,
    unit: snapshot.unit,
    estimated_from: snapshot.estimatedFrom,
    daily: snapshot.daily.map(({ day, group, amount }) => ({ day, group, amount })),
    month_to_date: snapshot.monthToDate.map(({ group, amount }) => ({ group, amount })),
    forecast: snapshot.forecast === null ? null : { ...snapshot.forecast },
    anomalies: snapshot.anomalies.map((anomaly) => ({
      id: anomaly.id,
      start: anomaly.start,
      end: anomaly.end,
      impact: anomaly.impact,
      total_impact: anomaly.totalImpact,
      root_causes: anomaly.rootCauses,
    })),
    ...(snapshot.savings !== undefined && {
      savings: snapshot.savings.map((saving) => ({
        resource: saving.resource,
        resource_type: saving.resourceType,
        action: saving.action,
        region: saving.region,
        monthly_savings: saving.monthlySavings,
        currency: saving.currency,
        recommended: saving.recommended,
      })),
    }),
    notes: snapshot.notes,
  };
}

export function presentFeedback(feedback: Feedback): z.output<typeof feedbackResponse> {
  return {
    id: feedback.id,
    monitor_id: feedback.monitorId,
    run_id: feedback.runId,
    verdict: feedback.verdict,
    finding_index: feedback.findingIndex,
    note: feedback.note,
    created_at: feedback.createdAt,
    run_at: feedback.runAt,
    run_status: feedback.runStatus,
    finding_titles: feedback.findingTitles,
    expected_templates: feedback.expectedTemplates,
    rule_breaches: feedback.ruleBreaches,
    anomaly_feedback: feedback.anomalyFeedback.map((outcome) => ({
      anomaly_id: outcome.anomalyId,
      value: outcome.value,
      status: outcome.status,
      reason: outcome.reason,
    })),
  };
}

function presentSuggestion(suggestion: Suggestion): z.output<typeof suggestionResponse> {
  switch (suggestion.kind) {
    case 'raise_min_count':
      return { kind: suggestion.kind, label: suggestion.label, pattern: suggestion.pattern, current: suggestion.current, suggested: suggestion.suggested, message: suggestion.message };
    case 'lengthen_interval':
      return { kind: suggestion.kind, current: suggestion.current, suggested: suggestion.suggested, message: suggestion.message };
    case 'cheaper_model':
      return {
        kind: suggestion.kind,
        current: suggestion.current,
        suggested: suggestion.suggested,
        current_cost_usd: suggestion.currentCostUsd,
        estimated_cost_usd: suggestion.estimatedCostUsd,
        message: suggestion.message,
      };
    case 'expect_at_least':
      return {
        kind: suggestion.kind,
        label: suggestion.label,
        pattern: suggestion.pattern,
        expect_at_least: suggestion.expectAtLeast,
        template: suggestion.template,
        message: suggestion.message,
      };
  }
}

export function presentInsights(insights: Insights): z.output<typeof insightsResponse> {
  const { runs, feedback, model } = insights;
  return {
    monitor_id: insights.monitorId,
    days: insights.days,
    from: insights.from,
    to: insights.to,
    runs: { total: runs.total, by_status: runs.byStatus, per_day: runs.perDay, complete: runs.complete },
    notifications: insights.notifications,
    feedback: {
      total: feedback.total,
      correct: feedback.correct,
      false_positive: feedback.falsePositive,
      missed: feedback.missed,
      false_positive_rate: feedback.falsePositiveRate,
    },
    new_templates: insights.newTemplates.map((t) => ({ label: t.label, template: t.template, first_seen: t.firstSeen })),
    model: {
      model_runs: model.modelRuns,
      skipped_runs: model.skippedRuns,
      input_tokens: model.inputTokens,
      output_tokens: model.outputTokens,
      estimated_cost_usd: model.estimatedCostUsd,
    },
    suggestions: insights.suggestions.map(presentSuggestion),
  };
}
