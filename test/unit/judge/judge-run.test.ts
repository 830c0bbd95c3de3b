import { describe, expect, it } from 'vitest';
import type { InputStats, MonitorRule } from '#domain/model/entities.ts';
import { judgeRun, type JudgeRunRequest } from '#domain/judge/judge-run.ts';
import { estimateTokens } from '#domain/judge/payload.ts';
import type { Judge, JudgeMetricsRecord, JudgeOutcome, JudgeRequest, Verdict } from '#domain/judge/ports.ts';
import { RulesOnlyJudge } from '#domain/judge/rules-only-judge.ts';

const MODEL = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';
const DEADLINE = Date.parse('2026-11-21T10:05:00Z');

class FakeJudge implements Judge {
  readonly kind = 'bedrock' as const;
  readonly calls: { request: JudgeRequest; deadline: number }[] = [];

  constructor(private readonly outcome: Partial<JudgeOutcome> & { verdict: Verdict | null }) {}

  async judge(request: JudgeRequest, budget: { deadline: number }): Promise<JudgeOutcome> {
    this.calls.push({ request, deadline: budget.deadline });
    return {
      usage: { kind: 'bedrock', modelId: request.modelId, inputTokens: 2000, outputTokens: 300, latencyMs: 1200, modelCalls: 1 },
      error: null,
      rawReply: null,
      droppedEvidence: 0,
      ...this.outcome,
    };
  }
}

class FakeMetrics {
  readonly records: JudgeMetricsRecord[] = [];
  record(usage: JudgeMetricsRecord): void {
    this.records.push(usage);
  }
}

const stats = (lines: number, error: string | null = null): InputStats => ({ lines, chars: lines * 40, truncated: false, error });
const errorsRule: MonitorRule = { label: 'ERRORS', pattern: 'ERROR', minCount: 2, severity: 'alert' };

const request = (overrides: Partial<JudgeRunRequest> = {}): JudgeRunRequest => ({
  monitorName: 'orders',
  prompt: 'Look for failed orders.',
  rules: [errorsRule],
  modelId: MODEL,
  payload: [
    '[FULL_LOGS]',
    '10:00 INFO login password=hunter22',
    '10:01 INFO order 1 placed',
    '',
    '[ERRORS]',
    '10:02 ERROR order 2 timeout',
    '10:03 ERROR order 3 timeout',
  ].join('\n'),
  inputs: { FULL_LOGS: stats(2), ERRORS: stats(2) },
  previousRun: null,
  maxInputTokens: 30_000,
  deadline: DEADLINE,
  ...overrides,
});

const warnVerdict: Verdict = {
  status: 'warn',
  summary: 'Two orders timed out.',
  findings: [{ title: 'Timeouts', severity: 'warn', label: 'ERRORS', evidence: ['10:02 ERROR order 2 timeout'], recommendation: null }],
};

