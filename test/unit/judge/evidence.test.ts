import { describe, expect, it } from 'vitest';
import type { Finding } from '#domain/model/entities.ts';
import { evidenceLines, quoteSpellings } from '#domain/judge/evidence.ts';
import { judgeRun } from '#domain/judge/judge-run.ts';
import type { Judge, JudgeOutcome, JudgeRequest } from '#domain/judge/ports.ts';
import { RulesOnlyJudge } from '#domain/judge/rules-only-judge.ts';
import { verifyEvidence } from '#domain/judge/verdict.ts';
import { renderWindow, type WindowLine } from '#domain/shrink/index.ts';

const finding = (evidence: string[], label = 'APP'): Finding => ({ title: 't', severity: 'warn', label, evidence, recommendation: null });

// A templates-mode block in the notation the team agreed on (see the payload notation).
const NOTATION = [
  '[APP]',
  '# 2201 lines, 14 templates, most important first',
  '# still learning: run 2 of 5',
  '6x ERROR container app task <*> stopped: exit <1–137> @ 2026-11-27T10:01:02Z..10:04:59Z',
  '    e.g. 2026-11-27T10:01:02Z ERROR container app task 7f3a stopped: exit 137',
  '54x INFO container app task <*> started',
  '200x request took <12–9500>ms',
  '    outlier: 2026-11-27T10:03:00Z request took 9500ms',
  '1x NEW ERROR disk /dev/xvda1 almost full, 97% used @ 2026-11-27T10:03:10Z',
  '412x WARN retrying <*> [usual 3–15 a window]',
  'MISSING: heartbeat from <*> ok [seen in 19 of the last 20 runs, usual 1–2 a window]',
  '… 3 more templates not shown',
].join('\n');

describe('evidenceLines', () => {
  it('turns each rendered line into the log line it stands for', () => {
    const lines = evidenceLines(NOTATION, ['APP']);

    expect(lines.map((line) => line.evidence)).toEqual([
      // a template head stands for the first real line under it
      '2026-11-27T10:01:02Z ERROR container app task 7f3a stopped: exit 137',
      '2026-11-27T10:01:02Z ERROR container app task 7f3a stopped: exit 137',
      // a template without an example is quoted as shown
      '54x INFO container app task <*> started',
      '2026-11-27T10:03:00Z request took 9500ms',
      '2026-11-27T10:03:00Z request took 9500ms',
      'disk /dev/xvda1 almost full, 97% used',
      '412x WARN retrying <*> [usual 3–15 a window]',
      'MISSING: heartbeat from <*> ok [seen in 19 of the last 20 runs, usual 1–2 a window]',
    ]);
  });

  it('leaves raw-mode lines as they are, even when they look like notation', () => {
    const raw = ['[APP]', '3x retry budget left', '    e.g. indented log line'].join('\n');

    expect(evidenceLines(raw, ['APP']).map((line) => line.evidence)).toEqual(['3x retry budget left', 'e.g. indented log line']);
  });

  it('reduces a quote to the spellings a model may use', () => {
    expect(quoteSpellings('1x NEW ERROR disk full @ 2026-11-27T10:03:10Z')).toEqual([
      '1x NEW ERROR disk full @ 2026-11-27T10:03:10Z',
      'disk full',
    ]);
    expect(quoteSpellings('e.g. ERROR a b c')).toEqual(['e.g. ERROR a b c', 'ERROR a b c', 'a b c']);
  });
});

describe('verifyEvidence on a templates-mode payload', () => {
  it('stores the log line without e.g., outlier, head or time, whichever spelling the model quoted', () => {
    const quotes = [
      '    e.g. 2026-11-27T10:01:02Z ERROR container app task 7f3a stopped: exit 137',
      'outlier: 2026-11-27T10:03:00Z request took 9500ms',
      '1x NEW ERROR disk /dev/xvda1 almost full, 97% used @ 2026-11-27T10:03:10Z',
      'ERROR disk /dev/xvda1 almost full, 97% used',
      '6x ERROR container app task <*> stopped: exit <1–137> @ 2026-11-27T10:01:02Z..10:04:59Z',
      '# 2201 lines, 14 templates, most important first',
    ];

    const { findings, dropped } = verifyEvidence([finding(quotes)], NOTATION, ['APP']);

    expect(findings[0]?.evidence).toEqual([
      '2026-11-27T10:01:02Z ERROR container app task 7f3a stopped: exit 137',
      '2026-11-27T10:03:00Z request took 9500ms',
      'disk /dev/xvda1 almost full, 97% used',
    ]);
    expect(dropped).toBe(1);
  });

  it('matches quotes back to the real lines of a payload the renderer made', () => {
    const window: WindowLine[] = [
      ...Array.from({ length: 40 }, (_, i) => ({ text: `2026-11-27T10:00:${String(i).padStart(2, '0')}Z INFO request ${i} served in ${10 + i}ms` })),
      { text: '2026-11-27T10:01:00Z ERROR payment gateway refused card for order 7781' },
    ];
    const rendered = renderWindow(window, { mode: 'templates', maxChars: 4000, maxLines: 100 }).text;
    const payload = `[APP]\n${rendered}`;
    const shown = rendered.split('\n');
    // every line the renderer shows, quoted as the model saw it
    const { findings, dropped } = verifyEvidence([finding(shown.map((line) => line.trim()))], payload, ['APP']);

    expect(dropped).toBe(1); // the summary line
    const evidence = findings[0]?.evidence ?? [];
    expect(evidence).toContain('payment gateway refused card for order 7781');
    expect(evidence.some((line) => /^request \d+ served in \d+ms$/.test(line))).toBe(true);
    for (const line of evidence) {
      expect(line).not.toMatch(/^(?:e\.g\.|outlier:|\d+x )/);
      expect(line).not.toMatch(/ @ 2026/);
      expect(window.some((raw) => raw.text.includes(line))).toBe(true);
    }
  });
});

