import { describe, expect, it } from 'vitest';
import { maskLine, maskToken, maskedTokens } from '#domain/shrink/masking.ts';

describe('maskLine', () => {
  it.each([
    ['numbers', 'took 125 ms, retried -3 times, load 0.75', 'took <*> ms, retried <*> times, load <*>'],
    ['hex', 'flags=0x1f3a mask=ffffffff addr 7fed806eb5d', 'flags=<*> mask=<*> addr <*>'],
    ['IPv4 with port', 'connection from 10.0.12.7:8080 refused', 'connection from <*>:<*> refused'],
    ['UUID', 'request 123e4567-e89b-12d3-a456-426614174000 done', 'request <*> done'],
    ['ids with digits', 'block blk_-6952295868487656571 on dn228', 'block <*> on <*>'],
    ['unix path', 'cannot open /var/log/app/current.log', 'cannot open <*>'],
    ['windows path', 'Loaded C:\\Windows\\winsxs\\cbscore.dll', 'Loaded C:<*>'],
    ['URL', 'GET https://api.example.com/v1/items?id=7 failed', 'GET <*> failed'],
    ['syslog date with spaces', 'connection at Fri Jun 17 07:07:00 2005 closed', 'connection at <*> closed'],
    ['ISO timestamp', 'expired at 2024-05-01T10:00:00.123Z, retry', 'expired at <*>, retry'],
    ['log4j timestamp', 'since 2015-10-18 18:01:47,978 idle', 'since <*> idle'],
  ])('masks %s', (_name, line, expected) => {
    expect(maskLine(line)).toBe(expected);
  });

  it('keeps the key of a key=value token and words that are not variables', () => {
    expect(maskLine('rhost=218.188.2.4 user=root setLightsOn(true) (HWID=1973)')).toBe('rhost=<*> user=root setLightsOn(true) (HWID=<*>)');
  });

  it('collapses runs of whitespace into single separators', () => {
    expect(maskedTokens('  VM\t Started   ok ')).toEqual(['VM', 'Started', 'ok']);
  });
});

describe('maskToken', () => {
  it('returns the same string when nothing is variable', () => {
    expect(maskToken('isOverlap:false,')).toBe('isOverlap:false,');
  });

  it('masks each variable segment between separators', () => {
    expect(maskToken('R02-M1-N0-C:J12-U11')).toBe('<*>:<*>');
  });

  it('leaves an existing wildcard as it is', () => {
    expect(maskToken('(<*>)')).toBe('(<*>)');
  });
});
