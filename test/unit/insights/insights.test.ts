import { describe, expect, it } from 'vitest';
import type { LabelBaseline } from '#domain/baseline/types.ts';
import type { Feedback } from '#domain/feedback/types.ts';
import { computeInsights, patternOfTemplate, type RunRecord } from '#domain/insights/insights.ts';
import type { Monitor, MonitorRun, RunStatus } from '#domain/model/entities.ts';
import { compileLinePattern } from '#domain/model/line-pattern.ts';
import { aMonitor, aRun } from '../../support/builders.ts';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const MODEL = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0';
const HOUR = 3_600_000;

/** A finished run `hoursAgo` before NOW, judged by the model with 2000 + 200 tokens. */
function aRecord(hoursAgo: number, status: RunStatus, overrides: Partial<MonitorRun> = {}): RunRecord {
  const at = new Date(NOW.getTime() - hoursAgo * HOUR).toISOString();
  const { payload: _p, rawReply: _r, ...run } = aRun('m1', {
    status,
    createdAt: at,
    finishedAt: at,
    judge: { kind: 'bedrock', modelId: MODEL, inputTokens: 2000, outputTokens: 200, latencyMs: 900, estimatedCostUsd: 0.009, skipped: null },
    notifications: status === 'alert' ? [{ channel: 'email', target: 'ops@example.com', status: 'sent', reason: null }] : [],
    ...overrides,
  });
  return run;
}

function aFeedback(verdict: Feedback['verdict'], createdAt: string, count: number): Feedback {
  return {
    id: `F${createdAt}`,
    monitorId: 'm1',
    runId: 'r',
    verdict,
    findingIndex: 0,
    note: null,
    createdAt,
    runAt: createdAt,
    runStatus: 'alert',
    findingTitles: ['Order timeouts'],
    expectedTemplates: [],
    ruleBreaches: verdict === 'missed' ? [] : [{ label: 'ERRORS', pattern: 'timeout', severity: 'alert', threshold: 10, count }],
    anomalyFeedback: [],
  };
}

function aBaseline(runs: number): LabelBaseline {
  const ids = Array.from({ length: runs }, (_, i) => `R${i}`);
  return {
    label: 'APP',
    runs: ids,
    runsRecorded: runs,
    version: 1,
    templates: [
      // in every run: an `expect_at_least` candidate
      { id: 'hb', template: 'heartbeat from <*> ok after <3–9>ms', level: 'info', firstSeen: '2026-10-01T00:00:00.000Z', lastSeen: NOW.toISOString(), firstRunId: 'R0', counts: ids.map((_, i) => 2 + (i % 2)) },
      // absent from one run: not always present; first seen in the period
      { id: 'disk', template: 'disk <*> almost full', level: 'warn', firstSeen: '2026-11-25T08:00:00.000Z', lastSeen: NOW.toISOString(), firstRunId: 'R3', counts: ids.map((_, i) => (i === 0 ? 0 : 1)) },
    ],
  };
}

const monitor: Monitor = aMonitor('s1', {
  id: 'm1',
  intervalSeconds: 300,
  createdAt: '2026-09-01T00:00:00.000Z',
  rules: [{ label: 'ERRORS', pattern: 'timeout', minCount: 10, severity: 'alert' }],
});

