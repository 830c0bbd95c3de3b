import { PowertoolsJudgeMetrics } from '#adapters/powertools/powertools-judge-metrics.ts';
import { createStore, type Store } from '#adapters/dynamo/index.ts';
import type { SourceReaders } from '#domain/collect/ports.ts';
import { GuardedJudge } from '#domain/judge/guarded-judge.ts';
import type { Judge, JudgeMetrics } from '#domain/judge/ports.ts';
import { parsePriceOverrides, type PriceTable } from '#domain/judge/prices.ts';
import type { NotificationChannels } from '#domain/notify/channels.ts';
import { DEFAULT_DELIVERY_RETRY } from '#domain/notify/retry.ts';
import type { Clock } from '#domain/model/ports.ts';
import type { RunRequest } from '#domain/runs/ports.ts';
import { executeRun, type ExecuteRunResult } from '#domain/runs/execute-run.ts';
import { createRunSteps } from '#domain/runs/run-steps.ts';
import { metrics } from '#adapters/powertools/index.ts';
import { systemClock } from './clock.ts';
import { ENV } from './contract.ts';
import { readEnvironment, type SharedSettings } from './environment.ts';
import { bedrockJudge } from './judge.ts';
import { awsChannels } from './notifier.ts';
import { sourceReaders } from './readers.ts';
import { openTable } from './table.ts';

export interface RunnerSettings {
  defaultModelId: string;
  maxInputTokens: number;
  collectConcurrency: number;
  apiBaseUrl: string;
  runRetentionDays: number;
  costCollectorHours: number;
  prices?: PriceTable;
  /** Runs a label's baseline learns before marking `NEW`/`MISSING`. @default 5 */
  baselineLearningRuns?: number;
  /** Estimated model spend allowed per UTC month (USD); unset or null: no cap. */
  modelMonthlyBudgetUsd?: number | null;
}

/**
 * The runner's settings from the variables Lambda and local mode share, plus what each decides
 * for itself (the API's URL, the budget, the baseline's learning runs).
 */
export function runnerSettings(
  shared: SharedSettings,
  own: { apiBaseUrl: string; modelMonthlyBudgetUsd: number | undefined; baselineLearningRuns?: number },
): RunnerSettings {
  return {
    defaultModelId: shared.DEFAULT_MODEL_ID,
    maxInputTokens: shared.MAX_INPUT_TOKENS,
    collectConcurrency: shared.COLLECT_CONCURRENCY,
    apiBaseUrl: own.apiBaseUrl,
    runRetentionDays: shared.RUN_RETENTION_DAYS,
    costCollectorHours: shared.COST_COLLECTOR_HOURS,
    ...(shared.MODEL_PRICES_JSON && { prices: parsePriceOverrides(shared.MODEL_PRICES_JSON, ENV.MODEL_PRICES_JSON) }),
    ...(own.baselineLearningRuns !== undefined && { baselineLearningRuns: own.baselineLearningRuns }),
    modelMonthlyBudgetUsd: own.modelMonthlyBudgetUsd ?? null,
  };
}

/**
 * A model judge behind the circuit breaker and the monthly budget kept in the table (the runner's
 * and a preview's alike, so both spend from one budget); a rules judge as it is.
 */
export function guardedJudge(judge: Judge, options: { store: Pick<Store, 'modelGuard'>; clock: Clock; settings: Pick<RunnerSettings, 'modelMonthlyBudgetUsd' | 'prices'> }): Judge {
  const { settings } = options;
  if (judge.kind !== 'bedrock') return judge;
  return new GuardedJudge(judge, {
    store: options.store.modelGuard,
    clock: options.clock,
    monthlyBudgetUsd: settings.modelMonthlyBudgetUsd ?? null,
    ...(settings.prices && { prices: settings.prices }),
  });
}

export type Runner = (request: RunRequest, deadline: number) => Promise<ExecuteRunResult>;

/**
 * The runner over its adapters: the same function in Lambda and in local mode. A model judge is
 * guarded by the circuit breaker and the monthly budget kept in the table.
 */
export function createRunner(options: {
  store: Store;
  readers: SourceReaders;
  judge: Judge;
  judgeMetrics: JudgeMetrics;
  channels: NotificationChannels;
  clock: Clock;
  settings: RunnerSettings;
}): Runner {
  const { store, settings } = options;
  const judge = guardedJudge(options.judge, { store, clock: options.clock, settings });
  const steps = createRunSteps({
    logSources: store.logSources,
    targets: store.targets,
    monitors: store.monitors,
    readers: options.readers,
    judge,
    judgeMetrics: options.judgeMetrics,
    ...(settings.prices && { prices: settings.prices }),
    channels: options.channels,
    notifyRetry: DEFAULT_DELIVERY_RETRY,
    clock: options.clock,
    defaultModelId: settings.defaultModelId,
    maxInputTokens: settings.maxInputTokens,
    collectConcurrency: settings.collectConcurrency,
    apiBaseUrl: settings.apiBaseUrl,
    costCollectorHours: settings.costCollectorHours,
    baselines: store.baselines,
    feedback: store.feedback,
    ...(settings.baselineLearningRuns !== undefined && { baselineOptions: { learningRuns: settings.baselineLearningRuns } }),
  });
  return (request, deadline) =>
    executeRun(request, {
      monitors: store.monitors,
      runs: store.runs,
      steps,
      clock: options.clock,
      runRetentionDays: settings.runRetentionDays,
      deadline: () => deadline,
    });
}

/**
 * The runner function's composition root: settings validated at cold start, clients created once
 * per container, the Bedrock judge, SES/SNS delivery and Powertools metrics.
 */
export function runnerFromEnvironment(env: Record<string, string | undefined>): { runner: Runner; marginMs: number } {
  const config = readEnvironment('runner', env);
  const table = openTable(config.TABLE_NAME);
  const runner = createRunner({
    store: createStore(table),
    readers: sourceReaders({ table, defaultRegion: config.AWS_REGION, clock: systemClock }),
    judge: bedrockJudge(),
    judgeMetrics: new PowertoolsJudgeMetrics(metrics),
    channels: awsChannels({ senderEmail: config.SENDER_EMAIL, topicArn: config.ALERT_TOPIC_ARN }),
    clock: systemClock,
    settings: runnerSettings(config, { apiBaseUrl: config.API_BASE_URL, modelMonthlyBudgetUsd: config.MODEL_MONTHLY_BUDGET_USD }),
  });
  return { runner, marginMs: config.RUN_MARGIN_SECONDS * 1000 };
}
