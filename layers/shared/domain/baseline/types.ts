/**
 * A monitor's memory of one label: the templates its past runs saw and how often, run by run.
 * Bounded: the newest {@link HISTORY_RUNS} runs and at most {@link MAX_TEMPLATES} templates,
 * the least recently seen evicted first.
 */

/** Runs whose per-template counts are kept. */
export const HISTORY_RUNS = 20;
/** Templates kept per label; beyond, the least recently seen go. */
export const MAX_TEMPLATES = 200;
/** A template's text is kept up to this many characters (it only has to be shown and matched). */
export const MAX_TEMPLATE_CHARS = 240;
/** Runs a monitor learns before it marks anything `NEW`, `MISSING` or unusual. */
export const DEFAULT_LEARNING_RUNS = 5;
/** A template seen in at least this share of the remembered runs is expected: absent, it is `MISSING`. */
export const MISSING_SHARE = 0.9;

/** One template as the baseline remembers it. */
export interface BaselineTemplate {
  /** The miner's id (a stable hash of level and text). */
  id: string;
  /** The template with `<*>` for variables, cut to {@link MAX_TEMPLATE_CHARS}. */
  template: string;
  level: string | null;
  /** When the run that first (and last) saw it ran. */
  firstSeen: string;
  lastSeen: string;
  /** The run that first saw it: a redelivery of that run must still call it new. */
  firstRunId: string;
  /** Its lines in each of {@link LabelBaseline.runs}, same order; 0 when absent. */
  counts: number[];
}

/** What a label's baseline holds, as stored. */
export interface LabelBaseline {
  label: string;
  /** Ids of the newest remembered runs, oldest first (run ids sort by time). */
  runs: string[];
  /** Runs recorded in all, for the learning phase (not bounded by {@link HISTORY_RUNS}). */
  runsRecorded: number;
  templates: BaselineTemplate[];
  /** Optimistic-concurrency counter: a write names the version it read. */
  version: number;
}

/** A template the miner found in this run's window of the label. */
export interface ObservedTemplate {
  id: string;
  template: string;
  level?: string | undefined;
  count: number;
}

/** The fewest and most lines a template had in the remembered runs where it appeared. */
export interface UsualRange {
  min: number;
  max: number;
}

/** A template usually present but absent from this window. */
export interface MissingTemplate {
  template: string;
  level: string | null;
  /** Remembered runs that saw it, of {@link MissingTemplate.of}. */
  seenIn: number;
  of: number;
  usual: UsualRange;
}

export type TemplateMark = { kind: 'new' } | { kind: 'unusual'; usual: UsualRange };

/** How one label's window compares with its baseline. */
export interface LabelClassification {
  /** Set while the label has fewer than the learning runs behind it: nothing is marked then. */
  learning: { run: number; of: number } | null;
  /** Marks by the id of the current template; unmarked templates are known and usual. */
  marks: Map<string, TemplateMark>;
  missing: MissingTemplate[];
  /** Not learning, nothing new, nothing missing, every count inside its usual range. */
  usual: boolean;
}

/** Settings of the comparison (the defaults are the product's; tests may shorten learning). */
export interface BaselineOptions {
  /** @default DEFAULT_LEARNING_RUNS */
  learningRuns?: number;
}
