import { monotonicFactory } from 'ulid';
import type { Clock, IdGenerator } from '#domain/model/ports.ts';
import type { RunQueue } from '#domain/runs/ports.ts';
import type { ManagementContext, ManagementSettings, SourceTester } from '#domain/model/management-context.ts';
import type { FileAccess } from '#domain/collect/file-access.ts';
import type { Store } from '#adapters/dynamo/index.ts';

export const systemClock: Clock = { now: () => new Date() };
const monotonicUlid = monotonicFactory();
/** ULIDs that keep creation order even within one millisecond, so lists read in order. */
export const ulidGenerator: IdGenerator = { next: (at) => monotonicUlid(at.getTime()) };

/** Wires the management use-cases to the store, the run queue and the settings. */
export function createManagementContext(options: {
  store: Store;
  queue: RunQueue;
  settings: ManagementSettings;
  sourceTester: SourceTester;
  /** Local mode's file roots; without it `file` sources are refused. */
  fileAccess?: FileAccess;
  clock?: Clock;
  ids?: IdGenerator;
}): ManagementContext {
  return {
    ...options.store,
    queue: options.queue,
    clock: options.clock ?? systemClock,
    ids: options.ids ?? ulidGenerator,
    settings: options.settings,
    sourceTester: options.sourceTester,
    ...(options.fileAccess && { fileAccess: options.fileAccess }),
  };
}
