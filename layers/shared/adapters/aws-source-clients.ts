/**
 * Builds the AWS readers of a target: SDK clients per (region, identity), created once per
 * container and reused. Endpoints come from the SDK's own resolution, so
 * `AWS_ENDPOINT_URL_<SERVICE>` (LocalStack, a proxy) works; none is ever passed explicitly.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { STSClient } from '@aws-sdk/client-sts';
import type { ContainerLogLocator, CostExplorerPort, LogReader, SourceClients, TargetReaders } from '#domain/collect/ports.ts';
import type { Target } from '#domain/model/entities.ts';
import type { Clock } from '#domain/model/ports.ts';
import { assumeRoleCredentials, type CredentialProvider } from './sts/assume-role.ts';
import { CloudWatchLogReader, type CloudWatchLogReaderOptions } from './cloudwatch-logs/cloudwatch-log-reader.ts';
import type { CostExplorerFactory } from './cost-explorer/cost-explorer-reader.ts';
import { EcsLogLocator } from './ecs/ecs-log-locator.ts';

/** Cost Explorer's only endpoint (aws partition). */
export const COST_EXPLORER_REGION = 'us-east-1';

export interface AwsSourceClientsOptions {
  /** The region of targets that name none (the stack's). */
  defaultRegion: string;
  clock?: Clock;
  /** Attempts per call, throttling retries included (SDK standard retry strategy). @default 5 */
  maxAttempts?: number;
  /** Per-request socket timeout. @default 15000 */
  requestTimeoutMs?: number;
  /** `RoleSessionName` of assumed roles. @default 'vigil' */
  sessionName?: string;
  /** Caps and polling of the CloudWatch reader. */
  logReader?: Omit<CloudWatchLogReaderOptions, 'region' | 'maxAttempts' | 'clock'>;
  /**
   * Cost Explorer's reader for {@link AwsSourceClients.costExplorerFor} (`costExplorerReader`),
   * given only where Cost Explorer is called, so the other bundles leave its client out.
   */
  costExplorer?: CostExplorerFactory;
}

interface Identity {
  key: string;
  credentials?: CredentialProvider;
}

/** The AWS side of the collectors: one instance per container, shared by every run. */
export class AwsSourceClients implements SourceClients {
  private readonly clock: Clock;
  private readonly maxAttempts: number;
  private readonly clients = new Map<string, LogReader | ContainerLogLocator | CostExplorerPort>();
  private readonly roles = new Map<string, CredentialProvider>();
  private readonly sts = new Map<string, STSClient>();

  constructor(private readonly options: AwsSourceClientsOptions) {
    this.clock = options.clock ?? { now: () => new Date() };
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  /** Readers in the target's region (or the default), as the target's role when it has one. */
  forTarget(target: Target): TargetReaders {
    const region = target.connectionConfig.region ?? this.options.defaultRegion;
    const identity = this.identityOf(target, region);
    return {
      logs: (logRegion?: string) => this.logReader(logRegion ?? region, identity),
      containers: this.cached(`ecs|${region}|${identity.key}`, () => {
        const client = new ECSClient(this.clientConfig(region, identity));
        return new EcsLogLocator(client, { region, maxAttempts: this.maxAttempts, clock: this.clock });
      }),
    };
  }

  /** Cost Explorer as the target's identity; always in us-east-1, its only endpoint. */
  costExplorerFor(target: Target): CostExplorerPort {
    const identity = this.identityOf(target, target.connectionConfig.region ?? this.options.defaultRegion);
    const { costExplorer } = this.options;
    if (!costExplorer) throw new Error('Cost Explorer is not wired into this function (AwsSourceClients option costExplorer)');
    return this.cached(`ce|${identity.key}`, () =>
      costExplorer(this.clientConfig(COST_EXPLORER_REGION, identity), { maxAttempts: this.maxAttempts, clock: this.clock }),
    );
  }

  private logReader(region: string, identity: Identity): LogReader {
    return this.cached(`logs|${region}|${identity.key}`, () => {
      const client = new CloudWatchLogsClient(this.clientConfig(region, identity));
      return new CloudWatchLogReader(client, { ...this.options.logReader, region, maxAttempts: this.maxAttempts, clock: this.clock });
    });
  }

  private cached<T extends LogReader | ContainerLogLocator | CostExplorerPort>(key: string, build: () => T): T {
    const existing = this.clients.get(key);
    if (existing) return existing as T;
    const created = build();
    this.clients.set(key, created);
    return created;
  }

  private clientConfig(region: string, identity: Identity) {
    return {
      region,
      maxAttempts: this.maxAttempts,
      requestHandler: { requestTimeout: this.options.requestTimeoutMs ?? 15_000, connectionTimeout: 3_000 },
      ...(identity.credentials === undefined ? {} : { credentials: identity.credentials }),
    };
  }

  /** The default credential chain, or the target's role assumed through STS in its region. */
  private identityOf(target: Target, region: string): Identity {
    const { roleArn } = target.connectionConfig;
    const externalId = target.connectionConfig.externalId || undefined;
    if (!roleArn) return { key: 'default' };
    const key = `${roleArn}|${externalId ?? ''}`;
    let credentials = this.roles.get(key);
    if (!credentials) {
      let sts = this.sts.get(region);
      if (!sts) {
        sts = new STSClient({ region, maxAttempts: this.maxAttempts });
        this.sts.set(region, sts);
      }
      credentials = assumeRoleCredentials(sts, {
        roleArn,
        ...(externalId === undefined ? {} : { externalId }),
        sessionName: this.options.sessionName ?? 'vigil',
        region,
        maxAttempts: this.maxAttempts,
        clock: this.clock,
      });
      this.roles.set(key, credentials);
    }
    return { key, credentials };
  }
}
