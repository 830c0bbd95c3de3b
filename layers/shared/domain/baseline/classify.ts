/**
 * Comparing one label's window with its baseline: which templates are `NEW`, which counts are
 * outside their usual range, which usual templates are `MISSING`, and whether the whole window
 * is usual (what `judge_when: "unusual"` asks).
 */
import { keptTemplateText, templatesCompatible } from './match.ts';
import {
  DEFAULT_LEARNING_RUNS,
  MAX_TEMPLATE_CHARS,
  MISSING_SHARE,
  type BaselineOptions,
  type BaselineTemplate,
  type LabelBaseline,
  type LabelClassification,
  type MissingTemplate,
  type ObservedTemplate,
  type TemplateMark,
  type UsualRange,
} from './types.ts';

/** A count is outside its usual range only when it is off by this factor… */
const OUTSIDE_FACTOR = 2;
/** …and by at least this many lines, so 1 against a usual 2–3 is not news. */
const OUTSIDE_MIN_LINES = 3;

/**
 * The baseline as it was before `runId`: a redelivered run finds its own first attempt recorded
 * and must compare against what came before it, or nothing it brought would be new.
 */
export function baselineBefore(baseline: LabelBaseline | null, runId: string): LabelBaseline | null {
  if (baseline === null) return null;
  const index = baseline.runs.indexOf(runId);
  if (index < 0) return baseline;
  const without = <T>(list: readonly T[]) => list.filter((_, i) => i !== index);
  return {
    ...baseline,
    runs: without(baseline.runs),
    runsRecorded: Math.max(0, baseline.runsRecorded - 1),
    templates: baseline.templates.filter((t) => t.firstRunId !== runId).map((t) => ({ ...t, counts: without(t.counts) })),
  };
}

/** The fewest and most lines of a template over the remembered runs that saw it (null: none did). */
export function usualRange(template: BaselineTemplate): UsualRange | null {
  const present = template.counts.filter((count) => count > 0);
  if (present.length === 0) return null;
  return { min: Math.min(...present), max: Math.max(...present) };
}

/**
 * Outside the usual range: more than twice the most, or less than half the fewest, seen in a
 * remembered run, and at least three lines beyond it. A strict min–max band would call a new
 * maximum "unusual" about once in twenty runs per template, which on a steady system is noise.
 */
export function outsideUsual(count: number, usual: UsualRange): boolean {
  const high = count > usual.max * OUTSIDE_FACTOR && count - usual.max >= OUTSIDE_MIN_LINES;
  const low = count * OUTSIDE_FACTOR < usual.min && usual.min - count >= OUTSIDE_MIN_LINES;
  return high || low;
}

/** Absence must be at most this likely, judged from the template's counts, to be worth a `MISSING`. */
const MISSING_SURPRISE = 0.001;
/** Counts this steady (variance at most a quarter of the mean, never absent) are a schedule: a heartbeat, a job. */
const REGULAR_DISPERSION = 0.25;

/**
 * Whether a template's absence from a window is news: seen in at least 90% of the remembered
 * runs, and either regular (never absent, counts nearly constant: a heartbeat) or so frequent
 * that a window without it is unlikely by chance (below 0.1%, from the counts' mean and
 * variance: Poisson, or negative binomial when they vary more). Without the second test every
 * template present in, say, 95% of windows by chance would be `MISSING` one run in twenty.
 */
export function expectedInEveryWindow(counts: readonly number[]): boolean {
  const runs = counts.length;
  if (runs === 0) return false;
  const seenIn = counts.filter((count) => count > 0).length;
  if (seenIn < MISSING_SHARE * runs) return false;
  const mean = counts.reduce((sum, count) => sum + count, 0) / runs;
  const variance = counts.reduce((sum, count) => sum + (count - mean) ** 2, 0) / runs;
  if (seenIn === runs && variance <= REGULAR_DISPERSION * mean) return true;
  const absentChance = variance > mean ? (mean / variance) ** ((mean * mean) / (variance - mean)) : Math.exp(-mean);
  return absentChance <= MISSING_SURPRISE;
}

const levelOf = (level: string | null | undefined): string => (level ?? '').toLowerCase();

/**
 * Matches each current template to the baseline templates it stands for: by id first, else every
 * baseline template of the same level whose text is compatible (`<*>` on either side).
 */
export function matchTemplates(
  current: readonly ObservedTemplate[],
  remembered: readonly BaselineTemplate[],
): Map<string, BaselineTemplate[]> {
  const byId = new Map(remembered.map((t) => [t.id, t]));
  const matches = new Map<string, BaselineTemplate[]>();
  for (const template of current) {
    const same = byId.get(template.id);
    if (same !== undefined) {
      matches.set(template.id, [same]);
      continue;
    }
    const text = keptTemplateText(template.template, MAX_TEMPLATE_CHARS);
    const level = levelOf(template.level);
    matches.set(
      template.id,
      remembered.filter((t) => levelOf(t.level) === level && templatesCompatible(text, t.template)),
    );
  }
  return matches;
}

/**
 * Classifies a label's current templates against its baseline (already seen as before this run,
 * see {@link baselineBefore}). While fewer than the learning runs are behind it, nothing is
 * marked and the window is not usual (the model is asked).
 */
export function classifyLabel(
  current: readonly ObservedTemplate[],
  baseline: LabelBaseline | null,
  options: BaselineOptions = {},
): LabelClassification {
  const learningRuns = options.learningRuns ?? DEFAULT_LEARNING_RUNS;
  const recorded = baseline?.runsRecorded ?? 0;
  if (baseline === null || recorded < learningRuns) {
    return { learning: { run: recorded + 1, of: learningRuns }, marks: new Map(), missing: [], usual: false };
  }
  const matches = matchTemplates(current, baseline.templates);
  const matchedBy = new Map<BaselineTemplate, number>();
  for (const found of matches.values()) for (const t of found) matchedBy.set(t, (matchedBy.get(t) ?? 0) + 1);

  const marks = new Map<string, TemplateMark>();
  for (const template of current) {
    const found = matches.get(template.id) ?? [];
    if (found.length === 0) {
      marks.set(template.id, { kind: 'new' });
      continue;
    }
    // A count is compared only where it means the same thing: one template on each side.
    const only = found.length === 1 ? found[0] : undefined;
    if (only === undefined || matchedBy.get(only) !== 1) continue;
    const usual = usualRange(only);
    if (usual !== null && outsideUsual(template.count, usual)) marks.set(template.id, { kind: 'unusual', usual });
  }

  const runs = baseline.runs.length;
  const missing: MissingTemplate[] = [];
  for (const t of baseline.templates) {
    if (matchedBy.has(t)) continue;
    const seenIn = t.counts.filter((count) => count > 0).length;
    const usual = usualRange(t);
    if (usual !== null && expectedInEveryWindow(t.counts)) {
      missing.push({ template: t.template, level: t.level, seenIn, of: runs, usual });
    }
  }
  missing.sort((a, b) => b.seenIn - a.seenIn || (a.template < b.template ? -1 : 1));
  return { learning: null, marks, missing, usual: marks.size === 0 && missing.length === 0 };
}
