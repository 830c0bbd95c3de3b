/**
 * A handled run as CloudWatch metrics: Runs by Status and RunDuration when it reached its
 * verdict, Notifications by Outcome whenever its notices were recorded.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ExecuteRunResult } from '#domain/runs/execute-run.ts';
import { NOTIFICATIONS_METRIC, RUN_DURATION_METRIC, RUNS_METRIC } from '#composition/contract.ts';

export class PowertoolsRunMetrics {
  constructor(private readonly metrics: Metrics) {}

  record(result: ExecuteRunResult): void {
    if (result.outcome !== 'finished' && result.outcome !== 'notified') return;
    const { run } = result;
    if (result.outcome === 'finished') {
      this.emit(RUNS_METRIC, MetricUnit.Count, 1, { Status: run.status });
      if (run.startedAt !== null && run.finishedAt !== null) {
        this.emit(RUN_DURATION_METRIC, MetricUnit.Milliseconds, Date.parse(run.finishedAt) - Date.parse(run.startedAt), {});
      }
    }
    const byOutcome = new Map<string, number>();
    for (const outcome of run.notifications) byOutcome.set(outcome.status, (byOutcome.get(outcome.status) ?? 0) + 1);
    for (const [outcome, count] of byOutcome) this.emit(NOTIFICATIONS_METRIC, MetricUnit.Count, count, { Outcome: outcome });
  }

  // Single-metric documents, as the judge metrics do: each keeps only its own dimensions.
  private emit(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number, dimensions: Record<string, string>): void {
    const single = this.metrics.singleMetric();
    for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
    single.addMetric(name, unit, value);
  }
}
