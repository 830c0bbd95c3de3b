/**
 * The judge's usage as CloudWatch metrics (EMF through Powertools Metrics), per model.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { JudgeMetrics, JudgeMetricsRecord } from '#domain/judge/ports.ts';
import { MODEL_COST_METRIC } from '#composition/contract.ts';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** The `ModelId` dimension value when no model was consulted (rules-only judge). */
export const RULES_ONLY_DIMENSION = 'rules-only';

/**
 * Records InputTokens, OutputTokens, JudgeLatency, EstimatedCostUsd and ModelCalls for judged
 * runs, SkippedRuns (with a `Reason` dimension) for skipped ones and JudgeErrors for runs without
 * a verdict (EstimatedCostUsd also without `ModelId`, as the total), ModelFallbackRuns (with a `Reason`: `circuit_open`, `budget_reached`) for runs the
 * model guard judged by the rules, all with a `ModelId` dimension.
 *
 * Each record goes out through `singleMetric()`: EMF gives every metric in one document the same
 * dimensions, so adding `ModelId` to the handler's shared instance would also stamp it on the
 * handler's other metrics (and be cleared by its flush). A single-metric instance carries the
 * namespace and default dimensions but flushes at once, at the cost of one log line per metric.
 */
export class PowertoolsJudgeMetrics implements JudgeMetrics {
  constructor(private readonly metrics: Metrics) {}

  private emit(name: string, unit: Unit, value: number, dimensions: Record<string, string>): void {
    const single = this.metrics.singleMetric();
    for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
    single.addMetric(name, unit, value);
  }

  record(usage: JudgeMetricsRecord): void {
    const model = { ModelId: usage.modelId ?? RULES_ONLY_DIMENSION };
    if (usage.skipped !== null) {
      this.emit('SkippedRuns', MetricUnit.Count, 1, { ...model, Reason: usage.skipped });
      return;
    }
    if (usage.failed) this.emit('JudgeErrors', MetricUnit.Count, 1, model);
    // The circuit breaker or the monthly budget kept the model out: worth an alarm of your own.
    if (usage.fallback) this.emit('ModelFallbackRuns', MetricUnit.Count, 1, { ...model, Reason: usage.fallback.code });
    if (usage.kind === 'rules') return;
    this.emit('ModelCalls', MetricUnit.Count, usage.modelCalls, model);
    this.emit('InputTokens', MetricUnit.Count, usage.inputTokens, model);
    this.emit('OutputTokens', MetricUnit.Count, usage.outputTokens, model);
    this.emit('JudgeLatency', MetricUnit.Milliseconds, usage.latencyMs, model);
    this.emit(MODEL_COST_METRIC, MetricUnit.NoUnit, usage.estimatedCostUsd, model);
    // Once more without ModelId: the total an alarm can watch (alarms cannot SEARCH over models).
    this.emit(MODEL_COST_METRIC, MetricUnit.NoUnit, usage.estimatedCostUsd, {});
  }
}
