import { describe, expect, it } from 'vitest';
import { keptTemplateText, templatesCompatible } from '#domain/baseline/index.ts';

describe('templatesCompatible', () => {
  it.each([
    ['the same text', 'disk /dev/sda1 almost full', 'disk /dev/sda1 almost full'],
    ['a constant word that is <*> in the other', 'disk <*> almost full', 'disk /dev/sda1 almost full'],
    ['<*> on the other side', 'disk /dev/sda1 almost full', 'disk <*> almost full'],
    ['a variable spanning more words', 'close, <*> sent', 'close, 3.2 KB (3276 bytes) sent'],
    ['wildcards on both sides at different places', 'user <*> logged in from 10.0.0.1', 'user alice logged in from <*>'],
    ['a word with <*> inside', 'request took <*>ms', 'request took 120ms'],
    ['a numeric range shown in place of <*>', 'request took <12–9500> ms', 'request took 7 ms'],
    ['two partly variable words', 'id=<*> done', 'id=<*>-x done'],
  ])('matches %s', (_, a, b) => {
    expect(templatesCompatible(a, b)).toBe(true);
    expect(templatesCompatible(b, a)).toBe(true);
  });

  it.each([
    ['different literal words', 'disk sda1 almost full', 'disk sda2 almost full'],
    ['a wildcard that must cover at least one word', 'task <*> stopped', 'task stopped'],
    ['a different word around the wildcard', 'disk <*> almost full', 'disk <*> almost empty'],
    ['a longer constant tail', 'heartbeat from <*> ok', 'heartbeat from <*> ok late'],
    ['a word with <*> inside whose fixed part differs', 'request took <*>ms', 'request took 120s'],
    ['wildcards that would have to swallow each other', '<*> failures on node <*>', 'PacketResponder <*> for block <*> terminating'],
    ['a template that is all wildcard', '<*>', 'disk full'],
    ['too few fixed words in common', 'job <*> done', 'job <*> failed after <*> retries with <*>'],
  ])('refuses %s', (_, a, b) => {
    expect(templatesCompatible(a, b)).toBe(false);
    expect(templatesCompatible(b, a)).toBe(false);
  });

  it('stays fast on long templates full of wildcards', () => {
    const a = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? '<*>' : `w${i}`)).join(' ');
    const b = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? '<*>' : `w${i}`)).join(' ');
    const started = performance.now();
    templatesCompatible(a, b);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('keptTemplateText', () => {
  it('keeps short texts and cuts long ones at a word, ending in <*> so they still match', () => {
    expect(keptTemplateText('short one', 240)).toBe('short one');
    const long = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
    const kept = keptTemplateText(long, 60);
    expect(kept.length).toBeLessThanOrEqual(60);
    expect(kept.endsWith(' <*>')).toBe(true);
    expect(templatesCompatible(kept, long)).toBe(true);
  });
});
