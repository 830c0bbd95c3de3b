import type { Page, PageRequest, Target, TargetType, ConnectionConfig } from '../model/entities.ts';
import { FieldNotAllowedError, NotFoundError } from '../model/errors.ts';
import type { ManagementContext } from '../model/management-context.ts';

export interface TargetSpec {
  name: string;
  type: TargetType;
  connectionConfig: ConnectionConfig;
}

type Deps = Pick<ManagementContext, 'targets' | 'clock' | 'ids' | 'settings'>;

function checkAllowed(spec: TargetSpec, settings: Deps['settings']): void {
  if (spec.type === 'local' && !settings.localMode) {
    throw new FieldNotAllowedError('target.type', 'local targets exist only in local mode (npm start); use aws_account');
  }
}

export async function createTarget(spec: TargetSpec, deps: Deps): Promise<Target> {
  checkAllowed(spec, deps.settings);
  const now = deps.clock.now();
  const target: Target = { id: deps.ids.next(now), ...spec, createdAt: now.toISOString(), updatedAt: now.toISOString() };
  await deps.targets.create(target);
  return target;
}

export async function getTarget(id: string, deps: Pick<Deps, 'targets'>): Promise<Target> {
  const target = await deps.targets.get(id);
  if (!target) throw new NotFoundError(`target ${id} not found`);
  return target;
}

export function listTargets(page: PageRequest, deps: Pick<Deps, 'targets'>): Promise<Page<Target>> {
  return deps.targets.list(page);
}

/** Applies `change` (the validated merge of the request into the current target) and writes it. */
export async function updateTarget(id: string, change: (current: Target) => TargetSpec, deps: Deps): Promise<Target> {
  const current = await getTarget(id, deps);
  const spec = change(current);
  checkAllowed(spec, deps.settings);
  const updated: Target = { ...current, ...spec, updatedAt: deps.clock.now().toISOString() };
  await deps.targets.update(updated, current);
  return updated;
}

export function deleteTarget(id: string, deps: Pick<Deps, 'targets'>): Promise<void> {
  return deps.targets.delete(id);
}
