import type { LogSource, LogSourceSpec, Page, PageRequest } from '../entities.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { ManagementContext } from './context.ts';

export type LogSourceBody = LogSourceSpec & { targetId: string; name: string };

type Deps = Pick<ManagementContext, 'logSources' | 'clock' | 'ids' | 'settings'>;

function checkAllowed(body: LogSourceBody, settings: Deps['settings']): void {
  if (body.mode === 'file' && !settings.localMode) {
    throw ValidationError.field('mode', 'file sources exist only in local mode (npm start)');
  }
}

/** The target must exist (and be `local` for a file source): the store checks it in the write. */
export async function createLogSource(body: LogSourceBody, deps: Deps): Promise<LogSource> {
  checkAllowed(body, deps.settings);
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
  checkAllowed(body, deps.settings);
  const updated = { ...body, id, createdAt: current.createdAt, updatedAt: deps.clock.now().toISOString() } as LogSource;
  await deps.logSources.update(updated, current);
  return updated;
}

export function deleteLogSource(id: string, deps: Pick<Deps, 'logSources'>): Promise<void> {
  return deps.logSources.delete(id);
}
