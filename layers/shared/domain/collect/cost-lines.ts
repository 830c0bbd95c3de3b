/**
 * How a cost snapshot reads in the payload: compact lines, oldest days first and the summary
 * (month to date, forecast, anomalies) last, so cutting the window to its newest lines keeps
 * the summary. The arithmetic (totals, month-end estimate) is done here, never by the model.
 */
import type { CollectedLine, CostSnapshot, ReadResult } from './types.ts';

const STALE_AFTER_HOURS = 24;
const HOUR_MS = 3_600_000;

/** An amount as the payload, the rules and the digest write it: `12.50 USD`. */
export const money = (amount: number, unit: string): string => `${amount.toFixed(2)} ${unit}`;
/** Rounded to cents. */
export const round2 = (value: number): number => Math.round(value * 100) / 100;
export const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
const line = (text: string): CollectedLine => ({ timestamp: null, text });

/** The fields a daily cost line carries, so the payload can lay the days out as a table. */
export const DAILY_COST_FIELDS = ['day', 'group', 'amount', 'unit'] as const;

function dailyLine(day: string, group: string, amount: number, unit: string): CollectedLine {
  return {
    timestamp: null,
    text: `${day} ${group} ${money(amount, unit)}`,
    fields: [
      ['day', day],
      ['group', group],
      ['amount', amount.toFixed(2)],
      ['unit', unit],
    ],
  };
}

/** `YYYY-MM-DD` of a date in UTC. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The UTC day `days` after (or before) `date`'s day, at midnight. */
export function addDays(date: Date, days: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + days));
}

/** The snapshot's own day (partial: it was collected during it) and the last complete day, the one before. */
export function snapshotDays(snapshot: CostSnapshot): { today: string; lastComplete: string; monthStart: string } {
  const today = snapshot.collectedAt.slice(0, 10);
  return { today, lastComplete: isoDay(addDays(new Date(`${today}T00:00:00Z`), -1)), monthStart: `${today.slice(0, 7)}-01` };
}

/** Month figures of a snapshot, the same for the cost rules, the payload and the digest. */
export interface MonthFigures {
  /** First of the snapshot's month. */
  monthStart: string;
  /** Every cost from the first of the month, today's partial one included. */
  monthToDate: number;
  /** The month's complete days plus the forecast from today to the month's end; null without a forecast. */
  monthEnd: number | null;
  /** The forecast's 80% interval, as month totals; null when the snapshot has none. */
  monthEndLower: number | null;
  monthEndUpper: number | null;
}

/**
 * Month-to-date and the month-end estimate. The forecast covers today to the month's end, so it
 * is added to the complete days only (today's partial cost is inside the forecast). On the 1st
 * the month-to-date is today's partial cost alone, and no day of the previous month counts.
 */
export function monthFigures(snapshot: CostSnapshot): MonthFigures {
  const { today, monthStart } = snapshotDays(snapshot);
  const monthToDate = round2(sum(snapshot.monthToDate.map((cost) => cost.amount)));
  const completeDays = monthToDate - sum(snapshot.daily.filter((cost) => cost.day === today).map((cost) => cost.amount));
  const forecast = snapshot.forecast;
  const plus = (amount: number | undefined): number | null => (amount === undefined ? null : round2(completeDays + amount));
  return {
    monthStart,
    monthToDate,
    monthEnd: forecast === null ? null : round2(completeDays + forecast.amount),
    monthEndLower: plus(forecast?.lower),
    monthEndUpper: plus(forecast?.upper),
  };
}

/**
 * Renders a snapshot as lines. With `lookbackMinutes`, only the days it reaches back to are
 * listed (at least today); the month-to-date, forecast and anomaly lines always stay.
 */
