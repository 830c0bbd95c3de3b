/**
 * The cost collector's composition root: the store's log-source and target repositories, the
 * snapshot repository and Cost Explorer per target identity. Local mode calls
 * {@link createCostCollectorDeps} at start when AWS credentials are available.
 */
import { AwsSourceClients } from '#adapters/aws-source-clients.ts';
import { DynamoCostSnapshotRepository } from '#adapters/dynamo/cost-snapshot-repository.ts';
import { createStore, type Table } from '#adapters/dynamo/index.ts';
import { createDynamoClient } from '#clients/aws.ts';
import { documentClient } from '#clients/dynamo.ts';
import { loadConfig, required } from '#config/env.ts';
import { systemClock } from '#config/management-context.ts';
import { listCostSources, type CostCollectorDeps } from '#domain/collect/collect-cost-snapshots.ts';
import type { Clock } from '#domain/model/ports.ts';
import { tracer } from '#adapters/powertools/index.ts';

export interface CostCollectorOptions {
  /** The table (and its document client), shared with the caller's other repositories. */
  table: Table;
  /** The region of targets that name none. */
  defaultRegion: string;
  clock?: Clock;
  /** Reused when the caller already has one (the runner's, in local mode). */
  aws?: AwsSourceClients;
}

/** Wires {@link collectCostSnapshots}'s ports to the table and to Cost Explorer. */
export function createCostCollectorDeps(options: CostCollectorOptions): CostCollectorDeps {
  const { table } = options;
  const store = createStore(table);
  const clock = options.clock ?? systemClock;
  const aws = options.aws ?? new AwsSourceClients({ defaultRegion: options.defaultRegion, clock });
  return {
    listCostSources: () => listCostSources({ logSources: store.logSources, targets: store.targets }),
    costExplorerFor: (target) => aws.costExplorerFor(target),
    snapshots: new DynamoCostSnapshotRepository(table.client, table.name),
    clock,
  };
}

/** From the Lambda environment: `TABLE_NAME`, and `AWS_REGION` (set by Lambda) for targets without a region. */
export function costCollectorFromEnvironment(env: Record<string, string | undefined>): CostCollectorDeps {
  const config = loadConfig(env);
  const defaultRegion = required(env.AWS_REGION, 'AWS_REGION');
  return createCostCollectorDeps({
    table: { client: documentClient(createDynamoClient()), name: config.TABLE_NAME },
    defaultRegion,
    aws: new AwsSourceClients({ defaultRegion, clock: systemClock, instrument: (c) => tracer.captureAWSv3Client(c) }),
  });
}
