import { describe, expect, it } from 'vitest';
import {
  baselineBefore,
  baselineNotation,
  classifyLabel,
  expectedInEveryWindow,
  HISTORY_RUNS,
  MAX_TEMPLATES,
  outsideUsual,
  recordRun,
  type LabelBaseline,
  type ObservedTemplate,
} from '#domain/baseline/index.ts';

const tpl = (id: string, template: string, count: number, level?: string): ObservedTemplate => ({ id, template, count, level });
const HEARTBEAT = tpl('hb', 'heartbeat from <*> ok', 1, 'info');
const REQUEST = tpl('rq', 'request <*> served', 40, 'info');

/** Records `runs` runs (ids r01, r02, …) of the same templates. */
function learned(runs: number, templates: readonly ObservedTemplate[] = [HEARTBEAT, REQUEST], first = 1): LabelBaseline {
  let baseline: LabelBaseline | null = null;
  for (let i = first; i < first + runs; i += 1) {
    baseline = recordRun(baseline, { label: 'APP', runId: runId(i), at: at(i), templates }) ?? baseline;
  }
  if (baseline === null) throw new Error('nothing recorded');
  return baseline;
}
const runId = (i: number) => `r${String(i).padStart(3, '0')}`;
const at = (i: number) => new Date(Date.UTC(2026, 10, 27, 0, i * 5)).toISOString();

describe('the learning phase', () => {
  it('marks nothing for the first 5 runs and says which run of the 5 it is', () => {
    const fresh = classifyLabel([tpl('x', 'something new', 3)], null);
    const fourth = classifyLabel([tpl('x', 'something new', 3)], learned(4));

    expect(fresh).toMatchObject({ learning: { run: 1, of: 5 }, missing: [], usual: false });
    expect(fresh.marks.size).toBe(0);
    expect(fourth).toMatchObject({ learning: { run: 5, of: 5 }, usual: false });
    expect(fourth.marks.size).toBe(0);
    expect(baselineNotation(fourth).summaryNote).toBe('; baseline still learning (run 5 of 5), nothing marked NEW or MISSING yet');
    expect(classifyLabel([HEARTBEAT, REQUEST], learned(5)).learning).toBeNull();
  });
});

describe('NEW', () => {
  it('marks a template absent from the baseline as NEW once, and not on the next run', () => {
    const disk = tpl('dk', 'disk <*> almost full', 3, 'warn');
    const before = learned(6);

    const first = classifyLabel([HEARTBEAT, REQUEST, disk], before);
    const after = recordRun(before, { label: 'APP', runId: runId(7), at: at(7), templates: [HEARTBEAT, REQUEST, disk] });
    const second = classifyLabel([HEARTBEAT, REQUEST, disk], after);

    expect(first.marks.get('dk')).toEqual({ kind: 'new' });
    expect(first.usual).toBe(false);
    expect(baselineNotation(first).tagOf({ id: 'dk' })).toBe('NEW');
    expect(second.marks.has('dk')).toBe(false);
    expect(second.usual).toBe(true);
  });

  it('knows a template whose id changed but whose text is compatible (same level), not one of another level', () => {
    const before = learned(6, [HEARTBEAT, REQUEST, tpl('d1', 'disk /dev/sda1 almost full', 2, 'warn')]);

    const result = classifyLabel(
      [HEARTBEAT, REQUEST, tpl('d2', 'disk <*> almost full', 2, 'warn'), tpl('d3', 'disk <*> almost full', 2, 'error')],
      before,
    );

    expect(result.marks.has('d2')).toBe(false);
    expect(result.marks.get('d3')).toEqual({ kind: 'new' });
  });

  it('still calls NEW what a redelivered run brought, though its first attempt recorded it', () => {
    const disk = tpl('dk', 'disk <*> almost full', 3, 'warn');
    const recorded = recordRun(learned(6), { label: 'APP', runId: runId(7), at: at(7), templates: [HEARTBEAT, REQUEST, disk] });

    const again = classifyLabel([HEARTBEAT, REQUEST, disk], baselineBefore(recorded, runId(7)));

    expect(again.marks.get('dk')).toEqual({ kind: 'new' });
  });
});

