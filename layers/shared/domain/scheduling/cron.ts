/**
 * EventBridge's cron expressions, in UTC: `minutes hours day-of-month month day-of-week year`.
 * Supported as EventBridge documents them: lists (`,`), ranges (`-`), steps (`/`), `*`, `?`
 * (exactly one of day-of-month and day-of-week), month names `JAN`–`DEC`, day names `SUN`–`SAT`
 * (1 = Sunday), `L` (last day of the month; `5L` the month's last Thursday; `L` alone in
 * day-of-week is Saturday), `LW` (the month's last weekday), `15W` (the weekday nearest the 15th,
 * never leaving the month) and `6#3` (the month's third Friday). Years 1970–2199.
 * Not supported, each a clear problem: wrapping ranges (`FRI-MON`), `L` or `W` inside a list,
 * `L-3` offsets.
 */

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
export const CRON_FIRST_YEAR = 1970;
export const CRON_LAST_YEAR = 2199;

/** Day-of-month: a set of days, or one of the special forms. */
type DayOfMonth =
  | { kind: 'any' }
  | { kind: 'days'; days: ReadonlySet<number> }
  | { kind: 'last' }
  | { kind: 'lastWeekday' }
  | { kind: 'nearestWeekday'; day: number };

/** Day-of-week (1 = Sunday … 7 = Saturday): a set, the month's last given day, or its nth. */
type DayOfWeek =
  | { kind: 'any' }
  | { kind: 'days'; days: ReadonlySet<number> }
  | { kind: 'lastOfMonth'; day: number }
  | { kind: 'nth'; day: number; nth: number };

export interface CronSchedule {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number> | null;
  readonly dayOfMonth: DayOfMonth;
  readonly dayOfWeek: DayOfWeek;
}

/** A field's parse: its values, or why it is wrong. */
type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Where the first name maps (month names start at 1, day names at 1 = SUN). */
  nameBase?: number;
}

const FIELD = {
  minutes: { name: 'minutes', min: 0, max: 59 },
  hours: { name: 'hours', min: 0, max: 23 },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31 },
  month: { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 },
  dayOfWeek: { name: 'day-of-week', min: 1, max: 7, names: DAYS, nameBase: 1 },
  year: { name: 'year', min: CRON_FIRST_YEAR, max: CRON_LAST_YEAR },
} satisfies Record<string, FieldSpec>;

function fail<T>(problem: string): Parsed<T> {
  return { ok: false, problem };
}

function value(text: string, spec: FieldSpec): number | null {
  const upper = text.toUpperCase();
  const named = spec.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + (spec.nameBase ?? 0);
  if (!/^\d{1,4}$/.test(text)) return null;
  const number = Number(text);
  return number >= spec.min && number <= spec.max ? number : null;
}

