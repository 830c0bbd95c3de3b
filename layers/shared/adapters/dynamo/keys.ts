/**
 * Item keys of the single table. One partition per entity; a monitor's partition also holds
 * its references to log sources and its runs, so deleting a monitor finds everything it owns.
 *
 * | item       | pk                 | sk                     | other keys                                    |
 * |------------|--------------------|------------------------|-----------------------------------------------|
 * | target     | TARGET#<id>        | TARGET                 | typePk TARGET, typeSk <id>                    |
 * | log source | LOGSOURCE#<id>     | LOGSOURCE              | typePk, typeSk; parentPk TARGET#<target id>   |
 * | monitor    | MONITOR#<id>       | MONITOR                | typePk, typeSk; duePk DUE, dueAt (enabled)    |
 * | reference  | MONITOR#<id>       | REF#LOGSOURCE#<ls id>  | parentPk LOGSOURCE#<ls id>, parentSk MONITOR# |
 * | run        | MONITOR#<id>       | RUN#<run id>           | expiresAt (TTL)                               |
 * | heartbeat  | SCHEDULER          | HEARTBEAT              |                                               |
 */
export const ENTITY = {
  target: 'TARGET',
  logSource: 'LOGSOURCE',
  monitor: 'MONITOR',
} as const;

export const DUE_PARTITION = 'DUE';

export const keys = {
  target: (id: string) => ({ pk: `TARGET#${id}`, sk: ENTITY.target }),
  logSource: (id: string) => ({ pk: `LOGSOURCE#${id}`, sk: ENTITY.logSource }),
  monitor: (id: string) => ({ pk: `MONITOR#${id}`, sk: ENTITY.monitor }),
  reference: (monitorId: string, logSourceId: string) => ({
    pk: `MONITOR#${monitorId}`,
    sk: `REF#LOGSOURCE#${logSourceId}`,
  }),
  run: (monitorId: string, runId: string) => ({ pk: `MONITOR#${monitorId}`, sk: `RUN#${runId}` }),
  heartbeat: () => ({ pk: 'SCHEDULER', sk: 'HEARTBEAT' }),
};

export const RUN_PREFIX = 'RUN#';

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
  'logSourceCount',
  'monitorCount',
] as const;
