import { INPUT_KINDS_BY_SOURCE_KIND, type LogSource, type Monitor, type MonitorSpec, type Page, type PageRequest } from '../model/entities.ts';
import { FieldNotAllowedError, InvalidReferencesError, NotFoundError, type ReferenceProblem } from '../model/errors.ts';
import { referencedLogSourceIds } from './monitor-references.ts';
import type { SourceExpectations } from './ports.ts';
import { nextSlotAfter } from '../scheduling/schedule.ts';
import { nextScheduledSlot, nominalIntervalSeconds, parseScheduleExpression } from '../scheduling/schedule-expression.ts';
import type { ManagementContext } from '../model/management-context.ts';

type Deps = Pick<ManagementContext, 'monitors' | 'logSources' | 'clock' | 'ids' | 'settings'>;

/**
 * Checks that every log source the monitor names exists and that each input's mode fits its
 * source's mode; returns the modes, which the store re-checks inside its write.
 */
async function resolveSources(spec: MonitorSpec, deps: Pick<Deps, 'logSources'>): Promise<SourceExpectations> {
  const sources = await deps.logSources.getMany(referencedLogSourceIds(spec));
  const problems: ReferenceProblem[] = [];
  const missing = (id: string, inputIndex?: number): ReferenceProblem => ({
    reason: 'missing',
    reference: { kind: 'log_source', id, ...(inputIndex !== undefined && { inputIndex }) },
    message: `log source ${id} does not exist`,
  });
  if (!sources.has(spec.logSourceId)) problems.push(missing(spec.logSourceId));
  spec.inputs.forEach((input, inputIndex) => {
    const sourceId = input.logSourceId ?? spec.logSourceId;
    const source: LogSource | undefined = sources.get(sourceId);
    if (!source) {
      // An input without its own source shares the default's problem, named once above.
      if (input.logSourceId !== undefined) problems.push(missing(sourceId, inputIndex));
      return;
    }
    const fitting = INPUT_KINDS_BY_SOURCE_KIND[source.mode];
    if (!fitting.includes(input.mode)) {
      problems.push({
        reason: 'input_mode',
        reference: { kind: 'log_source', id: sourceId, inputIndex },
        message: `a ${source.mode} source takes ${fitting.join(' or ')} inputs, not ${input.mode}`,
      });
    }
  });
  if (problems.length > 0) throw new InvalidReferencesError(problems);
  return new Map([...sources.values()].map((source) => [source.id, source.mode]));
}

function checkModel(spec: MonitorSpec, settings: Deps['settings']): void {
  const allowed = settings.allowedModelIds;
  if (spec.model.modelId === undefined || allowed === undefined || allowed.includes(spec.model.modelId)) return;
  throw new FieldNotAllowedError(
    'monitor.modelId',
    `is not one this deployment may invoke (allowedModelIds: ${allowed.join(', ')}); add it to the stack setting first`,
  );
}

/**
 * The spec with the interval its schedule stands for, and the monitor's first slot after `now`.
 * A schedule that never fires again (its years are past) is refused (the API names `schedule`).
 */
function scheduled(spec: MonitorSpec, id: string, now: Date): { spec: MonitorSpec; nextSlot: string } {
  if (spec.schedule == null) {
    return { spec, nextSlot: nextSlotAfter(now, spec.intervalSeconds, id).toISOString() };
  }
  const parsed = parseScheduleExpression(spec.schedule, now);
  if (!parsed.ok) throw new FieldNotAllowedError('monitor.schedule', parsed.problem);
  const next = nextScheduledSlot(parsed.schedule, now, id);
  if (next === null) throw new FieldNotAllowedError('monitor.schedule', 'never fires after now');
  return { spec: { ...spec, intervalSeconds: nominalIntervalSeconds(parsed.schedule, now) }, nextSlot: next.toISOString() };
}

/**
 * The checks a spec passes before it is saved (or previewed): its model is one this deployment
 * may invoke, its schedule fires, and every log source it names exists and fits its input.
 * Returns the spec with its schedule's interval, its first slot and the sources' modes.
 */
export async function checkMonitorSpec(
  requested: MonitorSpec,
  id: string,
  now: Date,
  deps: Pick<Deps, 'logSources' | 'settings'>,
): Promise<{ spec: MonitorSpec; nextSlot: string; sources: SourceExpectations }> {
  checkModel(requested, deps.settings);
  const { spec, nextSlot } = scheduled(requested, id, now);
  return { spec, nextSlot, sources: await resolveSources(spec, deps) };
}

export async function createMonitor(requested: MonitorSpec, deps: Deps): Promise<Monitor> {
  const now = deps.clock.now();
  const id = deps.ids.next(now);
  const { spec, nextSlot, sources } = await checkMonitorSpec(requested, id, now, deps);
  const monitor: Monitor = {
    ...spec,
    id,
    nextRunAt: spec.enabled ? nextSlot : null,
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
 * Writes the new spec. A changed interval or schedule, or a monitor enabled again, is scheduled from now;
 * a disabled monitor has no next run (and leaves the due index).
 */
export async function updateMonitor(id: string, change: (current: Monitor) => MonitorSpec, deps: Deps): Promise<Monitor> {
  const current = await getMonitor(id, deps);
  const now = deps.clock.now();
  const { spec, nextSlot, sources } = await checkMonitorSpec(change(current), id, now, deps);
  const reschedule =
    (spec.schedule ?? null) !== (current.schedule ?? null) ||
    (spec.schedule == null && spec.intervalSeconds !== current.intervalSeconds) ||
    (spec.enabled && !current.enabled);
  const nextRunAt = !spec.enabled ? null : reschedule || current.nextRunAt === null ? nextSlot : current.nextRunAt;
  const updated: Monitor = { ...current, ...spec, nextRunAt, version: current.version + 1, updatedAt: now.toISOString() };
  await deps.monitors.update(updated, current, sources);
  return updated;
}

export function deleteMonitor(id: string, deps: Pick<Deps, 'monitors'>): Promise<void> {
  return deps.monitors.delete(id);
}
