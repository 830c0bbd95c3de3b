import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliveryBackoffMs } from '#domain/notify/retry.ts';
import { codePointLength, cutToFit, escapeHtml, oneLine, toAscii } from '#domain/notify/text.ts';
import { anyText } from './fixtures.ts';

const byCodePoints = { ellipsis: '…', measure: codePointLength };

describe('cutToFit', () => {
  it('returns short text unchanged', () => {
    expect(cutToFit('short', 10, byCodePoints)).toBe('short');
  });

  it('cuts at the last word boundary in the second half of what fits', () => {
    expect(cutToFit('alpha beta gamma delta', 15, byCodePoints)).toBe('alpha beta…');
    expect(cutToFit('a supercalifragilistic', 10, byCodePoints)).toBe('a superca…');
  });

  it('never splits an astral character and never exceeds the limit (property)', () => {
    fc.assert(
      fc.property(anyText({ maxLength: 200 }), fc.integer({ min: 0, max: 120 }), (text, max) => {
        const cut = cutToFit(text, max, byCodePoints);
        return codePointLength(cut) <= max && !/[\ud800-\udbff](?![\udc00-\udfff])/.test(cut);
      }),
    );
  });
});

describe('text sanitising', () => {
  it('oneLine drops colours, controls and bidi overrides and collapses whitespace', () => {
    expect(oneLine('  a\u001b[31mb\u001b[0m\r\n\tc\u0000\u202e d\u200b  ')).toBe('ab c d');
  });

  it('escapeHtml escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('toAscii keeps printable ASCII only', () => {
    expect(toAscii('Zürich “ok” — 🔥\nnext…')).toBe('Zurich "ok" - ? next...');
  });
});

describe('deliveryBackoffMs', () => {
  it('doubles from the base up to the cap, with jitter in the upper half', () => {
    const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 300 };

    expect([1, 2, 3, 4].map((retry) => deliveryBackoffMs(retry, { ...policy, random: () => 0 }))).toEqual([50, 100, 150, 150]);
    expect([1, 2, 3, 4].map((retry) => deliveryBackoffMs(retry, { ...policy, random: () => 0.999999 }))).toEqual([100, 200, 300, 300]);
  });
});