describe('computeInsights', () => {
  it('counts runs by status per day, notifications, feedback, new templates, tokens and cost', () => {
    // Prepare
    const runs = [aRecord(1, 'alert'), aRecord(2, 'ok'), aRecord(26, 'warn'), aRecord(27, 'error', { judge: null }), aRecord(50, 'ok')];
    runs[1] = { ...runs[1]!, notifications: [{ channel: 'email', target: 'ops@example.com', status: 'suppressed', reason: 'not wanted' }] };
    const feedback = [aFeedback('false_positive', '2026-11-26T10:00:00.000Z', 12), aFeedback('correct', '2026-11-26T11:00:00.000Z', 40), aFeedback('missed', '2026-11-26T12:00:00.000Z', 0)];

    // Act
    const insights = computeInsights({ monitor, days: 3, now: NOW, runs, complete: true, feedback, baselines: new Map([['APP', aBaseline(12)]]) });

    // Assess
    expect(insights.from).toBe('2026-11-24T12:00:00.000Z');
    expect(insights.runs.byStatus).toEqual({ ok: 2, warn: 1, alert: 1, error: 1, open: 0 });
    expect(insights.runs.perDay).toEqual([
      { day: '2026-11-24', ok: 0, warn: 0, alert: 0, error: 0, open: 0 },
      { day: '2026-11-25', ok: 1, warn: 0, alert: 0, error: 0, open: 0 },
      { day: '2026-11-26', ok: 0, warn: 1, alert: 0, error: 1, open: 0 },
      { day: '2026-11-27', ok: 1, warn: 0, alert: 1, error: 0, open: 0 },
    ]);
    expect(insights.notifications).toEqual({ sent: 1, suppressed: 1, failed: 0, outbox: 0 });
    expect(insights.feedback).toEqual({ total: 3, correct: 1, falsePositive: 1, missed: 1, falsePositiveRate: 0.5 });
    expect(insights.newTemplates).toEqual([{ label: 'APP', template: 'disk <*> almost full', firstSeen: '2026-11-25T08:00:00.000Z' }]);
    expect(insights.model).toEqual({ modelRuns: 4, skippedRuns: 0, inputTokens: 8000, outputTokens: 800, estimatedCostUsd: 0.036 });
  });

  it('suggests raising min_count past the counts marked false positive, saying what it would hide', () => {
    const feedback = [aFeedback('false_positive', '2026-11-26T10:00:00.000Z', 12), aFeedback('false_positive', '2026-11-26T11:00:00.000Z', 15), aFeedback('correct', '2026-11-26T12:00:00.000Z', 14)];

    const insights = computeInsights({ monitor, days: 7, now: NOW, runs: [], complete: true, feedback, baselines: new Map() });

    expect(insights.suggestions).toEqual([
      {
        kind: 'raise_min_count',
        label: 'ERRORS',
        pattern: 'timeout',
        current: 10,
        suggested: 16,
        message:
          'Rule on ERRORS /timeout/ breached in 2 run(s) marked false positive with 12, 15 matching lines: raise min_count from 10 to 16. It would also hide 1 breach(es) marked correct (14 lines).',
      },
    ]);
  });

  it('suggests a longer interval and a cheaper model for a monitor ok for 30 days with no feedback', () => {
    // 40 runs over 40 days, all ok, every one judged by the model
    const runs = Array.from({ length: 40 }, (_, i) => aRecord(i * 24 + 1, 'ok'));

    const insights = computeInsights({ monitor: { ...monitor, rules: [] }, days: 45, now: NOW, runs, complete: true, feedback: [], baselines: new Map() });

    expect(insights.suggestions).toEqual([
      expect.objectContaining({ kind: 'lengthen_interval', current: 300, suggested: 1200 }),
      expect.objectContaining({ kind: 'cheaper_model', current: MODEL, suggested: 'anthropic.claude-haiku-4-5' }),
    ]);
    const cheaper = insights.suggestions[1] as { currentCostUsd: number; estimatedCostUsd: number };
    // 80,000 input and 8,000 output tokens: 0.36 USD at 3/15 USD, 0.12 at haiku 4.5's 1/5
    expect(cheaper.currentCostUsd).toBe(0.36);
    expect(cheaper.estimatedCostUsd).toBe(0.12);
  });

  it('suggests nothing of the kind when verdicts flip, feedback corrected them, or the history is short', () => {
    const flipping = Array.from({ length: 40 }, (_, i) => aRecord(i * 24 + 1, i % 2 === 0 ? 'ok' : 'alert'));
    const quiet = Array.from({ length: 40 }, (_, i) => aRecord(i * 24 + 1, 'ok'));
    const base = { monitor: { ...monitor, rules: [] }, now: NOW, complete: true, baselines: new Map() };

    expect(computeInsights({ ...base, days: 45, runs: flipping, feedback: [] }).suggestions).toEqual([]);
    expect(computeInsights({ ...base, days: 45, runs: quiet, feedback: [aFeedback('missed', '2026-11-20T00:00:00.000Z', 0)] }).suggestions).toEqual([]);
    expect(computeInsights({ ...base, days: 7, runs: quiet.slice(0, 7), feedback: [] }).suggestions).toEqual([]);
  });

  it('suggests an expect_at_least rule for a template in every remembered run, unless a rule already watches it', () => {
    const baselines = new Map([['APP', aBaseline(12)]]);

    const suggested = computeInsights({ monitor, days: 7, now: NOW, runs: [], complete: true, feedback: [], baselines }).suggestions;
    const watched = computeInsights({
      monitor: { ...monitor, rules: [{ label: 'APP', pattern: 'heartbeat', expectAtLeast: 1, severity: 'warn' }] },
      days: 7,
      now: NOW,
      runs: [],
      complete: true,
      feedback: [],
      baselines,
    }).suggestions;

    expect(suggested).toEqual([
      {
        kind: 'expect_at_least',
        label: 'APP',
        pattern: 'heartbeat from.*ok after.*ms',
        expectAtLeast: 2,
        template: 'heartbeat from <*> ok after <3–9>ms',
        message:
          '"heartbeat from <*> ok after <3–9>ms" was in each of the last 12 runs of APP (2–3 lines a run): add an expect_at_least 2 rule with pattern heartbeat from.*ok after.*ms so its absence alerts.',
      },
    ]);
    expect(watched).toEqual([]);
    expect(compileLinePattern(patternOfTemplate('heartbeat from <*> ok after <3–9>ms')).test('heartbeat from worker-2 ok after 4ms')).toBe(true);
  });
});
