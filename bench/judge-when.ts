/**
 * What `judge_when: "unusual"` saves: a steady 5-minute monitor over a day (288 runs) on real
 * log lines, counting the runs that would still call the model.
 *
 *   npm run bench:judge-when -- [dir] [--json] [--windows 288] [--lines 200] [--seed 1]
 *
 * For each Loghub system in `dir` (a folder of Loghub-2k samples), every window is
 * `--lines` lines drawn at random (with replacement, kept in file order) from the system's
 * real log: a steady system by construction, whose rare lines still turn up now and then. Each
 * window is mined, compared with the baseline of the windows before it (as a run does:
 * templates mode, 8,000 characters) and recorded. A window calls the model unless it is usual;
 * the reasons are counted (learning, a NEW template, a MISSING one, a count outside its usual
 * range). As a check that the saving does not come from going blind, one window late in the
 * day gets 3 lines of another system appended, and must call the model.
 */
import { resolve } from 'node:path';
import { RunBaselines, type BaselineRepository, type LabelBaseline, type LabelClassification } from '#domain/baseline/index.ts';
import { renderWindow, type WindowLine } from '#domain/shrink/index.ts';
import { findSystems, loadSystem, type LoghubSystem } from './lib/loghub.ts';

const LABEL = 'LOGS';
const RUNS_A_DAY = 288;
const BUDGET = { maxLines: 500, maxChars: 8000 } as const;

interface Args {
  dir: string;
  json: boolean;
  windows: number;
  lines: number;
  seed: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { dir: '', json: false, windows: 288, lines: 200, seed: 1 };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const number = () => {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new Error(`${arg} takes a positive whole number`);
      return value;
    };
    if (arg === '--json') args.json = true;
    else if (arg === '--windows') args.windows = number();
    else if (arg === '--lines') args.lines = number();
    else if (arg === '--seed') args.seed = number();
    else if (!arg.startsWith('--')) args.dir = resolve(arg);
    else throw new Error(`unknown option ${arg} (use <dir> [--json] [--windows N] [--lines N] [--seed N])`);
  }
  if (args.dir === '') throw new Error('give the folder of Loghub-2k samples (X_2k.log beside X_2k.log_structured.csv): npm run bench:judge-when -- <dir>');
  return args;
}

/** A small seeded generator (mulberry32), so a run of the benchmark can be repeated exactly. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Baselines in memory, written as the store writes them. */
class MemoryBaselines implements BaselineRepository {
  private readonly items = new Map<string, LabelBaseline>();
  async load(): Promise<Map<string, LabelBaseline>> {
    return new Map([...this.items].map(([label, baseline]) => [label, structuredClone(baseline)]));
  }
  async update(_: string, label: string, change: (current: LabelBaseline | null) => LabelBaseline | null): Promise<void> {
    const current = this.items.get(label) ?? null;
    const next = change(current === null ? null : structuredClone(current));
    if (next !== null) this.items.set(label, { ...next, version: (current?.version ?? 0) + 1 });
  }
}

interface Reasons {
  learning: number;
  new_template: number;
  missing: number;
  count_outside_usual: number;
}

interface SystemResult {
  name: string;
  runs: number;
  model_calls_always: number;
  model_calls_unusual: number;
  /** Share of model calls saved. */
  saving: number;
  /** Runs that called the model, by what made them unusual (a run may have several reasons). */
  reasons: Reasons;
  /** Calls after the learning phase, not counting the injected window. */
  calls_after_learning: number;
  /** Model calls in each day (288 runs) of the simulation: the first day includes learning and first sightings. */
  calls_per_day: number[];
  injected_window_called: boolean;
}

function reasonsOf(classification: LabelClassification | undefined, reasons: Reasons): void {
  if (classification === undefined) return;
  if (classification.learning !== null) {
    reasons.learning += 1;
    return;
  }
  const marks = [...classification.marks.values()];
  if (marks.some((mark) => mark.kind === 'new')) reasons.new_template += 1;
  if (marks.some((mark) => mark.kind === 'unusual')) reasons.count_outside_usual += 1;
  if (classification.missing.length > 0) reasons.missing += 1;
}

