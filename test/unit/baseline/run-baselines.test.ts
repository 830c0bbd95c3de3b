import { describe, expect, it } from 'vitest';
import type { Monitor } from '#domain/model/entities.ts';
import type { Judge, JudgeOutcome, JudgeRequest } from '#domain/judge/ports.ts';
import { aLogSource, aMonitor, aTarget } from '../../support/builders.ts';
import { stepsOver } from '../../support/run-steps.ts';
import { fakeReaders } from '../collect/fakes.ts';
import { InMemoryBaselines } from './fakes.ts';

const NOW = new Date('2026-11-27T10:00:00.000Z');
const DEADLINE = NOW.getTime() + 60_000;

/** A model that says `ok` and counts its calls. */
class CountingJudge implements Judge {
  readonly kind = 'bedrock' as const;
  readonly calls: JudgeRequest[] = [];
  async judge(request: JudgeRequest): Promise<JudgeOutcome> {
    this.calls.push(request);
    return {
      verdict: { status: 'ok', summary: 'fine', findings: [] },
      usage: { kind: 'bedrock', modelId: request.modelId, inputTokens: 900, outputTokens: 50, latencyMs: 800, modelCalls: 1 },
      error: null,
      rawReply: null,
      droppedEvidence: 0,
    };
  }
}

/** A steady window: 30 requests with varying ids and times, and one heartbeat. */
function steadyWindow(run: number): string[] {
  const requests = Array.from({ length: 30 }, (_, i) => `INFO request ${run * 100 + i} served in ${10 + ((run + i) % 7)}ms`);
  return [...requests, `INFO heartbeat from worker-${run % 3} ok`];
}

function setup(overrides: Partial<Monitor> = {}) {
  const target = aTarget();
  const source = aLogSource(target.id);
  let window: string[] = [];
  const readers = fakeReaders({
    logs: async () => ({ lines: window.map((text, i) => ({ timestamp: new Date(NOW.getTime() - 60_000 + i * 1000).toISOString(), text })), notes: [] }),
  });
  const baselines = new InMemoryBaselines();
  const judge = new CountingJudge();
  const monitor = aMonitor(source.id, { inputs: [{ label: 'APP', mode: 'filter', filterPattern: '' }], ...overrides });
  const steps = stepsOver(source, target, readers, NOW, { judge, baselines, collectConcurrency: 1 });
  /** Collects and judges run number `n` over `lines`. */
  const run = async (n: number, lines: string[]) => {
    window = lines;
    const payload = await steps.collect(monitor, DEADLINE, { id: `RUN${String(n).padStart(4, '0')}` });
    const judged = await steps.judge(monitor, payload, null, DEADLINE);
    return { payload, judged };
  };
  return { run, judge, baselines };
}