function range(spec: FieldSpec): string {
  return spec.names ? `${spec.min}-${spec.max} or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : `${spec.min}-${spec.max}`;
}

/** `*`, `5`, `1-5`, `*\/10`, `10/15`, `1-30/2`, and lists of them. */
function parseSet(text: string, spec: FieldSpec): Parsed<Set<number>> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [base = '', stepText, extra] = item.split('/');
    if (extra !== undefined) return fail(`${spec.name} "${item}" has more than one /`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d{1,4}$/.test(stepText) || Number(stepText) < 1) return fail(`${spec.name} step "${stepText}" must be a whole number ≥ 1`);
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (base === '*') {
      [from, to] = [spec.min, spec.max];
    } else if (base.includes('-')) {
      const [a = '', b = '', more] = base.split('-');
      const start = value(a, spec);
      const end = value(b, spec);
      if (more !== undefined || start === null || end === null) return fail(`${spec.name} "${item}" is not a range within ${range(spec)}`);
      if (start > end) return fail(`${spec.name} range "${base}" wraps around, which is not supported; write it as two ranges`);
      [from, to] = [start, end];
    } else {
      const single = value(base, spec);
      if (single === null) return fail(`${spec.name} "${item}" must be within ${range(spec)}`);
      // `10/15` means every 15 from 10 on.
      [from, to] = [single, stepText === undefined ? single : spec.max];
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return { ok: true, value: values };
}

function parseDayOfMonth(text: string): Parsed<DayOfMonth> {
  const upper = text.toUpperCase();
  if (upper === '?') return { ok: true, value: { kind: 'any' } };
  if (upper === 'L') return { ok: true, value: { kind: 'last' } };
  if (upper === 'LW') return { ok: true, value: { kind: 'lastWeekday' } };
  const nearest = /^(\d{1,2})W$/.exec(upper);
  if (nearest) {
    const day = Number(nearest[1]);
    if (day < 1 || day > 31) return fail(`day-of-month "${text}": the day before W must be 1-31`);
    return { ok: true, value: { kind: 'nearestWeekday', day } };
  }
  if (/[LW]/.test(upper)) return fail(`day-of-month "${text}": L, LW and nW stand alone (not in lists, no L-n offsets)`);
  const set = parseSet(text, FIELD.dayOfMonth);
  return set.ok ? { ok: true, value: text === '*' ? { kind: 'any' } : { kind: 'days', days: set.value } } : set;
}

function parseDayOfWeek(text: string): Parsed<DayOfWeek> {
  const upper = text.toUpperCase();
  if (upper === '?' || upper === '*') return { ok: true, value: { kind: 'any' } };
  if (upper === 'L') return { ok: true, value: { kind: 'days', days: new Set([7]) } };
  const last = /^([A-Z]{3}|\d)L$/.exec(upper);
  if (last) {
    const day = value(last[1] as string, FIELD.dayOfWeek);
    if (day === null) return fail(`day-of-week "${text}": the day before L must be ${range(FIELD.dayOfWeek)}`);
    return { ok: true, value: { kind: 'lastOfMonth', day } };
  }
  const nth = /^([A-Z]{3}|\d)#(\d)$/.exec(upper);
  if (nth) {
    const day = value(nth[1] as string, FIELD.dayOfWeek);
    const n = Number(nth[2]);
    if (day === null) return fail(`day-of-week "${text}": the day before # must be ${range(FIELD.dayOfWeek)}`);
    if (n < 1 || n > 5) return fail(`day-of-week "${text}": the number after # must be 1-5`);
    return { ok: true, value: { kind: 'nth', day, nth: n } };
  }
  if (/[L#]/.test(upper)) return fail(`day-of-week "${text}": nL and n#k stand alone (not in lists)`);
  const set = parseSet(text, FIELD.dayOfWeek);
  return set.ok ? { ok: true, value: { kind: 'days', days: set.value } } : set;
}

/** Parses the six fields inside `cron(...)`; the problem names the field that is wrong. */
export function parseCron(fields: string): Parsed<CronSchedule> {
  const parts = fields.trim().split(/\s+/);
  if (parts.length !== 6) {
    return fail(`needs 6 fields (minutes hours day-of-month month day-of-week year), got ${parts.length}`);
  }
  const [min = '', hour = '', dom = '', month = '', dow = '', year = ''] = parts;
  if ((dom === '?') === (dow === '?')) {
    return fail('exactly one of day-of-month and day-of-week must be ? (EventBridge does not take both)');
  }
  const minutes = parseSet(min, FIELD.minutes);
  if (!minutes.ok) return minutes;
  const hours = parseSet(hour, FIELD.hours);
  if (!hours.ok) return hours;
  const dayOfMonth = parseDayOfMonth(dom);
  if (!dayOfMonth.ok) return dayOfMonth;
  const months = parseSet(month, FIELD.month);
  if (!months.ok) return months;
  const dayOfWeek = parseDayOfWeek(dow);
  if (!dayOfWeek.ok) return dayOfWeek;
  const years = year === '*' ? null : parseSet(year, FIELD.year);
  if (years !== null && !years.ok) return years;
  return {
    ok: true,
    value: {
      minutes: [...minutes.value].sort((a, b) => a - b),
      hours: [...hours.value].sort((a, b) => a - b),
      months: months.value,
      years: years === null ? null : years.value,
      dayOfMonth: dayOfMonth.value,
      dayOfWeek: dayOfWeek.value,
    },
  };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = Sunday … 7 = Saturday, as cron counts. */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

const isWorkday = (dow: number): boolean => dow >= 2 && dow <= 6;

function nearestWeekday(year: number, month: number, target: number): number | null {
  const last = daysInMonth(year, month);
  if (target > last) return null;
  const dow = weekday(year, month, target);
  if (isWorkday(dow)) return target;
  // Saturday: the Friday before, or the Monday after when the 1st is a Saturday.
  if (dow === 7) return target > 1 ? target - 1 : target + 2;
  // Sunday: the Monday after, or the Friday before when the month ends on it.
  return target < last ? target + 1 : target - 2;
}

function dayMatches(cron: CronSchedule, year: number, month: number, day: number): boolean {
  const last = daysInMonth(year, month);
  const dom = cron.dayOfMonth;
  switch (dom.kind) {
    case 'days':
      if (!dom.days.has(day)) return false;
      break;
    case 'last':
      if (day !== last) return false;
      break;
    case 'lastWeekday': {
      let lastWorkday = last;
      while (!isWorkday(weekday(year, month, lastWorkday))) lastWorkday -= 1;
      if (day !== lastWorkday) return false;
      break;
    }
    case 'nearestWeekday':
      if (nearestWeekday(year, month, dom.day) !== day) return false;
      break;
    case 'any':
      break;
  }
  const dow = cron.dayOfWeek;
  const today = weekday(year, month, day);
  switch (dow.kind) {
    case 'days':
      return dow.days.has(today);
    case 'lastOfMonth':
      return today === dow.day && day + 7 > last;
    case 'nth':
      return today === dow.day && Math.ceil(day / 7) === dow.nth;
    case 'any':
      return true;
  }
}

/**
 * The cron's first slot strictly after `after` (slots are whole UTC minutes), or null when it
 * never fires again (its years are past, or a date like 30 February). Walks day by day, skipping
 * whole months and years that cannot match: at most ~84,000 days up to 2199.
 */
export function nextCronSlot(cron: CronSchedule, after: Date): Date | null {
  const start = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth() + 1;
  let day = start.getUTCDate();
  let firstDay = true;
  while (year <= CRON_LAST_YEAR) {
    if ((cron.years !== null && !cron.years.has(year)) || !cron.months.has(month) || day > daysInMonth(year, month)) {
      if (cron.years !== null && !cron.years.has(year)) [month, day] = [12, 32];
      month += 1;
      day = 1;
      if (month > 12) [year, month] = [year + 1, 1];
      firstDay = false;
      continue;
    }
    if (dayMatches(cron, year, month, day)) {
      const fromMinute = firstDay ? start.getUTCHours() * 60 + start.getUTCMinutes() : 0;
      for (const hour of cron.hours) {
        if (hour * 60 + 59 < fromMinute) continue;
        const minute = cron.minutes.find((m) => hour * 60 + m >= fromMinute);
        if (minute !== undefined) return new Date(Date.UTC(year, month - 1, day, hour, minute));
      }
    }
    day += 1;
    firstDay = false;
  }
  return null;
}
