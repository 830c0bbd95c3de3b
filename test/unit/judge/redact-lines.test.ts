import { describe, expect, it } from 'vitest';
import type { CollectedLine } from '#domain/collect/types.ts';
import { redactWindowLines } from '#domain/judge/redact-lines.ts';
import { redactSecrets } from '#domain/judge/redact.ts';
import { renderInputWindow } from '#domain/runs/run-steps.ts';

const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('secrets in window lines', () => {
  // 140 characters of message before the key: the renderer clips a line to 160, mid-key.
  const long = `ERROR sync failed ${'x'.repeat(90)} with credentials AKIAIOSFODNN7EXAMPLE / ${AWS_SECRET} on host a`;
  const lines: CollectedLine[] = [
    ...Array.from({ length: 20 }, (_, i) => ({ timestamp: `2026-11-27T10:00:${String(i).padStart(2, '0')}Z`, text: `INFO login ok for user ${i} password=Pw${i}x!Qz` })),
    { timestamp: '2026-11-27T10:01:00Z', text: long },
  ];

  it('would leak part of a key the renderer cut, if only the rendered payload were redacted', async () => {
    const { renderWindow } = await import('#domain/shrink/index.ts');
    const unredacted = renderWindow(
      lines.map((line) => ({ text: line.text })),
      { mode: 'templates', maxChars: 8000, maxLines: 100 },
    ).text;

    expect(unredacted).toContain(AWS_SECRET.slice(0, 10));
    expect(redactSecrets(unredacted).text).toContain(AWS_SECRET.slice(0, 10));
  });

  it('are redacted before mining: no template, example or cut line holds one', () => {
    const rendered = renderInputWindow(lines, { mode: 'templates', maxChars: 8000, maxLines: 100 }).text;

    expect(rendered).toContain('[REDACTED:aws_access_key_id]');
    expect(rendered).toContain('password=[REDACTED:password]');
    expect(rendered).not.toContain(AWS_SECRET.slice(0, 10));
    expect(rendered).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(rendered).not.toMatch(/Pw\d+x!Qz/);
  });

  it('redacts a window once however often it is rendered, and keeps lines without secrets as they are', () => {
    const first = redactWindowLines(lines, (line) => ({ text: line.text }));

    expect(redactWindowLines(lines, (line) => ({ text: line.text }))).toBe(first);
    expect(first[20]?.text).toContain('[REDACTED:aws_secret_key]');
    const plain = [{ text: 'INFO nothing here' }];
    expect(redactWindowLines(plain, (line) => line)[0]).toBe(plain[0]);
  });
});
