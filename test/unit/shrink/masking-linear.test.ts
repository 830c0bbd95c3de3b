import { describe, expect, it } from 'vitest';
import { redactSecrets } from '#domain/judge/redact.ts';
import { parseLine } from '#domain/shrink/header.ts';
import { maskLine, maskSpanning } from '#domain/shrink/masking.ts';
import { renderWindow } from '#domain/shrink/render.ts';
import { adversarialLines } from '../../../bench/lib/adversarial.ts';

// The single regular expression maskSpanning used before it scanned URLs by hand: quadratic on
// `a.a.a.…://`, kept here as the reference its replacement must agree with.
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*';
const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*';
const CLOCK = '\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?';
const REFERENCE = new RegExp(
  [
    `\\b(?:${WEEKDAY},?\\s+)?${MONTH}\\s+\\d{1,2},?\\s+(?:\\d{4}\\s+)?${CLOCK}(?:\\s+[A-Z]{3,4}\\b)?(?:\\s+\\d{4}\\b)?`,
    `\\b\\d{4}-\\d{2}-\\d{2}[T ]${CLOCK}(?:Z|[+-]\\d{2}:?\\d{2}\\b)?`,
    `\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s"'<>()]+`,
  ].join('|'),
  'g',
);
const reference = (text: string) => (/\d:\d\d|:\/\//.test(text) ? text.replace(REFERENCE, '<*>') : text);

// Pieces that make every alternative start, overlap and fail in many ways.
const PIECES = [
  'http', 'https', '://', ':/', 'a', 'Z', '.', '-', '+', '_', '1', '2015', ' ', '  ', 'Jan', 'Mon', 'Mon,', ',', '10:00', ':00',
  ':00.5', '2015-10-18', '2015-10-18T', 'T', '+02:00', '-0700', '"', "'", '(', ')', '<', 'EDT', '2004', '.123', 'x', '/', 'é', '\t',
];

/** A deterministic pseudo-random generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('maskSpanning', () => {
  it.each([
    ['a URL', 'GET https://api.example.com/v1/items?id=7 failed', 'GET <*> failed'],
    ['a URL after a dotted word', 'see a.b.c-d+e://host/x now', 'see <*> now'],
    ['a scheme glued to a word by an underscore', 'x_http://host', 'x_http://host'],
    ['a scheme that starts after a digit run', '9.a.http://h', '9.<*>'],
    ['a date that wins a tie with nothing', 'at Jan 2 15:04:05 EDT 2006 via http://h ok', 'at <*> via <*> ok'],
    ['a URL that holds a date', 'http://x/2015-10-18 10:00:00 done', '<*> 10:00:00 done'],
    ['a separator without a host', 'a:// b', 'a:// b'],
    ['ISO time ending in a scheme run', '2015-10-18T10:00:00.5a.b://c', '<*>a.<*>'],
  ])('masks %s as the single regular expression did', (_name, text, expected) => {
    expect(maskSpanning(text)).toBe(expected);
    expect(reference(text)).toBe(expected);
  });

  it('agrees with the single regular expression on 20,000 generated lines', () => {
    const next = random(9);
    for (let n = 0; n < 20_000; n += 1) {
      const pieces: string[] = [];
      const count = 1 + Math.floor(next() * 14);
      for (let i = 0; i < count; i += 1) pieces.push(PIECES[Math.floor(next() * PIECES.length)] ?? '');
      const text = pieces.join('');
      if (maskSpanning(text) !== reference(text)) expect({ text, got: maskSpanning(text) }).toEqual({ text, got: reference(text) });
    }
  });
});

describe('linear time on adversarial lines', () => {
  // 64 KB of one repeated unit; a linear pass takes a few milliseconds, the quadratic URL mask
  // took over a second on `a.a.a.…://x`. The bound is generous for a busy machine.
  const BOUND_MS = 400;
  const lines = adversarialLines(64 * 1024);
  const functions: [string, (line: string) => unknown][] = [
    ['maskLine', maskLine],
    ['parseLine', parseLine],
    ['redactSecrets', redactSecrets],
    ['renderWindow (raw)', (line) => renderWindow([{ text: line }], { mode: 'raw', maxLines: 10, maxChars: 2000 })],
    ['renderWindow (templates)', (line) => renderWindow([{ text: line }], { mode: 'templates', maxLines: 10, maxChars: 2000 })],
  ];

  it.each(functions)('%s handles every 64 KB line within the bound', (_name, fn) => {
    expect(lines.length).toBeGreaterThan(300);
    const slow: string[] = [];
    for (const line of lines) {
      // the fastest of two runs: the other may have met the garbage collector or a busy core
      let ms = Infinity;
      for (let rep = 0; rep < 2 && ms > BOUND_MS / 4; rep += 1) {
        const started = performance.now();
        fn(line.text);
        ms = Math.min(ms, performance.now() - started);
      }
      if (ms > BOUND_MS) slow.push(`${line.name}: ${ms.toFixed(0)} ms`);
    }
    expect(slow).toEqual([]);
  }, 120_000);
});

describe('line breaks inside a line', () => {
  it('renders a line of 64 K line breaks and a character in bounded time (no backtracking trim)', () => {
    const text = `${'\r\n'.repeat(32 * 1024)}x${'\n'.repeat(32 * 1024)}`;
    let ms = Infinity;
    let shown = '';
    for (let rep = 0; rep < 2; rep += 1) {
      const started = performance.now();
      shown = renderWindow([{ text }], { mode: 'raw', maxLines: 10, maxChars: 200_000 }).text;
      ms = Math.min(ms, performance.now() - started);
    }
    expect(shown.endsWith('x')).toBe(true);
    expect(ms).toBeLessThan(400);
  }, 60_000);
});
