import type { LogSource, Target } from '#domain/model/entities.ts';
import { RulesOnlyJudge } from '#domain/judge/rules-only-judge.ts';
import { DEFAULT_DELIVERY_RETRY } from '#domain/notify/retry.ts';
import { createRunSteps, type RunStepsDeps } from '#domain/runs/run-steps.ts';
import type { NotificationChannels } from '#domain/notify/channels.ts';
import type { fakeReaders } from '../unit/collect/fakes.ts';

/** Notification channels that always send. */
export const SENDING_CHANNELS: NotificationChannels = {
  topicName: null,
  sendEmail: async () => ({ status: 'sent', detail: null }),
  sendSms: async () => ({ status: 'sent', detail: null }),
  publishTopic: async () => ({ status: 'sent', detail: null }),
};

/**
 * The run steps over one source of one target, the rules-only judge and channels that always
 * send; `overrides` replaces any of the dependencies (a judge, baselines, …).
 */
export function stepsOver(
  source: LogSource,
  target: Target,
  readers: ReturnType<typeof fakeReaders>,
  now = new Date('2026-11-21T10:00:00.000Z'),
  overrides: Partial<RunStepsDeps> = {},
) {
  return createRunSteps({
    logSources: { getMany: async () => new Map([[source.id, source]]) },
    targets: { get: async (id) => (id === target.id ? target : null) },
    monitors: { get: async () => null, swapAlertState: async () => true },
    readers,
    judge: new RulesOnlyJudge('test'),
    judgeMetrics: { record: () => undefined },
    channels: SENDING_CHANNELS,
    notifyRetry: DEFAULT_DELIVERY_RETRY,
    clock: { now: () => now },
    defaultModelId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
    maxInputTokens: 30_000,
    collectConcurrency: 2,
    apiBaseUrl: 'http://127.0.0.1:3000',
    costCollectorHours: 6,
    ...overrides,
  });
}
