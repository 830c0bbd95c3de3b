import type { SourceReaders } from '#domain/collect/ports.ts';
import type { Judge, JudgeMetrics } from '#domain/judge/ports.ts';
import type { PriceTable } from '#domain/judge/prices.ts';
import { RulesOnlyJudge } from '#domain/judge/rules-only-judge.ts';
import type { LogSourceRepository } from '#domain/log-sources/ports.ts';
import type { Clock } from '#domain/model/ports.ts';
import type { TargetRepository } from '#domain/targets/ports.ts';
import type { MonitorPreviewer } from '#domain/runs/preview-run.ts';
import { createCollectJudgeSteps } from '#domain/runs/run-steps.ts';

/**
 * Where the API function's previews record judge usage: nowhere. A preview is not a run, so it
 * stays out of the run metrics and the dashboard; the response carries its usage.
 */
export const uncountedJudgeMetrics: JudgeMetrics = { record: () => undefined };

/** A preview's rules-only verdict says why no model was asked. */
export const PREVIEW_RULES_REASON = 'a preview without "use_model": true';

/**
 * Previews over the runner's readers and steps. `model` is the guarded model judge (its spend
 * counts against the monthly budget) or why this deployment's previews may not call one. Judge
 * metrics are a preview's own sink: a preview is not a run, so it stays out of the run metrics.
 */
export function monitorPreviewer(options: {
  store: { logSources: Pick<LogSourceRepository, 'getMany'>; targets: Pick<TargetRepository, 'get'> };
  readers: SourceReaders;
  clock: Clock;
  judgeMetrics: JudgeMetrics;
  model: Judge | { unavailable: string };
  settings: { defaultModelId: string; maxInputTokens: number; collectConcurrency: number; costCollectorHours: number; prices?: PriceTable };
  timeoutMs: number;
}): MonitorPreviewer {
  const { store, settings } = options;
  const stepsWith = (judge: Judge) =>
    createCollectJudgeSteps({
      logSources: store.logSources,
      targets: store.targets,
      readers: options.readers,
      judge,
      judgeMetrics: options.judgeMetrics,
      ...(settings.prices && { prices: settings.prices }),
      clock: options.clock,
      defaultModelId: settings.defaultModelId,
      maxInputTokens: settings.maxInputTokens,
      collectConcurrency: settings.collectConcurrency,
      costCollectorHours: settings.costCollectorHours,
    });
  return {
    rules: stepsWith(new RulesOnlyJudge(PREVIEW_RULES_REASON)),
    model: 'unavailable' in options.model ? options.model : stepsWith(options.model),
    timeoutMs: options.timeoutMs,
  };
}
