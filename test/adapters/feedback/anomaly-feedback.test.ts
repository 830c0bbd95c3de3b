import { CostExplorerClient, ProvideAnomalyFeedbackCommand, UnknownMonitorException } from '@aws-sdk/client-cost-explorer';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CostAnomalyFeedbackSender } from '#adapters/cost-explorer/anomaly-feedback.ts';

const ce = mockClient(CostExplorerClient);
const clock = { now: () => new Date('2026-11-27T10:00:00.000Z') };
const sender = () => new CostAnomalyFeedbackSender(new CostExplorerClient({ region: 'us-east-1' }), { clock, maxAttempts: 3, timeoutMs: 5_000 });

describe('CostAnomalyFeedbackSender', () => {
  beforeEach(() => ce.reset());

  it('sends ProvideAnomalyFeedback with the anomaly id and the value', async () => {
    ce.on(ProvideAnomalyFeedbackCommand).resolves({ AnomalyId: 'a-1' });

    await sender().provide('a-1', 'NO');

    expect(ce.commandCalls(ProvideAnomalyFeedbackCommand).map((call) => call.args[0].input)).toEqual([{ AnomalyId: 'a-1', Feedback: 'NO' }]);
  });

  it('names the missing permission when access is denied, and passes other errors on with the action', async () => {
    ce.on(ProvideAnomalyFeedbackCommand).rejects(Object.assign(new Error('User is not authorized to perform ce:ProvideAnomalyFeedback'), { name: 'AccessDeniedException' }));
    await expect(sender().provide('a-1', 'YES')).rejects.toThrow('missing permission ce:ProvideAnomalyFeedback on anomaly a-1 in us-east-1');
    ce.reset();

    ce.on(ProvideAnomalyFeedbackCommand).rejects(new UnknownMonitorException({ message: 'no such monitor', $metadata: {} }));
    await expect(sender().provide('a-2', 'YES')).rejects.toThrow('ce:ProvideAnomalyFeedback on anomaly a-2 in us-east-1 failed: UnknownMonitorException: no such monitor');
  });
});
