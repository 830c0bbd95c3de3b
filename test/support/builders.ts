import { ulid } from 'ulid';
import type { LogSource, Monitor, MonitorRun, Target } from '#domain/model/entities.ts';
import { newRun } from '#domain/runs/manage-runs.ts';

const AT = '2026-11-21T10:00:00.000Z';

export function aTarget(overrides: Partial<Target> = {}): Target {
  return {
    id: ulid(),
    name: 'prod-account',
    type: 'aws_account',
    connectionConfig: { region: 'eu-west-1' },
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

export function aLogSource(targetId: string, overrides: Partial<LogSource> = {}): LogSource {
  return {
    id: ulid(),
    targetId,
    name: 'orders-api',
    mode: 'cloudwatch_logs',
    config: { logGroupNames: ['/ecs/orders-api'] },
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  } as LogSource;
}

export function aMonitor(logSourceId: string, overrides: Partial<Monitor> = {}): Monitor {
  return {
    id: ulid(),
    name: 'orders anomaly detector',
    logSourceId,
    enabled: true,
    intervalSeconds: 300,
    prompt: 'Look for errors and stuck loops.',
    inputs: [{ label: 'FULL_LOGS', mode: 'filter', filterPattern: '' }],
    rules: [],
    windowConfig: { maxLines: 500, maxChars: 8000, mode: 'templates' },
    notificationConfig: { emailRecipients: [], smsNumbers: [], notifyOn: 'alert_only', cooldownMinutes: 60 },
    model: {},
    nextRunAt: '2026-11-21T10:05:00.000Z',
    lastRun: null,
    alertState: null,
    version: 1,
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

export function aRun(monitorId: string, overrides: Partial<MonitorRun> = {}): MonitorRun {
  const run = newRun({ id: ulid(), monitorId, trigger: 'manual', scheduledFor: null }, new Date(AT), 90);
  return { ...run, ...overrides };
}

/** The expectations a monitor's references are validated with, all of one mode. */
export function expectSources(ids: string[], mode: LogSource['mode'] = 'cloudwatch_logs') {
  return new Map(ids.map((id) => [id, mode] as const));
}
