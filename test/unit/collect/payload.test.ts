import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPayload, fairShares, NO_LINES } from '#domain/collect/payload.ts';
import type { CollectedInput, CollectedLine } from '#domain/collect/types.ts';
import { formatLine, renderNewest, type WindowRenderer } from '#domain/collect/window.ts';
import type { WindowConfig } from '#domain/model/entities.ts';

const raw = (maxLines: number, maxChars: number): WindowConfig => ({ maxLines, maxChars, mode: 'raw' });
const line = (text: string, timestamp: string | null = null): CollectedLine => ({ timestamp, text });
const input = (label: string, texts: string[], error: string | null = null): CollectedInput => ({
  label,
  lines: texts.map((t) => line(t)),
  error,
  notes: [],
});

describe('buildPayload', () => {
  it('groups inputs as [LABEL] blocks, oldest line first, with timestamps and origins', () => {
    // Prepare
    const collected: CollectedInput[] = [
      {
        label: 'FULL_LOGS',
        lines: [
          { timestamp: '2026-11-21T10:02:11.000Z', text: 'INFO order 1 placed' },
          { timestamp: '2026-11-21T10:02:12.345Z', text: 'ERROR order 2 timeout', origin: 'task-1' },
        ],
        error: null,
        notes: [],
      },
      input('ERRORS', ['ERROR order 2 timeout']),
    ];

    // Act
    const payload = buildPayload(collected, raw(500, 8000));

    // Assess
    expect(payload.text).toBe(
      [
        '[FULL_LOGS]',
        '2026-11-21T10:02:11Z INFO order 1 placed',
        '2026-11-21T10:02:12.345Z [task-1] ERROR order 2 timeout',
        '',
        '[ERRORS]',
        'ERROR order 2 timeout',
      ].join('\n'),
    );
    expect(payload.inputs).toEqual({
      FULL_LOGS: { lines: 2, chars: 96, truncated: false, error: null },
      ERRORS: { lines: 1, chars: 21, truncated: false, error: null },
    });
    expect(payload.blocks[1]).toEqual({ label: 'ERRORS', text: 'ERROR order 2 timeout', error: null, lines: ['ERROR order 2 timeout'] });
  });

  it('writes a failed input as its error and an empty one as (no lines)', () => {
    // Prepare
    const collected = [
      input('LATENCY', [], 'missing permission logs:StartQuery on log group /ecs/api in eu-west-1'),
      input('QUIET', []),
    ];

    // Act
    const payload = buildPayload(collected, raw(500, 8000));

    // Assess
    expect(payload.text).toBe(
      '[LATENCY]\nerror: missing permission logs:StartQuery on log group /ecs/api in eu-west-1\n\n[QUIET]\n(no lines)',
    );
    expect(payload.inputs.LATENCY).toEqual({
      lines: 0,
      chars: 0,
      truncated: false,
      error: 'missing permission logs:StartQuery on log group /ecs/api in eu-west-1',
    });
    expect(payload.blocks.map((b) => b.lines)).toEqual([[], []]);
    expect(payload.blocks[1]?.text).toBe(NO_LINES);
  });

  it('cuts each input to the window keeping its newest lines', () => {
    // Prepare
    const collected = [input('FULL_LOGS', ['one', 'two', 'three', 'four'])];

    // Act
    const payload = buildPayload(collected, raw(2, 8000));

    // Assess
    expect(payload.text).toBe('[FULL_LOGS]\nthree\nfour');
    expect(payload.inputs.FULL_LOGS).toEqual({ lines: 2, chars: 10, truncated: true, error: null });
  });

  it('shares the combined budget fairly so a small input keeps all its lines next to a noisy one', () => {
    // Prepare: each input fits the window alone; together they do not.
    const noisy = input('NOISY', Array.from({ length: 50 }, (_, i) => `noisy line ${String(i).padStart(2, '0')}`));
    const small = input('SMALL', ['only line']);

    // Act
    const payload = buildPayload([noisy, small], raw(20, 8000));

    // Assess
    expect(payload.blocks[1]?.lines).toEqual(['only line']);
    expect(payload.blocks[0]?.lines).toEqual(Array.from({ length: 19 }, (_, i) => `noisy line ${i + 31}`));
    expect(payload.inputs.NOISY?.truncated).toBe(true);
    expect(payload.inputs.SMALL?.truncated).toBe(false);
  });

  it('keeps the newest line, cut, when it alone is longer than the window', () => {
    // Prepare
    const collected = [input('BIG', ['old', 'x'.repeat(500)])];

    // Act
    const payload = buildPayload(collected, raw(10, 100));

    // Assess: `[BIG]` and its line break take 6 of the 100 characters.
    expect(payload.text.length).toBeLessThanOrEqual(100);
    expect(payload.blocks[0]?.text).toBe(`${'x'.repeat(93)}…`);
    expect(payload.inputs.BIG?.truncated).toBe(true);
  });

  it('renders with the renderer it is given and still cuts what it returns beyond the bounds', () => {
    // Prepare: a renderer that ignores the bounds it is asked for.
    const calls: Array<{ maxLines: number; maxChars: number }> = [];
    const greedy: WindowRenderer = (lines, options) => {
      calls.push({ maxLines: options.maxLines, maxChars: options.maxChars });
      const text = lines.map((l) => `T ${l.text}`).join('\n');
      return { text, lines: lines.length, chars: text.length, truncated: false, omittedTemplates: 3 };
    };
    const collected = [input('A', ['a1', 'a2', 'a3', 'a4'])];

    // Act
    const payload = buildPayload(collected, { maxLines: 2, maxChars: 8000, mode: 'templates' }, greedy);

    // Assess
    expect(calls[0]).toEqual({ maxLines: 2, maxChars: 8000 });
    expect(payload.text).toBe('[A]\nT a3\nT a4');
    expect(payload.inputs.A).toEqual({ lines: 2, chars: 9, truncated: true, error: null, omittedTemplates: 3 });
  });

  it('keeps whole headers in order when even the headers exceed maxChars', () => {
    // Prepare
    const labels = ['A'.repeat(60), 'B'.repeat(60)];

    // Act
    const payload = buildPayload(
      labels.map((l) => input(l, ['x'])),
      raw(10, 100),
    );

    // Assess
    expect(payload.text).toBe(`[${labels[0]}]`);
    expect(payload.inputs[labels[1] as string]).toEqual({ lines: 0, chars: 0, truncated: true, error: null });
  });
});

