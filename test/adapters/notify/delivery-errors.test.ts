import { describe, expect, it } from 'vitest';
import { isTransientAwsError, toDeliveryError } from '#adapters/delivery-errors.ts';
import { DeliveryError } from '#domain/notify/channels.ts';

const sdkError = (name: string, httpStatusCode: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode }, ...extra });

describe('isTransientAwsError', () => {
  it.each([
    ['Throttling (SES)', sdkError('Throttling', 400)],
    ['ThrottledException (SNS)', sdkError('ThrottledException', 400)],
    ['TooManyRequestsException', sdkError('TooManyRequestsException', 429)],
    ['KMSThrottlingException (encrypted topic)', sdkError('KMSThrottlingException', 400)],
    ['any 5xx', sdkError('SomethingBroke', 503)],
    ['a 429 of any name', sdkError('Whatever', 429)],
    ['an error the SDK marks retryable', sdkError('Odd', 400, { $retryable: { throttling: false } })],
    ['a socket reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a DNS hiccup', Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' })],
    ['an SDK timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ])('%s is transient', (_, error) => {
    expect(isTransientAwsError(error)).toBe(true);
  });

  it.each([
    ['MessageRejected', sdkError('MessageRejected', 400)],
    ['InvalidParameterException', sdkError('InvalidParameterException', 400)],
    ['AuthorizationErrorException', sdkError('AuthorizationErrorException', 403)],
    ['AccessDenied', sdkError('AccessDenied', 403)],
    ['a plain Error', new Error('bug')],
    ['a string', 'nope'],
    ['null', null],
  ])('%s is permanent', (_, error) => {
    expect(isTransientAwsError(error)).toBe(false);
  });
});

describe('toDeliveryError', () => {
  it('keeps the SDK name and message and the cause', () => {
    const cause = sdkError('Throttling', 400);

    const error = toDeliveryError(cause);

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ errorName: 'Throttling', transient: true, message: 'Throttling: Throttling happened', cause });
  });

  it('returns a DeliveryError unchanged and describes anything else', () => {
    const delivery = new DeliveryError('X', 'y', false);

    expect(toDeliveryError(delivery)).toBe(delivery);
    expect(toDeliveryError('boom')).toMatchObject({ errorName: 'Error', message: 'Error: boom', transient: false });
  });
});
