import { describe, expect, it } from 'vitest';
import type { RuleResult } from '#domain/model/entities.ts';
import { RulesOnlyJudge } from '#domain/judge/rules-only-judge.ts';

const payload = ['[ERRORS]', 'ERROR a', 'INFO b', 'ERROR c', 'ERROR d', 'ERROR e', '', '[FULL_LOGS]', 'ERROR elsewhere'].join('\n');
const rule = (overrides: Partial<RuleResult> = {}): RuleResult => ({
  label: 'ERRORS',
  pattern: 'ERROR',
  count: 4,
  severity: 'alert',
  breached: true,
  ...overrides,
});
const request = (ruleResults: RuleResult[]) => ({
  monitorName: 'orders',
  prompt: 'Look for errors.',
  payload,
  labels: ['ERRORS', 'FULL_LOGS'],
  ruleResults,
  modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
});

describe('RulesOnlyJudge', () => {
  it('reports the rules floor with one finding per breached rule quoting its first matching lines', async () => {
    // Prepare
    const judge = new RulesOnlyJudge();

    // Act
    const outcome = await judge.judge(request([rule(), rule({ label: 'FULL_LOGS', severity: 'warn', breached: false, count: 1 })]));

    // Assess
    expect(judge.kind).toBe('rules');
    expect(outcome.verdict).toEqual({
      status: 'alert',
      summary:
        'Rules only, the model was not consulted (no Bedrock access in this environment): breached: ERRORS /ERROR/: 4 matching lines (alert).',
      findings: [
        {
          title: 'Rule breached: ERRORS /ERROR/: 4 matching lines (alert)',
          severity: 'alert',
          label: 'ERRORS',
          evidence: ['ERROR a', 'ERROR c', 'ERROR d'],
          recommendation: null,
        },
      ],
    });
    expect(outcome.usage).toEqual({ kind: 'rules', modelId: null, inputTokens: 0, outputTokens: 0, latencyMs: 0, modelCalls: 0 });
    expect(outcome.error).toBeNull();
  });

  it('is ok and says so when no rule is breached or none is configured', async () => {
    const judge = new RulesOnlyJudge('local mode without AWS credentials');

    const quiet = await judge.judge(request([rule({ breached: false })]));
    const none = await judge.judge(request([]));

    expect(quiet.verdict?.status).toBe('ok');
    expect(quiet.verdict?.summary).toBe('Rules only, the model was not consulted (local mode without AWS credentials): no rule breached.');
    expect(none.verdict?.summary).toContain('no rules are configured');
    expect(none.verdict?.findings).toEqual([]);
  });
});
