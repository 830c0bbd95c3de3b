import { describe, expect, it } from 'vitest';
import { describeAwsError, toSourceReadError, type AwsCallContext } from '#adapters/aws-errors.ts';
import { SourceReadError } from '#domain/collect/errors.ts';
import { awsError } from './fake-time.ts';

const context: AwsCallContext = {
  service: 'CloudWatch Logs',
  action: 'logs:FilterLogEvents',
  resource: 'log group /ecs/orders',
  region: 'eu-west-1',
  maxAttempts: 5,
};

describe('describeAwsError', () => {
  it.each([
    ['AccessDeniedException', 'missing permission logs:FilterLogEvents on log group /ecs/orders in eu-west-1', 'permission'],
    ['ResourceNotFoundException', 'log group /ecs/orders not found in eu-west-1', 'not_found'],
    ['ThrottlingException', 'throttled by CloudWatch Logs (logs:FilterLogEvents on log group /ecs/orders) after 5 attempts', 'throttled'],
    ['LimitExceededException', 'throttled by CloudWatch Logs (logs:FilterLogEvents on log group /ecs/orders) after 5 attempts', 'throttled'],
    ['AbortError', 'timed out after 13s (logs:FilterLogEvents on log group /ecs/orders)', 'timeout'],
    [
      'ExpiredTokenException',
      'the AWS credentials for CloudWatch Logs in eu-west-1 are missing, invalid or expired (ExpiredTokenException: ExpiredTokenException)',
      'credentials',
    ],
    ['ServiceUnavailableException', 'CloudWatch Logs is unavailable in eu-west-1 (ServiceUnavailableException) after 5 attempts', 'unavailable'],
    ['InvalidParameterException', 'CloudWatch Logs rejected logs:FilterLogEvents on log group /ecs/orders: InvalidParameterException', 'invalid'],
    ['SomethingNew', 'logs:FilterLogEvents on log group /ecs/orders in eu-west-1 failed: SomethingNew: SomethingNew', 'other'],
  ])('maps %s', (name, message, reason) => {
    // Act
    const mapped = toSourceReadError(awsError(name), context, 12_600);

    // Assess
    expect(mapped).toBeInstanceOf(SourceReadError);
    expect(mapped.message).toBe(message);
    expect(mapped.reason).toBe(reason);
    expect((mapped.cause as Error).name).toBe(name);
  });

  it('uses the context message for a not-found error when it has one', () => {
    expect(describeAwsError(awsError('ClusterNotFoundException'), { ...context, notFound: 'ECS cluster prod not found in eu-west-1' }, 0)).toBe(
      'ECS cluster prod not found in eu-west-1',
    );
  });

  it('passes an already mapped error through unchanged', () => {
    // Prepare
    const mapped = new SourceReadError('cannot assume role arn:aws:iam::1:role/x: …', 'permission');

    // Act
    const again = toSourceReadError(mapped, context, 0);

    // Assess
    expect(again).toBe(mapped);
  });

  it('describes a thrown non-error value', () => {
    expect(describeAwsError('socket hang up', context, 0)).toBe('logs:FilterLogEvents on log group /ecs/orders in eu-west-1 failed: Error: socket hang up');
  });
});
