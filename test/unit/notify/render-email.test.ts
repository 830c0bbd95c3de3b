import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_EMAIL_SUBJECT_CHARS, renderAlertEmail } from '#domain/notify/render-email.ts';
import { codePointLength } from '#domain/notify/text.ts';
import { API_BASE_URL, anyText, makeFailedRun, makeMonitor, makeRun } from './fixtures.ts';

const HOSTILE = [
  '<script>alert("pwned")</script>',
  '"><img src=x onerror=alert(1)>',
  "</pre><a href='javascript:alert(2)'>click</a>",
  '&lt;already escaped&gt; & <b>bold</b>',
];
/** Every tag the template writes itself; a log line must never add another. */
const TEMPLATE_TAGS = new Set(['!doctype', 'html', 'head', 'meta', 'title', 'body', 'p', 'span', 'h2', 'h3', 'br', 'a', 'ol', 'li', 'strong', 'pre', 'em', 'table', 'tr', 'th', 'td', 'ul', 'code']);

/** C0 controls and DEL (the renderers may keep newlines in bodies; callers strip them first). */
function hasControlCharacters(text: string): boolean {
  return [...text].some((char) => char.charCodeAt(0) < 0x20 || char === '\u007f');
}

function hostileRun() {
  return makeRun({
    summary: `Injected ${HOSTILE[0]} summary`,
    findings: [
      {
        title: `Title ${HOSTILE[1]}`,
        severity: 'alert',
        label: `ERRORS${HOSTILE[3]}`,
        evidence: HOSTILE,
        recommendation: `Do ${HOSTILE[2]}`,
      },
    ],
    rules: [{ label: 'ERRORS', pattern: '<script>|onerror=', count: 3, severity: 'alert', breached: true }],
    inputs: { ERRORS: { lines: 0, chars: 0, truncated: false, error: `Bad <iframe src=//evil> input` } },
  });
}

