import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PowertoolsJudgeMetrics } from '#adapters/powertools/powertools-judge-metrics.ts';
import type { JudgeMetricsRecord } from '#domain/judge/ports.ts';

const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

interface EmfDocument {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

const record = (overrides: Partial<JudgeMetricsRecord> = {}): JudgeMetricsRecord => ({
  kind: 'bedrock',
  modelId: MODEL,
  inputTokens: 2110,
  outputTokens: 180,
  latencyMs: 2300,
  estimatedCostUsd: 0.0033,
  skipped: null,
  modelCalls: 1,
  failed: false,
  ...overrides,
});

describe('PowertoolsJudgeMetrics', () => {
  let lines: string[];

  beforeEach(() => {
    // Powertools writes EMF to the global console only in dev mode (elsewhere to its own Console),
    // and dev mode disables metrics unless POWERTOOLS_METRICS_DISABLED says otherwise.
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
    lines.map((line) => JSON.parse(line) as EmfDocument).map((doc) => {
      const [directive] = doc._aws.CloudWatchMetrics;
      const name = directive?.Metrics[0]?.Name ?? '';
      return { namespace: directive?.Namespace, name, unit: directive?.Metrics[0]?.Unit, value: doc[name], dimensions: directive?.Dimensions[0], model: doc.ModelId, reason: doc.Reason };
    });

  it('emits usage metrics per model without touching the shared instance', () => {
    // Prepare
    const shared = new Metrics({ namespace: 'Vigil', serviceName: 'runner' });
    const adapter = new PowertoolsJudgeMetrics(shared);

    // Act
    adapter.record(record());

    // Assess
    expect(emitted()).toEqual([
      { namespace: 'Vigil', name: 'ModelCalls', unit: 'Count', value: 1, dimensions: ['service', 'ModelId'], model: MODEL, reason: undefined },
      { namespace: 'Vigil', name: 'InputTokens', unit: 'Count', value: 2110, dimensions: ['service', 'ModelId'], model: MODEL, reason: undefined },
      { namespace: 'Vigil', name: 'OutputTokens', unit: 'Count', value: 180, dimensions: ['service', 'ModelId'], model: MODEL, reason: undefined },
      { namespace: 'Vigil', name: 'JudgeLatency', unit: 'Milliseconds', value: 2300, dimensions: ['service', 'ModelId'], model: MODEL, reason: undefined },
      { namespace: 'Vigil', name: 'EstimatedCostUsd', unit: 'None', value: 0.0033, dimensions: ['service', 'ModelId'], model: MODEL, reason: undefined },
      { namespace: 'Vigil', name: 'EstimatedCostUsd', unit: 'None', value: 0.0033, dimensions: ['service'], model: undefined, reason: undefined },
    ]);
    expect(shared.hasStoredMetrics()).toBe(false);
  });

  it('emits ModelFallbackRuns with the reason for a run the circuit breaker or the budget kept from the model, and no usage', () => {
    const adapter = new PowertoolsJudgeMetrics(new Metrics({ namespace: 'Vigil', serviceName: 'runner' }));

    adapter.record(
      record({
        kind: 'rules',
        modelId: null,
        inputTokens: 0,
        outputTokens: 0,
        latencyMs: 0,
        estimatedCostUsd: 0,
        modelCalls: 0,
        fallback: { code: 'budget_reached', reason: 'the monthly model budget is reached: …' },
      }),
    );

    expect(emitted()).toEqual([
      { namespace: 'Vigil', name: 'ModelFallbackRuns', unit: 'Count', value: 1, dimensions: ['service', 'ModelId', 'Reason'], model: 'rules-only', reason: 'budget_reached' },
    ]);
  });

  it('emits SkippedRuns with the reason for a skipped run, and nothing else', () => {
    const adapter = new PowertoolsJudgeMetrics(new Metrics({ namespace: 'Vigil', serviceName: 'runner' }));

    adapter.record(record({ skipped: 'unchanged', inputTokens: 0, outputTokens: 0, modelCalls: 0 }));

    expect(emitted()).toEqual([
      { namespace: 'Vigil', name: 'SkippedRuns', unit: 'Count', value: 1, dimensions: ['service', 'ModelId', 'Reason'], model: MODEL, reason: 'unchanged' },
    ]);
  });

  it('counts a failed judgement as JudgeErrors and a rules-only run under its own dimension', () => {
    const adapter = new PowertoolsJudgeMetrics(new Metrics({ namespace: 'Vigil', serviceName: 'runner' }));

    adapter.record(record({ failed: true, modelCalls: 0, inputTokens: 0, outputTokens: 0 }));
    const failedNames = emitted().map((metric) => metric.name);
    lines.length = 0;
    adapter.record(record({ kind: 'rules', modelId: null, modelCalls: 0, inputTokens: 0, outputTokens: 0, latencyMs: 0, estimatedCostUsd: 0 }));

    expect(failedNames[0]).toBe('JudgeErrors');
    expect(failedNames).toContain('ModelCalls');
    expect(emitted()).toEqual([]);
  });
});
