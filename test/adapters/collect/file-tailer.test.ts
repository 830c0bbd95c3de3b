import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFileAccess } from '#adapters/files/file-access.ts';
import { LocalFileTailer } from '#adapters/files/file-tailer.ts';
import { fakeTime } from './fake-time.ts';

const NOW = '2026-11-21T10:00:00.000Z';
const FAR = Date.parse(NOW) + 60_000;

describe('LocalFileTailer', () => {
  let dir: string;
  let access: LocalFileAccess;
  const file = async (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  };
  const tailer = (options: Omit<ConstructorParameters<typeof LocalFileTailer>[0], 'access'> = {}) =>
    new LocalFileTailer({ access, clock: fakeTime(NOW).clock, ...options });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-tail-'));
    access = await LocalFileAccess.create({ roots: [dir] });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the newest lines oldest first, reading backwards across chunk boundaries', async () => {
    // Prepare: CRLF endings, blank lines and no final newline.
    const path = await file('app.log', 'first\r\nsecond\r\n\r\nthird line is longer\r\n   \r\nfourth\r\nfifth');

    // Act
    const read = await tailer({ chunkBytes: 5 }).tail(path, { maxLines: 3, deadline: FAR });

    // Assess
    expect(read).toEqual({
      lines: [
        { timestamp: null, text: 'third line is longer' },
        { timestamp: null, text: 'fourth' },
        { timestamp: null, text: 'fifth' },
      ],
      notes: [],
    });
  });

  it('reads a whole small file when it has fewer lines than asked', async () => {
    // Prepare
    const path = await file('short.log', 'only\nlines\n');

    // Act
    const read = await tailer({ chunkBytes: 4 }).tail(path, { maxLines: 10, deadline: FAR });

    // Assess
    expect(read.lines.map((l) => l.text)).toEqual(['only', 'lines']);
  });

  it('keeps only the lines the match expression accepts', async () => {
    // Prepare
    const path = await file('bot.log', ['INFO a', 'ERROR b', 'INFO c', 'WARN d', 'ERROR e', 'INFO f'].join('\n'));

    // Act
    const read = await tailer({ chunkBytes: 7 }).tail(path, { maxLines: 2, match: /ERROR|WARN/, deadline: FAR });

    // Assess
    expect(read.lines.map((l) => l.text)).toEqual(['WARN d', 'ERROR e']);
  });

  it('keeps multi-byte characters whole when a chunk boundary splits them', async () => {
    // Prepare
    const path = await file('utf8.log', 'prix 12€\ncafé ☕ über\n日本語のログ\n');

    // Act
    const read = await tailer({ chunkBytes: 3 }).tail(path, { maxLines: 3, deadline: FAR });

    // Assess
    expect(read.lines.map((l) => l.text)).toEqual(['prix 12€', 'café ☕ über', '日本語のログ']);
  });

  it('stops at the scan cap and says so, never reading the rest of a large file', async () => {
    // Prepare: 200 KiB of lines that never match.
    const path = await file('big.log', 'noise\n'.repeat(35_000) + 'MATCH near the end\n' + 'noise\n'.repeat(100));

    // Act
    const read = await tailer({ chunkBytes: 1024, maxScanBytes: 8192 }).tail(path, { maxLines: 5, match: /MATCH/, deadline: FAR });

    // Assess
    expect(read.lines.map((l) => l.text)).toEqual(['MATCH near the end']);
    expect(read.notes).toEqual([`stopped after reading the last 8192 bytes of ${path} (scan cap)`]);
  });

  it('cuts an overlong line, keeping its start', async () => {
    // Prepare
    const path = await file('long.log', `before\n${'a'.repeat(10)}${'b'.repeat(90)}\nafter\n`);

    // Act
    const read = await tailer({ chunkBytes: 8, maxLineBytes: 16 }).tail(path, { maxLines: 3, deadline: FAR });

    // Assess
    const long = read.lines[1]?.text ?? '';
    expect(read.lines.map((l) => l.text)).toEqual(['before', long, 'after']);
    expect(long.startsWith('aaaaaaaaaab')).toBe(true);
    expect(long.endsWith('…')).toBe(true);
    expect(long.length).toBeLessThanOrEqual(16 + 8 + 1);
  });

  it('stops at the deadline with what it has', async () => {
    // Prepare
    const path = await file('late.log', 'a\nb\n');

    // Act
    const read = await tailer().tail(path, { maxLines: 5, deadline: Date.parse(NOW) });

    // Assess
    expect(read).toEqual({ lines: [], notes: [`stopped reading ${path} at the time budget after 0 bytes`] });
  });

  it.each([
    ['a missing file', () => join(dir, 'nope.log'), (p: string) => `file ${p} not found`, 'not_found'],
    ['a directory', () => dir, (p: string) => `${p} is a directory; file sources read regular files only`, 'invalid'],
    ['a file outside the roots', () => '/etc/hostname', (p: string) => expect.stringMatching(`^${p} is outside the directories file sources may read`), 'permission'],
  ])('explains %s', async (_case, pathOf, message, reason) => {
    // Prepare
    const path = pathOf();

    // Act
    const read = tailer().tail(path, { maxLines: 5, deadline: FAR });

    // Assess
    await expect(read).rejects.toMatchObject({ name: 'SourceReadError', message: message(path), reason });
  });
});
