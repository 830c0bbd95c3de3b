/**
 * The CloudWatch metrics Vigil's functions publish (EMF through Powertools Metrics), named once
 * for the functions that publish them and the alarms and dashboard that read them. Each also
 * carries Powertools' `service` dimension, `vigil-<function>` (lib/constructs/vigil-function.ts).
 */

/** 1 per scheduler tick that finished: missing datapoints mean no tick ran. */
export const HEARTBEAT_METRIC = 'SchedulerHeartbeat';
/** Seconds the most overdue due slot waited at a tick. */
export const SLOT_LAG_METRIC = 'SlotLagSeconds';
/** The scheduler's per-tick counts. */
export const SCHEDULER_COUNT_METRICS = ['DueMonitors', 'ClaimedSlots', 'LostClaims', 'FailedClaims', 'ClosedStaleRuns'] as const;

/** 1 per finished run, with a `Status` dimension (ok, warn, alert, error). */
export const RUNS_METRIC = 'Runs';
/** Milliseconds from a run's start to its verdict. */
export const RUN_DURATION_METRIC = 'RunDuration';
/** 1 per notification outcome, with an `Outcome` dimension (sent, failed, suppressed, outbox). */
export const NOTIFICATIONS_METRIC = 'Notifications';

/** The judge's estimated model cost in USD: per `ModelId`, and in total (service dimension only). */
export const MODEL_COST_METRIC = 'EstimatedCostUsd';
export const INPUT_TOKENS_METRIC = 'InputTokens';
export const OUTPUT_TOKENS_METRIC = 'OutputTokens';
