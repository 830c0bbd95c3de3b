import { beforeAll, describe, expect, it } from 'vitest';
import { nextSlotAfter } from '#domain/scheduling/schedule.ts';
import { tick } from '#domain/scheduling/scheduler.ts';
import { createApiHarness, type ApiHarness, NO_USAGE_30D } from '../support/api.ts';

let api: ApiHarness;
let source: string;
beforeAll(async () => {
  api = await createApiHarness();
  const target = (await api.call('POST', '/targets', { body: { name: 'prod', type: 'aws_account' } })).body.id;
  source = (await api.call('POST', '/log-sources', {
    body: { target_id: target, name: 'orders', mode: 'cloudwatch_logs', config: { log_group_names: ['/ecs/orders'] } },
  })).body.id;
});

const monitor = (overrides: Record<string, unknown> = {}) => ({
  name: 'orders',
  log_source_id: source,
  prompt: 'Look for errors.',
  inputs: [{ label: 'ERRORS', mode: 'filter', filter_pattern: 'ERROR' }],
  ...overrides,
});

// The harness clock: 2026-11-21T10:00:00Z, a Saturday.
describe('schedule', () => {
  it('takes a cron, shows it with interval_seconds null, and schedules its next minute', async () => {
    const created = await api.call('POST', '/monitors', { body: monitor({ schedule: 'cron(0 9 ? * MON-FRI *)' }) });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ schedule: 'cron(0 9 ? * MON-FRI *)', interval_seconds: null, next_run_at: '2026-11-23T09:00:00.000Z' });
    expect((await api.call('GET', `/monitors/${created.body.id}`)).body).toEqual({ ...created.body, usage_30d: NO_USAGE_30D });
  });

  it('takes a rate as an interval on the monitor offset', async () => {
    const created = await api.call('POST', '/monitors', { body: monitor({ schedule: 'rate(1 hour)' }) });

    expect(created.body).toMatchObject({ schedule: 'rate(1 hour)', interval_seconds: null });
    expect(created.body.next_run_at).toBe(nextSlotAfter(new Date('2026-11-21T10:00:00.000Z'), 3600, created.body.id).toISOString());
  });

  it('defaults to every 300 s with neither, and shows schedule null', async () => {
    const created = await api.call('POST', '/monitors', { body: monitor() });
    expect(created.body).toMatchObject({ interval_seconds: 300, schedule: null, snoozed_until: null, maintenance_windows: [] });
  });

  it.each([
    [{ interval_seconds: 300, schedule: 'rate(5 minutes)' }, 'schedule', 'cannot be set together with interval_seconds; a monitor has exactly one of them'],
    [{ schedule: 'cron(0 9 * * * *)' }, 'schedule', 'cron: exactly one of day-of-month and day-of-week must be ? (EventBridge does not take both)'],
    [{ schedule: 'cron(0 25 * * ? *)' }, 'schedule', 'cron: hours "25" must be within 0-23'],
    [{ schedule: 'rate(5 minute)' }, 'schedule', 'write "rate(5 minutes)": singular for 1, plural otherwise'],
    [{ schedule: 'cron(0 9 ? * 6#3,2 *)' }, 'schedule', 'cron: day-of-week "6#3,2": nL and n#k stand alone (not in lists)'],
    [{ schedule: 'cron(0 9 1 1 ? 2025)' }, 'schedule', 'cron: never fires after now'],
    [{ schedule: 42 }, 'schedule', 'must be a string'],
    [{ snoozed_until: 'tomorrow' }, 'snoozed_until', 'must be an RFC 3339 time like 2026-11-27T18:00:00Z, or null'],
    [{ maintenance_windows: [{ schedule: 'rate(1 day)', duration_minutes: 60 }] }, 'maintenance_windows[0].schedule', 'must be a cron(...) expression'],
    [{ maintenance_windows: [{ schedule: 'cron(0 22 ? * SAT *)', duration_minutes: 0 }] }, 'maintenance_windows[0].duration_minutes', 'must be at least 1'],
    [{ maintenance_windows: [{ schedule: 'cron(0 22 ? * SAT *)' }] }, 'maintenance_windows[0].duration_minutes', 'is required'],
    [{ maintenance_windows: Array.from({ length: 11 }, () => ({ schedule: 'cron(0 22 ? * SAT *)', duration_minutes: 60 })) }, 'maintenance_windows', 'must have at most 10 items'],
  ])('rejects %j naming %s, changing nothing', async (overrides, path, message) => {
    const error = await api.expectRejected(400, 'POST', '/monitors', { body: monitor(overrides) });
    expect(error.error.details).toContainEqual({ path, message });
  });

  it('switches between interval and schedule with a PUT of either, rescheduling from now', async () => {
    const created = (await api.call('POST', '/monitors', { body: monitor() })).body;

    const cron = await api.call('PUT', `/monitors/${created.id}`, { body: { schedule: 'cron(30 12 * * ? *)' } });
    expect(cron.body).toMatchObject({ schedule: 'cron(30 12 * * ? *)', interval_seconds: null, next_run_at: '2026-11-21T12:30:00.000Z' });

    const back = await api.call('PUT', `/monitors/${created.id}`, { body: { interval_seconds: 600 } });
    expect(back.body).toMatchObject({ schedule: null, interval_seconds: 600 });
    expect(back.body.next_run_at).toBe(nextSlotAfter(new Date('2026-11-21T10:00:00.000Z'), 600, created.id).toISOString());

    // A GET body sent back unchanged is a valid PUT.
    const roundTrip = await api.call('PUT', `/monitors/${created.id}`, { body: cron.body });
    expect(roundTrip.status).toBe(200);
    expect(roundTrip.body.schedule).toBe('cron(30 12 * * ? *)');
  });

  it('lets the scheduler claim a cron slot and move the monitor to the next one', async () => {
    const fresh = await createApiHarness();
    const target = (await fresh.call('POST', '/targets', { body: { name: 'p', type: 'aws_account' } })).body.id;
    const src = (await fresh.call('POST', '/log-sources', {
      body: { target_id: target, name: 'o', mode: 'cloudwatch_logs', config: { log_group_names: ['/o'] } },
    })).body.id;
    const created = (await fresh.call('POST', '/monitors', { body: monitor({ log_source_id: src, schedule: 'cron(0 12 L * ? *)' }) })).body;
    expect(created.next_run_at).toBe('2026-11-30T12:00:00.000Z');

    const at = new Date('2026-11-30T12:00:20.000Z');
    const result = await tick({ schedule: fresh.ctx.schedule, runs: fresh.ctx.runs, queue: fresh.queue, clock: { now: () => at }, runRetentionDays: 90 });

    expect(result.claimed).toBe(1);
    expect(fresh.queue.sent).toEqual([{ kind: 'schedule', monitorId: created.id, scheduledFor: '2026-11-30T12:00:00.000Z' }]);
    expect((await fresh.call('GET', `/monitors/${created.id}`)).body.next_run_at).toBe('2026-12-31T12:00:00.000Z');
  });
});

describe('snooze and maintenance windows', () => {
  it('sets snoozed_until (normalised to UTC) and clears it with null, keeping the schedule', async () => {
    const created = (await api.call('POST', '/monitors', { body: monitor() })).body;

    const snoozed = await api.call('PUT', `/monitors/${created.id}`, { body: { snoozed_until: '2026-11-21T13:00:00+01:00' } });
    expect(snoozed.body).toMatchObject({ snoozed_until: '2026-11-21T12:00:00.000Z', next_run_at: created.next_run_at });

    const cleared = await api.call('PUT', `/monitors/${created.id}`, { body: { snoozed_until: null } });
    expect(cleared.body.snoozed_until).toBeNull();
  });

  it('stores maintenance windows and shows them back', async () => {
    const windows = [{ schedule: 'cron(0 22 ? * SAT *)', duration_minutes: 120 }];
    const created = (await api.call('POST', '/monitors', { body: monitor({ maintenance_windows: windows }) })).body;
    expect(created.maintenance_windows).toEqual(windows);
    expect((await api.call('GET', `/monitors/${created.id}`)).body.maintenance_windows).toEqual(windows);
  });
});
