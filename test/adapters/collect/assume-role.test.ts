import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { assumeRoleCredentials } from '#adapters/sts/assume-role.ts';
import { awsError, fakeTime } from './fake-time.ts';

const sts = mockClient(STSClient);
const NOW = '2026-11-21T10:00:00.000Z';
const ROLE = 'arn:aws:iam::210987654321:role/VigilRead';

const issued = (expiresAt: string, key = 'ASIAEXAMPLE') => ({
  Credentials: { AccessKeyId: key, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(expiresAt) },
});

function provider(time = fakeTime(NOW), externalId: string | null = 'ext-123') {
  return assumeRoleCredentials(new STSClient({ region: 'eu-west-1' }), {
    roleArn: ROLE,
    ...(externalId === null ? {} : { externalId }),
    sessionName: 'vigil',
    region: 'eu-west-1',
    maxAttempts: 5,
    clock: time.clock,
  });
}

describe('assumeRoleCredentials', () => {
  afterEach(() => {
    sts.reset();
  });

  it('assumes the role with the external id and reuses the credentials until five minutes before expiry', async () => {
    // Prepare
    const time = fakeTime(NOW);
    sts.on(AssumeRoleCommand).resolvesOnce(issued('2026-11-21T11:00:00.000Z', 'FIRST')).resolvesOnce(issued('2026-11-21T12:00:00.000Z', 'SECOND'));
    const credentials = provider(time);

    // Act
    const first = await credentials();
    time.advance(54 * 60_000);
    const reused = await credentials();
    time.advance(2 * 60_000);
    const renewed = await credentials();

    // Assess
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: ROLE, RoleSessionName: 'vigil', DurationSeconds: 3600, ExternalId: 'ext-123' },
      { RoleArn: ROLE, RoleSessionName: 'vigil', DurationSeconds: 3600, ExternalId: 'ext-123' },
    ]);
    expect(first).toEqual({
      accessKeyId: 'FIRST',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date('2026-11-21T11:00:00.000Z'),
    });
    expect(reused.accessKeyId).toBe('FIRST');
    expect(renewed.accessKeyId).toBe('SECOND');
  });

  it('shares one AssumeRole among concurrent callers and omits an absent external id', async () => {
    // Prepare
    sts.on(AssumeRoleCommand).resolves(issued('2026-11-21T11:00:00.000Z'));
    const credentials = provider(fakeTime(NOW), null);

    // Act
    await Promise.all([credentials(), credentials(), credentials()]);

    // Assess
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: ROLE, RoleSessionName: 'vigil', DurationSeconds: 3600 },
    ]);
  });

  it('says what to fix when the role refuses to be assumed', async () => {
    // Prepare
    sts.on(AssumeRoleCommand).rejects(awsError('AccessDenied', 'User is not authorized to perform: sts:AssumeRole'));

    // Act
    const credentials = provider()();

    // Assess
    await expect(credentials).rejects.toMatchObject({
      name: 'SourceReadError',
      reason: 'permission',
      message: `cannot assume role ${ROLE}: its trust policy must allow the Vigil runner role with the configured external id (sts:ExternalId condition), and the runner role needs sts:AssumeRole on it`,
    });
  });

  it('tries again after a failure instead of caching it', async () => {
    // Prepare
    sts.on(AssumeRoleCommand).rejectsOnce(awsError('ThrottlingException')).resolves(issued('2026-11-21T11:00:00.000Z'));
    const credentials = provider();

    // Act
    await expect(credentials()).rejects.toThrow(`throttled by STS (sts:AssumeRole on role ${ROLE}) after 5 attempts`);
    const second = await credentials();

    // Assess
    expect(second.accessKeyId).toBe('ASIAEXAMPLE');
  });
});
