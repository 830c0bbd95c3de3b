import { describe, expect, it } from 'vitest';
import { nextCronSlot, parseCron, type CronSchedule } from '#domain/scheduling/cron.ts';
import {
  inMaintenanceWindow,
  nextScheduledSlot,
  nominalIntervalSeconds,
  parseScheduleExpression,
  scheduleOf,
} from '#domain/scheduling/schedule-expression.ts';
import { nextSlotAfter } from '#domain/scheduling/schedule.ts';

const NOW = new Date('2026-11-27T15:30:00.000Z');

function cron(fields: string): CronSchedule {
  const parsed = parseCron(fields);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.value;
}

/** The next `count` slots after `from`, as ISO strings. */
function slots(fields: string, from: string, count: number): string[] {
  const schedule = cron(fields);
  const out: string[] = [];
  let at: Date | null = new Date(from);
  while (out.length < count) {
    at = nextCronSlot(schedule, at);
    if (at === null) break;
    out.push(at.toISOString());
  }
  return out;
}

function problemOf(text: string, now = NOW): string {
  const parsed = parseScheduleExpression(text, now);
  if (parsed.ok) throw new Error(`${text} parsed`);
  return parsed.problem;
}

describe('cron slots (EventBridge syntax, UTC)', () => {
  it('fires at the minutes it names, strictly after now', () => {
    expect(slots('0 9 * * ? *', '2026-11-27T08:59:59.999Z', 2)).toEqual(['2026-11-27T09:00:00.000Z', '2026-11-28T09:00:00.000Z']);
    // On the slot itself, the next one is a day later.
    expect(slots('0 9 * * ? *', '2026-11-27T09:00:00.000Z', 1)).toEqual(['2026-11-28T09:00:00.000Z']);
    expect(slots('0 9 * * ? *', '2026-11-27T09:00:30.000Z', 1)).toEqual(['2026-11-28T09:00:00.000Z']);
    expect(slots('*/15 * * * ? *', '2026-11-27T23:50:00.000Z', 3)).toEqual([
      '2026-11-28T00:00:00.000Z', '2026-11-28T00:15:00.000Z', '2026-11-28T00:30:00.000Z',
    ]);
    expect(slots('10/20 8-9 * * ? *', '2026-11-27T00:00:00.000Z', 4)).toEqual([
      '2026-11-27T08:10:00.000Z', '2026-11-27T08:30:00.000Z', '2026-11-27T08:50:00.000Z', '2026-11-27T09:10:00.000Z',
    ]);
    expect(slots('0,30 22 * * ? *', '2026-12-31T22:30:00.000Z', 2)).toEqual(['2027-01-01T22:00:00.000Z', '2027-01-01T22:30:00.000Z']);
  });

  it('rolls over month ends, year ends and 31-day months', () => {
    expect(slots('0 0 31 * ? *', '2026-11-27T00:00:00.000Z', 3)).toEqual([
      '2026-12-31T00:00:00.000Z', '2027-01-31T00:00:00.000Z', '2027-03-31T00:00:00.000Z',
    ]);
    expect(slots('0 12 L * ? *', '2026-12-31T12:00:00.000Z', 3)).toEqual([
      '2027-01-31T12:00:00.000Z', '2027-02-28T12:00:00.000Z', '2027-03-31T12:00:00.000Z',
    ]);
    expect(slots('0 0 1 JAN,JUL ? *', '2026-11-27T00:00:00.000Z', 2)).toEqual(['2027-01-01T00:00:00.000Z', '2027-07-01T00:00:00.000Z']);
  });

  it('knows leap years: 29 February and the last day of February', () => {
    expect(slots('0 0 29 2 ? *', '2026-11-27T00:00:00.000Z', 3)).toEqual([
      '2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z', '2036-02-29T00:00:00.000Z',
    ]);
    // 2100 is not a leap year.
    expect(slots('0 0 29 2 ? 2096-2104', '2026-11-27T00:00:00.000Z', 3)).toEqual(['2096-02-29T00:00:00.000Z', '2104-02-29T00:00:00.000Z']);
    expect(slots('0 0 L 2 ? *', '2027-01-01T00:00:00.000Z', 2)).toEqual(['2027-02-28T00:00:00.000Z', '2028-02-29T00:00:00.000Z']);
  });

  it('counts day-of-week from 1 = SUN, by number or name, in lists and ranges', () => {
    // 2026-11-27 is a Friday.
    expect(slots('0 9 ? * MON-FRI *', '2026-11-27T10:00:00.000Z', 3)).toEqual([
      '2026-11-30T09:00:00.000Z', '2026-12-01T09:00:00.000Z', '2026-12-02T09:00:00.000Z',
    ]);
    expect(slots('0 9 ? * 2-6 *', '2026-11-27T10:00:00.000Z', 1)).toEqual(['2026-11-30T09:00:00.000Z']);
    expect(slots('0 9 ? * SUN,SAT *', '2026-11-27T10:00:00.000Z', 2)).toEqual(['2026-11-28T09:00:00.000Z', '2026-11-29T09:00:00.000Z']);
    expect(slots('0 9 ? * 1 *', '2026-11-27T10:00:00.000Z', 1)).toEqual(['2026-11-29T09:00:00.000Z']);
    expect(slots('0 9 ? * L *', '2026-11-27T10:00:00.000Z', 1)).toEqual(['2026-11-28T09:00:00.000Z']);
  });

  it('finds the nth and the last given weekday of a month (#, nL)', () => {
    // Third Friday: 2026-12-18, 2027-01-15; last Thursday: 2026-11-26 (past), 2026-12-31, 2027-01-28.
    expect(slots('0 9 ? * 6#3 *', '2026-11-27T00:00:00.000Z', 2)).toEqual(['2026-12-18T09:00:00.000Z', '2027-01-15T09:00:00.000Z']);
    expect(slots('0 9 ? * FRI#3 *', '2026-11-27T00:00:00.000Z', 1)).toEqual(['2026-12-18T09:00:00.000Z']);
    expect(slots('0 9 ? * 5L *', '2026-11-27T00:00:00.000Z', 2)).toEqual(['2026-12-31T09:00:00.000Z', '2027-01-28T09:00:00.000Z']);
    // A fifth Monday exists only in some months: March 2027 (29th), then May 2027 (31st).
    expect(slots('0 9 ? * MON#5 *', '2026-12-31T00:00:00.000Z', 2)).toEqual(['2027-03-29T09:00:00.000Z', '2027-05-31T09:00:00.000Z']);
  });

  it('finds the nearest weekday (nW) without leaving the month, and the last weekday (LW)', () => {
    // 2026-11-15 is a Sunday → Monday 16th; 2027-05-15 is a Saturday → Friday 14th.
    expect(slots('0 9 15W * ? *', '2026-11-01T00:00:00.000Z', 1)).toEqual(['2026-11-16T09:00:00.000Z']);
    expect(slots('0 9 15W 5 ? *', '2026-11-01T00:00:00.000Z', 1)).toEqual(['2027-05-14T09:00:00.000Z']);
    // 2027-05-01 is a Saturday: 1W is Monday the 3rd, not Friday 30 April.
    expect(slots('0 9 1W 5 ? *', '2026-11-01T00:00:00.000Z', 1)).toEqual(['2027-05-03T09:00:00.000Z']);
    // 2026-05-31 is a Sunday: 31W is Friday the 29th, not Monday 1 June.
    expect(slots('0 9 31W 5 ? *', '2026-01-01T00:00:00.000Z', 1)).toEqual(['2026-05-29T09:00:00.000Z']);
    // 31W never fires in a 30-day month: April is skipped.
    expect(slots('0 9 31W 3-5 ? 2026', '2026-01-01T00:00:00.000Z', 3)).toEqual(['2026-03-31T09:00:00.000Z', '2026-05-29T09:00:00.000Z']);
    // Last weekday: 2027-01-31 is a Sunday → Friday 29th; 2027-02-28 a Sunday → Friday 26th.
    expect(slots('0 18 LW * ? *', '2027-01-01T00:00:00.000Z', 2)).toEqual(['2027-01-29T18:00:00.000Z', '2027-02-26T18:00:00.000Z']);
  });

  it('stops at the last year it names and answers null when it never fires again', () => {
    expect(slots('0 0 1 1 ? 2027-2028', '2026-11-27T00:00:00.000Z', 5)).toEqual(['2027-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z']);
    expect(nextCronSlot(cron('0 0 30 2 ? *'), NOW)).toBeNull();
    expect(nextCronSlot(cron('0 0 1 1 ? 2020'), NOW)).toBeNull();
  });
});

