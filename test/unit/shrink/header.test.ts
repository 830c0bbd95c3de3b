import { describe, expect, it } from 'vitest';
import { levelRank, normalizeLevel, parseLine } from '#domain/shrink/header.ts';

describe('parseLine', () => {
  it.each([
    [
      'log4j',
      '2015-10-18 18:01:47,978 INFO [IPC Server handler 5 on 62270] org.apache.hadoop.mapred.TaskAttemptListenerImpl: Progress of TaskAttempt is : 0.5',
      { body: 'Progress of TaskAttempt is : 0.5', level: 'info', timestamp: '2015-10-18 18:01:47,978' },
    ],
    [
      'syslog',
      'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown',
      { body: 'check pass; user unknown', timestamp: 'Jun 14 15:16:01' },
    ],
    [
      'logcat',
      '03-17 16:13:38.811  1702  2395 W WindowManager: Unable to start animation',
      { body: 'Unable to start animation', level: 'warn', timestamp: '03-17 16:13:38.811' },
    ],
    [
      'zookeeper',
      '2015-07-29 19:04:12,394 - ERROR [/10.10.34.11:3888:QuorumCnxManager$Listener@493] - Received connection request',
      { body: 'Received connection request', level: 'error', timestamp: '2015-07-29 19:04:12,394' },
    ],
    [
      'fields before the level',
      '- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL FATAL data TLB error interrupt',
      { body: 'data TLB error interrupt', level: 'fatal', timestamp: '2005-06-03-15.42.50.675872' },
    ],
    [
      'columns up to an epoch',
      '2559971 gige7 gige temperature 1073151998 1 warning',
      { body: '1 warning', timestamp: '1073151998' },
    ],
    ['ISO with a bracketed level', '2024-05-01T10:00:00.123Z [warn] disk almost full', { body: 'disk almost full', level: 'warn', timestamp: '2024-05-01T10:00:00.123Z' }],
  ])('strips a %s header', (_name, line, expected) => {
    expect(parseLine(line)).toEqual(expected);
  });

  it('leaves a line without a header whole, and a lower-case "error" is not a level', () => {
    expect(parseLine('error while reading config file')).toEqual({ body: 'error while reading config file' });
  });

  it('does not take the opening words of a message for header fields', () => {
    expect(parseLine('HTTP Error 500 while calling the API')).toEqual({ body: 'HTTP Error 500 while calling the API' });
  });

  it('strips a Lambda console header written with tabs', () => {
    expect(parseLine('2024-05-01T10:00:00.000Z\t6f1c2a9e-1d2b-4c3d-9e8f-0a1b2c3d4e5f\tERROR\tInvoke Error timed out')).toEqual({
      body: 'Invoke Error timed out',
      level: 'error',
      timestamp: '2024-05-01T10:00:00.000Z',
    });
  });

  it('does not take a number that starts the message for an epoch header', () => {
    expect(parseLine('1365301360 double-hummer alignment exceptions')).toEqual({ body: '1365301360 double-hummer alignment exceptions' });
  });
});

describe('levels', () => {
  it('normalizes the usual spellings', () => {
    expect(['FATAL', 'Error', 'warning', 'notice', 'D', 'SEVERE'].map(normalizeLevel)).toEqual(['fatal', 'error', 'warn', 'info', 'debug', 'error']);
  });

  it('ranks fatal above error above warn above info, and a missing level as info', () => {
    expect(levelRank('fatal')).toBeGreaterThan(levelRank('error'));
    expect(levelRank('error')).toBeGreaterThan(levelRank('warn'));
    expect(levelRank('warn')).toBeGreaterThan(levelRank('info'));
    expect(levelRank(undefined)).toBe(levelRank('info'));
  });
});