describe('a run against its baseline', () => {
  it('says it is learning for 5 runs, then shows a new kind of line as NEW once and not on the next run', async () => {
    const { run } = setup();
    const first = await run(1, steadyWindow(1));
    for (let n = 2; n <= 5; n += 1) await run(n, steadyWindow(n));

    const withDisk = [...steadyWindow(6), 'WARN disk /dev/sdb1 almost full', 'WARN disk /dev/sdc1 almost full', 'WARN disk /dev/sdd1 almost full'];
    const sixth = await run(6, withDisk);
    const seventh = await run(7, withDisk);

    expect(first.payload.text).toMatch(/^\[APP\]\n# 31 lines, \d+ templates, most important first; baseline still learning \(run 1 of 5\)/);
    expect(first.payload.text).not.toMatch(/^\d+x NEW /m);
    expect(sixth.payload.text).toMatch(/^3x NEW WARN disk <\*> almost full/m);
    expect(sixth.payload.text).not.toContain('learning');
    expect(sixth.payload.text.match(/NEW/g)).toHaveLength(1);
    expect(seventh.payload.text).toMatch(/^3x WARN disk <\*> almost full/m);
    expect(seventh.payload.text).not.toContain('NEW');
  });

  it('lists a heartbeat that stopped as MISSING, and a count far above its usual range', async () => {
    const { run } = setup();
    for (let n = 1; n <= 8; n += 1) await run(n, steadyWindow(n));

    const noHeartbeat = steadyWindow(9).filter((line) => !line.includes('heartbeat'));
    const burst = Array.from({ length: 200 }, (_, i) => `INFO request ${900 + i} served in 12ms`);
    const { payload } = await run(9, [...noHeartbeat, ...burst]);

    expect(payload.text).toContain('MISSING: heartbeat from <*> ok [seen in 8 of the last 8 runs, usual 1 a window]');
    // (the variables show their numeric ranges: `<900–1099>`)
    expect(payload.text).toMatch(/^230x request <\S+> served in <\S+ @ \S+ \[usual 30 a window\]$/m);
    expect(payload.usual).toBe(false);
  });

  it('with judge_when "unusual", skips the model on a usual window and calls it when one template is new', async () => {
    const { run, judge } = setup({ judgeWhen: 'unusual' });
    for (let n = 1; n <= 5; n += 1) await run(n, steadyWindow(n));
    const callsWhileLearning = judge.calls.length;

    const usual = await run(6, steadyWindow(6));
    const callsAfterUsual = judge.calls.length;
    const unusual = await run(7, [...steadyWindow(7), 'ERROR payment gateway refused card 4411']);

    expect(callsWhileLearning).toBe(5);
    expect(usual.payload.usual).toBe(true);
    expect(usual.judged).toMatchObject({ status: 'ok', judge: { kind: 'bedrock', skipped: 'usual', inputTokens: 0 } });
    expect(usual.judged.summary).toContain('judge_when: unusual');
    expect(callsAfterUsual).toBe(5);
    expect(unusual.payload.text).toContain('1x NEW ERROR payment gateway refused card 4411');
    expect(unusual.judged.judge).toMatchObject({ skipped: null, inputTokens: 900 });
    expect(judge.calls).toHaveLength(6);
  });

  it('with judge_when "unusual", still calls the model on a usual window when a rule is breached', async () => {
    const { run, judge } = setup({ judgeWhen: 'unusual', rules: [{ label: 'APP', pattern: 'heartbeat', minCount: 1, severity: 'warn' }] });
    for (let n = 1; n <= 6; n += 1) await run(n, steadyWindow(n));

    expect(judge.calls).toHaveLength(6);
  });

  it('with judge_when "always" (the default), calls the model on a usual window', async () => {
    const { run, judge } = setup();
    for (let n = 1; n <= 6; n += 1) await run(n, steadyWindow(n));

    expect(judge.calls).toHaveLength(6);
  });

  it('records a redelivered run once and marks the same templates NEW again', async () => {
    const { run, baselines } = setup();
    for (let n = 1; n <= 5; n += 1) await run(n, steadyWindow(n));
    const withNew = [...steadyWindow(6), 'WARN cache evicted 40 keys'];

    const first = await run(6, withNew);
    const writes = baselines.writes;
    const again = await run(6, withNew);

    expect(baselines.writes).toBe(writes);
    expect([...baselines.items.values()][0]?.runsRecorded).toBe(6);
    expect(first.payload.text).toContain('NEW WARN cache evicted');
    expect(again.payload.text).toBe(first.payload.text);
  });

  it('keeps no baseline for Insights rows and never calls their window usual', async () => {
    const { run, judge, baselines } = setup({ judgeWhen: 'unusual', inputs: [{ label: 'STATS', mode: 'insights', query: 'stats count(*) by bin(5m)' }] });
    for (let n = 1; n <= 7; n += 1) await run(n, steadyWindow(n));

    expect(baselines.items.size).toBe(0);
    expect(judge.calls).toHaveLength(7);
  });

  it('leaves raw-mode monitors without baselines', async () => {
    const { run, baselines } = setup({ windowConfig: { maxLines: 500, maxChars: 8000, mode: 'raw' } });
    const { payload } = await run(1, steadyWindow(1));

    expect(baselines.items.size).toBe(0);
    expect(payload.usual).toBeUndefined();
  });
});
