import { describe, expect, it } from 'vitest';
import type { MonitorRule, RuleResult, Severity } from '#domain/model/entities.ts';
import {
  compileRulePattern,
  describeRuleResult,
  evaluateRules,
  maxStatus,
  statusFloor,
  withDominantTemplates,
} from '#domain/judge/rules.ts';

const rule = (overrides: { label?: string; pattern?: string; minCount?: number; severity?: Severity } = {}): MonitorRule => ({
  label: 'ERRORS',
  pattern: 'ERROR|Exception',
  minCount: 2,
  severity: 'alert',
  ...overrides,
});

const result = (overrides: Partial<RuleResult> = {}): RuleResult => ({
  label: 'ERRORS',
  pattern: 'x',
  count: 0,
  severity: 'warn',
  breached: false,
  ...overrides,
});

describe('describeRuleResult', () => {
  it('reads right for both kinds of rule', () => {
    const [silent, noisy] = evaluateRules(
      [
        { label: 'heartbeat', pattern: 'heartbeat', expectAtLeast: 1, severity: 'alert' },
        { label: 'ERRORS', pattern: 'ERROR', minCount: 1, severity: 'warn' },
      ],
      new Map([['ERRORS', ['ERROR a', 'ERROR b']]]),
    );

    expect(describeRuleResult(silent as RuleResult)).toBe('heartbeat /heartbeat/: 0 matching lines, expected at least 1 (alert)');
    expect(describeRuleResult(noisy as RuleResult)).toBe('ERRORS /ERROR/: 2 matching lines (warn)');
    expect(describeRuleResult(result({ kind: 'expect_at_least', threshold: 5, count: 1 }))).toBe('ERRORS /x/: 1 matching line, expected at least 5 (warn)');
  });
});

describe('evaluateRules', () => {
  it('counts matching lines of the rule label only and breaches at minCount', () => {
    // Prepare
    const lines = new Map([
      ['ERRORS', ['10:00 ERROR timeout', '10:01 NullPointerException', '10:02 INFO ok']],
      ['FULL_LOGS', ['10:00 ERROR elsewhere', '10:03 ERROR again']],
    ]);

    // Act
    const results = evaluateRules([rule(), rule({ minCount: 3 })], lines);

    // Assess
    expect(results).toEqual([
      { label: 'ERRORS', pattern: 'ERROR|Exception', kind: 'min_count', threshold: 2, count: 2, severity: 'alert', breached: true },
      { label: 'ERRORS', pattern: 'ERROR|Exception', kind: 'min_count', threshold: 3, count: 2, severity: 'alert', breached: false },
    ]);
  });

  it('breaches an expect_at_least rule when fewer lines than expected match, and not at the figure', () => {
    const heartbeat = (expectAtLeast: number): MonitorRule => ({ label: 'heartbeat', pattern: 'heartbeat', expectAtLeast, severity: 'alert' });
    const lines = new Map([['heartbeat', ['10:00 heartbeat ok', '10:01 heartbeat ok', '10:02 INFO other']]]);

    const results = evaluateRules([heartbeat(2), heartbeat(3)], lines);

    expect(results).toEqual([
      { label: 'heartbeat', pattern: 'heartbeat', kind: 'expect_at_least', threshold: 2, count: 2, severity: 'alert', breached: false },
      { label: 'heartbeat', pattern: 'heartbeat', kind: 'expect_at_least', threshold: 3, count: 2, severity: 'alert', breached: true },
    ]);
  });

  it('counts nothing and breaches nothing on a label whose input failed, and says so', () => {
    const rules: MonitorRule[] = [
      { label: 'heartbeat', pattern: 'heartbeat', expectAtLeast: 1, severity: 'alert' },
      { label: 'ERRORS', pattern: 'ERROR', minCount: 1, severity: 'warn' },
    ];

    const results = evaluateRules(rules, new Map([['ERRORS', ['ERROR a']]]), new Set(['HEARTBEAT']));

    expect(results).toEqual([
      { label: 'heartbeat', pattern: 'heartbeat', kind: 'expect_at_least', threshold: 1, count: 0, severity: 'alert', breached: false, unread: true },
      { label: 'ERRORS', pattern: 'ERROR', kind: 'min_count', threshold: 1, count: 1, severity: 'warn', breached: true },
    ]);
    expect(describeRuleResult(results[0] as RuleResult)).toBe('heartbeat /heartbeat/: not counted, the input could not be read (alert)');
  });

  it('breaches an expect_at_least rule on an empty window and on a label that read nothing', () => {
    const heartbeat: MonitorRule = { label: 'heartbeat', pattern: 'heartbeat', expectAtLeast: 1, severity: 'warn' };

    const empty = evaluateRules([heartbeat], new Map([['heartbeat', []]]));
    const absent = evaluateRules([heartbeat], new Map());

    expect(empty).toEqual([{ label: 'heartbeat', pattern: 'heartbeat', kind: 'expect_at_least', threshold: 1, count: 0, severity: 'warn', breached: true }]);
    expect(absent[0]).toMatchObject({ count: 0, breached: true });
    expect(statusFloor(empty)).toBe('warn');
  });

  it('finds the label case-insensitively and counts 0 for a label without lines', () => {
    const lines = new Map([['errors', ['ERROR a', 'ERROR b']]]);

    const results = evaluateRules([rule({ label: 'ERRORS' }), rule({ label: 'MISSING', minCount: 1 })], lines);

    expect(results.map((r) => [r.count, r.breached])).toEqual([
      [2, true],
      [0, false],
    ]);
  });

  it('treats an invalid pattern as matching nothing instead of throwing', () => {
    const lines = new Map([['ERRORS', ['ERROR(', 'ERROR(']]]);

    const results = evaluateRules([rule({ pattern: 'ERROR(', minCount: 1 })], lines);

    expect(results[0]).toMatchObject({ count: 0, breached: false });
    expect(compileRulePattern('ERROR(')).toBeNull();
  });

  it('compiles each pattern once and is stateless across lines', () => {
    const first = compileRulePattern('timeout \\d+s');
    const second = compileRulePattern('timeout \\d+s');

    const results = evaluateRules([rule({ pattern: 'timeout \\d+s', minCount: 3 })], new Map([['ERRORS', ['timeout 30s', 'timeout 30s', 'timeout 31s']]]));

    expect(second).toBe(first);
    expect(results[0]?.count).toBe(3);
  });
});

