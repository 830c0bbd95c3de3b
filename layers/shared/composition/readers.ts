import { AwsSourceClients } from '#adapters/aws-source-clients.ts';
import { DynamoCostSnapshotRepository } from '#adapters/dynamo/cost-snapshot-repository.ts';
import type { Table } from '#adapters/dynamo/index.ts';
import type { FileTailer, SourceReaders } from '#domain/collect/ports.ts';
import type { Clock } from '#domain/model/ports.ts';
import type { CostExplorerFactory } from '#adapters/cost-explorer/cost-explorer-reader.ts';

/** The collectors' readers, with the AWS clients they build per target kept at hand. */
export interface Readers extends SourceReaders {
  aws: AwsSourceClients;
  costSnapshots: DynamoCostSnapshotRepository;
}

/**
 * What the runner, the API's source test and the cost collector read through: AWS readers per
 * target (SDK clients created once per region and identity, reused by every run), the table's
 * cost snapshots and, in local mode only, files.
 */
export function sourceReaders(options: {
  table: Table;
  /** The Region of targets that name none. */
  defaultRegion: string;
  clock: Clock;
  /** Cost Explorer's reader (`costExplorerReader`), only where Cost Explorer is called: the other bundles leave its client out. */
  costExplorer?: CostExplorerFactory;
  files?: FileTailer;
}): Readers {
  const { table, defaultRegion, clock, costExplorer } = options;
  return {
    aws: new AwsSourceClients({ defaultRegion, clock, ...(costExplorer && { costExplorer }) }),
    costSnapshots: new DynamoCostSnapshotRepository(table.client, table.name),
    ...(options.files && { files: options.files }),
  };
}
