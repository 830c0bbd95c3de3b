import { describe, expect, it } from 'vitest';
import { MAX_TOPIC_MESSAGE_BYTES, renderTopicMessage } from '#domain/notify/render-topic.ts';
import { renderSms } from '#domain/notify/render-sms.ts';
import { API_BASE_URL, makeFailedRun, makeMonitor, makeRun } from './fixtures.ts';

interface PerProtocol {
  default: string;
  email: string;
  sms: string;
}

function parse(message: string): { perProtocol: PerProtocol; event: Record<string, unknown> } {
  const perProtocol = JSON.parse(message) as PerProtocol;
  return { perProtocol, event: JSON.parse(perProtocol.default) as Record<string, unknown> };
}

describe('renderTopicMessage', () => {
  it('carries the filterable attributes and an ASCII subject', () => {
    const message = renderTopicMessage(makeRun(), makeMonitor({ name: 'Café “prod” — orders' }), { apiBaseUrl: API_BASE_URL });

    expect(message.attributes).toEqual({ monitor_id: '01JMONITOR0000000000000001', status: 'alert', severity: 'high', kind: 'alert' });
    expect(message.structure).toBe('json');
    expect(message.subject).toBe('[Vigil] ALERT: Cafe "prod" - orders - Order placement fails since 10:02: 37 timeouts against...');
    expect(message.subject).toMatch(/^[ -~]{1,99}$/);
  });

  it.each([
    ['warn', 'medium'],
    ['ok', 'info'],
  ] as const)('maps a %s run to severity %s', (status, severity) => {
    const message = renderTopicMessage(makeRun({ status }), makeMonitor(), { apiBaseUrl: API_BASE_URL });

    expect(message.attributes.severity).toBe(severity);
  });

  it('marks a recovered notice in the attributes and the event', () => {
    const ok = makeRun({ status: 'ok', summary: 'Fine again.', findings: [], rules: [] });

    const message = renderTopicMessage(ok, makeMonitor(), { apiBaseUrl: API_BASE_URL, kind: 'recovered', previousStatus: 'alert' });

    expect(message.attributes).toMatchObject({ status: 'ok', severity: 'info', kind: 'recovered' });
    expect(parse(message.message).event).toMatchObject({ kind: 'recovered', previous_status: 'alert', status: 'ok' });
  });

  it('gives each protocol its own body: the JSON event, the email text and the SMS', () => {
    const run = makeRun();

    const { perProtocol, event } = parse(renderTopicMessage(run, makeMonitor(), { apiBaseUrl: API_BASE_URL }).message);

    expect(perProtocol.sms).toBe(renderSms(run, makeMonitor()));
    expect(perProtocol.email).toContain('[ALERT] BTC bot anomaly detector\n');
    expect(event).toEqual({
      version: 1,
      kind: 'alert',
      status: 'alert',
      severity: 'high',
      previous_status: null,
      monitor_id: '01JMONITOR0000000000000001',
      monitor_name: 'BTC bot anomaly detector',
      run_id: '01JRUN00000000000000000001',
      run_url: 'https://api.example.com/prod/monitors/01JMONITOR0000000000000001/runs/01JRUN00000000000000000001',
      trigger: 'schedule',
      finished_at: '2026-11-21T10:00:04.000Z',
      summary: 'Order placement fails since 10:02: 37 timeouts against the exchange API.',
      findings: [
        {
          title: 'Exchange API timeouts (37 since 10:02)',
          severity: 'alert',
          label: 'ERRORS',
          evidence: ['2026-11-21T10:02:11Z ERROR order 123 timeout after 30s'],
          omitted_evidence: 0,
          recommendation: 'Check exchange status and the client timeout.',
        },
      ],
      omitted_findings: 0,
      rules: [{ label: 'ERRORS', pattern: 'ERROR|Exception', kind: 'min_count', count: 37, severity: 'alert', breached: true }],
      failed_inputs: [],
    });
  });

  it('writes every field of the event in snake_case, a breached rule\'s template and threshold included', () => {
    const run = makeRun({
      rules: [
        { label: 'ERRORS', pattern: 'ERROR', kind: 'min_count', threshold: 10, count: 37, severity: 'alert', breached: true, templateId: 'tpl-1' },
        { label: 'FILLS', pattern: 'filled', kind: 'expect_at_least', threshold: 5, count: 0, unread: true, severity: 'warn', breached: false },
      ],
    });
    const { event } = parse(renderTopicMessage(run, makeMonitor(), { apiBaseUrl: API_BASE_URL }).message);
    const keys = (value: unknown): string[] =>
      Array.isArray(value) ? value.flatMap(keys) : value !== null && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...keys(v)]) : [];

    expect(event.rules).toEqual([
      { label: 'ERRORS', pattern: 'ERROR', kind: 'min_count', min_count: 10, count: 37, severity: 'alert', breached: true, template_id: 'tpl-1' },
      { label: 'FILLS', pattern: 'filled', kind: 'expect_at_least', expect_at_least: 5, count: 0, input_failed: true, severity: 'warn', breached: false },
    ]);
    expect(keys(event).filter((key) => /[A-Z]/.test(key))).toEqual([]);
  });

  it('lists the failed inputs of an error run', () => {
    const { event } = parse(renderTopicMessage(makeFailedRun(), makeMonitor(), { apiBaseUrl: API_BASE_URL }).message);

    expect(event.failed_inputs).toEqual([
      { label: 'FULL_LOGS', error: 'AccessDeniedException: not authorized' },
      { label: 'ERRORS', error: 'AccessDeniedException: not authorized' },
    ]);
  });

  it('drops evidence until the message fits SNS’s 256 KiB', () => {
    const evidence = Array.from({ length: 10 }, () => 'é'.repeat(1000));
    const findings = Array.from({ length: 20 }, (_, index) => ({
      title: `Finding ${index}`,
      severity: 'alert' as const,
      label: 'FULL_LOGS',
      evidence,
      recommendation: null,
    }));

    const message = renderTopicMessage(makeRun({ findings }), makeMonitor(), { apiBaseUrl: API_BASE_URL });

    const bytes = Buffer.byteLength(message.message, 'utf8');
    const { event } = parse(message.message);
    const first = (event.findings as { evidence: string[]; omitted_evidence: number }[])[0]!;
    expect(bytes).toBeLessThanOrEqual(MAX_TOPIC_MESSAGE_BYTES);
    expect(first.evidence).toHaveLength(3);
    expect(first.omitted_evidence).toBe(7);
    expect(event.omitted_findings).toBe(10);
  });
});
