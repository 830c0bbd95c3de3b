import { describe, expect, it } from 'vitest';
import { DEFAULTS, ENV, LAMBDA_PROVIDED_VARIABLES, PLATFORM_VARIABLES } from '#composition/contract.ts';
import { ConfigError, FUNCTION_NAMES, readEnvironment, variablesReadBy } from '#composition/environment.ts';
import { DEFAULT_MODEL_ID } from '#domain/judge/prices.ts';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/vigil-runs';

/** The least each function needs: what it cannot run without. */
const MINIMAL = {
  api: { TABLE_NAME: 'vigil', RUN_QUEUE_URL: QUEUE_URL, AWS_REGION: 'eu-west-1' },
  scheduler: { TABLE_NAME: 'vigil', RUN_QUEUE_URL: QUEUE_URL },
  runner: { TABLE_NAME: 'vigil', AWS_REGION: 'eu-west-1' },
  'cost-collector': { TABLE_NAME: 'vigil', AWS_REGION: 'eu-west-1' },
} as const;

function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('readEnvironment', () => {
  it('fills every optional setting of the runner with its default from the contract', () => {
    // Act
    const config = readEnvironment('runner', MINIMAL.runner);

    // Assess
    expect(config).toEqual({
      TABLE_NAME: 'vigil',
      AWS_REGION: 'eu-west-1',
      RUN_RETENTION_DAYS: DEFAULTS.runRetentionDays,
      DEFAULT_MODEL_ID,
      API_BASE_URL: DEFAULTS.apiBaseUrl,
      MAX_INPUT_TOKENS: DEFAULTS.maxInputTokens,
      COLLECT_CONCURRENCY: DEFAULTS.collectConcurrency,
      COST_COLLECTOR_HOURS: DEFAULTS.costCollectorHours,
      RUN_MARGIN_SECONDS: DEFAULTS.runMarginSeconds,
    });
    expect(DEFAULTS).toMatchObject({ runRetentionDays: 90, costCollectorHours: 6, maxInputTokens: 30_000, collectConcurrency: 4, runMarginSeconds: 15 });
  });

  it('reads each of the runner\'s variables, converted to its type', () => {
    // Prepare
    const env = {
      ...MINIMAL.runner,
      ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts',
      SENDER_EMAIL: 'vigil@example.com',
      RUN_RETENTION_DAYS: '30',
      DEFAULT_MODEL_ID: 'amazon.nova-micro-v1:0',
      API_BASE_URL: 'https://api.example.com/v1/',
      MODEL_PRICES_JSON: '{"amazon.nova-micro":{"input":0.035,"output":0.14}}',
      MODEL_MONTHLY_BUDGET_USD: '250.5',
      MAX_INPUT_TOKENS: '50000',
      COLLECT_CONCURRENCY: '6',
      COST_COLLECTOR_HOURS: '12',
      RUN_MARGIN_SECONDS: '20',
    };

    // Act
    const config = readEnvironment('runner', env);

    // Assess
    expect(config).toEqual({
      ...env,
      RUN_RETENTION_DAYS: 30,
      MODEL_MONTHLY_BUDGET_USD: 250.5,
      MAX_INPUT_TOKENS: 50_000,
      COLLECT_CONCURRENCY: 6,
      COST_COLLECTOR_HOURS: 12,
      RUN_MARGIN_SECONDS: 20,
    });
  });

  it('splits the API\'s allowed models on commas, dropping blanks', () => {
    const config = readEnvironment('api', { ...MINIMAL.api, ALLOWED_MODEL_IDS: ' a.b-v1:0, ,c.d ' });
    expect(config.ALLOWED_MODEL_IDS).toEqual(['a.b-v1:0', 'c.d']);
    expect(readEnvironment('api', MINIMAL.api).ALLOWED_MODEL_IDS).toBeUndefined();
  });

  it('ignores the variables of other functions: the scheduler reads no model settings', () => {
    const config = readEnvironment('scheduler', { ...MINIMAL.scheduler, MAX_INPUT_TOKENS: 'not a number' });
    expect(config).toEqual({ TABLE_NAME: 'vigil', RUN_QUEUE_URL: QUEUE_URL, RUN_RETENTION_DAYS: 90 });
  });

  it.each(FUNCTION_NAMES)('names each variable the %s function cannot run without when it is missing', (fn) => {
    for (const name of Object.keys(MINIMAL[fn])) {
      // Prepare
      const env: Record<string, string | undefined> = { ...MINIMAL[fn], [name]: undefined };

      // Act
      const message = problemOf(() => readEnvironment(fn, env));

      // Assess
      expect(message).toBe(`invalid environment of the ${fn} function: ${name}: required, but not set`);
    }
  });

  it.each([
    ['RUN_RETENTION_DAYS', '0'],
    ['RUN_RETENTION_DAYS', 'ninety'],
    ['MAX_INPUT_TOKENS', '999'],
    ['COLLECT_CONCURRENCY', '11'],
    ['COST_COLLECTOR_HOURS', '25'],
    ['RUN_MARGIN_SECONDS', '1.5'],
    ['MODEL_MONTHLY_BUDGET_USD', '-1'],
    ['API_BASE_URL', 'not a url'],
    ['ALERT_TOPIC_ARN', 'alerts'],
    ['SENDER_EMAIL', 'a'],
    ['MODEL_PRICES_JSON', '{'],
    ['TABLE_NAME', ''],
  ])('refuses %s=%j with a message that names the variable', (name, value) => {
    const message = problemOf(() => readEnvironment('runner', { ...MINIMAL.runner, [name]: value }));
    expect(message).toMatch(new RegExp(`^invalid environment of the runner function: ${name}: \\S`));
    expect(message).not.toContain('required, but not set');
  });

  it('refuses a run queue URL that is not a URL, naming it', () => {
    expect(problemOf(() => readEnvironment('scheduler', { ...MINIMAL.scheduler, RUN_QUEUE_URL: 'vigil-runs' }))).toMatch(
      /^invalid environment of the scheduler function: RUN_QUEUE_URL: /,
    );
  });

  it('lists every problem at once', () => {
    const message = problemOf(() => readEnvironment('runner', { TABLE_NAME: 'vigil', MAX_INPUT_TOKENS: '1' }));
    expect(message).toContain('AWS_REGION: required, but not set');
    expect(message).toContain('; MAX_INPUT_TOKENS: ');
  });
});

describe('variablesReadBy', () => {
  it('declares what each function reads, all of them contract names', () => {
    expect(variablesReadBy('scheduler').sort()).toEqual(['RUN_QUEUE_URL', 'RUN_RETENTION_DAYS', 'TABLE_NAME']);
    expect(variablesReadBy('cost-collector').sort()).toEqual(['AWS_REGION', 'TABLE_NAME']);
    for (const fn of FUNCTION_NAMES) {
      for (const name of variablesReadBy(fn)) expect(ENV[name]).toBe(name);
      // Powertools and Node.js read their own; no parser reads them.
      for (const platform of PLATFORM_VARIABLES) expect(variablesReadBy(fn)).not.toContain(platform);
    }
    expect(LAMBDA_PROVIDED_VARIABLES).toEqual(['AWS_REGION']);
  });
});
