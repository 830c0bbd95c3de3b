/**
 * Template mining benchmark on Loghub-style data (a folder of Loghub-2k samples, given as <dir>).
 *
 *   npm run bench:templates -- <dir> [--json] [--reps N]
 *
 * Per system and on average: grouping accuracy of the miner on the `Content` column; parsing
 * accuracy against the corrected templates (`X.log_structured_corrected.csv`, normalised as in
 * lib/parsing-accuracy.ts); template coverage of an 8,000-character payload rendered from the raw
 * `.log` lines, in `templates` and `raw` mode; for systems with alert labels, the same coverage for
 * alert events only; throughput in lines per CPU second over several repetitions, of the miner
 * alone and end to end (read the raw `.log`, split lines and headers, mine, render the payload);
 * and the process's peak RSS.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TemplateMiner, mineWindow, renderWindow } from '#domain/shrink/index.ts';
import type { RenderBudget, WindowLine } from '#domain/shrink/index.ts';
import { eventCoverage } from './lib/coverage.ts';
import type { LabelledLine } from './lib/coverage.ts';
import { groupingAccuracy } from './lib/grouping-accuracy.ts';
import { findSystems, loadSystem, splitLines } from './lib/loghub.ts';
import { parsingAccuracy } from './lib/parsing-accuracy.ts';
import type { LoghubSystem } from './lib/loghub.ts';
import { DRAIN_PUBLISHED_GA, formatTable, meanFigures } from './lib/report.ts';
import type { SystemResult } from './lib/report.ts';

const BUDGET: RenderBudget = { maxChars: 8000, maxLines: 10000 };

interface Args {
  readonly dir: string;
  readonly json: boolean;
  readonly reps: number;
}

function parseArgs(argv: readonly string[]): Args {
  let dir = '';
  let json = false;
  let reps = 20;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--reps') reps = Math.max(1, Number(argv[++i] ?? reps));
    else if (!arg.startsWith('--')) dir = resolve(arg);
    else throw new Error(`unknown option ${arg} (use <dir> [--json] [--reps N])`);
  }
  if (dir === '') throw new Error('give the folder of Loghub-2k samples (X_2k.log beside X_2k.log_structured.csv): npm run bench:templates -- <dir>');
  return { dir, json, reps };
}

/** Grouping accuracy of the miner on the messages (`Content`), and parsing accuracy when corrected templates are known. */
function measureGrouping(system: LoghubSystem): Pick<SystemResult, 'grouping_accuracy' | 'parsing_accuracy'> {
  const miner = new TemplateMiner();
  for (const line of system.lines) miner.add(line.content);
  const texts = new Map(miner.templates().map((template) => [template.id, template.template]));
  const ids = system.lines.map((line) => miner.templateIdOf(line.content));
  const grouping = groupingAccuracy(
    system.lines.map((line) => line.event),
    ids.map((id, index) => id ?? `unmatched-${index}`),
  );
  const truth = system.lines.map((line) => line.template);
  if (truth.some((template) => template === undefined)) return { grouping_accuracy: grouping };
  const parsing = parsingAccuracy(
    truth.map((template) => template ?? ''),
    ids.map((id) => (id === undefined ? undefined : texts.get(id))),
  );
  return { grouping_accuracy: grouping, parsing_accuracy: parsing };
}

/** Coverage of payloads rendered from the raw lines, in both modes, and for alerts. */
function measureCoverage(system: LoghubSystem): Pick<SystemResult, 'coverage_templates' | 'coverage_raw' | 'alert_coverage'> {
  const window: WindowLine[] = system.lines.map((line) => ({ text: line.raw }));
  const miner = mineWindow(window);
  const labelled: LabelledLine[] = system.lines.map((line) => ({ text: line.raw, event: line.event, templateId: miner.templateIdOf(line.raw) }));
  const templates = renderWindow(window, { mode: 'templates', ...BUDGET });
  const raw = renderWindow(window, { mode: 'raw', ...BUDGET });
  const alerts = new Set(system.lines.filter((line) => line.label !== undefined && line.label !== '-').map((line) => line.raw));
  return {
    coverage_templates: eventCoverage(templates, labelled),
    coverage_raw: eventCoverage(raw, labelled),
    ...(system.hasAlerts ? { alert_coverage: eventCoverage(templates, labelled, (line) => alerts.has(line.text)) } : {}),
  };
}