describe('fairShares', () => {
  it('meets small demands in full and splits the rest evenly', () => {
    expect(fairShares([5, 100, 100, 0], 105)).toEqual([5, 50, 50, 0]);
    expect(fairShares([5, 10], 100)).toEqual([5, 10]);
  });
});

// ---- properties ----

const LABEL = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,11}$/);
const TEXT = fc.string({ minLength: 0, maxLength: 120 });
const LINE = fc.record({
  timestamp: fc.option(fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }).map((ms) => new Date(ms).toISOString()), {
    nil: null,
  }),
  text: TEXT,
});
const INPUTS = fc
  .uniqueArray(LABEL, { minLength: 1, maxLength: 6, selector: (l) => l.toLowerCase() })
  .chain((labels) =>
    fc.tuple(
      ...labels.map((label) =>
        fc.record({
          label: fc.constant(label),
          lines: fc.array(LINE, { maxLength: 60 }),
          error: fc.option(fc.string({ minLength: 1, maxLength: 200 }), { freq: 4, nil: null }),
          notes: fc.constant([] as string[]),
        }),
      ),
    ),
  )
  .map((inputs) => inputs.map((i): CollectedInput => (i.error === null ? i : { ...i, lines: [] })));
const WINDOW = fc.record({
  maxLines: fc.integer({ min: 1, max: 80 }),
  maxChars: fc.integer({ min: 100, max: 3000 }),
  mode: fc.constant('raw' as const),
});

