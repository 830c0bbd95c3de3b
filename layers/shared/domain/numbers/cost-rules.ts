/**
 * Cost rules: budgets, daily thresholds and anomalies computed in code from the latest cost
 * snapshot a `cost` input read — never by the model, and never with a Cost Explorer call (the
 * collector took the snapshot). Each rule gives one or more {@link RuleResult}s carrying the
 * figures behind them; a breached result sets a floor on the run's status like a line rule.
 */
import type { CostRule, RuleResult, Severity } from '../model/entities.ts';
import { addDays, isoDay, money, monthFigures, round2, snapshotDays, sum } from '../collect/cost-lines.ts';
import type { CostSnapshot } from '../collect/types.ts';

/** Defaults of the optional fields, shared by the API and the docs. */
export const COST_RULE_DEFAULTS = {
  unit: 'USD',
  alertPercentages: [50, 80, 100],
  zScore: 3,
  minDelta: 5,
  lookbackDays: 14,
  severity: 'alert' as Severity,
} as const;

/** `lookback_days` bounds: a snapshot holds 35 days before its own, the last complete one is the day before. */
export const ANOMALY_LOOKBACK_DAYS = { min: 7, max: 30 } as const;

/** An `aws_anomaly` counts while open or when it ended in this many days up to the last complete day. */
export const AWS_ANOMALY_RECENT_DAYS = 7;

/** Scales the median absolute deviation to a normal distribution's standard deviation. */
const MAD_TO_SIGMA = 1.4826;

/** A cost rule met a snapshot in another currency or unit: the run is an `error` run saying so. */
export class CostRuleUnitError extends Error {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'CostRuleUnitError';
  constructor(index: number, rule: CostRule, label: string, snapshotUnit: string) {
    super(
      `cost_rules[${index}] (${rule.kind}) is in ${rule.unit} but the snapshot of ${label} is in ${snapshotUnit}; set the rule's unit to ${snapshotUnit} or use a source in ${rule.unit}`,
    );
    this.name = 'CostRuleUnitError';
  }
}


function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Each day's total, over every group or one group; days without a cost are absent (0). */
function dayTotals(snapshot: CostSnapshot, group?: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const cost of snapshot.daily) {
    if (group !== undefined && cost.group !== group) continue;
    totals.set(cost.day, (totals.get(cost.day) ?? 0) + cost.amount);
  }
  return totals;
}

const estimatedNote = (snapshot: CostSnapshot, day: string): string =>
  snapshot.estimatedFrom !== null && day >= snapshot.estimatedFrom ? ' (estimated by Cost Explorer)' : '';

type Base = Pick<RuleResult, 'label' | 'pattern' | 'kind' | 'count' | 'unit'>;

function dailyThreshold(rule: Extract<CostRule, { kind: 'daily_threshold' }>, snapshot: CostSnapshot, base: Base): RuleResult[] {
  const { lastComplete } = snapshotDays(snapshot);
  const actual = round2(dayTotals(snapshot, rule.group).get(lastComplete) ?? 0);
  const breached = actual > rule.amount;
  const what = rule.group === undefined ? 'total' : rule.group;
  const detail = `${lastComplete} ${what} ${money(actual, snapshot.unit)}${estimatedNote(snapshot, lastComplete)} ${breached ? 'is above' : 'is within'} ${money(rule.amount, snapshot.unit)}`;
  return [
    {
      ...base,
      severity: rule.severity,
      breached,
      actual,
      threshold: rule.amount,
      percent: rule.amount > 0 ? Math.round((actual / rule.amount) * 1000) / 10 : 0,
      day: lastComplete,
      ...(rule.group !== undefined && { group: rule.group }),
      basis: 'actual',
      detail,
    },
  ];
}

/**
 * Month-to-date and month-end forecast against each alert percentage of the budget. The highest
 * crossed is reported: an actual crossing of 100% or more is `alert`, any other crossing `warn`;
 * between equals the more severe, then the higher percentage, then the actual one wins.
 */
