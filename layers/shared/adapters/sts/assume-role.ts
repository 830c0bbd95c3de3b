/** Credentials for another account's role, assumed with STS and reused until near expiry. */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { SourceReadError } from '#domain/collect/errors.ts';
import type { Clock } from '#domain/model/ports.ts';
import { callAws } from '../aws-errors.ts';

/** What an SDK client accepts as `credentials`. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialProvider = () => Promise<AwsCredentials>;

export interface AssumeRoleOptions {
  roleArn: string;
  externalId?: string;
  /** Shows in the monitored account's CloudTrail. */
  sessionName: string;
  /** The STS client's region and retry budget, for messages. */
  region: string;
  maxAttempts: number;
  clock?: Clock;
  /** @default 3600 */
  durationSeconds?: number;
  /** Credentials are renewed this long before they expire. @default 300000 (5 minutes) */
  refreshMarginMs?: number;
}

/**
 * A provider that assumes `roleArn` (with `externalId`) on first use, reuses the credentials
 * until `refreshMarginMs` before they expire, and shares one AssumeRole among concurrent
 * callers. A refused AssumeRole becomes a SourceReadError that says what to fix.
 */
export function assumeRoleCredentials(sts: STSClient, options: AssumeRoleOptions): CredentialProvider {
  const clock = options.clock ?? { now: () => new Date() };
  const margin = options.refreshMarginMs ?? 300_000;
  let cached: { credentials: AwsCredentials; renewAt: number } | null = null;
  let pending: Promise<AwsCredentials> | null = null;

  const assume = async (): Promise<AwsCredentials> => {
    const context = {
      service: 'STS',
      action: 'sts:AssumeRole',
      resource: `role ${options.roleArn}`,
      region: options.region,
      maxAttempts: options.maxAttempts,
      notFound: `role ${options.roleArn} not found`,
    };
    const result = await callAws(context, { clock }, (send) =>
      sts.send(
        new AssumeRoleCommand({
          RoleArn: options.roleArn,
          RoleSessionName: options.sessionName,
          DurationSeconds: options.durationSeconds ?? 3600,
          ...(options.externalId === undefined ? {} : { ExternalId: options.externalId }),
        }),
        send,
      ),
    ).catch((error: unknown) => {
      if (error instanceof SourceReadError && error.reason === 'permission') {
        const externalId = options.externalId === undefined ? '' : ' with the configured external id (sts:ExternalId condition)';
        throw new SourceReadError(
          `cannot assume role ${options.roleArn}: its trust policy must allow the Vigil runner role${externalId}, and the runner role needs sts:AssumeRole on it`,
          'permission',
          { cause: error.cause },
        );
      }
      throw error;
    });
    const issued = result.Credentials;
    if (!issued?.AccessKeyId || !issued.SecretAccessKey) {
      throw new SourceReadError(`AssumeRole on ${options.roleArn} returned no credentials`, 'credentials');
    }
    const credentials: AwsCredentials = {
      accessKeyId: issued.AccessKeyId,
      secretAccessKey: issued.SecretAccessKey,
      ...(issued.SessionToken === undefined ? {} : { sessionToken: issued.SessionToken }),
      ...(issued.Expiration === undefined ? {} : { expiration: issued.Expiration }),
    };
    const expiresAt = issued.Expiration?.getTime() ?? clock.now().getTime() + (options.durationSeconds ?? 3600) * 1000;
    cached = { credentials, renewAt: expiresAt - margin };
    return credentials;
  };

  return () => {
    if (cached && clock.now().getTime() < cached.renewAt) return Promise.resolve(cached.credentials);
    pending ??= assume().finally(() => {
      pending = null;
    });
    return pending;
  };
}
