/**
 * The model circuit breaker's decisions, shared by every runner through stored state (one item
 * per model): after `failureThreshold` judged runs in a row whose model call failed on the
 * service side (throttling, 5xx, timeouts), the breaker opens for `coolDownMs` and runs are
 * judged by the rules alone; after the cool-down one run probes the model (half-open) while the
 * others keep to the rules; the probe's answer closes the breaker, its failure reopens it.
 *
 * Pure functions over a {@link BreakerState}; the store (DynamoDB) makes the transitions atomic
 * across concurrent runners (an ADD for the count, conditional writes to open and to claim the probe).
 */

export interface BreakerPolicy {
  /** Runs in a row whose model call failed on the service side before the breaker opens. @default 3 */
  failureThreshold: number;
  /** How long the breaker stays open before a probe run may try the model. @default 10 minutes */
  coolDownMs: number;
  /** The least time a probe run holds the half-open state (a probe that crashed frees it after this). @default 1 minute */
  minProbeLeaseMs: number;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = { failureThreshold: 3, coolDownMs: 10 * 60_000, minProbeLeaseMs: 60_000 };

/** The breaker of one model, as stored. Times are epoch milliseconds. */
export interface BreakerState {
  /** Judged runs in a row whose model call failed on the service side (reset by an answer). */
  consecutiveFailures: number;
  /** When the breaker last opened; null while closed. */
  openedAt: number | null;
  /** Until when it stays open; after this it is half-open. Null while closed. */
  openUntil: number | null;
  /** While half-open: the probe run's lease; other runs keep to the rules until it ends. */
  probeUntil: number | null;
  /** The last service-side failure, as the run recorded it. */
  lastFailure: string | null;
}

export const CLOSED_BREAKER: BreakerState = {
  consecutiveFailures: 0,
  openedAt: null,
  openUntil: null,
  probeUntil: null,
  lastFailure: null,
};

export type BreakerDecision =
  /** Call the model. */
  | { state: 'closed' }
  /** Do not call the model: `reason` says why and until when. */
  | { state: 'open'; reason: string }
  /** The cool-down is over and no probe is running: claim the probe, then call the model. */
  | { state: 'half_open' };

const iso = (ms: number) => new Date(ms).toISOString();

function openReason(modelId: string, state: BreakerState): string {
  const last = state.lastFailure === null ? '' : ` (last: ${state.lastFailure})`;
  return `circuit breaker open for ${modelId} since ${iso(state.openedAt ?? 0)}: ${state.consecutiveFailures} runs in a row got no answer from Bedrock${last}; the model is tried again after ${iso(state.openUntil ?? 0)}`;
}

/** Why a run lost the race for the probe, or found one running. */
export function probeBusyReason(modelId: string, state: BreakerState): string {
  return `circuit breaker half-open for ${modelId}: another run is probing Bedrock after ${state.consecutiveFailures} runs in a row got no answer; the rules decide until it does`;
}

/** What a run does about the model, given the breaker's stored state at `now`. */
export function breakerDecision(modelId: string, state: BreakerState, now: number): BreakerDecision {
  if (state.openUntil === null) return { state: 'closed' };
  if (now < state.openUntil) return { state: 'open', reason: openReason(modelId, state) };
  if (state.probeUntil !== null && now < state.probeUntil) return { state: 'open', reason: probeBusyReason(modelId, state) };
  return { state: 'half_open' };
}

/**
 * Whether a service-side failure that brought the count to `state.consecutiveFailures` opens
 * the breaker now: the threshold is reached and the breaker is not already open (a failed probe
 * finds it half-open, so it reopens for another cool-down).
 */
export function shouldOpen(state: BreakerState, now: number, policy: BreakerPolicy): boolean {
  if (state.consecutiveFailures < policy.failureThreshold) return false;
  return state.openUntil === null || now >= state.openUntil;
}

/** Whether an answered call must write the breaker back to closed (it holds failures or is open). */
export function needsClosing(state: BreakerState): boolean {
  return state.consecutiveFailures > 0 || state.openUntil !== null || state.probeUntil !== null;
}

/** How long the probe holds the half-open state: the run's remaining time, at least the policy's minimum. */
export function probeLeaseUntil(now: number, deadline: number, policy: BreakerPolicy): number {
  return Math.max(deadline, now + policy.minProbeLeaseMs);
}
