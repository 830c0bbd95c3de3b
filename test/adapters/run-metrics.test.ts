import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PowertoolsRunMetrics } from '#adapters/powertools/run-metrics.ts';
import { makeRun } from '../unit/notify/fixtures.ts';

describe('PowertoolsRunMetrics', () => {
  let lines: string[];

  beforeEach(() => {
    // As in the judge metrics test: dev mode writes EMF to the global console.
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    lines = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => {
      lines.push(line);
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  const emitted = () =>
    lines.map((line) => {
      const doc = JSON.parse(line);
      const directive = doc._aws.CloudWatchMetrics[0];
      const name = directive.Metrics[0].Name;
      return { name, unit: directive.Metrics[0].Unit, value: doc[name], dimensions: directive.Dimensions[0], status: doc.Status, outcome: doc.Outcome };
    });

  it('records a finished run by status, its duration and its notifications by outcome', () => {
    const metrics = new PowertoolsRunMetrics(new Metrics({ namespace: 'Vigil', serviceName: 'vigil-runner' }));
    const run = makeRun({
      status: 'alert',
      startedAt: '2026-11-21T10:05:00.000Z',
      finishedAt: '2026-11-21T10:05:02.500Z',
      notifications: [
        { channel: 'email', target: 'a@example.com', status: 'sent', reason: null },
        { channel: 'email', target: 'b@example.com', status: 'sent', reason: null },
        { channel: 'sms', target: '+15555550100', status: 'suppressed', reason: 'snoozed' },
      ],
    });

    metrics.record({ outcome: 'finished', run });

    expect(emitted()).toEqual([
      { name: 'Runs', unit: 'Count', value: 1, dimensions: ['service', 'Status'], status: 'alert', outcome: undefined },
      { name: 'RunDuration', unit: 'Milliseconds', value: 2500, dimensions: ['service'], status: undefined, outcome: undefined },
      { name: 'Notifications', unit: 'Count', value: 2, dimensions: ['service', 'Outcome'], status: undefined, outcome: 'sent' },
      { name: 'Notifications', unit: 'Count', value: 1, dimensions: ['service', 'Outcome'], status: undefined, outcome: 'suppressed' },
    ]);
  });

  it('records only the notifications of a redelivered run it notified, and nothing for a duplicate or a gone run', () => {
    const metrics = new PowertoolsRunMetrics(new Metrics({ namespace: 'Vigil', serviceName: 'vigil-runner' }));
    const run = makeRun({ notifications: [{ channel: 'topic', target: 't', status: 'failed', reason: 'x' }] });

    metrics.record({ outcome: 'notified', run });
    metrics.record({ outcome: 'duplicate', run });
    metrics.record({ outcome: 'gone', reason: 'deleted' });

    expect(emitted().map((m) => [m.name, m.outcome])).toEqual([['Notifications', 'failed']]);
  });
});