describe('statusFloor', () => {
  it('is ok without breaches and the most severe breached severity otherwise', () => {
    expect(statusFloor([])).toBe('ok');
    expect(statusFloor([result({ severity: 'alert', breached: false })])).toBe('ok');
    expect(statusFloor([result({ severity: 'warn', breached: true }), result({ severity: 'alert', breached: false })])).toBe('warn');
    expect(statusFloor([result({ severity: 'warn', breached: true }), result({ severity: 'alert', breached: true })])).toBe('alert');
  });

  it('maxStatus orders ok < warn < alert', () => {
    expect(maxStatus('ok', 'warn')).toBe('warn');
    expect(maxStatus('alert', 'warn')).toBe('alert');
    expect(maxStatus('ok', 'ok')).toBe('ok');
  });
});

describe('withDominantTemplates', () => {
  const templateOf = (line: string) => line.replace(/\d+/g, '<n>');

  it('names the template most matching lines share, for breached rules only', () => {
    const lines = new Map([
      ['ERRORS', ['ERROR order 1 timeout', 'ERROR order 2 timeout', 'ERROR disk 7 full', 'INFO ok', 'ERROR order 3 timeout']],
    ]);
    const results = evaluateRules(
      [
        { label: 'ERRORS', pattern: 'ERROR', minCount: 2, severity: 'alert' },
        { label: 'ERRORS', pattern: 'disk', minCount: 5, severity: 'warn' },
      ],
      lines,
    );

    const marked = withDominantTemplates(results, lines, templateOf);

    expect(marked[0]).toMatchObject({ breached: true, count: 4, templateId: 'ERROR order <n> timeout' });
    expect(marked[1]).toEqual(results[1]);
  });

  it('breaks ties by the smallest id, so the choice does not depend on line order', () => {
    const a = new Map([['L', ['ERROR b 1', 'ERROR a 1']]]);
    const b = new Map([['L', ['ERROR a 1', 'ERROR b 1']]]);
    const rule = [{ label: 'L', pattern: 'ERROR', minCount: 1, severity: 'alert' as const }];

    expect(withDominantTemplates(evaluateRules(rule, a), a, templateOf)[0]?.templateId).toBe('ERROR a <n>');
    expect(withDominantTemplates(evaluateRules(rule, b), b, templateOf)[0]?.templateId).toBe('ERROR a <n>');
  });
});

describe('operator patterns run in linear time', () => {
  it('counts with a pattern that would backtrack catastrophically in RegExp, at once', () => {
    const started = performance.now();

    const results = evaluateRules([rule({ label: 'ERRORS', pattern: '^(a+)+$', minCount: 1 })], new Map([['ERRORS', ['a'.repeat(5000) + '!', 'aaaa']]]));

    expect(results[0]?.count).toBe(1);
    // RegExp needs 2^5000 steps for the first line; RE2 answers in milliseconds.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
