import { INPUT_MODES_BY_SOURCE, type LogSource, type Monitor, type MonitorSpec, type Page, type PageRequest } from '../model/entities.ts';
import { NotFoundError, ValidationError, type FieldIssue } from '../model/errors.ts';
import { referencedLogSourceIds } from './monitor-references.ts';
import type { SourceExpectations } from './ports.ts';
import { nextSlotAfter } from '../scheduling/schedule.ts';
import type { ManagementContext } from '../model/management-context.ts';

type Deps = Pick<ManagementContext, 'monitors' | 'logSources' | 'clock' | 'ids' | 'settings'>;

/**
 * Checks that every log source the monitor names exists and that each input's mode fits its
 * source's mode; returns the modes, which the store re-checks inside its write.
 */
async function resolveSources(spec: MonitorSpec, deps: Pick<Deps, 'logSources'>): Promise<SourceExpectations> {
  const sources = await deps.logSources.getMany(referencedLogSourceIds(spec));
  const issues: FieldIssue[] = [];
  const defaultSource = sources.get(spec.logSourceId);
  if (!defaultSource) issues.push({ path: 'log_source_id', message: `log source ${spec.logSourceId} does not exist` });
  spec.inputs.forEach((input, i) => {
    const sourceId = input.logSourceId ?? spec.logSourceId;
    const source: LogSource | undefined = sources.get(sourceId);
    if (!source) {
      if (input.logSourceId !== undefined) {
        issues.push({ path: `inputs[${i}].log_source_id`, message: `log source ${sourceId} does not exist` });
      }
      return;
    }
    const fitting = INPUT_MODES_BY_SOURCE[source.mode];
    if (!fitting.includes(input.mode)) {
      issues.push({
        path: `inputs[${i}].mode`,
        message: `a ${source.mode} source takes ${fitting.join(' or ')} inputs, not ${input.mode}`,
      });
    }
  });
  if (issues.length > 0) {
    throw new ValidationError(`invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  return new Map([...sources.values()].map((source) => [source.id, source.mode]));
}

function checkModel(spec: MonitorSpec, settings: Deps['settings']): void {
  const allowed = settings.allowedModelIds;
  if (spec.model.modelId === undefined || allowed === undefined || allowed.includes(spec.model.modelId)) return;
  throw ValidationError.field(
    'model.model_id',
    `is not one this deployment may invoke (allowedModelIds: ${allowed.join(', ')}); add it to the stack setting first`,
  );
}

export async function createMonitor(spec: MonitorSpec, deps: Deps): Promise<Monitor> {
  checkModel(spec, deps.settings);
  const sources = await resolveSources(spec, deps);
  const now = deps.clock.now();
  const id = deps.ids.next(now);
  const monitor: Monitor = {
    ...spec,
    id,
    nextRunAt: spec.enabled ? nextSlotAfter(now, spec.intervalSeconds, id).toISOString() : null,
    lastRun: null,
    alertState: null,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await deps.monitors.create(monitor, sources);
  return monitor;
}

export async function getMonitor(id: string, deps: Pick<Deps, 'monitors'>): Promise<Monitor> {
  const monitor = await deps.monitors.get(id);
  if (!monitor) throw new NotFoundError(`monitor ${id} not found`);
  return monitor;
}

export function listMonitors(
  page: PageRequest,
  filter: { logSourceId?: string },
  deps: Pick<Deps, 'monitors'>,
): Promise<Page<Monitor>> {
  return deps.monitors.list(page, filter);
}

/**
 * Writes the new spec. A changed interval, or a monitor enabled again, is scheduled from now;
 * a disabled monitor has no next run (and leaves the due index).
 */
export async function updateMonitor(id: string, change: (current: Monitor) => MonitorSpec, deps: Deps): Promise<Monitor> {
  const current = await getMonitor(id, deps);
  const spec = change(current);
  checkModel(spec, deps.settings);
  const sources = await resolveSources(spec, deps);
  const now = deps.clock.now();
  const reschedule = spec.intervalSeconds !== current.intervalSeconds || (spec.enabled && !current.enabled);
  const nextRunAt = !spec.enabled
    ? null
    : reschedule || current.nextRunAt === null
      ? nextSlotAfter(now, spec.intervalSeconds, id).toISOString()
      : current.nextRunAt;
  const updated: Monitor = { ...current, ...spec, nextRunAt, version: current.version + 1, updatedAt: now.toISOString() };
  await deps.monitors.update(updated, current, sources);
  return updated;
}

export function deleteMonitor(id: string, deps: Pick<Deps, 'monitors'>): Promise<void> {
  return deps.monitors.delete(id);
}
