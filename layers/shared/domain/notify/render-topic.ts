/**
 * The message for the stack's alert topic. Subscribers choose what they get with filter policies
 * on the attributes; the body is a per-protocol JSON (`MessageStructure: json`): readable text for
 * email, the short SMS for SMS, and a JSON event for HTTPS, SQS and Lambda.
 */
import type { Monitor, MonitorRun } from '../model/entities.ts';
import type { TopicMessage } from './channels.ts';
import type { Notice, NoticeLimits, RenderOptions } from './notice.ts';
import { FULL_NOTICE_LIMITS, buildNotice, noticeSubject, severityOf } from './notice.ts';
import { renderText } from './render-email.ts';
import { renderSms } from './render-sms.ts';
import { toAscii } from './text.ts';

/** SNS subjects must be under 100 characters. */
export const MAX_TOPIC_SUBJECT_CHARS = 99;
/** SNS takes 256 KiB per message, attributes included; the rest is headroom. */
export const MAX_TOPIC_MESSAGE_BYTES = 240 * 1024;

// Tried in turn until the message fits: long evidence is what makes a message large.
const LIMIT_TIERS: readonly NoticeLimits[] = [
  FULL_NOTICE_LIMITS,
  { findings: 10, evidenceLines: 3, lineChars: 300 },
  { findings: 5, evidenceLines: 0, lineChars: 0 },
];

/** Renders the topic message for `run`, with the attributes `monitor_id`, `status`, `severity`, `kind`. */
export function renderTopicMessage(run: MonitorRun, monitor: Monitor, options: RenderOptions): TopicMessage {
  const kind = options.kind ?? 'alert';
  const sms = renderSms(run, monitor, { kind });
  let notice!: Notice;
  let message = '';
  for (const limits of LIMIT_TIERS) {
    notice = buildNotice(run, monitor, options, limits);
    message = JSON.stringify({ default: JSON.stringify(topicEvent(notice)), email: renderText(notice), sms });
    if (Buffer.byteLength(message, 'utf8') <= MAX_TOPIC_MESSAGE_BYTES) break;
  }
  return {
    subject: noticeSubject(notice, {
      max: MAX_TOPIC_SUBJECT_CHARS,
      ellipsis: '...',
      measure: (text) => text.length,
      transform: toAscii,
    }),
    message,
    structure: 'json',
    attributes: { monitor_id: monitor.id, status: run.status, severity: severityOf(run.status), kind },
  };
}

/** The JSON event HTTPS, SQS and Lambda subscribers receive (snake_case, like the API). */
function topicEvent(notice: Notice): Record<string, unknown> {
  return {
    version: 1,
    kind: notice.kind,
    status: notice.status,
    severity: severityOf(notice.status),
    previous_status: notice.previousStatus,
    monitor_id: notice.monitorId,
    monitor_name: notice.monitorName,
    run_id: notice.runId,
    run_url: notice.runUrl,
    trigger: notice.trigger,
    finished_at: notice.finishedAt,
    summary: notice.headline,
    findings: notice.findings.map((finding) => ({
      title: finding.title,
      severity: finding.severity,
      label: finding.label,
      evidence: finding.evidence,
      omitted_evidence: finding.omittedEvidence,
      recommendation: finding.recommendation,
    })),
    omitted_findings: notice.omittedFindings,
    rules: notice.rules,
    failed_inputs: notice.failedInputs,
  };
}