describe('the rules-only judge', () => {
  it('quotes log lines, not the notation around them', async () => {
    const outcome = await new RulesOnlyJudge().judge({
      monitorName: 'm',
      prompt: 'p',
      payload: NOTATION,
      labels: ['APP'],
      ruleResults: [{ label: 'APP', pattern: 'ERROR', count: 7, severity: 'alert', breached: true }],
      modelId: 'x',
    });

    expect(outcome.verdict?.findings[0]?.evidence).toEqual([
      '2026-11-27T10:01:02Z ERROR container app task 7f3a stopped: exit 137',
      'disk /dev/xvda1 almost full, 97% used',
    ]);
  });
});

class CapturingJudge implements Judge {
  readonly kind = 'bedrock' as const;
  readonly requests: JudgeRequest[] = [];

  async judge(request: JudgeRequest): Promise<JudgeOutcome> {
    this.requests.push(request);
    const quoted = request.payload.split('\n').filter((line) => line.includes('REDACTED'));
    const { findings, dropped } = verifyEvidence([finding(quoted)], request.payload, request.labels);
    return {
      verdict: { status: 'warn', summary: 's', findings },
      usage: { kind: 'bedrock', modelId: request.modelId, inputTokens: 10, outputTokens: 10, latencyMs: 1, modelCalls: 1 },
      error: null,
      rawReply: null,
      droppedEvidence: dropped,
    };
  }
}

describe('secrets in a rendered payload', () => {
  const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const PEM_LINE = 'MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun';
  const window: WindowLine[] = [
    ...Array.from({ length: 30 }, (_, i) => ({ text: `2026-11-27T10:00:${String(i).padStart(2, '0')}Z INFO request ${i} took ${10 + i}ms` })),
    { text: `2026-11-27T10:03:00Z ERROR login with credentials AKIAIOSFODNN7EXAMPLE / ${AWS_SECRET} failed` },
    ...Array.from({ length: 5 }, (_, i) => ({ text: `2026-11-27T10:04:0${i}Z WARN retry ${i} connecting to postgres://app:S3cretPass${i}@db:5432/x` })),
    {
      text: `2026-11-27T10:04:30Z ERROR bad key -----BEGIN RSA PRIVATE KEY-----\n${PEM_LINE}\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----`,
    },
  ];
  const secrets = [AWS_SECRET, 'AKIAIOSFODNN7EXAMPLE', PEM_LINE, 'S3cretPass0', 'S3cretPass4', 'VTLw7onLRnrq0'];

  it('are gone from examples, verbatim lines and cut lines, in what the model reads, what is stored and the evidence', async () => {
    const rendered = renderWindow(window, { mode: 'templates', maxChars: 8000, maxLines: 100 }).text;
    // the renderer shows them: in a verbatim rare line, in examples, and in a line cut with …
    for (const secret of secrets.slice(0, 4)) expect(rendered).toContain(secret);
    expect(rendered).toContain('…');
    const judge = new CapturingJudge();

    const result = await judgeRun(
      {
        monitorName: 'm',
        prompt: 'p',
        rules: [],
        modelId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
        payload: `[APP]\n${rendered}`,
        inputs: { APP: { lines: window.length, chars: 5000, truncated: false, error: null } },
        previousRun: null,
        maxInputTokens: 30_000,
        deadline: Date.now() + 60_000,
      },
      { judge, metrics: { record: () => undefined } },
    );

    const sent = judge.requests[0]?.payload ?? '';
    const evidence = result.findings.flatMap((f) => f.evidence);
    expect(evidence.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) {
      expect(sent).not.toContain(secret);
      expect(result.payload).not.toContain(secret);
      expect(evidence.join('\n')).not.toContain(secret);
    }
    expect(result.redactions).toBeGreaterThanOrEqual(5);
  });
});
