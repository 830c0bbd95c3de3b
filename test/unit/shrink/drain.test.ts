import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OVERFLOW_ID, TemplateMiner, templateId, templateIdOf } from '#domain/shrink/drain.ts';
import type { MinedTemplate } from '#domain/shrink/drain.ts';

function mine(lines: readonly string[], miner = new TemplateMiner()): TemplateMiner {
  for (const line of lines) miner.add(line);
  return miner;
}

function texts(templates: readonly MinedTemplate[]): string[] {
  return templates.map((template) => template.template).sort();
}

describe('TemplateMiner grouping', () => {
  it('puts the variable part of otherwise equal lines in <*>', () => {
    const miner = mine(['session closed for user alice', 'session closed for user bob', 'session closed for user carol']);

    expect(texts(miner.templates())).toEqual(['session closed for user <*>']);
    expect(miner.templates()[0]?.count).toBe(3);
  });

  it('never groups lines of different lengths', () => {
    const miner = mine(['connection closed', 'connection closed by peer', 'connection closed by peer 10.0.0.1']);

    expect(miner.templates()).toHaveLength(3);
  });

  it('never groups lines of different token counts (property)', () => {
    const word = fc.stringMatching(/^[a-z]{1,8}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), fc.array(word, { minLength: 1, maxLength: 8 }), (a, b) => {
        fc.pre(a.length !== b.length);
        const miner = mine([a.join(' '), b.join(' ')]);
        expect(miner.templateIdOf(a.join(' '))).not.toBe(miner.templateIdOf(b.join(' ')));
      }),
    );
  });

  it('keeps templates that differ in one constant word apart', () => {
    const miner = mine(['VM Started', 'VM Paused', 'VM Started', 'VM Paused']);

    expect(texts(miner.templates())).toEqual(['VM Paused', 'VM Started']);
  });

  it('keeps a flag or a word value of a key apart: user=root vs user=guest, true vs false', () => {
    const miner = mine([
      'authentication failure; rhost=10.0.0.1 user=root',
      'authentication failure; rhost=10.0.0.2 user=guest',
      'interceptKey down true canceled false',
      'interceptKey down false canceled false',
    ]);

    expect(miner.templates()).toHaveLength(4);
  });

  it('takes names that never repeat for a variable from three on; two could be two messages', () => {
    const users = ['alice', 'bob', 'carol', 'dave'];
    const two = mine(users.slice(0, 2).map((user) => `${user} logged in from 10.0.0.1 via ssh`));
    const three = mine(users.slice(0, 3).map((user) => `${user} logged in from 10.0.0.1 via ssh`));

    expect(two.templates()).toHaveLength(2);
    expect(texts(three.templates())).toEqual(['<*> logged in from <*> via ssh']);
    expect(three.templateIdOf('erin logged in from 10.0.0.9 via ssh')).toBe(three.templates()[0]?.id);
  });

  it('starts a new template when a settled constant word changes', () => {
    const settled = Array.from({ length: 8 }, (_, i) => `Session ${i}_1 initialized by client WindowsUpdateAgent`);
    const miner = mine([...settled, 'Session 9_1 initialized by client SPP']);

    expect(texts(miner.templates())).toEqual(['Session <*> initialized by client SPP', 'Session <*> initialized by client WindowsUpdateAgent']);
  });

  it('does not let headers split a template, and keeps level and times as metadata', () => {
    const miner = mine([
      '2024-05-01 10:00:00,001 WARN [main] com.acme.Db: Connected to db-1 in 15 ms',
      '2024-05-01 10:00:07,512 WARN [worker-3] com.acme.Db: Connected to db-2 in 950 ms',
      '2024-05-01 10:09:59,999 WARN [worker-12 pool] com.acme.Db: Connected to db-3 in 80 ms',
    ]);

    const [template] = miner.templates();
    expect(miner.templates()).toHaveLength(1);
    expect(template).toMatchObject({
      template: 'Connected to <*> in <*> ms',
      count: 3,
      level: 'warn',
      firstSeen: '2024-05-01 10:00:00,001',
      lastSeen: '2024-05-01 10:09:59,999',
    });
  });

  it('never merges levels: ERROR and INFO lines of one shape are two templates, each of one level', () => {
    const lines = Array.from({ length: 60 }, (_, i) => {
      const level = i % 10 === 3 ? 'ERROR' : 'INFO';
      return `2026-11-27T10:${String(i).padStart(2, '0')}:00Z ${level} container app task ${(0x7f00 + i).toString(16)} stopped: exit ${level === 'ERROR' ? 137 : 0}`;
    });
    const miner = mine(lines);

    const templates = miner.templates();
    expect(templates.map((template) => [template.level, template.count, template.template])).toEqual([
      ['info', 54, 'container app task <*> stopped: exit <*>'],
      ['error', 6, 'container app task <*> stopped: exit <*>'],
    ]);
    const [info, error] = templates;
    expect(error?.id).not.toBe(info?.id);
    expect(error?.id).toBe(templateId('container app task <*> stopped: exit <*>', 'error'));
    for (const line of lines) expect(miner.templateIdOf(line)).toBe(line.includes(' ERROR ') ? error?.id : info?.id);
  });

  it('takes a value of many words for one variable: lines that differ only in the length of a variable span', () => {
    const short = Array.from({ length: 20 }, (_, i) => `proxy.example.org:${5000 + i} close, ${300 + i} bytes sent, ${200 + i} bytes received, lifetime 00:0${i % 10}`);
    const long = Array.from({ length: 20 }, (_, i) => `proxy.example.org:${5000 + i} close, ${3000 + i} bytes (${i}.2 KB) sent, ${2000 + i} bytes (${i}.9 KB) received, lifetime 00:0${i % 10}`);
    const tags = ['tag="RILJ_ACK_WL",', 'tag="AudioMix",', 'tag="WindowManager",', 'tag="View Lock",', 'tag="NetworkStats",'].map(
      (tag, i) => `acquire lock=${1000 + i}, flags=0x1, ${tag} name=com.example, uid=${1000 + i}`,
    );

    const miner = mine([...short, ...long, ...tags]);

    expect(miner.templates().map((template) => template.count)).toEqual([40, 5]);
  });

  it('takes a unit after a number for part of the variable, and then shows no range that mixes units', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `stored block ${i} (size ${i % 3 === 0 ? `${i * 10}.0 B` : `${i}.5 KB`}, free 317.${i} KB)`);

    const [template, ...others] = mine(lines).templates();

    expect(others).toEqual([]);
    expect(template?.template).toBe('stored block <*> (size <*> <*>, free <*> KB)');
    expect(template?.numbers.map((range) => [range.token, range.minText, range.maxText])).toEqual([
      [2, '0', '29'],
      [7, '317.0', '317.9'],
    ]);
  });

  it('keeps short different messages after one long shared prefix apart', () => {
    const events = ['Started', 'Paused', 'Resumed', 'Stopped'];
    const lines = Array.from({ length: 40 }, (_, i) => `[instance: 0b1f-${1000 + i}-4c2a] VM ${events[i % 4] ?? ''} (Lifecycle Event)`);

    const templates = mine(lines).templates();

    expect(texts(templates)).toEqual(events.map((event) => `[instance: <*>] VM ${event} (Lifecycle Event)`).sort());
  });

  it('lets line metadata win over the header', () => {
    const miner = new TemplateMiner();
    miner.add('disk full on /dev/sda1', { timestamp: '2024-05-01T10:00:00Z', level: 'CRITICAL' });

    expect(miner.templates()[0]).toMatchObject({ level: 'fatal', firstSeen: '2024-05-01T10:00:00Z' });
  });
});

