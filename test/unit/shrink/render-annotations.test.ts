import { describe, expect, it } from 'vitest';
import { renderWindow, type WindowLine } from '#domain/shrink/index.ts';

const window: WindowLine[] = [
  ...Array.from({ length: 50 }, (_, i) => ({ text: `INFO request ${1000 + i} served in ${10 + i}ms` })),
  ...Array.from({ length: 3 }, (_, i) => ({ text: `WARN disk /dev/sd${'bcd'[i]}1 almost full` })),
];
const isDisk = (template: { template: string }) => template.template.startsWith('disk');

describe('renderWindow with annotations', () => {
  it('puts a tag after the count, a note after the template, trailer lines last, and a note on the summary', () => {
    const rendered = renderWindow(window, {
      mode: 'templates',
      maxLines: 50,
      maxChars: 4000,
      annotate: () => ({
        tagOf: (t) => (isDisk(t) ? 'NEW' : undefined),
        noteOf: (t) => (isDisk(t) ? undefined : ' [usual 3–15 a window]'),
        summaryNote: '; learning',
        trailer: ['MISSING: heartbeat from <*> ok [seen in 20 of the last 20 runs, usual 1 a window]'],
      }),
    });
    const lines = rendered.text.split('\n');

    expect(lines[0]).toBe('# 53 lines, 2 templates, most important first; learning');
    expect(lines).toContain('3x NEW WARN disk <*> almost full');
    expect(lines.find((line) => line.startsWith('50x'))).toMatch(/^50x request <1000–1049> served in <10–59>ms \[usual 3–15 a window\]$/);
    expect(lines.at(-1)).toBe('MISSING: heartbeat from <*> ok [seen in 20 of the last 20 runs, usual 1 a window]');
  });

  it('keeps room for the trailer before the templates, and orders marked templates first in their band', () => {
    // 30 templates of different lengths (the miner never merges those), 5 lines each
    const infos: WindowLine[] = Array.from({ length: 30 }, (_, k) =>
      Array.from({ length: 5 }, (__, i) => ({ text: `INFO stage ${'very '.repeat(k)}slow for job ${i * 7}` })),
    ).flat();
    const marked = (t: { template: string }) => t.template.split('very').length - 1 === 5;
    const trailer = 'MISSING: heartbeat from <*> ok [seen in 20 of the last 20 runs, usual 1 a window]';

    const rendered = renderWindow(infos, {
      mode: 'templates',
      maxLines: 8,
      maxChars: 600,
      annotate: () => ({ tagOf: (t) => (marked(t) ? 'NEW' : undefined), trailer: [trailer] }),
    });
    const lines = rendered.text.split('\n');

    // an early, unremarkable template, shown among the few that fit because it is marked
    expect(lines.filter((line) => line.startsWith('5x NEW stage very'))).toHaveLength(1);
    expect(rendered.omittedTemplates).toBeGreaterThan(20);
    expect(lines.at(-1)).toBe(trailer);
    expect(rendered.truncated).toBe(true);
  });
});