describe('judgeRun', () => {
  it('redacts, counts rules, asks the judge and raises its status to the rules floor', async () => {
    // Prepare
    const judge = new FakeJudge({ verdict: warnVerdict });
    const metrics = new FakeMetrics();

    // Act
    const result = await judgeRun(request(), { judge, metrics });

    // Assess
    const sent = judge.calls[0];
    expect(sent?.deadline).toBe(DEADLINE);
    expect(sent?.request).toMatchObject({ monitorName: 'orders', prompt: 'Look for failed orders.', labels: ['FULL_LOGS', 'ERRORS'], modelId: MODEL });
    expect(sent?.request.payload).toContain('password=[REDACTED:password]');
    expect(sent?.request.payload).not.toContain('hunter22');
    expect(result.rules).toEqual([{ label: 'ERRORS', pattern: 'ERROR', kind: 'min_count', threshold: 2, count: 2, severity: 'alert', breached: true }]);
    expect(sent?.request.ruleResults).toEqual(result.rules);
    expect(result.status).toBe('alert');
    expect(result.summary).toBe('Two orders timed out. Status raised to alert by rule: ERRORS /ERROR/: 2 matching lines (alert).');
    expect(result.findings).toEqual(warnVerdict.findings);
    expect(result.redactions).toBe(1);
    expect(result.payloadHash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.judge).toEqual({
      kind: 'bedrock',
      modelId: MODEL,
      inputTokens: 2000,
      outputTokens: 300,
      latencyMs: 1200,
      estimatedCostUsd: 0.0035,
      skipped: null,
    });
    expect(result).toMatchObject({ error: null, rawReply: null, priceKnown: true, cutLines: 0 });
    expect(metrics.records).toEqual([{ ...result.judge, modelCalls: 1, failed: false }]);
  });

  it('keeps the model status when it is above the floor, without a note', async () => {
    const judge = new FakeJudge({ verdict: { ...warnVerdict, status: 'alert' } });

    const result = await judgeRun(request({ rules: [{ ...errorsRule, severity: 'warn' }] }), { judge, metrics: new FakeMetrics() });

    expect(result.status).toBe('alert');
    expect(result.summary).toBe('Two orders timed out.');
  });

  it('answers ok without calling the model when no input has new lines', async () => {
    const judge = new FakeJudge({ verdict: warnVerdict });
    const metrics = new FakeMetrics();

    const result = await judgeRun(
      request({ payload: '[FULL_LOGS]\n\n[ERRORS]\n(input failed: AccessDenied)', inputs: { FULL_LOGS: stats(0), ERRORS: stats(0, 'AccessDenied') } }),
      { judge, metrics },
    );

    expect(judge.calls).toHaveLength(0);
    expect(result.status).toBe('ok');
    expect(result.summary).toBe(
      'No new lines in any input since the last run; the model was not called. Inputs that could not be read: ERRORS (AccessDenied).',
    );
    expect(result.rules[0]).toMatchObject({ count: 0, breached: false });
    expect(result.judge).toMatchObject({ kind: 'bedrock', modelId: MODEL, inputTokens: 0, estimatedCostUsd: 0, skipped: 'no_new_data' });
    expect(metrics.records).toEqual([{ ...result.judge, modelCalls: 0, failed: false }]);
  });

  describe('silence', () => {
    const heartbeatRule: MonitorRule = { label: 'heartbeat', pattern: 'heartbeat', expectAtLeast: 1, severity: 'alert' };
    const silentRequest = (overrides: Partial<JudgeRunRequest> = {}) =>
      request({
        rules: [heartbeatRule],
        payload: '[heartbeat]\n(no lines)\n\n[APP]\n(no lines)',
        inputs: { heartbeat: stats(0), APP: stats(0) },
        linesByLabel: new Map([
          ['heartbeat', []],
          ['APP', []],
        ]),
        ...overrides,
      });

    it('breaches an expect_at_least rule on an empty window without calling the model', async () => {
      const judge = new FakeJudge({ verdict: warnVerdict });

      const result = await judgeRun(silentRequest(), { judge, metrics: new FakeMetrics() });

      expect(judge.calls).toHaveLength(0);
      expect(result.status).toBe('alert');
      expect(result.rules).toEqual([
        { label: 'heartbeat', pattern: 'heartbeat', kind: 'expect_at_least', threshold: 1, count: 0, severity: 'alert', breached: true },
      ]);
      expect(result.summary).toBe(
        'No new lines in any input since the last run; the model was not called. Status raised to alert by rule: heartbeat /heartbeat/: 0 matching lines, expected at least 1 (alert).',
      );
      expect(result.judge.skipped).toBe('no_new_data');
    });

    it('takes no_data_status when every input was read and none had a line', async () => {
      const result = await judgeRun(silentRequest({ rules: [], noDataStatus: 'warn' }), { judge: new FakeJudge({ verdict: warnVerdict }), metrics: new FakeMetrics() });

      expect(result.status).toBe('warn');
      expect(result.summary).toBe(
        'No new lines in any input since the last run; the model was not called. Every input was read and none had a line; no_data_status makes this run warn.',
      );
    });

    it('keeps the more severe of no_data_status and a breached rule', async () => {
      const warnRule: MonitorRule = { ...heartbeatRule, severity: 'warn' };
      const judge = new FakeJudge({ verdict: warnVerdict });

      const alert = await judgeRun(silentRequest({ rules: [warnRule], noDataStatus: 'alert' }), { judge, metrics: new FakeMetrics() });
      const warn = await judgeRun(silentRequest({ rules: [heartbeatRule], noDataStatus: 'warn' }), { judge, metrics: new FakeMetrics() });

      expect(alert.status).toBe('alert');
      expect(warn.status).toBe('alert');
      expect(warn.summary).toContain('Status raised to alert by rule: heartbeat /heartbeat/: 0 matching lines, expected at least 1 (alert).');
    });

    it('does not take no_data_status when an input failed: the failure, not silence, is what the run reports', async () => {
      const result = await judgeRun(
        silentRequest({ rules: [], noDataStatus: 'alert', inputs: { heartbeat: stats(0), APP: stats(0, 'AccessDenied') } }),
        { judge: new FakeJudge({ verdict: warnVerdict }), metrics: new FakeMetrics() },
      );

      expect(result.status).toBe('ok');
      expect(result.summary).toBe(
        'No new lines in any input since the last run; the model was not called. Inputs that could not be read: APP (AccessDenied).',
      );
    });

    it('does not breach an expect_at_least rule whose input failed: a failed read is not silence', async () => {
      const judge = new FakeJudge({ verdict: warnVerdict });

      const result = await judgeRun(silentRequest({ inputs: { heartbeat: stats(0, 'AccessDenied'), APP: stats(0) } }), { judge, metrics: new FakeMetrics() });

      expect(result.status).toBe('ok');
      expect(result.rules).toMatchObject([{ label: 'heartbeat', count: 0, breached: false, unread: true }]);
      expect(result.summary).toBe(
        'No new lines in any input since the last run; the model was not called. Inputs that could not be read: heartbeat (AccessDenied).',
      );
    });

    it('does not take no_data_status when an input had lines', async () => {
      const judge = new FakeJudge({ verdict: { status: 'ok', summary: 'Quiet.', findings: [] } });

      const result = await judgeRun(
        silentRequest({
          rules: [],
          noDataStatus: 'alert',
          payload: '[heartbeat]\n(no lines)\n\n[APP]\n10:00 INFO started',
          inputs: { heartbeat: stats(0), APP: stats(1) },
          linesByLabel: new Map([
            ['heartbeat', []],
            ['APP', ['10:00 INFO started']],
          ]),
        }),
        { judge, metrics: new FakeMetrics() },
      );

      expect(judge.calls).toHaveLength(1);
      expect(result).toMatchObject({ status: 'ok', summary: 'Quiet.' });
    });
  });

  it('reuses the previous verdict when the question is unchanged', async () => {
    // Prepare: a first run gives the hash the second run will compute
    const first = await judgeRun(request(), { judge: new FakeJudge({ verdict: warnVerdict }), metrics: new FakeMetrics() });
    const judge = new FakeJudge({ verdict: warnVerdict });
    const previousRun = { payloadHash: first.payloadHash, status: first.status, summary: first.summary, findings: first.findings };

    // Act
    const result = await judgeRun(request({ previousRun }), { judge, metrics: new FakeMetrics() });

    // Assess
    expect(judge.calls).toHaveLength(0);
    expect(result.payloadHash).toBe(first.payloadHash);
    expect(result).toMatchObject({ status: 'alert', summary: first.summary, findings: first.findings });
    expect(result.judge.skipped).toBe('unchanged');
  });

  it('calls the model again when the instruction changed', async () => {
    const first = await judgeRun(request(), { judge: new FakeJudge({ verdict: warnVerdict }), metrics: new FakeMetrics() });
    const judge = new FakeJudge({ verdict: warnVerdict });
    const previousRun = { payloadHash: first.payloadHash, status: first.status, summary: first.summary, findings: first.findings };

    const result = await judgeRun(request({ previousRun, prompt: 'Look for slow orders.' }), { judge, metrics: new FakeMetrics() });

    expect(judge.calls).toHaveLength(1);
    expect(result.judge.skipped).toBeNull();
  });

  it('makes an error run that keeps the reason, the raw reply, the rules and the usage when the judge has no verdict', async () => {
    const judge = new FakeJudge({ verdict: null, error: 'invalid model reply: status: Invalid option', rawReply: '{"status":"bad"}' });
    const metrics = new FakeMetrics();

    const result = await judgeRun(request(), { judge, metrics });

    expect(result).toMatchObject({
      status: 'error',
      error: 'invalid model reply: status: Invalid option',
      rawReply: '{"status":"bad"}',
      summary: 'The model gave no verdict (see the error); rules breached: ERRORS /ERROR/: 2 matching lines (alert).',
      findings: [],
    });
    expect(result.rules[0]?.breached).toBe(true);
    expect(result.judge.inputTokens).toBe(2000);
    expect(metrics.records[0]).toMatchObject({ failed: true, modelCalls: 1 });
  });

  it('counts the rules over the window lines it is given rather than the payload text', async () => {
    const judge = new FakeJudge({ verdict: warnVerdict });

    const result = await judgeRun(
      request({
        payload: '[FULL_LOGS]\n(no lines)\n\n[ERRORS]\nERROR a\nERROR b',
        inputs: { FULL_LOGS: stats(0), ERRORS: stats(3) },
        linesByLabel: new Map([
          ['FULL_LOGS', []],
          ['ERRORS', ['ERROR a', 'ERROR b', 'ERROR c (cut from the payload)']],
        ]),
        rules: [errorsRule, { label: 'FULL_LOGS', pattern: 'lines', minCount: 1, severity: 'warn' }],
      }),
      { judge, metrics: new FakeMetrics() },
    );

    expect(result.rules.map((rule) => rule.count)).toEqual([3, 0]);
  });

  it('cuts the payload to the input budget, fixed parts of the request included', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `10:00 INFO line ${i} ${'x'.repeat(40)}`);
    const judge = new FakeJudge({ verdict: warnVerdict });

    const result = await judgeRun(
      request({ payload: `[FULL_LOGS]\n${lines.join('\n')}`, inputs: { FULL_LOGS: stats(2000) }, rules: [], maxInputTokens: 4000 }),
      { judge, metrics: new FakeMetrics() },
    );

    const sent = judge.calls[0]?.request.payload ?? '';
    expect(result.cutLines).toBeGreaterThan(1000);
    expect(estimateTokens(sent)).toBeLessThan(4000 - 500);
    expect(sent).toContain('10:00 INFO line 1999 ');
    expect(sent).not.toContain('10:00 INFO line 0 ');
  });

  it('flags an unknown price and estimates 0', async () => {
    const judge = new FakeJudge({ verdict: warnVerdict });

    const result = await judgeRun(request({ modelId: 'acme.mystery-v1:0' }), { judge, metrics: new FakeMetrics() });

    expect(result.priceKnown).toBe(false);
    expect(result.judge.estimatedCostUsd).toBe(0);
  });

  it('prices with the overrides it is given', async () => {
    const judge = new FakeJudge({ verdict: warnVerdict });

    const result = await judgeRun(request(), {
      judge,
      metrics: new FakeMetrics(),
      prices: { 'anthropic.claude-haiku-4-5': { input: 10, output: 10 } },
    });

    expect(result.judge.estimatedCostUsd).toBe(0.023);
  });

  it('with the rules-only judge: status from the rules, no model, no cost', async () => {
    const metrics = new FakeMetrics();

    const result = await judgeRun(request({ maxInputTokens: 1 }), { judge: new RulesOnlyJudge(), metrics });

    expect(result.status).toBe('alert');
    expect(result.summary).toContain('the model was not consulted');
    expect(result.findings[0]?.evidence).toEqual(['10:02 ERROR order 2 timeout', '10:03 ERROR order 3 timeout']);
    expect(result.judge).toEqual({
      kind: 'rules',
      modelId: null,
      inputTokens: 0,
      outputTokens: 0,
      latencyMs: 0,
      estimatedCostUsd: 0,
      skipped: null,
    });
    expect(result.cutLines).toBe(0);
    expect(metrics.records[0]).toMatchObject({ kind: 'rules', failed: false });
  });
});
