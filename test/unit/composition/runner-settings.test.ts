import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '#composition/contract.ts';
import { readEnvironment } from '#composition/environment.ts';
import { runnerSettings } from '#composition/runner.ts';
import { loadLocalConfig } from '../../../local/local-config.ts';

describe('runnerSettings', () => {
  it('gives the runner in Lambda and in local mode the same settings from the same variables', () => {
    // Prepare
    const shared = {
      RUN_RETENTION_DAYS: '30',
      DEFAULT_MODEL_ID: 'amazon.nova-micro-v1:0',
      MODEL_PRICES_JSON: '{"amazon.nova-micro":{"input":0.035,"output":0.14}}',
      MAX_INPUT_TOKENS: '50000',
      COLLECT_CONCURRENCY: '6',
      COST_COLLECTOR_HOURS: '12',
    };
    const own = { apiBaseUrl: 'http://127.0.0.1:3000', modelMonthlyBudgetUsd: undefined };

    // Act
    const lambda = runnerSettings(readEnvironment('runner', { ...shared, TABLE_NAME: 'vigil', AWS_REGION: 'eu-west-1' }), own);
    const local = runnerSettings(loadLocalConfig(shared), own);

    // Assess
    expect(lambda).toEqual({
      defaultModelId: 'amazon.nova-micro-v1:0',
      maxInputTokens: 50_000,
      collectConcurrency: 6,
      apiBaseUrl: 'http://127.0.0.1:3000',
      runRetentionDays: 30,
      costCollectorHours: 12,
      prices: { 'amazon.nova-micro': { input: 0.035, output: 0.14 } },
      modelMonthlyBudgetUsd: null,
    });
    expect(local).toEqual(lambda);
  });

  it('takes local mode\'s defaults from the contract, as the functions do', () => {
    const settings = runnerSettings(loadLocalConfig({}), { apiBaseUrl: 'http://127.0.0.1:3000', modelMonthlyBudgetUsd: 12, baselineLearningRuns: 3 });
    expect(settings).toMatchObject({
      maxInputTokens: DEFAULTS.maxInputTokens,
      collectConcurrency: DEFAULTS.collectConcurrency,
      costCollectorHours: DEFAULTS.costCollectorHours,
      runRetentionDays: DEFAULTS.runRetentionDays,
      modelMonthlyBudgetUsd: 12,
      baselineLearningRuns: 3,
    });
    expect(settings).not.toHaveProperty('prices');
  });

  it('names MODEL_PRICES_JSON when its prices cannot be read', () => {
    const env = readEnvironment('runner', { TABLE_NAME: 'vigil', AWS_REGION: 'eu-west-1', MODEL_PRICES_JSON: '{"a": 1}' });
    expect(() => runnerSettings(env, { apiBaseUrl: 'http://x', modelMonthlyBudgetUsd: undefined })).toThrow(/MODEL_PRICES_JSON/);
  });

  it('refuses a bad local MAX_INPUT_TOKENS naming it', () => {
    expect(() => loadLocalConfig({ MAX_INPUT_TOKENS: '10' })).toThrow(/^invalid environment: MAX_INPUT_TOKENS: /);
  });
});
