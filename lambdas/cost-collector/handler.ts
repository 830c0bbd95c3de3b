/**
 * EventBridge schedule (every 6 hours by default) → one Cost Explorer snapshot per
 * `cost_explorer` source. Runs never call Cost Explorer: it charges $0.01 per request.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, ScheduledEvent } from 'aws-lambda';
import {
  collectCostSnapshots,
  type CostCollectionOutcome,
  type CostCollectorDeps,
} from '#domain/collect/collect-cost-snapshots.ts';
import { logger } from '#adapters/powertools/index.ts';
import { costCollectorFromEnvironment } from './compose.ts';

export interface CostCollectionSummary {
  collected: number;
  failed: number;
  outcomes: CostCollectionOutcome[];
}

/**
 * Collects every cost source and logs each outcome. Rejects (so the invocation fails and
 * EventBridge retries it) only when every source failed.
 */
export async function collectCosts(deps: CostCollectorDeps): Promise<CostCollectionSummary> {
  const outcomes = await collectCostSnapshots(deps);
  for (const outcome of outcomes) {
    if (outcome.ok) logger.info('cost snapshot saved', { logSourceId: outcome.logSourceId, notes: outcome.notes });
    else logger.warn('cost snapshot failed', { logSourceId: outcome.logSourceId, reason: outcome.error });
  }
  const failed = outcomes.filter((outcome) => !outcome.ok).length;
  return { collected: outcomes.length - failed, failed, outcomes };
}

let deps: CostCollectorDeps | undefined;

export const handler = middy<ScheduledEvent, CostCollectionSummary, Error, Context>(() =>
  collectCosts((deps ??= costCollectorFromEnvironment(process.env))),
).use(injectLambdaContext(logger, { resetKeys: true }));
