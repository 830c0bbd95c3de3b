/**
 * The alert email: a subject with status, monitor and the summary's first words; an HTML body and
 * its plain-text alternative with the summary, findings and evidence, rule results, the run's link
 * and how to silence the monitor. Every value from logs or the model is HTML-escaped.
 */
import type { Monitor, MonitorRun } from '../model/entities.ts';
import type { RenderedEmail } from './channels.ts';
import type { Notice, NoticeFinding, NoticeRule, RenderOptions } from './notice.ts';
import { buildNotice, noticeSubject, silenceCommands } from './notice.ts';
import { codePointLength, escapeHtml } from './text.ts';

/** `37`, or `0 (expected at least 1)` for a rule that is breached by too few lines. */
function matchingCount(rule: NoticeRule): string {
  if (rule.unread === true) return 'not counted (input failed)';
  return rule.kind === 'expect_at_least' ? `${rule.count} (expected at least ${rule.threshold ?? 1})` : String(rule.count);
}

/** Email subjects are cut here: longer ones are clipped by most mail clients anyway. */
export const MAX_EMAIL_SUBJECT_CHARS = 100;

const BADGE_COLOURS: Record<string, string> = {
  ALERT: '#cf222e',
  ERROR: '#8250df',
  WARN: '#9a6700',
  OK: '#1a7f37',
  RECOVERED: '#1a7f37',
};

/** Renders the email for `run` of `monitor` (one per recipient, all alike). */
export function renderAlertEmail(run: MonitorRun, monitor: Monitor, options: RenderOptions): RenderedEmail {
  const notice = buildNotice(run, monitor, options);
  const subject = noticeSubject(notice, {
    max: MAX_EMAIL_SUBJECT_CHARS,
    ellipsis: '…',
    measure: codePointLength,
    transform: (text) => text,
  });
  return { subject, html: renderHtml(notice, subject), text: renderText(notice) };
}

function recoveryLine(notice: Notice): string | null {
  if (notice.kind !== 'recovered') return null;
  return notice.previousStatus === null ? 'Back to ok.' : `Back to ok after ${notice.previousStatus}.`;
}

function runLine(notice: Notice): string {
  const finished = notice.finishedAt === null ? '' : `, finished ${notice.finishedAt}`;
  return `(${notice.trigger} run${finished})`;
}

function findingTags(finding: NoticeFinding): string {
  return finding.label === null ? finding.severity : `${finding.severity}, ${finding.label}`;
}

function moreText(count: number, what: string): string {
  return `(+${count} more ${what} in the run)`;
}

/** The plain-text alternative: the same content, readable in any client and in SNS email. */
export function renderText(notice: Notice): string {
  const lines: string[] = [`[${notice.word}] ${notice.monitorName}`];
  const recovery = recoveryLine(notice);
  if (recovery !== null) lines.push(recovery);
  lines.push(notice.headline, '', `Run ${notice.runId} ${runLine(notice)}`, notice.runUrl);

  if (notice.findings.length > 0) {
    lines.push('', 'Findings');
    notice.findings.forEach((finding, index) => {
      lines.push(`${index + 1}. ${finding.title} [${findingTags(finding)}]`);
      for (const evidence of finding.evidence) lines.push(`   | ${evidence}`);
      if (finding.omittedEvidence > 0) lines.push(`   ${moreText(finding.omittedEvidence, 'evidence lines')}`);
      if (finding.recommendation !== null) lines.push(`   Recommendation: ${finding.recommendation}`);
    });
    if (notice.omittedFindings > 0) lines.push(moreText(notice.omittedFindings, 'findings'));
  }

  if (notice.rules.length > 0) {
    lines.push('', 'Rules');
    for (const rule of notice.rules) {
      const verdict = rule.breached ? `BREACHED (${rule.severity})` : 'not breached';
      const expected = rule.kind === 'expect_at_least' ? `, expected at least ${rule.threshold ?? 1}` : '';
      const counted = rule.unread === true ? 'not counted, the input could not be read' : `${rule.count} matching lines${expected}`;
      lines.push(`- ${rule.label} /${rule.pattern}/: ${counted}, ${verdict}`);
    }
  }

  if (notice.failedInputs.length > 0) {
    lines.push('', 'Inputs that failed');
    for (const input of notice.failedInputs) lines.push(`- ${input.label}: ${input.error}`);
  }

  const commands = silenceCommands(notice);
  lines.push(
    '',
    'To silence this monitor, disable it:',
    `  ${commands.disable}`,
    `or raise its cooldown (now ${notice.cooldownMinutes} minutes) so repeats of the same problem stay quiet longer:`,
    `  ${commands.cooldown}`,
  );
  return `${lines.join('\n')}\n`;
}

