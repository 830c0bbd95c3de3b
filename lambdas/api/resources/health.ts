import type { ManagementContext } from '#domain/model/management-context.ts';
import { checkHealth } from '#domain/health/check-health.ts';
import type { Route } from '#http/router.ts';
import { json } from '#http/responses.ts';
import { healthResponse } from '../response-schemas.ts';

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
      doc: {
        summary: 'Is the database reachable and the scheduler ticking',
        responses: {
          200: { description: '`ok`, or `degraded` when the scheduler is silent', body: healthResponse },
          503: { description: '`down`: the database does not answer', body: healthResponse },
        },
        errors: [],
      },
    },
  ];
}
