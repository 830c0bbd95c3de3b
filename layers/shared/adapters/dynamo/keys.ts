import { stableHash } from '#domain/scheduling/schedule.ts';

/**
 * Item keys of the single table. One partition per entity; a monitor's partition also holds
 * its references to log sources and its runs, so deleting a monitor finds everything it owns.
 *
 * | item       | pk                 | sk                     | other keys                                    |
 * |------------|--------------------|------------------------|-----------------------------------------------|
 * | target     | TARGET#<id>        | TARGET                 | typePk TARGET, typeSk <id>                    |
 * | log source | LOGSOURCE#<id>     | LOGSOURCE              | typePk, typeSk; parentPk TARGET#<target id>   |
 * | monitor    | MONITOR#<id>       | MONITOR                | typePk, typeSk; duePk DUE#<0-15>, dueAt (on)  |
 * | reference  | MONITOR#<id>       | REF#LOGSOURCE#<ls id>  | parentPk LOGSOURCE#<ls id>, parentSk MONITOR# |
 * | run        | MONITOR#<id>       | RUN#<run id>           | expiresAt (TTL); openPk OPEN#<n>, openAt (open); runStatusPk RUNS#<status> |
 * | baseline   | MONITOR#<id>       | BASELINE#<label>       |                                               |
 * | usage/day  | MONITOR#<id>       | USAGE#<yyyy-mm-dd>     | expiresAt (TTL)                               |
 * | usage/month| USAGE#<yyyy-mm>    | MONITOR#<id>, MODEL#<model id> |                                       |
 * | feedback   | MONITOR#<id>       | FEEDBACK#<time>#<id>   |                                               |
 * | heartbeat  | SCHEDULER          | HEARTBEAT              |                                               |
 */
export const ENTITY = {
  target: 'TARGET',
  logSource: 'LOGSOURCE',
  monitor: 'MONITOR',
} as const;

/**
 * The due index is sharded: a monitor's `duePk` is `DUE#<n>`, n a stable hash of its id modulo
 * {@link DUE_SHARDS}, so the index spreads over 16 partitions instead of one hot one, and the
 * scheduler reads the shards in parallel.
 */
export const DUE_SHARDS = 16;

/** The model guard's one partition: its circuit breakers and the month's model spend. */
export const MODEL_GUARD_PARTITION = 'MODELGUARD';

/**
 * The single due partition of items written before sharding. The scheduler still reads it, and
 * its claim moves each such monitor to its shard, so old items migrate on their next slot
 * without a migration job (see DynamoScheduleRepository).
 */
export const LEGACY_DUE_PARTITION = 'DUE';

/** A seed of its own, so the shard does not correlate with the slot offset (same id, same hash). */
const DUE_SHARD_SEED = 0x5eed_d0e5;

/** The `duePk` of a monitor: its shard of the due index. */
export function duePartitionOf(monitorId: string): string {
  return `${LEGACY_DUE_PARTITION}#${stableHash(monitorId, DUE_SHARD_SEED) % DUE_SHARDS}`;
}

/** Every partition the scheduler reads: the shards, then the legacy partition. */
export const DUE_PARTITIONS: readonly string[] = [
  ...Array.from({ length: DUE_SHARDS }, (_, shard) => `${LEGACY_DUE_PARTITION}#${shard}`),
  LEGACY_DUE_PARTITION,
];