describe('schedule expressions', () => {
  it('turns a rate into an interval on the monitor offset, singular for 1 and plural otherwise', () => {
    const cases: Array<[string, number]> = [
      ['rate(1 minute)', 60], ['rate(5 minutes)', 300], ['rate(1 hour)', 3600], ['rate(12 hours)', 43_200],
      ['rate(1 day)', 86_400], ['rate(7 days)', 604_800],
    ];
    for (const [text, seconds] of cases) {
      const parsed = parseScheduleExpression(text, NOW);
      expect(parsed).toEqual({ ok: true, schedule: { kind: 'interval', seconds } });
      if (parsed.ok) {
        expect(nextScheduledSlot(parsed.schedule, NOW, 'm1')).toEqual(nextSlotAfter(NOW, seconds, 'm1'));
        expect(nominalIntervalSeconds(parsed.schedule, NOW)).toBe(seconds);
      }
    }
    expect(problemOf('rate(5 minute)')).toContain('rate(5 minutes)');
    expect(problemOf('rate(1 hours)')).toContain('rate(1 hour)');
    expect(problemOf('rate(0 minutes)')).toContain('at least 1');
    expect(problemOf('rate(8 days)')).toContain('at most 7 days');
    expect(problemOf('rate(5 seconds)')).toContain('rate(N minutes|hours|days)');
  });

  it('names the wrong part of a cron it refuses', () => {
    expect(problemOf('cron(0 9 * * *)')).toContain('needs 6 fields');
    expect(problemOf('cron(0 9 * * * *)')).toContain('exactly one of day-of-month and day-of-week must be ?');
    expect(problemOf('cron(0 9 ? * ? *)')).toContain('exactly one of day-of-month and day-of-week must be ?');
    expect(problemOf('cron(60 9 * * ? *)')).toContain('minutes "60" must be within 0-59');
    expect(problemOf('cron(0 24 * * ? *)')).toContain('hours');
    expect(problemOf('cron(0 9 32 * ? *)')).toContain('day-of-month');
    expect(problemOf('cron(0 9 * 13 ? *)')).toContain('month');
    expect(problemOf('cron(0 9 ? * 8 *)')).toContain('day-of-week');
    expect(problemOf('cron(0 9 ? * FRI-MON *)')).toContain('wraps around');
    expect(problemOf('cron(0 9 ? * 6#6 *)')).toContain('1-5');
    expect(problemOf('cron(0 9 L-3 * ? *)')).toContain('stand alone');
    expect(problemOf('cron(0 9 1,L * ? *)')).toContain('stand alone');
    expect(problemOf('cron(0 9 ? * 2L,3 *)')).toContain('stand alone');
    expect(problemOf('cron(*/0 9 * * ? *)')).toContain('step');
    expect(problemOf('cron(0 9 * * ? 2300)')).toContain('year');
    expect(problemOf('cron(0 0 30 2 ? *)')).toContain('never fires');
    expect(problemOf('cron(0 0 1 1 ? 2025)')).toContain('never fires');
    expect(problemOf('every 5 minutes')).toContain('must be');
  });

  it('gives a cron the longest gap of its next slots as its nominal interval, capped at 7 days', () => {
    const of = (text: string) => {
      const parsed = parseScheduleExpression(text, NOW);
      if (!parsed.ok) throw new Error(parsed.problem);
      return nominalIntervalSeconds(parsed.schedule, NOW);
    };
    expect(of('cron(*/10 * * * ? *)')).toBe(600);
    expect(of('cron(0 9 ? * MON-FRI *)')).toBe(3 * 86_400);
    expect(of('cron(0 9 1 * ? *)')).toBe(7 * 86_400);
  });

  it('reads a monitor schedule: its expression when set, else its interval', () => {
    expect(scheduleOf({ intervalSeconds: 300 }, NOW)).toEqual({ kind: 'interval', seconds: 300 });
    expect(scheduleOf({ schedule: null, intervalSeconds: 300 }, NOW)).toEqual({ kind: 'interval', seconds: 300 });
    const daily = scheduleOf({ schedule: 'cron(0 9 * * ? *)', intervalSeconds: 86_400 }, NOW);
    expect(nextScheduledSlot(daily, NOW, 'm1')?.toISOString()).toBe('2026-11-28T09:00:00.000Z');
    // A stored cron whose last year has passed has no next slot.
    const ended = scheduleOf({ schedule: 'cron(0 9 * * ? 2026)', intervalSeconds: 86_400 }, NOW);
    expect(nextScheduledSlot(ended, new Date('2027-01-01T00:00:00Z'), 'm1')).toBeNull();
  });
});

