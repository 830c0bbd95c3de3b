import { describe, expect, it } from 'vitest';
import { parseVigilConfig, VigilConfigError } from '../../lib/config.ts';
import { CDK_CONTEXT } from './support.ts';

function problemsOf(raw: unknown): string[] {
  try {
    parseVigilConfig(raw);
  } catch (error) {
    if (error instanceof VigilConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('parseVigilConfig', () => {
  it('fills every setting with its documented default', () => {
    // Act
    const config = parseVigilConfig(undefined);

    // Assess
    expect(config).toEqual({
      stackPrefix: 'Vigil',
      terminationProtection: true,
      tableDeletionProtection: true,
      tableRemovalPolicy: 'retain',
      logRetentionDays: 30,
      logLevel: 'INFO',
      runRetentionDays: 90,
      defaultModelId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
      runQueueVisibilityTimeoutSeconds: 900,
      runnerTimeoutSeconds: 150,
      runnerMaxConcurrency: 5,
      maxInputTokens: 30_000,
      collectConcurrency: 4,
      allowedModelIds: ['global.anthropic.claude-haiku-4-5-20251001-v1:0'],
      modelPrices: {},
      modelMonthlyBudgetUsd: null,
      senderEmail: null,
      allowedLogGroupArns: null,
      assumableRoleArns: ['arn:aws:iam::*:role/VigilRead*'],
      costCollectorHours: 6,
      anomalyFeedback: false,
      costSavings: false,
      apiThrottle: { rateLimit: 10, burstLimit: 20 },
      apiQuota: null,
      apiWaf: false,
      apiCloudWatchRole: true,
      alertSubscriptions: { emails: [], smsNumbers: [], httpsEndpoints: [] },
      opsSubscriptions: { emails: [], smsNumbers: [], httpsEndpoints: [] },
      modelDailyCostAlarmUsd: 5,
    });
  });

  it('keeps cdk.json in step with the defaults it documents', () => {
    // Prepare
    const written = CDK_CONTEXT.vigil;

    // Act
    const parsed = parseVigilConfig(written);

    // Assess
    expect(parsed).toEqual(parseVigilConfig({}));
    expect(Object.keys(written).sort()).toEqual(Object.keys(parseVigilConfig({})).sort());
  });

  it('keeps the defaults of a partly given group', () => {
    // Act
    const config = parseVigilConfig({ apiThrottle: { rateLimit: 2 } });

    // Assess
    expect(config.apiThrottle).toEqual({ rateLimit: 2, burstLimit: 20 });
  });

  it('reads the JSON string that `cdk -c vigil=...` passes', () => {
    // Act
    const config = parseVigilConfig('{"apiWaf": true, "apiQuota": {"limit": 1000, "period": "DAY"}}');

    // Assess
    expect(config.apiWaf).toBe(true);
    expect(config.apiQuota).toEqual({ limit: 1000, period: 'DAY' });
  });

  it('names the bad key, nested keys and list items included', () => {
    // Act
    const problems = problemsOf({
      apiThrottle: { rateLimit: 'fast' },
      logRetentionDays: 31,
      alertSubscriptions: { emails: ['ops@example.com', 'not-an-email'], httpsEndpoints: ['http://example.com/hook'] },
    });

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^vigil\.logRetentionDays: /),
      expect.stringMatching(/^vigil\.apiThrottle\.rateLimit: .*expected number/),
      expect.stringMatching(/^vigil\.alertSubscriptions\.emails\[1\]: /),
      expect.stringMatching(/^vigil\.alertSubscriptions\.httpsEndpoints\[0\]: /),
    ]);
  });

  it('rejects unknown keys by name, so a typo does not silently fall back to a default', () => {
    // Act
    const problems = problemsOf({ apiWAF: true, apiThrottle: { burst: 5 } });

    // Assess
    expect(problems).toEqual(['vigil.apiThrottle.burst: unknown setting', 'vigil.apiWAF: unknown setting']);
  });

  it('says where the settings live in the error message', () => {
    expect(() => parseVigilConfig({ runRetentionDays: 0 })).toThrow(
      /^Invalid Vigil config \(cdk\.json context "vigil"\):\n {2}vigil\.runRetentionDays: /,
    );
  });

  it('rejects a context string that is not JSON', () => {
    expect(problemsOf('{apiWaf: true}')).toEqual([expect.stringMatching(/^vigil: expected a JSON object/)]);
  });

  it('allows the default model only, unless told otherwise', () => {
    // Act
    const changedDefault = parseVigilConfig({ defaultModelId: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0' });
    const several = parseVigilConfig({
      defaultModelId: 'amazon.nova-micro-v1:0',
      allowedModelIds: ['amazon.nova-micro-v1:0', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    });

    // Assess
    expect(changedDefault.allowedModelIds).toEqual(['eu.anthropic.claude-haiku-4-5-20251001-v1:0']);
    expect(several.allowedModelIds).toEqual(['amazon.nova-micro-v1:0', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0']);
  });

  it('refuses an allow-list without the default model, naming both', () => {
    expect(problemsOf({ allowedModelIds: ['amazon.nova-micro-v1:0'] })).toEqual([
      'vigil.allowedModelIds: must include defaultModelId (global.anthropic.claude-haiku-4-5-20251001-v1:0)',
    ]);
  });

  it('refuses a runner timeout that the queue would cut short, at the default visibility timeout too', () => {
    expect(problemsOf({ runnerTimeoutSeconds: 900 })).toEqual([
      expect.stringMatching(/^vigil\.runnerTimeoutSeconds: must be below runQueueVisibilityTimeoutSeconds \(900\)/),
    ]);
    expect(parseVigilConfig({ runnerTimeoutSeconds: 899 }).runnerTimeoutSeconds).toBe(899);
    expect(problemsOf({ runnerTimeoutSeconds: 300, runQueueVisibilityTimeoutSeconds: 300 })).toHaveLength(1);
  });

  it('reads a sender, price overrides and narrowed IAM resources', () => {
    // Prepare
    const given = {
      senderEmail: 'vigil@example.com',
      modelPrices: { 'anthropic.claude-haiku-4-5': { inputPerMillion: 1.1, outputPerMillion: 5.5, regionalPremium: 0 } },
      allowedLogGroupArns: ['arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/orders*'],
      assumableRoleArns: [],
      costCollectorHours: 24,
      runnerMaxConcurrency: 2,
    };

    // Act
    const config = parseVigilConfig(given);

    // Assess
    expect(config).toMatchObject(given);
  });

  it('reads a monthly model budget in USD, and refuses one that is not a positive number, naming the key', () => {
    expect(parseVigilConfig({ modelMonthlyBudgetUsd: 250 }).modelMonthlyBudgetUsd).toBe(250);
    expect(parseVigilConfig({ modelMonthlyBudgetUsd: 0.5 }).modelMonthlyBudgetUsd).toBe(0.5);
    expect(parseVigilConfig({ modelMonthlyBudgetUsd: null }).modelMonthlyBudgetUsd).toBeNull();
    for (const bad of [0, -5, '250', 2_000_000]) {
      expect(problemsOf({ modelMonthlyBudgetUsd: bad })).toEqual([expect.stringMatching(/^vigil\.modelMonthlyBudgetUsd: /)]);
    }
  });

  it("refuses MODEL_PRICES_JSON's own shape, naming the config's field names", () => {
    expect(problemsOf({ modelPrices: { 'amazon.nova-micro': { input: 1, output: 2 } } })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^vigil\.modelPrices\.amazon\.nova-micro\.inputPerMillion: /),
        'vigil.modelPrices.amazon.nova-micro.input: unknown setting',
      ]),
    );
  });

  it.each([
    [{ account: '12345' }, /^vigil\.account: expected a 12-digit AWS account id$/],
    [{ runnerMaxConcurrency: 1 }, /^vigil\.runnerMaxConcurrency: /],
    [{ runnerTimeoutSeconds: 30 }, /^vigil\.runnerTimeoutSeconds: /],
    [{ maxInputTokens: 999 }, /^vigil\.maxInputTokens: /],
    [{ collectConcurrency: 11 }, /^vigil\.collectConcurrency: /],
    [{ costCollectorHours: 25 }, /^vigil\.costCollectorHours: /],
    [{ costCollectorHours: 0 }, /^vigil\.costCollectorHours: /],
    [{ senderEmail: 'vigil' }, /^vigil\.senderEmail: /],
    [{ defaultModelId: 'arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-micro-v1:0' }, /^vigil\.defaultModelId: expected a Bedrock model id/],
    [{ allowedModelIds: [] }, /^vigil\.allowedModelIds: /],
    [{ modelPrices: { 'amazon.nova-micro': { inputPerMillion: -1, outputPerMillion: 2 } } }, /^vigil\.modelPrices\.amazon\.nova-micro\.inputPerMillion: /],
    [{ allowedLogGroupArns: ['/ecs/orders'] }, /^vigil\.allowedLogGroupArns\[0\]: expected a log group ARN pattern$/],
    [{ allowedLogGroupArns: [] }, /^vigil\.allowedLogGroupArns: /],
    [{ assumableRoleArns: ['arn:aws:iam::123:role/x'] }, /^vigil\.assumableRoleArns\[0\]: expected an IAM role ARN pattern$/],
    [{ region: 'Europe' }, /^vigil\.region: expected a region name/],
    [{ stackPrefix: '1-vigil' }, /^vigil\.stackPrefix: /],
    [{ alertSubscriptions: { smsNumbers: ['0555 550100'] } }, /^vigil\.alertSubscriptions\.smsNumbers\[0\]: expected an E\.164/],
    [{ apiQuota: { limit: 10, period: 'YEAR' } }, /^vigil\.apiQuota\.period: /],
    [{ opsSubscriptions: { emails: ['oncall'] } }, /^vigil\.opsSubscriptions\.emails\[0\]: /],
    [{ modelDailyCostAlarmUsd: 0 }, /^vigil\.modelDailyCostAlarmUsd: /],
  ])('rejects %j', (raw, message) => {
    expect(problemsOf(raw)).toEqual([expect.stringMatching(message)]);
  });
});
