import type { ManagementContext } from '../model/management-context.ts';

/** The scheduler ticks every minute; three missed ticks make it unhealthy. */
export const SCHEDULER_STALE_AFTER_SECONDS = 180;

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  checks: {
    database: { ok: boolean };
    scheduler: { ok: boolean; lastTickAt: string | null; ageSeconds: number | null };
  };
}

/** `down` when the database does not answer; `degraded` when the scheduler is silent. */
export async function checkHealth(deps: Pick<ManagementContext, 'health' | 'schedule' | 'clock'>): Promise<HealthReport> {
  try {
    await deps.health.pingDatabase();
  } catch {
    return {
      status: 'down',
      checks: { database: { ok: false }, scheduler: { ok: false, lastTickAt: null, ageSeconds: null } },
    };
  }
  const lastTick = await deps.schedule.lastHeartbeat();
  const ageSeconds = lastTick ? Math.max(0, Math.round((deps.clock.now().getTime() - lastTick.getTime()) / 1000)) : null;
  const schedulerOk = ageSeconds !== null && ageSeconds < SCHEDULER_STALE_AFTER_SECONDS;
  return {
    status: schedulerOk ? 'ok' : 'degraded',
    checks: {
      database: { ok: true },
      scheduler: { ok: schedulerOk, lastTickAt: lastTick?.toISOString() ?? null, ageSeconds },
    },
  };
}
