/**
 * What the collectors hand to the windowing: labeled lines, oldest first, plus the cost
 * snapshots the cost collector stores for `cost` inputs.
 */
import type { CostMetric, InputKind } from '../model/entities.ts';

/** One line of an input, as read from its source. */
export interface CollectedLine {
  /** ISO-8601 UTC when the source knows it (CloudWatch event time); null otherwise. */
  timestamp: string | null;
  text: string;
  /** Where the line came from (`group`, `stream` or `group:stream`) when an input reads several. */
  origin?: string;
  /**
   * The line's named values when it is a row of structured data (a Logs Insights result row,
   * a daily cost), in their order: structured inputs are shown as tables from these, never
   * templated. `text` still holds the row as one line for the rules.
   */
  fields?: Array<[name: string, value: string]>;
}

/** One labeled input after collection: its lines, or the reason it could not be read. */
export interface CollectedInput {
  label: string;
  /**
   * The input's mode: `cost` and `insights` inputs are structured data and are rendered as
   * tables; the others (and an input built without a mode) are free-text logs.
   */
  mode?: InputKind;
  /** Oldest first; empty when `error` is set. */
  lines: CollectedLine[];
  error: string | null;
  /** Limits that were hit (events scanned, time spent, groups listed) and similar caveats. */
  notes: string[];
}

/** What a reader returns: lines oldest first and the caps it hit. */
export interface ReadResult {
  lines: CollectedLine[];
  notes: string[];
}

/** The log groups a CloudWatch read covers. */
export type LogGroupSelection = { kind: 'names'; names: string[] } | { kind: 'prefix'; prefix: string };

/** Per-day cost of one group (a service, an account, a tag value). */
export interface DailyCost {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  group: string;
  amount: number;
}

export interface GroupCost {
  group: string;
  amount: number;
}

/** Cost Explorer's forecast for the rest of the month (`end` is exclusive). */
export interface CostForecast {
  start: string;
  end: string;
  amount: number;
}

/** A Cost Anomaly Detection finding. */
export interface CostAnomaly {
  id: string;
  start: string;
  end: string | null;
  /** The largest daily impact. */
  impact: number;
  totalImpact: number | null;
  /** `service / region / account … / usage type / contribution …` per root cause. */
  rootCauses: string[];
}

/** What the cost collector stores per `cost_explorer` source; `cost` inputs render the latest. */
export interface CostSnapshot {
  logSourceId: string;
  /** ISO-8601 UTC. */
  collectedAt: string;
  metric: CostMetric;
  groupBy: string;
  unit: string;
  /** The first day Cost Explorer still marks as estimated, or null when none is. */
  estimatedFrom: string | null;
  /** The last 35 days and today, oldest first. */
  daily: DailyCost[];
  /** From the first of the month to today, largest first. */
  monthToDate: GroupCost[];
  /** Forecast from today to the end of the month; null when Cost Explorer had none. */
  forecast: CostForecast | null;
  anomalies: CostAnomaly[];
  /** What could not be collected (forecast, anomalies) and why; groups folded into `Other`. */
  notes: string[];
}
