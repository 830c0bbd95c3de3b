import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mineWindow, renderWindow } from '#domain/shrink/render.ts';
import type { RenderMode, WindowLine } from '#domain/shrink/render.ts';

function window(texts: readonly string[]): WindowLine[] {
  return texts.map((text) => ({ text }));
}

function repeat(count: number, make: (i: number) => string): string[] {
  return Array.from({ length: count }, (_, i) => make(i));
}

const roomy = { maxLines: 1000, maxChars: 100_000 };

describe('renderWindow bounds', () => {
  it('never exceeds maxLines or maxChars, and reports what it returns (property)', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.constantFrom('ERROR disk full on /dev/sda1', 'user 42 logged in', 'x'.repeat(500), 'two\nlines', '😀 emoji 😀 line'),
      fc.integer({ min: 0, max: 30 }).map((n) => `2024-05-01 10:00:${String(n).padStart(2, '0')},000 WARN [main] job ${n} retried`),
    );
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 60 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.constantFrom<RenderMode>('raw', 'templates'),
        (texts, maxLines, maxChars, mode) => {
          const out = renderWindow(window(texts), { mode, maxLines, maxChars });
          const lines = out.text === '' ? 0 : out.text.split('\n').length;
          expect(out.chars).toBe(out.text.length);
          expect(out.chars).toBeLessThanOrEqual(maxChars);
          expect(out.lines).toBe(lines);
          expect(out.lines).toBeLessThanOrEqual(maxLines);
          expect(out.templateIds.length + out.omittedTemplates).toBe(out.templateCount);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('renderWindow in templates mode', () => {
  it('orders errors first, then warnings, whatever their counts', () => {
    const texts = [
      ...repeat(50, (i) => `2024-05-01 10:00:00,000 INFO [main] Cache: cache hit ratio ${i} percent`),
      ...repeat(5, (i) => `2024-05-01 10:00:01,000 WARN [main] Pool: pool nearly exhausted, ${i} free`),
      '2024-05-01 10:00:02,000 ERROR [main] Db: connection to db-1 refused',
    ];

    const out = renderWindow(window(texts), { mode: 'templates', ...roomy });

    const entries = out.text.split('\n').filter((line) => /^\d+x /.test(line));
    expect(entries[0]).toContain('ERROR connection to db-1 refused');
    expect(entries[1]).toContain('WARN pool nearly exhausted, <0–4> free');
    expect(entries[2]).toContain('cache hit ratio <0–49> percent');
  });

  it('shows a template seen at most twice as its real lines, and a frequent one as a template with an example', () => {
    const texts = [...repeat(10, (i) => `request ${i} served in ${i * 3} ms`), 'fan 2 speed dropped to 800 rpm', 'fan 3 speed dropped to 750 rpm'];

    const out = renderWindow(window(texts), { mode: 'templates', ...roomy });

    expect(out.text).toContain('1x fan 2 speed dropped to 800 rpm');
    expect(out.text).toContain('1x fan 3 speed dropped to 750 rpm');
    expect(out.text).toContain('10x request <0–9> served in <0–27> ms');
    expect(out.text).toContain('e.g. request 0 served in 0 ms');
    expect(out.templateCount).toBe(2);
    expect(out.truncated).toBe(false);
  });

  it('shows first and last seen', () => {
    const texts = ['Jun 14 15:16:01 host app[1]: tick 1 done', 'Jun 14 15:16:02 host app[1]: tick 2 done', 'Jun 14 15:20:11 host app[1]: tick 3 done'];

    const out = renderWindow(window(texts), { mode: 'templates', ...roomy });

    expect(out.text).toContain('3x tick <1–3> done @ Jun 14 15:16:01..15:20:11');
  });

  it('shows a number far from the others verbatim: 200 lines `request took 12ms` and one 9500ms', () => {
    const texts = repeat(200, (i) => `2026-11-27T10:${String(Math.floor(i / 4)).padStart(2, '0')}:00Z INFO request took ${12 + (i % 5)}ms`);
    texts.splice(137, 0, '2026-11-27T10:34:30Z INFO request took 9500ms');

    const out = renderWindow(window(texts), { mode: 'templates', ...roomy });

    expect(out.text.split('\n')).toEqual([
      '# 201 lines, 1 templates, most important first',
      '201x request took <12–9500>ms @ 2026-11-27T10:00:00Z..10:49:00Z',
      '    e.g. request took 12ms',
      '    e.g. request took 16ms',
      '    outlier: request took 9500ms',
    ]);
  });

  it('shows an outlier before second examples when room is short, and none within an ordinary spread', () => {
    const spread = repeat(100, (i) => `job ${i} finished in ${200 + ((i * 37) % 300)} ms`);
    const spike = [...repeat(40, (i) => `daily cost of service ${i} was ${12 + (i % 2) * 0.5} USD`), 'daily cost of service 99 was 88.00 USD'];

    const roomyOut = renderWindow(window([...spread, ...spike]), { mode: 'templates', ...roomy });
    const headOnly = renderWindow(window([...spread, ...spike]), { mode: 'templates', maxLines: 6, maxChars: 10_000 });

    expect(roomyOut.text).toContain('    outlier: daily cost of service 99 was 88.00 USD');
    expect(roomyOut.text).toContain('<12–88.00> USD');
    expect(roomyOut.text).not.toContain('outlier: job');
    expect(headOnly.text.split('\n').filter((line) => line.startsWith('    '))).toEqual([
      '    e.g. daily cost of service 0 was 12 USD',
      '    e.g. job 0 finished in 200 ms',
      '    outlier: daily cost of service 99 was 88.00 USD',
    ].sort((a, b) => headOnly.text.indexOf(a) - headOnly.text.indexOf(b)));
  });

  it('counts the templates it leaves out when the budget is too small for all', () => {
    const texts = repeat(60, (i) => `event ${'step '.repeat(i)}done`);

    const out = renderWindow(window(texts), { mode: 'templates', maxLines: 1000, maxChars: 600 });

    expect(out.templateCount).toBe(60);
    expect(out.omittedTemplates).toBeGreaterThan(0);
    expect(out.templateIds).toHaveLength(60 - out.omittedTemplates);
    expect(out.text).toContain(`… ${out.omittedTemplates} more templates not shown`);
    expect(out.truncated).toBe(true);
  });

  it('reports as shown only templates whose line is in the text', () => {
    const texts = [...repeat(30, (i) => `user ${i} logged in`), ...repeat(30, (i) => `job ${i} failed after ${i} retries`), 'disk full'];
    const miner = mineWindow(window(texts));

    const out = renderWindow(window(texts), { mode: 'templates', maxLines: 3, maxChars: 2000 });

    const shown = miner.templates().filter((template) => out.templateIds.includes(template.id));
    expect(shown).toHaveLength(out.templateIds.length);
    for (const template of shown) expect(out.text).toContain(template.count > 2 ? template.template : (template.examples[0]?.body ?? '?'));
  });
});

describe('renderWindow in raw mode', () => {
  it('keeps the newest whole lines that fit, oldest first', () => {
    const texts = repeat(100, (i) => `line ${String(i).padStart(3, '0')}`);

    const out = renderWindow(window(texts), { mode: 'raw', maxLines: 1000, maxChars: 10 * 9 - 1 });

    expect(out.text.split('\n')).toEqual(texts.slice(90));
    expect(out.truncated).toBe(true);
    expect(out.templateIds).toHaveLength(1);
  });

  it('cuts the newest line when not even it fits', () => {
    const out = renderWindow(window(['old', 'a much longer newest line']), { mode: 'raw', maxLines: 5, maxChars: 8 });

    expect(out.text).toBe('a much …');
    expect(out.truncated).toBe(true);
  });
});
