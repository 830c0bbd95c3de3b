import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { SESClient } from '@aws-sdk/client-ses';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SourceReaders } from '#domain/collect/ports.ts';
import { GuardedJudge } from '#domain/judge/guarded-judge.ts';
import type { Judge, JudgeMetrics } from '#domain/judge/ports.ts';
import type { PriceTable } from '#domain/judge/prices.ts';
import { combineChannels, DeliveryError, type EmailSender, type NotificationChannels } from '#domain/notify/channels.ts';
import { DEFAULT_RETRY_POLICY } from '#domain/notify/retry.ts';
import type { Clock } from '#domain/model/ports.ts';
import type { RunRequest } from '#domain/runs/ports.ts';
import { executeRun, type ExecuteRunResult } from '#domain/runs/execute-run.ts';
import { createRunSteps } from '#domain/runs/run-steps.ts';
import type { Store } from '#adapters/dynamo/index.ts';
import { BedrockJudge } from '#adapters/bedrock/bedrock-judge.ts';
import { SesEmailSender } from '#adapters/ses/ses-email-sender.ts';
import { SnsSmsSender } from '#adapters/sns/sns-sms-sender.ts';
import { SnsTopicPublisher } from '#adapters/sns/sns-topic-publisher.ts';

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
  const judge =
    options.judge.kind === 'bedrock'
      ? new GuardedJudge(options.judge, {
          store: store.modelGuard,
          clock: options.clock,
          monthlyBudgetUsd: settings.modelMonthlyBudgetUsd ?? null,
          ...(settings.prices && { prices: settings.prices }),
        })
      : options.judge;
  const steps = createRunSteps({
    logSources: store.logSources,
    targets: store.targets,
    monitors: store.monitors,
    readers: options.readers,
    judge,
    judgeMetrics: options.judgeMetrics,
    ...(settings.prices && { prices: settings.prices }),
    channels: options.channels,
    notifyRetry: DEFAULT_RETRY_POLICY,
    clock: options.clock,
    defaultModelId: settings.defaultModelId,
    maxInputTokens: settings.maxInputTokens,
    collectConcurrency: settings.collectConcurrency,
    apiBaseUrl: settings.apiBaseUrl,
    costCollectorHours: settings.costCollectorHours,
    baselines: store.baselines,
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

/** Email is off until a verified sender is configured; each email outcome then says so. */
const noSender: EmailSender = {
  sendEmail: () =>
    Promise.reject(
      new DeliveryError('NoSenderConfigured', 'no sender address is configured (stack setting senderEmail / VIGIL_SENDER_EMAIL)', false),
    ),
};

/** SES email, SNS SMS and the alert topic, as the runner delivers in AWS. */
export function awsChannels(options: {
  ses: SESClient;
  sns: SNSClient;
  senderEmail: string | undefined;
  topicArn: string | undefined;
}): NotificationChannels {
  return combineChannels({
    email: options.senderEmail ? new SesEmailSender(options.ses, { source: options.senderEmail }) : noSender,
    sms: new SnsSmsSender(options.sns),
    topic: options.topicArn ? new SnsTopicPublisher(options.sns, { topicArn: options.topicArn }) : null,
  });
}

/** The Bedrock judge over its client (the judge does its own deadline-bound retries). */
export function bedrockJudge(client: BedrockRuntimeClient): Judge {
  return new BedrockJudge(client);
}