/** Lines per CPU second of the miner alone (raw lines, header handling included), fresh miner per repetition. */
function measureThroughput(system: LoghubSystem, reps: number): number {
  const lines = system.lines.map((line) => line.raw);
  const run = (): void => {
    const miner = new TemplateMiner();
    for (const line of lines) miner.add(line);
    miner.templates();
  };
  run();
  const start = process.cpuUsage();
  for (let rep = 0; rep < reps; rep += 1) run();
  const used = process.cpuUsage(start);
  const seconds = (used.user + used.system) / 1e6;
  return seconds === 0 ? 0 : (lines.length * reps) / seconds;
}

/**
 * Lines per CPU second end to end, as a run does it: read the raw `.log` file, split it into
 * lines, then mine (headers split inside) and render a templates-mode payload.
 */
function measureEndToEnd(system: LoghubSystem, reps: number): number {
  let lines = 0;
  const run = (): void => {
    const window: WindowLine[] = splitLines(readFileSync(system.logFile, 'utf8')).map((text) => ({ text }));
    renderWindow(window, { mode: 'templates', ...BUDGET });
    lines += window.length;
  };
  run();
  lines = 0;
  const start = process.cpuUsage();
  for (let rep = 0; rep < reps; rep += 1) run();
  const used = process.cpuUsage(start);
  const seconds = (used.user + used.system) / 1e6;
  return seconds === 0 ? 0 : lines / seconds;
}

function measure(system: LoghubSystem, reps: number): SystemResult {
  const grouping = measureGrouping(system);
  const coverage = measureCoverage(system);
  const linesPerSecond = measureThroughput(system, reps);
  const endToEnd = measureEndToEnd(system, reps);
  const drain = DRAIN_PUBLISHED_GA[system.name];
  return {
    name: system.name,
    ...grouping,
    ...coverage,
    lines_per_second: linesPerSecond,
    lines_per_second_end_to_end: endToEnd,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    ...(drain === undefined ? {} : { drain_grouping_accuracy: drain }),
  };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const names = findSystems(args.dir);
  if (names.length === 0) throw new Error(`no X.log with X.log_structured.csv in ${args.dir}`);
  const results = names.map((name) => measure(loadSystem(args.dir, name), args.reps));
  const mean = meanFigures(results);
  if (args.json) {
    console.log(JSON.stringify({ systems: results, mean }, null, 2));
    return;
  }
  console.log(`Template mining on ${args.dir} (payload: ${BUDGET.maxChars} chars; lines/s per CPU second over ${args.reps} repetitions)\n`);
  console.log(formatTable(results, mean));
  const low = results.filter((result) => result.grouping_accuracy < 0.9).map((result) => result.name);
  const slow = results.filter((result) => result.lines_per_second_end_to_end < 100_000).map((result) => result.name);
  console.log(
    `\nTargets: mean GA ≥ 0.97 ${mean.grouping_accuracy >= 0.97 ? 'met' : 'MISSED'}; no system below 0.90 ${low.length === 0 ? 'met' : `MISSED (${low.join(', ')})`}; ` +
      `templates coverage ≥ 90% ${mean.coverage_templates >= 0.9 ? 'met' : 'MISSED'}; ` +
      `alert coverage 100% ${(mean.alert_coverage ?? 1) >= 1 ? 'met' : 'MISSED'}; ` +
      `≥ 100,000 lines/s end to end ${slow.length === 0 ? 'met' : `MISSED (${slow.join(', ')})`}`,
  );
}

main();
