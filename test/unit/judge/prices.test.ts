import { describe, expect, it } from 'vitest';
import { ValidationError } from '#domain/model/errors.ts';
import { estimateCostUsd, parseModelId, parsePriceOverrides, resolveModelPrice } from '#domain/judge/prices.ts';

const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';

describe('parseModelId', () => {
  it.each([
    [HAIKU, HAIKU, null],
    [`us.${HAIKU}`, HAIKU, 'us'],
    [`global.${HAIKU}`, HAIKU, 'global'],
    [`arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.${HAIKU}`, HAIKU, 'eu'],
    ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0', 'amazon.nova-micro-v1:0', null],
    ['us-gov.meta.llama3-3-70b-instruct-v1:0', 'meta.llama3-3-70b-instruct-v1:0', 'us-gov'],
  ])('reads %s', (modelId, baseModelId, profilePrefix) => {
    expect(parseModelId(modelId)).toEqual({ baseModelId, profilePrefix });
  });
});

describe('estimateCostUsd', () => {
  it('prices the worked example of docs/judge.md: 2,000 in + 300 out on Haiku 4.5 global', () => {
    expect(estimateCostUsd(`global.${HAIKU}`, 2000, 300)).toEqual({ usd: 0.0035, priced: true });
  });

  it('adds the 10% regional premium outside global profiles for Claude 4.5, not for older models', () => {
    expect(estimateCostUsd(`us.${HAIKU}`, 2000, 300)).toEqual({ usd: 0.00385, priced: true });
    expect(estimateCostUsd(HAIKU, 1_000_000, 0).usd).toBeCloseTo(1.1, 6);
    expect(estimateCostUsd('us.anthropic.claude-3-5-haiku-20241022-v1:0', 1_000_000, 1_000_000).usd).toBe(4.8);
  });

  it('does not price a newer model with an older row whose id is a prefix of it', () => {
    expect(resolveModelPrice('anthropic.claude-opus-4-20250514-v1:0')).toEqual({ input: 15, output: 75 });
    expect(resolveModelPrice('anthropic.claude-opus-4-1-20250805-v1:0')).toEqual({ input: 15, output: 75 });
    expect(resolveModelPrice('global.anthropic.claude-opus-4-5-20251101-v1:0')).toEqual({ input: 5, output: 25 });
  });

  it('prices Nova and Llama models', () => {
    expect(estimateCostUsd('amazon.nova-micro-v1:0', 1_000_000, 1_000_000)).toEqual({ usd: 0.175, priced: true });
    expect(estimateCostUsd('us.meta.llama3-3-70b-instruct-v1:0', 1_000_000, 0)).toEqual({ usd: 0.72, priced: true });
  });

  it('returns 0 with priced false for an unknown model', () => {
    expect(estimateCostUsd('acme.unknown-model-v1:0', 5000, 500)).toEqual({ usd: 0, priced: false });
    expect(estimateCostUsd('anthropic.claude-haiku-4-5-mini-v1:0', 5000, 500).priced).toBe(false);
  });

  it('lets an override win, for every profile or for one profile', () => {
    const overrides = {
      'anthropic.claude-haiku-4-5': { input: 2, output: 10 },
      'eu.anthropic.claude-haiku-4-5': { input: 3, output: 12 },
      'acme.unknown-model': { input: 1, output: 1 },
    };

    expect(resolveModelPrice(`us.${HAIKU}`, overrides)).toEqual({ input: 2, output: 10 });
    expect(resolveModelPrice(`eu.${HAIKU}`, overrides)).toEqual({ input: 3, output: 12 });
    expect(estimateCostUsd('acme.unknown-model-v1:0', 1_000_000, 1_000_000, overrides)).toEqual({ usd: 2, priced: true });
    expect(resolveModelPrice('amazon.nova-lite-v1:0', overrides)).toEqual({ input: 0.06, output: 0.24 });
  });
});

describe('parsePriceOverrides', () => {
  it('parses a JSON map of prices per million tokens', () => {
    expect(parsePriceOverrides('{"amazon.nova-pro": {"input": 0.9, "output": 3.6}}')).toEqual({
      'amazon.nova-pro': { input: 0.9, output: 3.6 },
    });
  });

  it('throws a ValidationError naming the setting and the bad field', () => {
    expect(() => parsePriceOverrides('{nope', 'MODEL_PRICES_JSON')).toThrow(ValidationError);
    try {
      parsePriceOverrides('{"amazon.nova-pro": {"input": -1, "output": 3}}', 'MODEL_PRICES_JSON');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details[0]?.path).toBe('MODEL_PRICES_JSON.amazon.nova-pro.input');
    }
  });
});
