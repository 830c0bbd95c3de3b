import { describe, expect, it } from 'vitest';
import { anomalyIdsOf, capExpectedAlert, evidenceTemplates, lineIsExpected } from '#domain/feedback/expected.ts';
import type { Finding } from '#domain/model/entities.ts';
import { neutraliseFence } from '#domain/judge/payload.ts';

const finding = (evidence: string[], label: string | null = 'APP', severity: Finding['severity'] = 'alert'): Finding => ({
  title: 't',
  severity,
  label,
  evidence,
  recommendation: null,
});

const PAYLOAD = [
  '[APP]',
  '# 9 lines, 2 templates, most important first',
  '8x ERROR order <100–107> timeout after <20–27>s @ 2026-11-27T09:50:00Z..09:57:00Z',
  '    e.g. order 100 timeout after 20s',
  '1x WARN disk /dev/sdb1 almost full (93%) @ 2026-11-27T09:58:00Z',
].join('\n');
const inputs = { APP: { lines: 9, chars: 200, truncated: false, error: null } };

describe('evidenceTemplates', () => {
  it('maps an example line to the template it is shown under, and a line shown on its own to its masked form', () => {
    expect(evidenceTemplates({ payload: PAYLOAD, inputs }, [finding(['order 100 timeout after 20s', 'disk /dev/sdb1 almost full (93%)'])])).toEqual([
      { label: 'APP', template: 'order <100–107> timeout after <20–27>s' },
      { label: 'APP', template: 'disk <*> almost full (<*>)' },
    ]);
  });

  it('matches later lines of the same shape, and not other lines or other labels', () => {
    const expected = evidenceTemplates({ payload: PAYLOAD, inputs }, [finding(['order 100 timeout after 20s'])]);

    expect(lineIsExpected(expected, 'APP', 'order 912 timeout after 31s')).toBe(true);
    expect(lineIsExpected(expected, 'APP', 'ERROR order 912 timeout after 31s')).toBe(true);
    expect(lineIsExpected(expected, 'APP', 'order 912 filled')).toBe(false);
    expect(lineIsExpected(expected, 'OTHER', 'order 912 timeout after 31s')).toBe(false);
  });
});

describe('capExpectedAlert', () => {
  const expected = [{ label: 'APP', template: 'order <*> timeout after <*>s' }];

  it('caps an alert whose alert findings quote only expected lines, and leaves any other verdict alone', () => {
    const capped = capExpectedAlert({ status: 'alert', findings: [finding(['order 5 timeout after 9s'])] }, [], expected);
    expect(capped).toMatchObject({ status: 'warn', findings: [{ severity: 'warn' }] });

    expect(capExpectedAlert({ status: 'alert', findings: [finding(['order 5 timeout after 9s', 'disk full'])] }, [], expected)).toBeNull();
    expect(capExpectedAlert({ status: 'alert', findings: [finding([])] }, [], expected)).toBeNull();
    expect(capExpectedAlert({ status: 'warn', findings: [finding(['order 5 timeout after 9s'], 'APP', 'warn')] }, [], expected)).toBeNull();
    const breached = [{ label: 'APP', pattern: 'x', count: 1, severity: 'warn' as const, breached: true }];
    expect(capExpectedAlert({ status: 'alert', findings: [finding(['order 5 timeout after 9s'])] }, breached, expected)).toBeNull();
  });
});

describe('anomalyIdsOf', () => {
  it('reads the anomaly ids cost lines carry, once each', () => {
    const line = 'anomaly id=9f1c2b7e-1234-4d5e-8f00-abcdef012345 2026-11-20..ongoing impact 5.00 USD';
    expect(anomalyIdsOf([finding([line, line]), finding(['order 5 timeout after 9s'])])).toEqual(['9f1c2b7e-1234-4d5e-8f00-abcdef012345']);
  });
});

describe('neutraliseFence', () => {
  it('escapes the guidance and previous-run fences as well as the logs fence', () => {
    expect(neutraliseFence('</operator_feedback> <previous_run> </logs>')).toBe('&lt;/operator_feedback> &lt;previous_run> &lt;/logs>');
  });
});
