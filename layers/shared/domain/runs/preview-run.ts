/**
 * `POST /monitors/preview`: a monitor spec collected and judged once, exactly as the runner would,
 * with nothing stored and nobody notified.
 */
import type { Monitor, MonitorRun, MonitorSpec } from '../model/entities.ts';
import { FieldNotAllowedError } from '../model/errors.ts';
import type { ManagementContext } from '../model/management-context.ts';
import { checkMonitorSpec } from '../monitors/manage-monitors.ts';
import { collectAndJudge, type RunSteps } from './execute-run.ts';
import { newRun } from './manage-runs.ts';

/** The id a preview's monitor and run carry inside the domain; the API shows them as null. */
export const PREVIEW_ID = 'preview';

/** The steps a preview runs: collect, then judge (never notify, never a baseline). */
export type PreviewSteps = Pick<RunSteps, 'collect' | 'judge'>;

/** What previews judge with, as the composition root decides per deployment. */
export interface MonitorPreviewer {
  /** The rules-only judge: no model call, no spend. */
  rules: PreviewSteps;
  /**
   * The model judge (guarded by the circuit breaker and the monthly budget, so a preview's spend
   * counts), or why this deployment's previews may not call it.
   */
  model: PreviewSteps | { unavailable: string };
  /** How long a preview may collect and judge, in ms (the API function's timeout less a margin). */
  timeoutMs: number;
}

/**
 * Validates `spec` like a create (model allowed, sources exist and fit), then collects and judges
 * it once. A preview has no run history, so no previous verdict (no `unchanged` skip) and no
 * baseline (no `NEW`/`MISSING` marks, `judge_when: "unusual"` never skips); its run is the run
 * shape with the preview's id, trigger `manual`, no notifications.
 */
export async function previewMonitor(
  spec: MonitorSpec,
  options: { useModel: boolean },
  deps: Pick<ManagementContext, 'logSources' | 'settings' | 'clock' | 'previewer'>,
): Promise<MonitorRun> {
  const { previewer, clock } = deps;
  const steps = options.useModel ? previewer.model : previewer.rules;
  if ('unavailable' in steps) throw new FieldNotAllowedError('preview.useModel', steps.unavailable);
  const now = clock.now();
  const { spec: checked } = await checkMonitorSpec(spec, PREVIEW_ID, now, deps);
  const monitor: Monitor = {
    ...checked,
    id: PREVIEW_ID,
    nextRunAt: null,
    lastRun: null,
    alertState: null,
    version: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const running: MonitorRun = {
    ...newRun({ id: PREVIEW_ID, monitorId: PREVIEW_ID, trigger: 'manual', scheduledFor: null }, now, deps.settings.runRetentionDays),
    status: 'running',
    startedAt: now.toISOString(),
  };
  const judged = await collectAndJudge(monitor, running, {
    steps,
    clock,
    deadline: now.getTime() + previewer.timeoutMs,
    startedAt: now.getTime(),
    previous: async () => null,
  });
  return { ...judged, notifications: [], notificationsPending: false };
}