describe('MISSING', () => {
  it('lists a heartbeat absent now that was in at least 90% of the remembered runs', () => {
    const result = classifyLabel([REQUEST], learned(20));

    expect(result.missing).toEqual([{ template: 'heartbeat from <*> ok', level: 'info', seenIn: 20, of: 20, usual: { min: 1, max: 1 } }]);
    expect(result.usual).toBe(false);
    expect(baselineNotation(result).trailer).toEqual(['MISSING: heartbeat from <*> ok [seen in 20 of the last 20 runs, usual 1 a window]']);
  });

  it('does not list a template seen in fewer than 90% of the runs', () => {
    let baseline = learned(17);
    for (let i = 18; i <= 20; i += 1) baseline = recordRun(baseline, { label: 'APP', runId: runId(i), at: at(i), templates: [REQUEST] }) ?? baseline;

    // 17 of 20 is 85%
    expect(classifyLabel([REQUEST], baseline).missing).toEqual([]);
  });

  it('calls an absence news only when it is: regular templates, or ones too frequent to be absent by chance', () => {
    // a heartbeat: once a window, every window
    expect(expectedInEveryWindow(Array(20).fill(1))).toBe(true);
    // a scheduled job: 2–3 a window, every window
    expect(expectedInEveryWindow([2, 3, 2, 2, 3, 2, 3, 2, 2, 2, 3, 2, 2, 3, 2, 2, 2, 3, 2, 2])).toBe(true);
    // a line that turns up about 2.5 times a window at random, absent once in 20: absence is no news
    expect(expectedInEveryWindow([2, 4, 1, 3, 0, 2, 5, 1, 3, 2, 4, 1, 2, 3, 1, 6, 2, 3, 1, 2])).toBe(false);
    // the same at random, by luck never absent in 20 windows
    expect(expectedInEveryWindow([2, 4, 1, 3, 1, 2, 5, 1, 3, 2, 4, 1, 2, 3, 1, 6, 2, 3, 1, 2])).toBe(false);
    // 40 a window, varying: a window without any is far below 0.1% likely
    expect(expectedInEveryWindow([31, 44, 52, 38, 0, 41, 47, 36, 40, 45, 39, 33, 42, 48, 37, 44, 35, 41, 46, 40])).toBe(true);
    // seen in fewer than 90% of the runs
    expect(expectedInEveryWindow([1, 1, 0, 1, 1, 0, 1, 1, 1, 1])).toBe(false);
  });

  it('lists an expected template in an empty window (a silent source)', () => {
    expect(classifyLabel([], learned(10)).missing.map((m) => m.template)).toEqual(['heartbeat from <*> ok', 'request <*> served']);
  });
});

describe('usual ranges', () => {
  it('marks a count far outside its usual range, with the range', () => {
    const result = classifyLabel([HEARTBEAT, { ...REQUEST, count: 412 }], learned(6));

    expect(result.marks.get('rq')).toEqual({ kind: 'unusual', usual: { min: 40, max: 40 } });
    expect(baselineNotation(result).noteOf({ id: 'rq' })).toBe(' [usual 40 a window]');
    expect(result.usual).toBe(false);
  });

  it('leaves counts near the range alone: twice the most, or half the fewest, and 3 lines away', () => {
    expect(outsideUsual(30, { min: 3, max: 15 })).toBe(false);
    expect(outsideUsual(31, { min: 3, max: 15 })).toBe(true);
    expect(outsideUsual(3, { min: 2, max: 2 })).toBe(false);
    expect(outsideUsual(5, { min: 2, max: 2 })).toBe(true);
    expect(outsideUsual(1, { min: 3, max: 3 })).toBe(false);
    expect(outsideUsual(4, { min: 10, max: 12 })).toBe(true);
  });
});

describe('recordRun', () => {
  it('counts a run once: a redelivery changes nothing', () => {
    const once = learned(6);
    expect(recordRun(once, { label: 'APP', runId: runId(6), at: at(6), templates: [HEARTBEAT, REQUEST] })).toBeNull();
    expect(once.runsRecorded).toBe(6);
    expect(once.templates.find((t) => t.id === 'rq')?.counts).toEqual([40, 40, 40, 40, 40, 40]);
  });

  it('keeps the newest 20 runs, a late run in its place, and drops a run older than all of a full history', () => {
    const full = learned(HISTORY_RUNS + 5, [HEARTBEAT, REQUEST], 10);
    const late = recordRun(
      recordRun(full, { label: 'APP', runId: runId(100), at: at(100), templates: [REQUEST] }),
      { label: 'APP', runId: runId(99), at: at(99), templates: [{ ...REQUEST, count: 7 }] },
    );

    expect(full.runs).toHaveLength(HISTORY_RUNS);
    expect(full.runs[0]).toBe(runId(15));
    expect(late?.runs.slice(-2)).toEqual([runId(99), runId(100)]);
    expect(late?.templates.find((t) => t.id === 'rq')?.counts.slice(-2)).toEqual([7, 40]);
    expect(late?.templates.find((t) => t.id === 'hb')?.counts.slice(-2)).toEqual([0, 0]);
    expect(recordRun(late, { label: 'APP', runId: runId(1), at: at(1), templates: [REQUEST] })).toBeNull();
  });

  it(`keeps at most ${MAX_TEMPLATES} templates, evicting the least recently seen`, () => {
    const old = Array.from({ length: MAX_TEMPLATES }, (_, i) => tpl(`old${i}`, `old message ${i}`, 1));
    const baseline = recordRun(null, { label: 'APP', runId: runId(1), at: at(1), templates: old });
    const next = recordRun(baseline, { label: 'APP', runId: runId(2), at: at(2), templates: [tpl('fresh', 'fresh message', 5), ...old.slice(0, 10)] });

    expect(next?.templates).toHaveLength(MAX_TEMPLATES);
    expect(next?.templates.some((t) => t.id === 'fresh')).toBe(true);
    // The ten seen again stay; ten of those seen only in run 1 went (one to make room for `fresh`).
    expect(next?.templates.filter((t) => t.lastSeen === at(2))).toHaveLength(11);
  });

  it('counts a template under the compatible one it matched, keeping its first sighting', () => {
    const baseline = learned(3, [tpl('d1', 'disk <*> almost full', 2, 'warn')]);
    const next = recordRun(baseline, { label: 'APP', runId: runId(4), at: at(4), templates: [tpl('d2', 'disk /dev/sdb almost full', 5, 'warn')] });

    expect(next?.templates).toEqual([
      { id: 'd1', template: 'disk <*> almost full', level: 'warn', firstSeen: at(1), lastSeen: at(4), firstRunId: runId(1), counts: [2, 2, 2, 5] },
    ]);
  });
});
