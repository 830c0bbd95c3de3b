/**
 * Whether a finished run notifies: the `notify_on` matrix, cooldown by a stable fingerprint,
 * worsening and recovery. Pure: the caller applies `nextAlertState` with a compare-and-set.
 */
import { createHash } from 'node:crypto';
import type { AlertState, Finding, Monitor, MonitorRun, NotifyOn, RunStatus } from '../model/entities.ts';
import { isLineRule } from '../judge/rules.ts';
import { inMaintenanceWindow } from '../scheduling/schedule-expression.ts';

/** `alert` is a notice about the run's status (whatever it is); `recovered` follows a problem. */
export type NoticeKind = 'alert' | 'recovered';

/** Maps an evidence line to its masked-line id (runs/run-steps.ts `maskedLineId`), or null. */
export type MaskedLineIdOf = (line: string) => string | null;

export interface NotificationDecision {
  kind: NoticeKind | 'none';
  /** Why: `cooldown` when suppressed as a repeat, otherwise a short sentence. */
  reason: string;
  fingerprint: string;
  /** The monitor's alert state after this run; equal to the current one when kind is `none`. */
  nextAlertState: AlertState | null;
}

export interface DecideNotificationInput {
  run: MonitorRun;
  monitor: Monitor;
  now: Date;
  maskedLineIdOf?: MaskedLineIdOf;
}

/** The reason on a notice suppressed because the same problem was notified within the cooldown. */
export const COOLDOWN_REASON = 'cooldown';
/** The reason on every notice of a run that finished while its monitor was snoozed. */
export const SNOOZED_REASON = 'snoozed';
/** The reason on every notice of a run that finished in one of its monitor's maintenance windows. */
export const MAINTENANCE_REASON = 'maintenance';

const PROBLEM_STATUSES: ReadonlySet<RunStatus> = new Set(['warn', 'alert', 'error']);

/**
 * Decides whether `run` notifies, given the monitor's `notificationConfig` and `alertState`.
 *
 * - While the monitor is snoozed (`snoozedUntil` later than `now`) or one of its maintenance
 *   windows is open, nothing notifies (`reason: 'snoozed'` / `'maintenance'`), recoveries included.
 *
 * - `notifyOn`: `alert_only` notifies `alert`; `warn_and_alert` adds `warn`; `all` notifies every
 *   final status. An `error` run notifies under every setting when all of its inputs failed, and
 *   when a rule breached at a severity the setting wants (the judge failed, the breach is real).
 * - A wanted run whose fingerprint and status match the alert state notified less than
 *   `cooldownMinutes` ago is suppressed (`reason: 'cooldown'`); a different status (so a worsening
 *   from warn to alert) or a different fingerprint notifies at once.
 * - An `ok` run after a notified warn, alert or error sends one `recovered` notice under every
 *   setting and clears the state (under `all` it keeps an `ok` state, so repeated ok runs cool down).
 */
export function decideNotification(input: DecideNotificationInput): NotificationDecision {
  const { run, monitor, now, maskedLineIdOf } = input;
  const current = monitor.alertState;
  const { notifyOn, cooldownMinutes } = monitor.notificationConfig;
  const fingerprint = notificationFingerprint(run, monitor.id, maskedLineIdOf);
  const none = (reason: string): NotificationDecision => ({ kind: 'none', reason, fingerprint, nextAlertState: current });
  const notifiedNow: AlertState = { status: run.status, fingerprint, notifiedAt: now.toISOString(), runId: run.id };

  if (!isFinal(run.status)) return none('the run has not finished');
  // Quiet times leave the alert state as it is: after them, a problem still there notifies.
  if (monitor.snoozedUntil != null && now.getTime() < Date.parse(monitor.snoozedUntil)) return none(SNOOZED_REASON);
  if (inMaintenanceWindow(monitor.maintenanceWindows ?? [], now)) return none(MAINTENANCE_REASON);

  if (run.status === 'ok' && current !== null && PROBLEM_STATUSES.has(current.status)) {
    return {
      kind: 'recovered',
      reason: `recovered from ${current.status}`,
      fingerprint,
      nextAlertState: notifyOn === 'all' ? notifiedNow : null,
    };
  }

  const unwanted = unwantedReason(run, notifyOn);
  if (unwanted !== null) return none(unwanted);

  if (current === null) return { kind: 'alert', reason: 'new problem', fingerprint, nextAlertState: notifiedNow };
  if (current.status !== run.status) {
    const change = rank(run.status) > rank(current.status) ? 'worsened' : 'changed';
    return {
      kind: 'alert',
      reason: `${change} from ${current.status} to ${run.status}`,
      fingerprint,
      nextAlertState: notifiedNow,
    };
  }
  if (current.fingerprint !== fingerprint) {
    return { kind: 'alert', reason: 'different problem', fingerprint, nextAlertState: notifiedNow };
  }
  const quietUntil = Date.parse(current.notifiedAt) + cooldownMinutes * 60_000;
  if (now.getTime() < quietUntil) return none(COOLDOWN_REASON);
  return { kind: 'alert', reason: 'same problem after the cooldown', fingerprint, nextAlertState: notifiedNow };
}

