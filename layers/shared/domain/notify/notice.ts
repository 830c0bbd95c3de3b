/**
 * The content of a notice, sanitised once and shared by the email, SMS and topic renderers.
 * Everything that came from logs or from the model goes through {@link oneLine} here; escaping for
 * HTML happens in the HTML renderer only.
 */
import type { FinalRunStatus, Monitor, MonitorRun, RuleKind, RunStatus, Severity } from '../model/entities.ts';
import type { NoticeKind } from './decide.ts';
import { codePointLength, cutToFit, oneLine } from './text.ts';

export interface RenderOptions {
  /** The management API's base URL (stage included), for the run's link and the silence commands. */
  apiBaseUrl: string;
  /** @default 'alert' */
  kind?: NoticeKind;
  /** For a `recovered` notice: the status it recovered from (the alert state's). */
  previousStatus?: RunStatus | null;
}

/** How much of the findings a notice carries (the model's evidence can be long). */
export interface NoticeLimits {
  findings: number;
  evidenceLines: number;
  lineChars: number;
}

export const FULL_NOTICE_LIMITS: NoticeLimits = { findings: 20, evidenceLines: 10, lineChars: 1000 };

export interface NoticeFinding {
  title: string;
  severity: 'info' | Severity;
  label: string | null;
  evidence: string[];
  omittedEvidence: number;
  recommendation: string | null;
}

export interface NoticeRule {
  label: string;
  pattern: string;
  count: number;
  severity: Severity;
  breached: boolean;
  /** `expect_at_least` rules are breached by too few lines; absent means `min_count`. */
  kind?: RuleKind;
  threshold?: number;
  /** Its input failed: nothing was counted. */
  unread?: boolean;
}

export interface Notice {
  kind: NoticeKind;
  /** `ALERT`, `WARN`, `OK`, `ERROR` or `RECOVERED`. */
  word: string;
  status: RunStatus;
  previousStatus: RunStatus | null;
  monitorId: string;
  monitorName: string;
  runId: string;
  trigger: string;
  finishedAt: string | null;
  /** The summary, or what went wrong when there is none. */
  headline: string;
  findings: NoticeFinding[];
  omittedFindings: number;
  rules: NoticeRule[];
  failedInputs: { label: string; error: string }[];
  runUrl: string;
  monitorUrl: string;
  cooldownMinutes: number;
  /** A cooldown worth suggesting in the silence instructions. */
  suggestedCooldownMinutes: number;
}

/** Builds the sanitised content of the notice for `run`. */
export function buildNotice(
  run: MonitorRun,
  monitor: Monitor,
  options: RenderOptions,
  limits: NoticeLimits = FULL_NOTICE_LIMITS,
): Notice {
  const kind = options.kind ?? 'alert';
  const base = options.apiBaseUrl.replace(/\/+$/, '');
  const monitorUrl = `${base}/monitors/${encodeURIComponent(monitor.id)}`;
  const { cooldownMinutes } = monitor.notificationConfig;
  const shownFindings = run.findings.slice(0, limits.findings);
  return {
    kind,
    word: kind === 'recovered' ? 'RECOVERED' : run.status.toUpperCase(),
    status: run.status,
    previousStatus: options.previousStatus ?? null,
    monitorId: monitor.id,
    monitorName: oneLine(monitor.name),
    runId: run.id,
    trigger: run.trigger,
    finishedAt: run.finishedAt,
    headline: headlineOf(run),
    findings: shownFindings.map((finding) => ({
      title: oneLine(finding.title),
      severity: finding.severity,
      label: finding.label === null ? null : oneLine(finding.label),
      evidence: finding.evidence.slice(0, limits.evidenceLines).map((line) => cutLine(line, limits.lineChars)),
      omittedEvidence: Math.max(0, finding.evidence.length - limits.evidenceLines),
      recommendation: finding.recommendation === null ? null : oneLine(finding.recommendation),
    })),
    omittedFindings: run.findings.length - shownFindings.length,
    rules: run.rules.map((rule) => ({ ...rule, label: oneLine(rule.label), pattern: oneLine(rule.pattern) })),
    failedInputs: Object.entries(run.inputs).flatMap(([label, stats]) =>
      stats.error === null ? [] : [{ label: oneLine(label), error: oneLine(stats.error) }],
    ),
    runUrl: `${monitorUrl}/runs/${encodeURIComponent(run.id)}`,
    monitorUrl,
    cooldownMinutes,
    suggestedCooldownMinutes: Math.max(60, cooldownMinutes * 4),
  };
}

/** The run's summary, or what went wrong when it has none; one line. */
export function headlineOf(run: MonitorRun): string {
  const summary = oneLine(run.summary ?? '');
  if (summary !== '') return summary;
  const error = oneLine(run.error ?? '');
  if (error !== '') return `Run failed: ${error}`;
  return `${run.status} run`;
}

function cutLine(line: string, maxChars: number): string {
  return cutToFit(oneLine(line), maxChars, { ellipsis: '…', measure: codePointLength });
}

/** How the subject of a notice is fitted: the limit, its unit and the character set. */
export interface SubjectFormat {
  max: number;
  ellipsis: string;
  measure: (text: string) => number;
  /** Applied to the monitor name and headline before measuring (e.g. to ASCII). */
  transform: (text: string) => string;
}

const MAX_NAME_IN_SUBJECT = 48;
const MIN_HEADLINE_IN_SUBJECT = 12;

/** `[Vigil] ALERT: <monitor name> - <first words of the headline>`, fitted to the format. */
export function noticeSubject(notice: Notice, format: SubjectFormat): string {
  const cut = (text: string, max: number): string => cutToFit(format.transform(text), max, format);
  const prefix = `[Vigil] ${notice.word}: ${cut(notice.monitorName, MAX_NAME_IN_SUBJECT)}`;
  const room = format.max - format.measure(prefix) - 3;
  if (room < MIN_HEADLINE_IN_SUBJECT) return cutToFit(prefix, format.max, format);
  return `${prefix} - ${cut(notice.headline, room)}`;
}

/** The severity topic subscribers filter on: `high` (alert, error), `medium` (warn), `info` (ok). */
export function severityOf(status: RunStatus): 'high' | 'medium' | 'info' {
  const severities: Record<FinalRunStatus, 'high' | 'medium' | 'info'> = {
    alert: 'high',
    error: 'high',
    warn: 'medium',
    ok: 'info',
  };
  return severities[status as FinalRunStatus] ?? 'info';
}

/** Ready-to-paste commands that silence the monitor through the API. */
export function silenceCommands(notice: Notice): { disable: string; cooldown: string } {
  const put = (body: string): string =>
    `curl -X PUT '${notice.monitorUrl}' -H "x-api-key: $VIGIL_API_KEY" -H 'content-type: application/json' -d '${body}'`;
  return {
    disable: put('{"enabled": false}'),
    cooldown: put(`{"notification_config": {"cooldown_minutes": ${notice.suggestedCooldownMinutes}}}`),
  };
}
