import {
  ModelNotReadyException,
  ModelTimeoutException,
  ServiceQuotaExceededException,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { classifyBedrockError } from '#adapters/bedrock/bedrock-errors.ts';
import { modelCallBackoffMs, callWithinDeadline, DEFAULT_MODEL_CALL_RETRY, type RetryEnvironment } from '#adapters/bedrock/bedrock-retry.ts';

const MODEL = 'amazon.nova-micro-v1:0';

describe('classifyBedrockError', () => {
  it.each([
    ['ThrottlingException', new ThrottlingException({ message: 'slow down', $metadata: {} })],
    ['ModelNotReadyException', new ModelNotReadyException({ message: 'warming up', $metadata: {} })],
    ['ModelTimeoutException', new ModelTimeoutException({ message: 'too slow', $metadata: {} })],
    ['a socket reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a 429 without a known name', Object.assign(new Error('Too Many Requests'), { name: 'Unknown', $metadata: { httpStatusCode: 429 } })],
  ])('retries %s, and marks it as the service not answering', (_name, error) => {
    expect(classifyBedrockError(error, MODEL)).toMatchObject({ retryable: true, unavailable: true });
  });

  it.each([
    ['a quota', new ServiceQuotaExceededException({ message: 'quota', $metadata: { httpStatusCode: 400 } }), 'request an increase in Service Quotas'],
    ['missing credentials', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'No AWS credentials for Bedrock'],
    ['a 400 without a known name', Object.assign(new Error('Bad'), { name: 'Odd', $metadata: { httpStatusCode: 400 } }), 'Bedrock call failed (Odd 400): Bad'],
    ['a tool use refusal', Object.assign(new Error("This model doesn't support tool use."), { name: 'ValidationException' }), 'does not support tool use'],
  ])('does not retry %s', (_name, error, reason) => {
    const failure = classifyBedrockError(error, MODEL);

    expect(failure.retryable).toBe(false);
    expect(failure.unavailable).toBe(false);
    expect(failure.reason).toContain(reason);
  });

  it('clips a long AWS message', () => {
    const failure = classifyBedrockError(Object.assign(new Error('x'.repeat(5000)), { name: 'ModelErrorException' }), MODEL);

    expect(failure.reason.length).toBeLessThan(500);
  });
});

describe('modelCallBackoffMs', () => {
  it('doubles from the base, half fixed and half jittered, up to the ceiling', () => {
    const policy = { ...DEFAULT_MODEL_CALL_RETRY, baseDelayMs: 1000, maxDelayMs: 8000 };

    expect([1, 2, 3, 4, 5].map((attempt) => modelCallBackoffMs(attempt, policy, () => 0))).toEqual([500, 1000, 2000, 4000, 4000]);
    expect([1, 2, 3, 4, 5].map((attempt) => modelCallBackoffMs(attempt, policy, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000]);
  });
});

describe('callWithinDeadline', () => {
  const environment = (): RetryEnvironment & { current: number } => {
    const env = {
      current: 0,
      now: () => env.current,
      sleep: async (ms: number) => {
        env.current += ms;
      },
      random: () => 0,
    };
    return env;
  };
  const throttle = () => new ThrottlingException({ message: 'slow down', $metadata: {} });

  it('gives up after maxAttempts even with time left', async () => {
    const env = environment();
    let calls = 0;

    const result = await callWithinDeadline(
      async () => {
        calls += 1;
        throw throttle();
      },
      (error) => classifyBedrockError(error, MODEL),
      1_000_000,
      { ...DEFAULT_MODEL_CALL_RETRY, maxAttempts: 3 },
      env,
    );

    expect(calls).toBe(3);
    expect(result).toMatchObject({ ok: false, attempts: 3 });
    expect(result.ok ? '' : result.failure.reason).toContain('(gave up after 3 attempts)');
  });

  it('gives each attempt a signal that aborts at the deadline', async () => {
    const env = environment();
    let signal: AbortSignal | undefined;

    const result = await callWithinDeadline(
      async (abortSignal) => {
        signal = abortSignal;
        return 'done';
      },
      (error) => classifyBedrockError(error, MODEL),
      60_000,
      DEFAULT_MODEL_CALL_RETRY,
      env,
    );

    expect(result).toEqual({ ok: true, value: 'done', attempts: 1 });
    expect(signal?.aborted).toBe(false);
  });
});