function isFinal(status: RunStatus): boolean {
  return status !== 'queued' && status !== 'running';
}

// Only ok < warn < alert is an order; an error run is neither better nor worse than them.
function rank(status: RunStatus): number {
  return { ok: 0, warn: 1, alert: 2 }[status as 'ok' | 'warn' | 'alert'] ?? -1;
}

/** Null when `notifyOn` wants the run's status; otherwise why not. */
function unwantedReason(run: MonitorRun, notifyOn: NotifyOn): string | null {
  if (notifyOn === 'all') return null;
  switch (run.status) {
    case 'alert':
      return null;
    case 'warn':
      return notifyOn === 'warn_and_alert' ? null : `notify_on ${notifyOn} skips warn runs`;
    case 'error': {
      if (everyInputFailed(run)) return null;
      // The rules are counted in code: a breach stays a fact when the model call failed.
      const breached = run.rules.filter((rule) => rule.breached).map((rule) => rule.severity);
      if (breached.includes('alert') || (notifyOn === 'warn_and_alert' && breached.includes('warn'))) return null;
      return `notify_on ${notifyOn} skips error runs unless every input failed or a rule it wants is breached`;
    }
    default:
      return `notify_on ${notifyOn} skips ${run.status} runs`;
  }
}

/** True when the run collected inputs and every one of them failed. */
export function everyInputFailed(run: MonitorRun): boolean {
  const stats = Object.values(run.inputs);
  return stats.length > 0 && stats.every((input) => input.error !== null);
}

/**
 * A stable identity for "the same problem": sha256 over the monitor id, the status, the breached
 * rules (label + pattern) and the warn/alert findings, each by the template ids of its evidence
 * lines when `maskedLineIdOf` knows them, else by its normalised title. Never by model-written text
 * as such: counts, ids and word order of evidence do not change it. `info` findings are left out.
 */
export function notificationFingerprint(run: MonitorRun, monitorId: string, maskedLineIdOf?: MaskedLineIdOf): string {
  const rules = sortedUnique(
    run.rules
      .filter((rule) => rule.breached)
      // A number rule (cost) is told apart by its kind, group, basis and crossed percentage, not by its
      // amounts: the same budget percentage crossed again is the same problem, the next one is news.
      .map((rule) =>
        JSON.stringify([
          rule.label,
          rule.pattern,
          rule.templateId ?? null,
          ...(isLineRule(rule) ? [] : [rule.kind, rule.group ?? null, rule.basis ?? null, rule.kind === 'monthly_budget' ? (rule.percent ?? null) : null]),
        ]),
      ),
  );
  const findings = sortedUnique(
    run.findings.filter((finding) => finding.severity !== 'info').map((finding) => findingIdentity(finding, maskedLineIdOf)),
  );
  const identity = JSON.stringify({ v: 1, monitorId, status: run.status, rules, findings });
  return createHash('sha256').update(identity).digest('hex');
}

function findingIdentity(finding: Finding, maskedLineIdOf: MaskedLineIdOf | undefined): string {
  if (maskedLineIdOf !== undefined) {
    const ids = sortedUnique(finding.evidence.map(maskedLineIdOf).filter((id): id is string => id !== null));
    if (ids.length > 0) return `templates:${ids.join(',')}`;
  }
  return `title:${normaliseTitle(finding.title)}`;
}

// Words of hex digits this long are ids (hashes, request ids) even when they hold no decimal digit.
const HEX_ID = /^[a-f]{8,}$/;

/**
 * Lower case, words only: any word holding a digit (counts, times, ULIDs, UUID parts), long hex
 * words and single letters (the `i` of `i-0abc12`) are dropped, so "37 timeouts on order-123" and
 * "5 timeouts on order-9" normalise alike.
 */
export function normaliseTitle(title: string): string {
  const words = title.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((word) => word.length > 1 && !/\p{N}/u.test(word) && !HEX_ID.test(word)).join(' ');
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