export const keys = {
  target: (id: string) => ({ pk: `TARGET#${id}`, sk: ENTITY.target }),
  logSource: (id: string) => ({ pk: `LOGSOURCE#${id}`, sk: ENTITY.logSource }),
  monitor: (id: string) => ({ pk: `MONITOR#${id}`, sk: ENTITY.monitor }),
  reference: (monitorId: string, logSourceId: string) => ({
    pk: `MONITOR#${monitorId}`,
    sk: `REF#LOGSOURCE#${logSourceId}`,
  }),
  run: (monitorId: string, runId: string) => ({ pk: `MONITOR#${monitorId}`, sk: `RUN#${runId}` }),
  baseline: (monitorId: string, label: string) => ({ pk: `MONITOR#${monitorId}`, sk: `${BASELINE_PREFIX}${label}` }),
  heartbeat: () => ({ pk: 'SCHEDULER', sk: 'HEARTBEAT' }),
  usageDay: (monitorId: string, day: string) => ({ pk: `MONITOR#${monitorId}`, sk: `${USAGE_DAY_PREFIX}${day}` }),
  usageMonth: (month: string) => `${USAGE_MONTH_PREFIX}${month}`,
  feedback: (monitorId: string, createdAt: string, id: string) => ({ pk: `MONITOR#${monitorId}`, sk: `${FEEDBACK_PREFIX}${createdAt}#${id}` }),
};

/** A monitor's daily usage counters in its partition (summed for `usage_30d`). */
export const USAGE_DAY_PREFIX = 'USAGE#';
/** The month's usage partition: one item per monitor and per model (`GET /usage`). */
export const USAGE_MONTH_PREFIX = 'USAGE#';

export const RUN_PREFIX = 'RUN#';

/** The runs-by-status index partition of a run: `RUNS#<status>`, sorted by `sk` (its id, so its time). */
export const runStatusPartition = (status: string) => `RUNS#${status}`;
export const BASELINE_PREFIX = 'BASELINE#';
export const FEEDBACK_PREFIX = 'FEEDBACK#';

const ID = '[0-9A-Za-z_-]{1,64}';
const exactly = (pattern: string) => new RegExp(`^${pattern}$`);

/** The LastEvaluatedKey each list produces, for checking cursors (see decodeCursor). */
export const pageKeys = {
  byType: (entity: (typeof ENTITY)[keyof typeof ENTITY]) => ({
    pk: exactly(`${entity}#${ID}`),
    sk: entity,
    typePk: entity,
    typeSk: exactly(ID),
  }),
  logSourcesOfTarget: (targetId: string) => ({
    pk: exactly(`${ENTITY.logSource}#${ID}`),
    sk: ENTITY.logSource,
    parentPk: keys.target(targetId).pk,
    parentSk: exactly(`${ENTITY.logSource}#${ID}`),
  }),
  monitorsOfLogSource: (logSourceId: string) => ({
    pk: exactly(`${ENTITY.monitor}#${ID}`),
    sk: exactly(`REF#${ENTITY.logSource}#${ID}`),
    parentPk: keys.logSource(logSourceId).pk,
    parentSk: exactly(`${ENTITY.monitor}#${ID}`),
  }),
  runsOfMonitor: (monitorId: string) => ({ pk: keys.monitor(monitorId).pk, sk: exactly(`${RUN_PREFIX}${ID}`) }),
  feedbackOfMonitor: (monitorId: string) => ({
    pk: keys.monitor(monitorId).pk,
    sk: exactly(`${FEEDBACK_PREFIX}\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z#${ID}`),
  }),
  runsByStatus: (status: string) => ({
    pk: exactly(`${ENTITY.monitor}#${ID}`),
    sk: exactly(`${RUN_PREFIX}${ID}`),
    runStatusPk: runStatusPartition(status),
  }),
  /** The cursor of a list merged from every status partition: the last run returned. */
  runsOfAllStatuses: () => ({ pk: exactly(`${ENTITY.monitor}#${ID}`), sk: exactly(`${RUN_PREFIX}${ID}`) }),
  due: (partition: string) => ({
    pk: exactly(`${ENTITY.monitor}#${ID}`),
    sk: ENTITY.monitor,
    duePk: partition,
    dueAt: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
  }),
};

/** Key attributes that are storage detail, never part of an entity. */
export const STORAGE_ATTRIBUTES = [
  'pk',
  'sk',
  'typePk',
  'typeSk',
  'parentPk',
  'parentSk',
  'duePk',
  'dueAt',
  'openPk',
  'openAt',
  'runStatusPk',
  'logSourceCount',
  'monitorCount',
] as const;
