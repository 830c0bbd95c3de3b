/**
 * Cost Anomaly Detection feedback: `ProvideAnomalyFeedback` tells AWS whether an anomaly it
 * raised was a real issue (YES) or not (NO), which tunes its detection for the account.
 */
import { ProvideAnomalyFeedbackCommand, type CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { AnomalyFeedbackSender } from '#domain/feedback/ports.ts';
import type { AnomalyFeedbackValue } from '#domain/feedback/types.ts';
import type { Clock } from '#domain/model/ports.ts';
import { callAws } from '../aws-errors.ts';
import { COST_EXPLORER_REGION } from '../aws-source-clients.ts';


export class CostAnomalyFeedbackSender implements AnomalyFeedbackSender {
  constructor(
    private readonly client: CostExplorerClient,
    private readonly options: { clock: Clock; maxAttempts: number; timeoutMs: number },
  ) {}

  /** Throws a SourceReadError whose message names the missing permission, the unknown anomaly, … */
  async provide(anomalyId: string, value: AnomalyFeedbackValue): Promise<void> {
    const { clock, maxAttempts, timeoutMs } = this.options;
    await callAws(
      {
        service: 'Cost Explorer',
        action: 'ce:ProvideAnomalyFeedback',
        resource: `anomaly ${anomalyId}`,
        region: COST_EXPLORER_REGION,
        maxAttempts,
      },
      { clock, deadline: clock.now().getTime() + timeoutMs },
      (options) => this.client.send(new ProvideAnomalyFeedbackCommand({ AnomalyId: anomalyId, Feedback: value }), options),
    );
  }
}
