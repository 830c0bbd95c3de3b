/**
 * A label's classification in the payload's notation (the judge's system prompt explains it):
 * `3x NEW WARN disk <*> almost full`, `412x WARN retrying <*> [usual 3–15 a window]`,
 * `MISSING: heartbeat from <*> ok [seen in 19 of the last 20 runs, usual 1–2 a window]`, and
 * while learning, a note on the block's summary line.
 */
import type { LabelClassification, MissingTemplate, UsualRange } from './types.ts';

/** How the renderer shows a label's baseline marks (shaped like the renderer's annotations). */
export interface BaselineNotation {
  tagOf: (template: { id: string }) => string | undefined;
  noteOf: (template: { id: string }) => string | undefined;
  summaryNote?: string;
  trailer: string[];
}

/** `3–15`, or `2` when the fewest and the most are equal. */
export function formatRange(range: UsualRange): string {
  return range.min === range.max ? `${range.min}` : `${range.min}–${range.max}`;
}

const SHOWN_LEVELS = new Set(['fatal', 'critical', 'error', 'warn', 'warning']);

/** One `MISSING:` line. */
export function missingLine(missing: MissingTemplate): string {
  const level = missing.level !== null && SHOWN_LEVELS.has(missing.level.toLowerCase()) ? `${missing.level.toUpperCase()} ` : '';
  return `MISSING: ${level}${missing.template} [seen in ${missing.seenIn} of the last ${missing.of} runs, usual ${formatRange(missing.usual)} a window]`;
}

/** The renderer's annotations for a classified label. */
export function baselineNotation(classification: LabelClassification): BaselineNotation {
  const { marks, learning } = classification;
  return {
    tagOf: (template) => (marks.get(template.id)?.kind === 'new' ? 'NEW' : undefined),
    noteOf: (template) => {
      const mark = marks.get(template.id);
      return mark?.kind === 'unusual' ? ` [usual ${formatRange(mark.usual)} a window]` : undefined;
    },
    ...(learning !== null && { summaryNote: `; baseline still learning (run ${learning.run} of ${learning.of}), nothing marked NEW or MISSING yet` }),
    trailer: classification.missing.map(missingLine),
  };
}
