import { describe, expect, it } from 'vitest';
import type { RuleResult } from '#domain/model/entities.ts';
import type { PreviousVerdict } from '#domain/judge/ports.ts';
import { decideJudgeSkip, hashPayload, judgeFingerprint } from '#domain/judge/skip.ts';

const previous = (overrides: Partial<PreviousVerdict> = {}): PreviousVerdict => ({
  payloadHash: 'h1',
  status: 'warn',
  summary: 'Slow fills.',
  findings: [],
  ...overrides,
});

describe('hashPayload', () => {
  it('is the SHA-256 hex of the UTF-8 text', () => {
    expect(hashPayload('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashPayload('é')).not.toBe(hashPayload('e'));
  });
});

describe('judgeFingerprint', () => {
  const base = {
    kind: 'bedrock' as const,
    modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    prompt: 'Look for errors.',
    ruleResults: [] as RuleResult[],
    payload: '[A]\nx',
  };

  it('changes with the payload, the instruction, the model, the judge kind and the rule results', () => {
    const fingerprint = judgeFingerprint(base);

    expect(judgeFingerprint({ ...base })).toBe(fingerprint);
    expect(judgeFingerprint({ ...base, payload: '[A]\ny' })).not.toBe(fingerprint);
    expect(judgeFingerprint({ ...base, prompt: 'Look for warnings.' })).not.toBe(fingerprint);
    expect(judgeFingerprint({ ...base, modelId: 'amazon.nova-micro-v1:0' })).not.toBe(fingerprint);
    expect(judgeFingerprint({ ...base, kind: 'rules' })).not.toBe(fingerprint);
    expect(
      judgeFingerprint({ ...base, ruleResults: [{ label: 'A', pattern: 'x', count: 1, severity: 'warn', breached: true }] }),
    ).not.toBe(fingerprint);
  });
});

describe('decideJudgeSkip', () => {
  it('skips with no_new_data when no input brought a line', () => {
    expect(decideJudgeSkip({ lineCounts: { A: 0, B: 0 }, payloadHash: 'h1', previousRun: previous() })).toBe('no_new_data');
    expect(decideJudgeSkip({ lineCounts: {}, payloadHash: 'h1', previousRun: null })).toBe('no_new_data');
  });

  it('skips with unchanged when the previous verdict had the same hash', () => {
    expect(decideJudgeSkip({ lineCounts: { A: 3 }, payloadHash: 'h1', previousRun: previous() })).toBe('unchanged');
  });

  it('asks the model for new data, a different hash, no previous run or a previous error run', () => {
    expect(decideJudgeSkip({ lineCounts: { A: 0, B: 1 }, payloadHash: 'h2', previousRun: previous() })).toBeNull();
    expect(decideJudgeSkip({ lineCounts: { A: 1 }, payloadHash: 'h1', previousRun: null })).toBeNull();
    expect(decideJudgeSkip({ lineCounts: { A: 1 }, payloadHash: 'h1', previousRun: previous({ status: 'error' }) })).toBeNull();
    expect(decideJudgeSkip({ lineCounts: { A: 1 }, payloadHash: 'h1', previousRun: previous({ payloadHash: null }) })).toBeNull();
  });
});
