import { costExplorerReader } from '#adapters/cost-explorer/cost-explorer-reader.ts';
import { createStore, type Store } from '#adapters/dynamo/index.ts';
import { listCostSources, type CostCollectorDeps } from '#domain/collect/collect-cost-snapshots.ts';
import type { Clock } from '#domain/model/ports.ts';
import { systemClock } from './clock.ts';
import { readEnvironment } from './environment.ts';
import { sourceReaders, type Readers } from './readers.ts';
import { openTable } from './table.ts';

/**
 * The cost collector's ports: the store's log-source and target repositories, the snapshot
 * repository, and Cost Explorer as each target's identity (through the readers' AWS clients,
 * shared with the runner in local mode).
 */
export function costCollector(options: { store: Store; readers: Readers; clock: Clock }): CostCollectorDeps {
  const { store, readers } = options;
  return {
    listCostSources: () => listCostSources({ logSources: store.logSources, targets: store.targets }),
    costExplorerFor: (target) => readers.aws.costExplorerFor(target),
    snapshots: readers.costSnapshots,
    clock: options.clock,
  };
}

/** The cost collector function's composition root: the table and Cost Explorer. */
export function costCollectorFromEnvironment(env: Record<string, string | undefined>): CostCollectorDeps {
  const config = readEnvironment('cost-collector', env);
  const table = openTable(config.TABLE_NAME);
  const readers = sourceReaders({ table, defaultRegion: config.AWS_REGION, clock: systemClock, costExplorer: costExplorerReader });
  return costCollector({ store: createStore(table), readers, clock: systemClock });
}