function monthlyBudget(rule: Extract<CostRule, { kind: 'monthly_budget' }>, snapshot: CostSnapshot, base: Base): RuleResult[] {
  const { unit } = snapshot;
  const figures = monthFigures(snapshot);
  const { monthToDate, monthEnd, monthEndLower, monthEndUpper } = figures;
  const share = (amount: number): number => (rule.amount > 0 ? (amount / rule.amount) * 100 : Infinity);
  const highestCrossed = (amount: number): number | null =>
    rule.alertPercentages.filter((percent) => share(amount) >= percent).reduce<number | null>((high, p) => (high === null || p > high ? p : high), null);

  type Crossing = { basis: 'actual' | 'forecast'; percent: number; severity: Severity; actual: number };
  const crossings: Crossing[] = [];
  const actualCrossed = highestCrossed(monthToDate);
  if (actualCrossed !== null) crossings.push({ basis: 'actual', percent: actualCrossed, severity: actualCrossed >= 100 ? 'alert' : 'warn', actual: monthToDate });
  const forecastCrossed = monthEnd === null ? null : highestCrossed(monthEnd);
  if (forecastCrossed !== null && monthEnd !== null) crossings.push({ basis: 'forecast', percent: forecastCrossed, severity: 'warn', actual: monthEnd });
  const rank = (c: Crossing): number => (c.severity === 'alert' ? 1_000_000 : 0) + c.percent * 2 + (c.basis === 'actual' ? 1 : 0);
  const reported = crossings.sort((a, b) => rank(b) - rank(a))[0];

  const parts = [`month-to-date since ${figures.monthStart} ${money(monthToDate, unit)} (${Math.round(share(monthToDate))}% of ${money(rule.amount, unit)})`];
  if (monthEnd === null) parts.push('no forecast in the snapshot');
  else {
    parts.push(`forecast month total ${money(monthEnd, unit)} (${Math.round(share(monthEnd))}%)`);
    if (monthEndLower !== null && monthEndUpper !== null) {
      const inside = rule.amount >= monthEndLower && rule.amount <= monthEndUpper;
      parts.push(
        `80% interval ${money(monthEndLower, unit)}–${money(monthEndUpper, unit)}: the budget is ${inside ? 'inside' : rule.amount < monthEndLower ? 'below' : 'above'} it`,
      );
    }
  }
  if (reported !== undefined) parts.push(`${reported.basis} crossed ${reported.percent}%`);
  return [
    {
      ...base,
      severity: reported?.severity ?? 'warn',
      breached: reported !== undefined,
      actual: reported?.actual ?? monthToDate,
      threshold: rule.amount,
      ...(reported !== undefined && { percent: reported.percent }),
      day: snapshotDays(snapshot).today,
      basis: reported?.basis ?? 'actual',
      detail: parts.join('; '),
    },
  ];
}

/**
 * Per group, the last complete day against the `lookbackDays` before it (days without a cost
 * count 0): the centre is the median and the spread 1.4826 × the median absolute deviation; when
 * that is 0 (most days alike) the mean and standard deviation are used instead. Breached when the
 * day exceeds the centre by more than `minDelta` and by more than `zScore` spreads (a group with
 * no spread at all: by more than `minDelta`). One result per breached group, largest rise first;
 * one unbreached result when none is.
 */
function anomaly(rule: Extract<CostRule, { kind: 'anomaly' }>, snapshot: CostSnapshot, base: Base): RuleResult[] {
  const { unit } = snapshot;
  const { lastComplete } = snapshotDays(snapshot);
  const historyDays = Array.from({ length: rule.lookbackDays }, (_, i) => isoDay(addDays(new Date(`${lastComplete}T00:00:00Z`), -(i + 1))));
  const first = historyDays[historyDays.length - 1] as string;
  const groups = [...new Set(snapshot.daily.filter((cost) => cost.day >= first && cost.day <= lastComplete).map((cost) => cost.group))].sort();
  const breaches: RuleResult[] = [];
  for (const group of groups) {
    const totals = dayTotals(snapshot, group);
    const history = historyDays.map((day) => totals.get(day) ?? 0);
    const actual = totals.get(lastComplete) ?? 0;
    const med = median(history);
    const mad = median(history.map((value) => Math.abs(value - med)));
    const mean = sum(history) / history.length;
    const robust = mad > 0;
    const centre = robust ? med : mean;
    const spread = robust ? MAD_TO_SIGMA * mad : Math.sqrt(sum(history.map((value) => (value - mean) ** 2)) / history.length);
    const delta = actual - centre;
    const z = spread > 0 ? delta / spread : delta > 0 ? Infinity : 0;
    if (!(delta > rule.minDelta && z > rule.zScore)) continue;
    const sigma = Number.isFinite(z) ? `${z.toFixed(1)} σ` : 'no variation before';
    breaches.push({
      ...base,
      severity: 'alert',
      breached: true,
      actual: round2(actual),
      threshold: round2(centre + Math.max(rule.minDelta, rule.zScore * spread)),
      day: lastComplete,
      group,
      basis: 'actual',
      detail: `${group} on ${lastComplete}: ${money(actual, unit)}${estimatedNote(snapshot, lastComplete)}, usual ${money(centre, unit)} (${robust ? 'median' : 'mean'} of ${rule.lookbackDays} days), +${money(delta, unit)}, ${sigma}`,
    });
  }
  if (breaches.length > 0) return breaches.sort((a, b) => (b.actual ?? 0) - (b.threshold ?? 0) - ((a.actual ?? 0) - (a.threshold ?? 0)));
  return [
    {
      ...base,
      severity: 'alert',
      breached: false,
      day: lastComplete,
      basis: 'actual',
      detail: `no group on ${lastComplete} above its last ${rule.lookbackDays} days by more than ${rule.zScore} σ and ${money(rule.minDelta, unit)} (${groups.length} groups)`,
    },
  ];
}

