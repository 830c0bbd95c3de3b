import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gsmSeptets, isGsmCharacter } from '#domain/notify/gsm.ts';
import { renderSms } from '#domain/notify/render-sms.ts';
import { anyText, makeFailedRun, makeMonitor, makeRun } from './fixtures.ts';

const allGsm = (text: string): boolean => [...text].every(isGsmCharacter);

describe('renderSms', () => {
  it('says status, monitor, summary and run id in one short message', () => {
    const sms = renderSms(makeRun({ summary: 'Order placement fails: 37 timeouts.' }), makeMonitor());

    expect(sms).toBe('Vigil ALERT BTC bot anomaly detector: Order placement fails: 37 timeouts. (run 01JRUN00000000000000000001)');
  });

  it('leads a rules-only run with the breached rule, alert before warn, before the summary is cut', () => {
    const run = makeRun({
      summary: 'Rules only, the model was not consulted (no AWS credentials in local mode; set VIGIL_AWS=auto with credentials): 2 rules breached.',
      judge: { kind: 'rules', modelId: null, inputTokens: 0, outputTokens: 0, latencyMs: 0, estimatedCostUsd: 0, skipped: null },
      rules: [
        { label: 'FILLS', pattern: 'filled', kind: 'expect_at_least', threshold: 5, count: 1, severity: 'warn', breached: true },
        { label: 'ERRORS', pattern: 'ERROR', kind: 'min_count', threshold: 10, count: 37, severity: 'alert', breached: true },
      ],
    });

    const sms = renderSms(run, makeMonitor());

    expect(sms).toMatch(/^Vigil ALERT [^:]+: ERRORS: 37 match \/ERROR\/, min_count 10 \(\+1 rule\)\. Rules only/);
    expect(gsmSeptets(sms)).toBeLessThanOrEqual(160);
    expect(renderSms({ ...run, judge: { ...run.judge!, kind: 'bedrock' } }, makeMonitor())).not.toContain('ERRORS: 37');
  });

  it('cuts a long summary at a word to fit 160 septets and keeps the run id', () => {
    const sms = renderSms(makeRun({ summary: 'Order placement fails since 10:02 with timeouts against the exchange API, retries pile up and the fill rate dropped to zero in every market.' }), makeMonitor());

    expect(sms).toBe(
      'Vigil ALERT BTC bot anomaly detector: Order placement fails since 10:02 with timeouts against the exchange API, retries... (run 01JRUN00000000000000000001)',
    );
    expect(gsmSeptets(sms)).toBeLessThanOrEqual(160);
  });

  it('replaces characters outside GSM-7 instead of falling back to 70-character UCS-2', () => {
    const sms = renderSms(makeRun({ summary: 'Façade “down” — 🔥 retries… café Ωk' }), makeMonitor({ name: 'Zürich ↯ bot' }));

    expect(sms).toBe('Vigil ALERT Zürich ? bot: Facade "down" - ? retries... café Ωk (run 01JRUN00000000000000000001)');
    expect(allGsm(sms)).toBe(true);
  });

  it('counts GSM extension characters as two septets', () => {
    const sms = renderSms(makeRun({ summary: '{'.repeat(200) }), makeMonitor());

    expect(sms).toContain(`: ${'{'.repeat(43)}... (run`);
    expect(gsmSeptets(sms)).toBe(160);
  });

  it('says RECOVERED for a recovered notice and the error for an error run', () => {
    const recovered = renderSms(makeRun({ status: 'ok', summary: 'All good.' }), makeMonitor(), { kind: 'recovered' });
    const failed = renderSms(makeFailedRun(), makeMonitor());

    expect(recovered).toBe('Vigil RECOVERED BTC bot anomaly detector: All good. (run 01JRUN00000000000000000001)');
    expect(failed).toBe('Vigil ERROR BTC bot anomaly detector: Run failed: every input failed (run 01JRUN00000000000000000001)');
  });

  it('always fits one GSM-7 SMS with the run id, whatever the text (property)', () => {
    fc.assert(
      fc.property(anyText({ maxLength: 400 }), anyText({ minLength: 1, maxLength: 128 }), (summary, name) => {
        const sms = renderSms(makeRun({ summary }), makeMonitor({ name }));
        return gsmSeptets(sms) <= 160 && allGsm(sms) && !sms.includes('\n') && sms.endsWith('(run 01JRUN00000000000000000001)');
      }),
    );
  });
});