describe('buildPayload properties', () => {
  it('never exceeds maxChars nor maxLines of window lines', () => {
    fc.assert(
      fc.property(INPUTS, WINDOW, (inputs, window) => {
        const payload = buildPayload(inputs, window);
        expect(payload.text.length).toBeLessThanOrEqual(window.maxChars);
        const windowLines = payload.blocks.reduce((sum, b) => sum + b.lines.length, 0);
        expect(windowLines).toBeLessThanOrEqual(window.maxLines);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps every label, in order, as a header line of its own', () => {
    fc.assert(
      fc.property(INPUTS, WINDOW, (inputs, window) => {
        const payload = buildPayload(inputs, window);
        const headers = inputs.map((i) => `[${i.label}]`);
        const fits = headers.join('\n\n').length + inputs.length <= window.maxChars;
        fc.pre(fits);
        const headerLines = payload.text.split('\n').filter((l) => headers.includes(l));
        expect(headerLines).toEqual(headers);
        expect(payload.blocks.map((b) => b.label)).toEqual(inputs.map((i) => i.label));
        expect(Object.keys(payload.inputs).sort()).toEqual(inputs.map((i) => i.label).sort());
      }),
      { numRuns: 400 },
    );
  });

  it('keeps the newest lines of each input: its window is a suffix of its lines', () => {
    fc.assert(
      fc.property(INPUTS, WINDOW, (inputs, window) => {
        const payload = buildPayload(inputs, window);
        payload.blocks.forEach((block, i) => {
          const formatted = (inputs[i] as CollectedInput).lines.map(formatLine).filter((l) => l !== '');
          const kept = block.lines;
          if (kept.length === 0) return;
          const newest = formatted.slice(formatted.length - kept.length);
          // Only a window of one line may hold its newest line cut short.
          if (kept.length === 1 && kept[0] !== newest[0]) {
            expect((kept[0] as string).endsWith('…')).toBe(true);
            expect((newest[0] as string).startsWith((kept[0] as string).slice(0, -1))).toBe(true);
          } else {
            expect(kept).toEqual(newest);
          }
        });
      }),
      { numRuns: 400 },
    );
  });

  it('says an input is truncated exactly when lines were left out', () => {
    fc.assert(
      fc.property(INPUTS, WINDOW, (inputs, window) => {
        const payload = buildPayload(inputs, window);
        payload.blocks.forEach((block, i) => {
          const source = inputs[i] as CollectedInput;
          if (source.error !== null) return;
          const shown = source.lines.map(formatLine).filter((l) => l !== '');
          const all = block.lines.length === shown.length && block.lines.every((l, j) => l === shown[j]);
          expect(payload.inputs[source.label]?.truncated).toBe(!all);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('stays within the bounds whatever a renderer returns', () => {
    const sloppy = fc.func(fc.array(fc.string({ maxLength: 80 }), { maxLength: 40 }));
    fc.assert(
      fc.property(INPUTS, WINDOW, sloppy, (inputs, window, linesFor) => {
        const render: WindowRenderer = (lines, options) => {
          const text = linesFor(lines.length, options.maxLines, options.maxChars).join('\n');
          return { text, lines: 1, chars: 1, truncated: false };
        };
        const payload = buildPayload(inputs, { ...window, mode: 'templates' }, render);
        expect(payload.text.length).toBeLessThanOrEqual(window.maxChars);
        expect(payload.blocks.reduce((sum, b) => sum + b.lines.length, 0)).toBeLessThanOrEqual(window.maxLines);
      }),
      { numRuns: 300 },
    );
  });

  it('matches the raw renderer when everything fits', () => {
    fc.assert(
      fc.property(INPUTS, (inputs) => {
        const window = raw(10_000, 200_000);
        const payload = buildPayload(inputs, window);
        payload.blocks.forEach((block, i) => {
          const source = inputs[i] as CollectedInput;
          if (source.error !== null) expect(block.text).toBe(`error: ${source.error}`);
          else if (renderNewest(source.lines, window).text === '') expect(block.text).toBe(NO_LINES);
          else expect(block.text).toBe(renderNewest(source.lines, window).text);
        });
      }),
      { numRuns: 200 },
    );
  });
});
