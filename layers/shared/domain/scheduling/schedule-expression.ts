import { nextSlotAfter } from './schedule.ts';
import { nextCronSlot, parseCron, type CronSchedule } from './cron.ts';

/**
 * A monitor's schedule: EventBridge's `rate(5 minutes)` or `cron(0 9 * * ? *)` (UTC), or the
 * plain `interval_seconds`. A rate is an interval: its slots are spread by the monitor's stable
 * offset like `interval_seconds`; a cron's slots are exactly the minutes it names.
 */
export type Schedule = { kind: 'interval'; seconds: number } | { kind: 'cron'; expression: string; cron: CronSchedule };

export type ScheduleParse = { ok: true; schedule: Schedule } | { ok: false; problem: string };

/** The longest rate: a week, as far back as an input may look. */
export const MAX_RATE_SECONDS = 7 * 86_400;

const UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400 };

function parseRate(inner: string): ScheduleParse {
  const match = /^\s*(\d{1,6})\s+(minute|minutes|hour|hours|day|days)\s*$/.exec(inner);
  if (!match) return { ok: false, problem: 'a rate is "rate(N minutes|hours|days)", e.g. rate(5 minutes)' };
  const amount = Number(match[1]);
  const unit = match[2] as string;
  if (amount < 1) return { ok: false, problem: 'a rate needs a value of at least 1' };
  // EventBridge's own rule: the singular unit for 1, the plural for more.
  if ((amount === 1) !== !unit.endsWith('s')) {
    return { ok: false, problem: `write "rate(${amount} ${amount === 1 ? unit.replace(/s$/, '') : `${unit}s`})": singular for 1, plural otherwise` };
  }
  const seconds = amount * (UNIT_SECONDS[unit.replace(/s$/, '')] as number);
  if (seconds > MAX_RATE_SECONDS) return { ok: false, problem: 'a rate may be at most 7 days; use a cron expression for rarer runs' };
  return { ok: true, schedule: { kind: 'interval', seconds } };
}

/**
 * Parses a schedule expression. `now` checks that a cron still fires: one whose slots are all
 * past (its years) or impossible (`30 2`) is a problem, not a monitor that silently never runs.
 */
export function parseScheduleExpression(text: string, now: Date): ScheduleParse {
  const match = /^(rate|cron)\((.*)\)$/s.exec(text.trim());
  if (!match) return { ok: false, problem: 'must be "rate(N minutes|hours|days)" or "cron(minutes hours day-of-month month day-of-week year)"' };
  if (match[1] === 'rate') return parseRate(match[2] as string);
  const cron = parseCron(match[2] as string);
  if (!cron.ok) return { ok: false, problem: `cron: ${cron.problem}` };
  if (nextCronSlot(cron.value, now) === null) return { ok: false, problem: 'cron: never fires after now' };
  return { ok: true, schedule: { kind: 'cron', expression: text.trim(), cron: cron.value } };
}

/** How a monitor is scheduled: its expression when it has one, else its interval. */
export function scheduleOf(monitor: { schedule?: string | null; intervalSeconds: number }, now: Date): Schedule {
  if (monitor.schedule == null) return { kind: 'interval', seconds: monitor.intervalSeconds };
  const parsed = parseScheduleExpression(monitor.schedule, now);
  // A stored expression was valid when saved; one that no longer fires has no next slot.
  return parsed.ok ? parsed.schedule : { kind: 'cron', expression: monitor.schedule, cron: NEVER };
}

const NEVER: CronSchedule = {
  minutes: [0],
  hours: [0],
  months: new Set([2]),
  years: null,
  dayOfMonth: { kind: 'days', days: new Set([30]) },
  dayOfWeek: { kind: 'any' },
};

/**
 * The monitor's first slot strictly after `now`, or null when its cron never fires again.
 * Interval and rate slots sit on the monitor's stable offset ({@link nextSlotAfter}).
 */
export function nextScheduledSlot(schedule: Schedule, now: Date, monitorId: string): Date | null {
  return schedule.kind === 'interval' ? nextSlotAfter(now, schedule.seconds, monitorId) : nextCronSlot(schedule.cron, now);
}

/**
 * The interval a schedule stands for where one number is needed (an input's default lookback):
 * a rate's seconds; for a cron, the longest gap between its next 32 slots after `now`, at least
 * a minute and at most {@link MAX_RATE_SECONDS}, so a weekday-only cron's Monday run looks back
 * over the weekend.
 */
export function nominalIntervalSeconds(schedule: Schedule, now: Date): number {
  if (schedule.kind === 'interval') return schedule.seconds;
  let longest = 60;
  let previous = nextCronSlot(schedule.cron, now);
  for (let i = 0; i < 32 && previous !== null; i += 1) {
    const next = nextCronSlot(schedule.cron, previous);
    if (next === null) break;
    longest = Math.max(longest, (next.getTime() - previous.getTime()) / 1000);
    previous = next;
  }
  return Math.min(longest, MAX_RATE_SECONDS);
}

/**
 * True when `at` falls in one of the windows: a window is open from each of its cron's slots for
 * `durationMinutes` (start included, end excluded).
 */
export function inMaintenanceWindow(
  windows: readonly { schedule: string; durationMinutes: number }[],
  at: Date,
): boolean {
  return windows.some((window) => {
    const parsed = parseScheduleExpression(window.schedule, new Date(0));
    if (!parsed.ok || parsed.schedule.kind !== 'cron') return false;
    const opened = nextCronSlot(parsed.schedule.cron, new Date(at.getTime() - window.durationMinutes * 60_000));
    return opened !== null && opened.getTime() <= at.getTime();
  });
}