/** Cost Anomaly Detection findings open or ended in the last {@link AWS_ANOMALY_RECENT_DAYS} days, impact ≥ `minImpact`. */
function awsAnomaly(rule: Extract<CostRule, { kind: 'aws_anomaly' }>, snapshot: CostSnapshot, base: Base): RuleResult[] {
  const { unit } = snapshot;
  const { lastComplete } = snapshotDays(snapshot);
  const since = isoDay(addDays(new Date(`${lastComplete}T00:00:00Z`), -(AWS_ANOMALY_RECENT_DAYS - 1)));
  const found = snapshot.anomalies
    .filter((a) => (a.end === null || a.end >= since) && (a.totalImpact ?? a.impact) >= rule.minImpact)
    .map((a): RuleResult => {
      const impact = a.totalImpact ?? a.impact;
      const causes = a.rootCauses.length > 0 ? `; root causes: ${a.rootCauses.join('; ')}` : '';
      return {
        ...base,
        severity: 'alert',
        breached: true,
        actual: round2(impact),
        threshold: rule.minImpact,
        day: a.start,
        basis: 'actual',
        detail: `anomaly ${a.start}..${a.end ?? 'ongoing'} total impact ${money(impact, unit)}${causes}`,
      };
    });
  if (found.length > 0) return found.sort((a, b) => (b.actual ?? 0) - (a.actual ?? 0));
  return [
    {
      ...base,
      severity: 'alert',
      breached: false,
      threshold: rule.minImpact,
      detail: `no Cost Anomaly Detection finding since ${since} with total impact of ${money(rule.minImpact, unit)} or more`,
    },
  ];
}

/** The label a rule reads: its own, or the monitor's only `cost` input's. */
function labelOf(rule: CostRule, snapshots: ReadonlyMap<string, CostSnapshot | null>): string | undefined {
  if (rule.label !== undefined) {
    const wanted = rule.label.toLowerCase();
    return [...snapshots.keys()].find((label) => label.toLowerCase() === wanted) ?? rule.label;
  }
  return snapshots.size === 1 ? [...snapshots.keys()][0] : undefined;
}

/**
 * Evaluates every cost rule against the snapshot its `cost` input read. `snapshots` holds each
 * `cost` input's label with its snapshot, or null when the input could not be read: its rules
 * are then `unread` and not breached. Throws {@link CostRuleUnitError} when a rule's unit is not
 * its snapshot's.
 */
export function evaluateCostRules(rules: readonly CostRule[], snapshots: ReadonlyMap<string, CostSnapshot | null>): RuleResult[] {
  return rules.flatMap((rule, index) => {
    const label = labelOf(rule, snapshots) ?? '(no cost input)';
    const snapshot = snapshots.get(label) ?? null;
    const base: Base = { label, pattern: '', kind: rule.kind, count: 0, unit: rule.unit };
    if (snapshot === null) {
      const severity = rule.kind === 'daily_threshold' ? rule.severity : rule.kind === 'monthly_budget' ? 'warn' : 'alert';
      return [{ ...base, severity, breached: false, unread: true, detail: 'not computed: the cost input could not be read' }];
    }
    if (snapshot.unit !== rule.unit) throw new CostRuleUnitError(index, rule, label, snapshot.unit);
    switch (rule.kind) {
      case 'daily_threshold':
        return dailyThreshold(rule, snapshot, base);
      case 'monthly_budget':
        return monthlyBudget(rule, snapshot, base);
      case 'anomaly':
        return anomaly(rule, snapshot, base);
      case 'aws_anomaly':
        return awsAnomaly(rule, snapshot, base);
    }
  });
}