export function renderCostSnapshot(snapshot: CostSnapshot, options: { now: Date; lookbackMinutes?: number }): ReadResult {
  const { unit } = snapshot;
  const firstDay =
    options.lookbackMinutes === undefined ? '' : isoDay(new Date(options.now.getTime() - options.lookbackMinutes * 60_000));
  const lines: CollectedLine[] = [];

  const days = new Map<string, Array<{ group: string; amount: number }>>();
  for (const cost of snapshot.daily) {
    if (cost.day < firstDay) continue;
    const groups = days.get(cost.day) ?? [];
    groups.push(cost);
    days.set(cost.day, groups);
  }
  for (const [day, groups] of [...days].sort(([a], [b]) => a.localeCompare(b))) {
    for (const cost of groups.sort((a, b) => b.amount - a.amount)) lines.push(dailyLine(day, cost.group, cost.amount, unit));
  }

  for (const anomaly of snapshot.anomalies) {
    const total = anomaly.totalImpact === null ? '' : ` (total ${money(anomaly.totalImpact, unit)})`;
    const causes = anomaly.rootCauses.length > 0 ? `; root causes: ${anomaly.rootCauses.join('; ')}` : '';
    // The id lets feedback on a finding quoting this line reach Cost Anomaly Detection (feedback/expected.ts).
    const id = anomaly.id === '' ? '' : `id=${anomaly.id} `;
    lines.push(line(`anomaly ${id}${anomaly.start}..${anomaly.end ?? 'ongoing'} impact ${money(anomaly.impact, unit)}${total}${causes}`));
  }

  if (snapshot.savings !== undefined) {
    for (const saving of snapshot.savings) {
      const instead = saving.recommended === null ? '' : ` to ${saving.recommended}`;
      const where = saving.region === null ? '' : ` in ${saving.region}`;
      lines.push(line(`savings: ${saving.action}${instead} ${saving.resourceType} ${saving.resource}${where} saves ≈ ${money(saving.monthlySavings, saving.currency)}/month`));
    }
    const total = snapshot.savings.reduce((sum, saving) => sum + saving.monthlySavings, 0);
    const currencies = new Set(snapshot.savings.map((saving) => saving.currency));
    if (snapshot.savings.length === 0) lines.push(line('savings: Cost Optimization Hub has no recommendations'));
    else if (currencies.size === 1) {
      lines.push(line(`savings: ${snapshot.savings.length} recommendations save ≈ ${money(total, [...currencies][0] ?? unit)}/month in all`));
    }
  }

  const { monthStart, monthToDate, monthEnd, monthEndLower, monthEndUpper } = monthFigures(snapshot);
  for (const cost of snapshot.monthToDate) lines.push(line(`month-to-date since ${monthStart} ${cost.group} ${money(cost.amount, unit)}`));
  lines.push(line(`month-to-date since ${monthStart} total ${money(monthToDate, unit)}`));
  if (snapshot.forecast && monthEnd !== null) {
    const { start, end, amount, lower, upper } = snapshot.forecast;
    const interval =
      lower === undefined || upper === undefined || monthEndLower === null || monthEndUpper === null
        ? ''
        : ` (80% interval ${money(lower, unit)}–${money(upper, unit)}; month total ${money(monthEndLower, unit)}–${money(monthEndUpper, unit)})`;
    lines.push(line(`forecast ${start}..${end} (end exclusive) ${money(amount, unit)}; month total ≈ ${money(monthEnd, unit)}${interval}`));
  }
  for (const note of snapshot.notes) lines.push(line(`note: ${note}`));
  const estimated = snapshot.estimatedFrom === null ? '' : `; amounts from ${snapshot.estimatedFrom} on are estimates`;
  lines.push(line(`snapshot: ${snapshot.metric} by ${snapshot.groupBy} in ${unit}, collected ${snapshot.collectedAt}${estimated}`));

  const ageHours = Math.floor((options.now.getTime() - Date.parse(snapshot.collectedAt)) / HOUR_MS);
  const notes =
    ageHours >= STALE_AFTER_HOURS ? [`the cost snapshot is ${ageHours} hours old; is the cost collector running?`] : [];
  return { lines, notes };
}