const PRE_STYLE =
  'background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px;padding:8px;margin:6px 0;white-space:pre-wrap;word-break:break-all;font-size:12px';
const CELL_STYLE = 'border:1px solid #d0d7de;padding:4px 8px;text-align:left';

function renderHtml(notice: Notice, subject: string): string {
  const h = escapeHtml;
  const badge = BADGE_COLOURS[notice.word] ?? '#57606a';
  const recovery = recoveryLine(notice);
  const parts: string[] = [
    '<!DOCTYPE html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${h(subject)}</title></head>`,
    '<body style="font-family:-apple-system,\'Segoe UI\',Helvetica,Arial,sans-serif;color:#1f2328;max-width:760px">',
    `<p><span style="background:${badge};color:#ffffff;font-weight:bold;padding:2px 8px;border-radius:4px">${h(notice.word)}</span></p>`,
    `<h2 style="margin:8px 0">${h(notice.monitorName)}</h2>`,
  ];
  if (recovery !== null) parts.push(`<p>${h(recovery)}</p>`);
  parts.push(
    `<p style="font-size:16px">${h(notice.headline)}</p>`,
    `<p>Run ${h(notice.runId)} ${h(runLine(notice))}<br>${link(notice.runUrl)}</p>`,
  );

  if (notice.findings.length > 0) {
    parts.push('<h3>Findings</h3>', '<ol>');
    for (const finding of notice.findings) {
      parts.push(`<li><strong>${h(finding.title)}</strong> [${h(findingTags(finding))}]`);
      if (finding.evidence.length > 0) parts.push(`<pre style="${PRE_STYLE}">${h(finding.evidence.join('\n'))}</pre>`);
      if (finding.omittedEvidence > 0) parts.push(`<p>${h(moreText(finding.omittedEvidence, 'evidence lines'))}</p>`);
      if (finding.recommendation !== null) parts.push(`<p><em>Recommendation:</em> ${h(finding.recommendation)}</p>`);
      parts.push('</li>');
    }
    parts.push('</ol>');
    if (notice.omittedFindings > 0) parts.push(`<p>${h(moreText(notice.omittedFindings, 'findings'))}</p>`);
  }

  if (notice.rules.length > 0) {
    const header = ['Input', 'Pattern', 'Matching lines', 'Severity', 'Breached'];
    parts.push(
      '<h3>Rules</h3>',
      '<table style="border-collapse:collapse">',
      `<tr>${header.map((cell) => `<th style="${CELL_STYLE}">${cell}</th>`).join('')}</tr>`,
    );
    for (const rule of notice.rules) {
      const cells = [rule.label, rule.pattern, matchingCount(rule), rule.severity, rule.breached ? 'yes' : 'no'];
      parts.push(`<tr>${cells.map((cell) => `<td style="${CELL_STYLE}">${h(cell)}</td>`).join('')}</tr>`);
    }
    parts.push('</table>');
  }

  if (notice.failedInputs.length > 0) {
    parts.push('<h3>Inputs that failed</h3>', '<ul>');
    for (const input of notice.failedInputs) parts.push(`<li><code>${h(input.label)}</code>: ${h(input.error)}</li>`);
    parts.push('</ul>');
  }

  const commands = silenceCommands(notice);
  parts.push(
    '<h3>Silence this monitor</h3>',
    '<p>Disable it:</p>',
    `<pre style="${PRE_STYLE}">${h(commands.disable)}</pre>`,
    `<p>or raise its cooldown (now ${notice.cooldownMinutes} minutes) so repeats of the same problem stay quiet longer:</p>`,
    `<pre style="${PRE_STYLE}">${h(commands.cooldown)}</pre>`,
    '</body></html>',
  );
  return `${parts.join('\n')}\n`;
}

/** A link when the URL is http(s); plain text otherwise, so a bad base URL cannot become script. */
function link(url: string): string {
  const text = escapeHtml(url);
  return /^https?:\/\//i.test(url) ? `<a href="${text}">${text}</a>` : text;
}