describe('renderAlertEmail', () => {
  it('puts status, monitor name and the summary’s first words in the subject', () => {
    const email = renderAlertEmail(makeRun(), makeMonitor(), { apiBaseUrl: API_BASE_URL });

    expect(email.subject).toBe(
      '[Vigil] ALERT: BTC bot anomaly detector - Order placement fails since 10:02: 37 timeouts against…',
    );
    expect(codePointLength(email.subject)).toBeLessThanOrEqual(MAX_EMAIL_SUBJECT_CHARS);
  });

  it('keeps every subject to one line of at most 100 characters (property)', () => {
    fc.assert(
      fc.property(anyText({ maxLength: 300 }), anyText({ maxLength: 128 }), (summary, name) => {
        const { subject } = renderAlertEmail(makeRun({ summary }), makeMonitor({ name }), { apiBaseUrl: API_BASE_URL });
        return codePointLength(subject) <= MAX_EMAIL_SUBJECT_CHARS && !hasControlCharacters(subject);
      }),
    );
  });

  it('escapes hostile log lines everywhere in the HTML body', () => {
    const email = renderAlertEmail(hostileRun(), makeMonitor({ name: 'Bot <svg onload=alert(3)>' }), {
      apiBaseUrl: API_BASE_URL,
    });

    const tags = [...email.html.matchAll(/<\/?([!a-z0-9]+)/gi)].map((match) => match[1]!.toLowerCase());
    expect(tags.filter((tag) => !TEMPLATE_TAGS.has(tag))).toEqual([]);
    expect(email.html).not.toMatch(/<(script|img|iframe|svg|b)\b/i);
    expect(email.html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(email.html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).toContain('&lt;/pre&gt;&lt;a href=&#39;javascript:alert(2)&#39;&gt;click&lt;/a&gt;');
    expect(email.html).toContain('&amp;lt;already escaped&amp;gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(email.html).toContain('Bad &lt;iframe src=//evil&gt; input');
    expect(email.html).toContain('&lt;script&gt;|onerror=');
    expect(email.html.match(/<a /g)).toHaveLength(1);
  });

  it('strips terminal colours, control characters and bidi overrides from log text', () => {
    const run = makeRun({
      findings: [
        {
          title: 'Colour \u001b[31mred\u001b[0m title',
          severity: 'alert',
          label: 'ERRORS',
          evidence: ['ERROR \u001b[1;31mboom\u001b[0m\u0007 user=\u202Egpj.exe'],
          recommendation: null,
        },
      ],
    });

    const email = renderAlertEmail(run, makeMonitor(), { apiBaseUrl: API_BASE_URL });

    for (const body of [email.text, email.html]) {
      expect(hasControlCharacters(body.replace(/\n/g, ''))).toBe(false);
      expect(body).not.toMatch(/[\u202a-\u202e]/);
      expect(body).toContain('ERROR boom user=gpj.exe');
      expect(body).toContain('Colour red title');
    }
  });

  it('writes the text alternative with findings, evidence, rules, the run link and how to silence', () => {
    const email = renderAlertEmail(makeRun(), makeMonitor(), { apiBaseUrl: `${API_BASE_URL}/` });

    expect(email.text).toBe(
      [
        '[ALERT] BTC bot anomaly detector',
        'Order placement fails since 10:02: 37 timeouts against the exchange API.',
        '',
        'Run 01JRUN00000000000000000001 (schedule run, finished 2026-11-21T10:00:04.000Z)',
        'https://api.example.com/prod/monitors/01JMONITOR0000000000000001/runs/01JRUN00000000000000000001',
        '',
        'Findings',
        '1. Exchange API timeouts (37 since 10:02) [alert, ERRORS]',
        '   | 2026-11-21T10:02:11Z ERROR order 123 timeout after 30s',
        '   Recommendation: Check exchange status and the client timeout.',
        '',
        'Rules',
        '- ERRORS /ERROR|Exception/: 37 matching lines, BREACHED (alert)',
        '',
        'To silence this monitor, disable it:',
        `  curl -X PUT 'https://api.example.com/prod/monitors/01JMONITOR0000000000000001' -H "x-api-key: $VIGIL_API_KEY" -H 'content-type: application/json' -d '{"enabled": false}'`,
        'or raise its cooldown (now 60 minutes) so repeats of the same problem stay quiet longer:',
        `  curl -X PUT 'https://api.example.com/prod/monitors/01JMONITOR0000000000000001' -H "x-api-key: $VIGIL_API_KEY" -H 'content-type: application/json' -d '{"notification_config": {"cooldown_minutes": 240}}'`,
        '',
      ].join('\n'),
    );
  });

  it('says what an expect_at_least rule expected, in the text and the HTML', () => {
    const rules = [{ label: 'heartbeat', pattern: 'heartbeat', kind: 'expect_at_least' as const, threshold: 1, count: 0, severity: 'alert' as const, breached: true }];

    const email = renderAlertEmail(makeRun({ rules }), makeMonitor(), { apiBaseUrl: API_BASE_URL });

    expect(email.text).toContain('\n- heartbeat /heartbeat/: 0 matching lines, expected at least 1, BREACHED (alert)\n');
    expect(email.html).toContain('>0 (expected at least 1)</td>');
  });

  it('shows a cost rule by its kind and figures, in the text and the HTML', () => {
    const rules = [
      { label: 'BUDGET', pattern: '', kind: 'monthly_budget' as const, count: 0, severity: 'alert' as const, breached: true, detail: 'month-to-date since 2026-11-01 162.00 USD (108% of 150.00 USD); actual crossed 100%' },
    ];

    const email = renderAlertEmail(makeRun({ rules }), makeMonitor(), { apiBaseUrl: API_BASE_URL });

    expect(email.text).toContain('\n- BUDGET monthly_budget: month-to-date since 2026-11-01 162.00 USD (108% of 150.00 USD); actual crossed 100%, BREACHED (alert)\n');
    expect(email.html).toContain('>monthly_budget</td>');
    expect(email.html).toContain('>month-to-date since 2026-11-01 162.00 USD (108% of 150.00 USD); actual crossed 100%</td>');
  });

  it('links the run and shows the silence commands in the HTML body', () => {
    const email = renderAlertEmail(makeRun(), makeMonitor(), { apiBaseUrl: API_BASE_URL });
    const runUrl = `${API_BASE_URL}/monitors/01JMONITOR0000000000000001/runs/01JRUN00000000000000000001`;

    expect(email.html).toContain(`<a href="${runUrl}">${runUrl}</a>`);
    expect(email.html).toContain('-d &#39;{&quot;enabled&quot;: false}&#39;');
    expect(email.html).toContain('<td style="border:1px solid #d0d7de;padding:4px 8px;text-align:left">ERROR|Exception</td>');
  });

  it('does not turn a base URL that is not http(s) into a link', () => {
    const email = renderAlertEmail(makeRun(), makeMonitor(), { apiBaseUrl: 'javascript:alert(1)//' });

    expect(email.html).not.toContain('<a ');
  });

  it('renders a recovered notice', () => {
    const ok = makeRun({ status: 'ok', summary: 'Orders flow normally again.', findings: [], rules: [] });

    const email = renderAlertEmail(ok, makeMonitor(), { apiBaseUrl: API_BASE_URL, kind: 'recovered', previousStatus: 'alert' });

    expect(email.subject).toBe('[Vigil] RECOVERED: BTC bot anomaly detector - Orders flow normally again.');
    expect(email.text.split('\n').slice(0, 3)).toEqual([
      '[RECOVERED] BTC bot anomaly detector',
      'Back to ok after alert.',
      'Orders flow normally again.',
    ]);
    expect(email.text).not.toContain('Findings');
    expect(email.html).toContain('<p>Back to ok after alert.</p>');
  });

  it('explains an error run by its error and the inputs that failed', () => {
    const email = renderAlertEmail(makeFailedRun(), makeMonitor(), { apiBaseUrl: API_BASE_URL });

    expect(email.subject).toBe('[Vigil] ERROR: BTC bot anomaly detector - Run failed: every input failed');
    expect(email.text).toContain(
      'Inputs that failed\n- FULL_LOGS: AccessDeniedException: not authorized\n- ERRORS: AccessDeniedException: not authorized\n',
    );
  });

  it('caps long evidence and says how much was left out', () => {
    const evidence = Array.from({ length: 14 }, (_, index) => `line ${index} ${'x'.repeat(2000)}`);
    const run = makeRun({ findings: [{ title: 'Flood', severity: 'alert', label: 'FULL_LOGS', evidence, recommendation: null }] });

    const email = renderAlertEmail(run, makeMonitor(), { apiBaseUrl: API_BASE_URL });

    const quoted = email.text.split('\n').filter((line) => line.startsWith('   | '));
    expect(quoted).toHaveLength(10);
    expect(quoted.every((line) => codePointLength(line) === 5 + 1000 && line.endsWith('…'))).toBe(true);
    expect(email.text).toContain('   (+4 more evidence lines in the run)');
  });
});