describe('every line has a template (property)', () => {
  it('counts every line once and finds each line\'s template, whatever the lines', () => {
    const token = fc.oneof(fc.constantFrom('ERROR', 'INFO', 'user', 'from', 'KB', 'B,', '(x)', '()', 'tag="a', 'b",', '<*>', '12ms', '3.5'), fc.stringMatching(/^[a-z0-9=:.,()]{1,6}$/));
    const line = fc.array(token, { minLength: 1, maxLength: 8 }).map((tokens) => tokens.join(' '));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 30 }), (lines, buffer) => {
        const miner = mine(lines, new TemplateMiner({ maxBufferLines: buffer }));
        const templates = miner.templates();
        const ids = new Set(templates.map((template) => template.id));

        expect(templates.reduce((sum, template) => sum + template.count, 0)).toBe(lines.length);
        expect(ids.size).toBe(templates.length);
        for (const text of lines) expect(ids.has(miner.templateIdOf(text) ?? 'none')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('template ids', () => {
  it('is a short hash of the template text, the same in every miner', () => {
    const lines = ['job 1 finished in 20 s', 'job 2 finished in 31 s'];
    const first = mine(lines).templates()[0];
    const second = mine([...lines].reverse()).templates()[0];

    expect(first?.id).toMatch(/^[0-9a-f]{12}$/);
    expect(first?.id).toBe(templateId('job <*> finished in <*> s'));
    expect(second?.id).toBe(first?.id);
  });

  it('gives each line the id of the template it was mined into, without changing the miner', () => {
    const lines = ['session closed for user alice', 'session closed for user bob', 'session closed for user carol', 'disk /dev/sda1 is full', 'VM Started'];
    const miner = mine(lines);
    const before = miner.templates();

    const ids = lines.map((line) => templateIdOf(miner, line));

    expect(new Set(ids)).toEqual(new Set(before.map((template) => template.id)));
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).toBe(ids[1]);
    expect(ids[3]).not.toBe(ids[0]);
    expect(miner.templates()).toEqual(before);
    expect(templateIdOf(miner, 'never seen before at all')).toBeUndefined();
  });
});

describe('bounded memory', () => {
  it('counts lines beyond the template cap in one overflow template', () => {
    const miner = mine(Array.from({ length: 10 }, (_, i) => 'alpha '.repeat(i + 1).trim()), new TemplateMiner({ maxTemplates: 3 }));

    const templates = miner.templates();
    expect(templates).toHaveLength(4);
    expect(templates.find((template) => template.id === OVERFLOW_ID)).toMatchObject({ count: 7, overflow: true });
    expect(templates.reduce((sum, template) => sum + template.count, 0)).toBe(10);
  });

  it('mines a window in batches of maxBufferLines, later lines joining the templates of earlier batches', () => {
    const lines = Array.from({ length: 23 }, (_, i) => (i % 3 === 0 ? `disk sd${i} is full` : `user u${i}x logged in from 10.0.0.${i}`));

    const batched = mine(lines, new TemplateMiner({ maxBufferLines: 5 })).templates();
    const whole = mine(lines).templates();

    expect(batched.map((template) => [template.template, template.count])).toEqual(whole.map((template) => [template.template, template.count]));
    expect(batched.map((template) => template.count)).toEqual([8, 15]);
  });

  it('keeps at most two examples per template, cut to maxExampleChars: the first and the latest that differs', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `request ${i} failed: ${'x'.repeat(200)}`);
    const miner = mine(lines, new TemplateMiner({ maxExampleChars: 40 }));

    const [template] = miner.templates();
    expect(template?.examples.map((example) => example.body)).toEqual([lines[0]?.slice(0, 40), lines[49]?.slice(0, 40)]);
  });

  it('does not grow with repeated lines', () => {
    const miner = new TemplateMiner();
    for (let i = 0; i < 20_000; i += 1) miner.add(`worker ${i % 7} processed batch ${i} in ${i % 100} ms`);

    expect(miner.templates()).toHaveLength(1);
    expect(miner.lines).toBe(20_000);
  });
});
