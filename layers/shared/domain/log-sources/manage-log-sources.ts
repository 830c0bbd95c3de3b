import type { LogSource, LogSourceSpec, Page, PageRequest } from '../model/entities.ts';
import { FieldNotAllowedError, NotFoundError } from '../model/errors.ts';
import { SourceReadError } from '../collect/errors.ts';
import type { LogSourceTestResult } from './test-log-source.ts';
import type { ManagementContext } from '../model/management-context.ts';
import type { CostSnapshot } from '../collect/types.ts';

export type LogSourceBody = LogSourceSpec & { targetId: string; name: string };

type Deps = Pick<ManagementContext, 'logSources' | 'clock' | 'ids' | 'settings' | 'fileAccess'>;

async function checkAllowed(body: LogSourceBody, deps: Deps): Promise<void> {
  if (body.mode !== 'file') return;
  if (!deps.settings.localMode) throw new FieldNotAllowedError('logSource.mode', 'file sources exist only in local mode (npm start)');
  if (!deps.fileAccess) throw new FieldNotAllowedError('logSource.filePath', 'file sources are not enabled here');
  try {
    await deps.fileAccess.checkPath(body.config.path);
  } catch (error) {
    if (error instanceof SourceReadError) throw new FieldNotAllowedError('logSource.filePath', error.message, { cause: error });
    throw error;
  }
}

/** The target must exist (and be `local` for a file source): the store checks it in the write. */
export async function createLogSource(body: LogSourceBody, deps: Deps): Promise<LogSource> {
  await checkAllowed(body, deps);
  const now = deps.clock.now();
  const source = { ...body, id: deps.ids.next(now), createdAt: now.toISOString(), updatedAt: now.toISOString() } as LogSource;
  await deps.logSources.create(source);
  return source;
}

export async function getLogSource(id: string, deps: Pick<Deps, 'logSources'>): Promise<LogSource> {
  const source = await deps.logSources.get(id);
  if (!source) throw new NotFoundError(`log source ${id} not found`);
  return source;
}

export function listLogSources(
  page: PageRequest,
  filter: { targetId?: string },
  deps: Pick<Deps, 'logSources'>,
): Promise<Page<LogSource>> {
  return deps.logSources.list(page, filter);
}

export async function updateLogSource(
  id: string,
  change: (current: LogSource) => LogSourceBody,
  deps: Deps,
): Promise<LogSource> {
  const current = await getLogSource(id, deps);
  const body = change(current);
  await checkAllowed(body, deps);
  const updated = { ...body, id, createdAt: current.createdAt, updatedAt: deps.clock.now().toISOString() } as LogSource;
  await deps.logSources.update(updated, current);
  return updated;
}

/**
 * Reads a small recent sample through the same collectors a run uses. Problems reading (a
 * missing permission, group or file) are an `ok: false` answer, not an error.
 */
export async function testLogSourceById(
  id: string,
  deps: Pick<ManagementContext, 'logSources' | 'targets' | 'sourceTester'>,
): Promise<LogSourceTestResult> {
  const source = await getLogSource(id, deps);
  const target = await deps.targets.get(source.targetId);
  if (!target) throw new NotFoundError(`target ${source.targetId} of log source ${id} not found`);
  return deps.sourceTester.test(source, target);
}

/**
 * The newest cost snapshot of a `cost_explorer` source (what its `cost` inputs read). A source of
 * another kind has none, and neither has a cost source before the collector's first pass: both
 * are a NotFoundError that says which.
 */
export async function latestCostSnapshot(id: string, deps: Pick<ManagementContext, 'logSources' | 'costSnapshots'>): Promise<CostSnapshot> {
  const source = await getLogSource(id, deps);
  if (source.mode !== 'cost_explorer') {
    throw new NotFoundError(`log source ${id} is a ${source.mode} source; only cost_explorer sources have cost snapshots`);
  }
  const snapshot = await deps.costSnapshots.latest(id);
  if (!snapshot) throw new NotFoundError(`log source ${id} has no cost snapshot yet; the cost collector takes one at its next pass`);
  return snapshot;
}

export function deleteLogSource(id: string, deps: Pick<Deps, 'logSources'>): Promise<void> {
  return deps.logSources.delete(id);
}