async function simulate(system: LoghubSystem, foreign: LoghubSystem, args: Args): Promise<SystemResult> {
  const next = random(args.seed);
  const repository = new MemoryBaselines();
  const injectAt = args.windows - Math.max(1, Math.floor(args.windows / 10));
  const reasons: Reasons = { learning: 0, new_template: 0, missing: 0, count_outside_usual: 0 };
  let calls = 0;
  let afterLearning = 0;
  let injectedCalled = false;
  const perDay: number[] = [];
  for (let w = 0; w < args.windows; w += 1) {
    const picked = Array.from({ length: args.lines }, () => Math.floor(next() * system.lines.length)).sort((a, b) => a - b);
    const window: WindowLine[] = picked.map((index) => ({ text: system.lines[index]?.raw ?? '' }));
    if (w === injectAt) window.push(...foreign.lines.slice(0, 3).map((line) => ({ text: line.raw })));
    const runId = `W${String(w).padStart(6, '0')}`;
    const baselines = await RunBaselines.open(repository, 'bench', runId);
    renderWindow(window, { mode: 'templates', ...BUDGET, annotate: (templates) => baselines.annotate(LABEL, templates) });
    const usual = baselines.usual([LABEL]);
    if (!usual) {
      calls += 1;
      const day = Math.floor(w / RUNS_A_DAY);
      perDay[day] = (perDay[day] ?? 0) + 1;
      reasonsOf(baselines.classification(LABEL), reasons);
      if (baselines.classification(LABEL)?.learning === null && w !== injectAt) afterLearning += 1;
    }
    if (w === injectAt) injectedCalled = !usual;
    await baselines.record(new Date(Date.UTC(2026, 10, 27) + w * 300_000).toISOString());
  }
  return {
    name: system.name,
    runs: args.windows,
    model_calls_always: args.windows,
    model_calls_unusual: calls,
    saving: 1 - calls / args.windows,
    reasons,
    calls_after_learning: afterLearning,
    calls_per_day: Array.from({ length: Math.ceil(args.windows / RUNS_A_DAY) }, (_, day) => perDay[day] ?? 0),
    injected_window_called: injectedCalled,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const names = findSystems(args.dir);
  if (names.length < 2) throw new Error(`need at least two X.log with X.log_structured.csv in ${args.dir}`);
  const systems = names.map((name) => loadSystem(args.dir, name));
  const results: SystemResult[] = [];
  for (const [index, system] of systems.entries()) {
    results.push(await simulate(system, systems[(index + 1) % systems.length] as LoghubSystem, args));
  }
  const always = results.reduce((sum, r) => sum + r.model_calls_always, 0);
  const unusual = results.reduce((sum, r) => sum + r.model_calls_unusual, 0);
  const days = Math.ceil(args.windows / RUNS_A_DAY);
  const total = {
    model_calls_always: always,
    mean_calls_per_day: Array.from({ length: days }, (_, day) => results.reduce((sum, r) => sum + (r.calls_per_day[day] ?? 0), 0) / results.length),
    model_calls_unusual: unusual,
    saving: 1 - unusual / always,
    injected_windows_called: results.filter((r) => r.injected_window_called).length,
  };
  const settings = { windows: args.windows, lines_per_window: args.lines, seed: args.seed, window_chars: BUDGET.maxChars };
  if (args.json) {
    console.log(JSON.stringify({ settings, systems: results, total }, null, 2));
    return;
  }
  console.log(`judge_when "unusual" over ${args.windows} five-minute runs of ${args.lines} sampled real lines (seed ${args.seed}), ${args.dir}\n`);
  console.log('system       calls(always) calls(unusual) saving  learning new missing count  injected  calls per day');
  for (const r of results) {
    console.log(
      `${r.name.padEnd(12)} ${String(r.model_calls_always).padStart(13)} ${String(r.model_calls_unusual).padStart(14)} ${(r.saving * 100).toFixed(1).padStart(5)}%` +
        ` ${String(r.reasons.learning).padStart(9)} ${String(r.reasons.new_template).padStart(3)} ${String(r.reasons.missing).padStart(7)} ${String(r.reasons.count_outside_usual).padStart(5)}  ${r.injected_window_called ? 'called' : 'MISSED'}    ${r.calls_per_day.join(' / ')}`,
    );
  }
  console.log(
    `\nall          ${String(always).padStart(13)} ${String(unusual).padStart(14)} ${(total.saving * 100).toFixed(1).padStart(5)}%   (calls a day per monitor, mean: ${total.mean_calls_per_day.map((n) => n.toFixed(1)).join(' / ')}; injected anomaly called in ${total.injected_windows_called} of ${results.length})`,
  );
}

await main();
