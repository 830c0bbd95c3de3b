import type { Table } from './table.ts';
import { DynamoCostSnapshotRepository } from './cost-snapshot-repository.ts';
import { DynamoBaselineRepository } from './baseline-repository.ts';
import { DynamoFeedbackRepository } from './feedback-repository.ts';
import { DynamoLogSourceRepository } from './log-source-repository.ts';
import { DynamoModelGuardRepository } from './model-guard-repository.ts';
import { DynamoMonitorRepository } from './monitor-repository.ts';
import { DynamoRunRepository } from './run-repository.ts';
import { DynamoScheduleRepository } from './schedule-repository.ts';
import { DynamoTargetRepository } from './target-repository.ts';
import { DynamoUsageRepository } from './usage-repository.ts';

/** Every repository over one table, as the composition roots hand them to use-cases. */
export function createStore(table: Table) {
  const schedule = new DynamoScheduleRepository(table);
  return {
    targets: new DynamoTargetRepository(table),
    logSources: new DynamoLogSourceRepository(table),
    monitors: new DynamoMonitorRepository(table),
    runs: new DynamoRunRepository(table),
    baselines: new DynamoBaselineRepository(table),
    feedback: new DynamoFeedbackRepository(table),
    modelGuard: new DynamoModelGuardRepository(table),
    usage: new DynamoUsageRepository(table),
    schedule,
    health: schedule,
    costSnapshots: new DynamoCostSnapshotRepository(table.client, table.name),
  };
}

export type Store = ReturnType<typeof createStore>;
export type { Table } from './table.ts';
export { tableDefinition } from './table-definition.ts';