describe('maintenance windows', () => {
  const windows = [{ schedule: 'cron(0 22 ? * SAT *)', durationMinutes: 120 }];

  it('is open from each slot for its duration, start included and end excluded', () => {
    // 2026-11-28 is a Saturday; the window runs 22:00–24:00 and into Sunday never.
    expect(inMaintenanceWindow(windows, new Date('2026-11-28T21:59:59.999Z'))).toBe(false);
    expect(inMaintenanceWindow(windows, new Date('2026-11-28T22:00:00.000Z'))).toBe(true);
    expect(inMaintenanceWindow(windows, new Date('2026-11-28T23:59:59.999Z'))).toBe(true);
    expect(inMaintenanceWindow(windows, new Date('2026-11-29T00:00:00.000Z'))).toBe(false);
    expect(inMaintenanceWindow(windows, new Date('2026-11-27T22:30:00.000Z'))).toBe(false);
  });

  it('is open when any window is, across midnight and month ends', () => {
    const nightly = [...windows, { schedule: 'cron(30 23 L * ? *)', durationMinutes: 60 }];
    expect(inMaintenanceWindow(nightly, new Date('2026-11-30T23:45:00.000Z'))).toBe(true);
    expect(inMaintenanceWindow(nightly, new Date('2026-12-01T00:29:00.000Z'))).toBe(true);
    expect(inMaintenanceWindow(nightly, new Date('2026-12-01T00:30:00.000Z'))).toBe(false);
    expect(inMaintenanceWindow([], new Date('2026-11-28T22:30:00.000Z'))).toBe(false);
  });
});
