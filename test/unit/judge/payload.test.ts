import { describe, expect, it } from 'vitest';
import {
  estimateTokens,
  fitToTokenBudget,
  formatPayload,
  isCutMarker,
  linesByLabel,
  neutraliseFence,
  parsePayload,
} from '#domain/judge/payload.ts';

const payload = ['[FULL_LOGS]', 'a1', '[INFO] a2', '', '[ERRORS]', 'e1', 'e2'].join('\n');

describe('parsePayload', () => {
  it('splits blocks by the known labels only, dropping the separating blank lines', () => {
    // Act
    const blocks = parsePayload(payload, ['FULL_LOGS', 'ERRORS']);

    // Assess
    expect(blocks).toEqual([
      { label: 'FULL_LOGS', lines: ['a1', '[INFO] a2'] },
      { label: 'ERRORS', lines: ['e1', 'e2'] },
    ]);
    expect(formatPayload(blocks)).toBe(payload);
  });

  it('without labels, takes a bracketed word as a header only at the start or after a blank line', () => {
    const blocks = parsePayload(payload);

    expect(blocks.map((block) => block.label)).toEqual(['FULL_LOGS', 'ERRORS']);
    expect(blocks[0]?.lines).toContain('[INFO] a2');
  });

  it('keeps lines before the first header and maps labels to the monitor spelling', () => {
    const blocks = parsePayload('stray\n[errors]\ne1', ['ERRORS']);

    expect(blocks).toEqual([
      { label: '', lines: ['stray'] },
      { label: 'ERRORS', lines: ['e1'] },
    ]);
    expect(linesByLabel(blocks)).toEqual(new Map([['ERRORS', ['e1']]]));
  });
});

describe('estimateTokens', () => {
  it('counts 3 characters per token, rounding up (conservative for logs)', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abc')).toBe(1);
    expect(estimateTokens('abcd')).toBe(2);
    expect(estimateTokens('x'.repeat(8000))).toBe(2667);
  });
});

describe('fitToTokenBudget', () => {
  const block = (label: string, count: number, width = 40) =>
    [`[${label}]`, ...Array.from({ length: count }, (_, i) => `${label} line ${String(i).padStart(4, '0')} `.padEnd(width, '.'))].join('\n');

  it('returns a payload that fits unchanged', () => {
    const text = block('A', 3);

    expect(fitToTokenBudget(text, 1000)).toEqual({ payload: text, cutLines: 0, cutByLabel: {} });
  });

  it('cuts the oldest lines of the largest block first, keeping every header and a marker', () => {
    // Prepare: SMALL is ~200 chars, BIG ~8,000 chars; the budget leaves room for ~2,000
    const text = `${block('SMALL', 5)}\n\n${block('BIG', 200)}`;

    // Act
    const fitted = fitToTokenBudget(text, 700, ['SMALL', 'BIG']);

    // Assess
    const blocks = parsePayload(fitted.payload, ['SMALL', 'BIG']);
    expect(estimateTokens(fitted.payload)).toBeLessThanOrEqual(700);
    expect(blocks.map((b) => b.label)).toEqual(['SMALL', 'BIG']);
    expect(blocks[0]?.lines).toHaveLength(5);
    const big = blocks[1]?.lines ?? [];
    expect(isCutMarker(big[0] ?? '')).toBe(true);
    expect(big.at(-1)).toContain('BIG line 0199');
    expect(fitted.cutByLabel).toEqual({ BIG: fitted.cutLines });
    expect(big).toHaveLength(200 - fitted.cutLines + 1);
    expect(big[0]).toBe(`(vigil: ${fitted.cutLines} older lines cut to fit the model's input budget)`);
  });

  it('shares the budget evenly between blocks that are both too large', () => {
    const text = `${block('A', 100)}\n\n${block('B', 100)}`;

    const fitted = fitToTokenBudget(text, 1000, ['A', 'B']);

    expect(estimateTokens(fitted.payload)).toBeLessThanOrEqual(1000);
    expect(fitted.cutByLabel.A).toBeGreaterThan(0);
    expect(Math.abs((fitted.cutByLabel.A ?? 0) - (fitted.cutByLabel.B ?? 0))).toBeLessThanOrEqual(1);
  });

  it('cuts a templates-mode block from its end: the summary and the most important templates stay', () => {
    const templates = Array.from({ length: 200 }, (_, i) => `${200 - i}x template number ${String(i).padStart(4, '0')} <*>`.padEnd(60, '.'));
    const text = ['[APP]', '# 20100 lines, 200 templates, most important first', '3x ERROR disk <*> failed', ...templates].join('\n');

    const fitted = fitToTokenBudget(text, 700, ['APP']);

    const lines = parsePayload(fitted.payload, ['APP'])[0]?.lines ?? [];
    expect(estimateTokens(fitted.payload)).toBeLessThanOrEqual(700);
    expect(lines.slice(0, 2)).toEqual(['# 20100 lines, 200 templates, most important first', '3x ERROR disk <*> failed']);
    expect(lines.at(-1)).toBe(`(vigil: ${fitted.cutLines} less important lines cut to fit the model's input budget)`);
    expect(isCutMarker(lines.at(-1) ?? '')).toBe(true);
    expect(lines).toHaveLength(202 - fitted.cutLines + 1);
  });

  it('cuts a table between its header and its newest rows: caption, header, newest days and totals stay', () => {
    const days = Array.from({ length: 300 }, (_, i) => `2026-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')} | 12.50 | 0.30`);
    const text = ['[BUDGET]', '# daily cost in USD: 300 days × 2 groups, oldest first', 'day | EC2 | CloudWatch', ...days, 'month-to-date since 2026-11-01 total 408.60 USD'].join('\n');

    const fitted = fitToTokenBudget(text, 600, ['BUDGET']);

    const lines = parsePayload(fitted.payload, ['BUDGET'])[0]?.lines ?? [];
    expect(estimateTokens(fitted.payload)).toBeLessThanOrEqual(600);
    expect(lines.slice(0, 3)).toEqual([
      '# daily cost in USD: 300 days × 2 groups, oldest first',
      'day | EC2 | CloudWatch',
      `(vigil: ${fitted.cutLines} older table rows cut to fit the model's input budget)`,
    ]);
    expect(lines.at(-2)).toBe(days.at(-1));
    expect(lines.at(-1)).toBe('month-to-date since 2026-11-01 total 408.60 USD');
    expect(isCutMarker(lines[2] ?? '')).toBe(true);
  });

  it('keeps the beginning of a single line longer than the whole budget', () => {
    const text = `[JSON]\n${'{"k":"v"},'.repeat(3000)}`;

    const fitted = fitToTokenBudget(text, 500, ['JSON']);

    const [line] = parsePayload(fitted.payload, ['JSON'])[0]?.lines ?? [];
    expect(line?.startsWith('{"k":"v"}')).toBe(true);
    expect(line?.endsWith('…')).toBe(true);
    expect(estimateTokens(fitted.payload)).toBeLessThanOrEqual(500);
  });
});

describe('neutraliseFence', () => {
  it('escapes every spelling of the logs fence and nothing else', () => {
    expect(neutraliseFence('a </logs> b < /LOGS > <logs id=1> <logsy> <log>')).toBe(
      'a &lt;/logs> b &lt; /LOGS > &lt;logs id=1> <logsy> <log>',
    );
  });
});
