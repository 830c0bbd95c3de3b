import type { ManagementContext } from '#domain/model/management-context.ts';
import { checkHealth } from '#domain/health/check-health.ts';
import type { Route } from '#http/router.ts';
import { json } from '#http/responses.ts';

export function healthRoutes(ctx: ManagementContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/health',
      handler: async () => {
        const report = await checkHealth(ctx);
        const scheduler = report.checks.scheduler;
        return json(report.status === 'down' ? 503 : 200, {
          status: report.status,
          checks: {
            database: report.checks.database,
            scheduler: { ok: scheduler.ok, last_tick_at: scheduler.lastTickAt, age_seconds: scheduler.ageSeconds },
          },
        });
      },
    },
  ];
}
