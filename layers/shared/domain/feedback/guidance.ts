/**
 * Operator feedback as the guidance lines the next runs' prompt carries (newest first). Notes are
 * the operator's words, quoted; the prompt fences the lines and neutralises any fence tag in them.
 */
import type { Feedback } from './types.ts';

const quote = (text: string): string => JSON.stringify(text.replace(/\s+/g, ' ').trim());

function titles(feedback: Feedback): string {
  if (feedback.findingIndex === null) {
    return feedback.findingTitles.length === 0 ? 'its verdict' : `its verdict (findings: ${feedback.findingTitles.map(quote).join(', ')})`;
  }
  return `the finding ${quote(feedback.findingTitles[0] ?? `#${feedback.findingIndex}`)}`;
}

/** One guidance line per feedback item. */
export function guidanceLine(feedback: Feedback): string {
  const run = `the run at ${feedback.runAt} (status ${feedback.runStatus})`;
  const note = feedback.note === null ? '' : ` Operator's note: ${quote(feedback.note)}`;
  switch (feedback.verdict) {
    case 'correct':
      return `- ${feedback.createdAt} CORRECT: for ${run}, ${titles(feedback)} was right.${note}`;
    case 'false_positive': {
      const expected =
        feedback.expectedTemplates.length === 0
          ? ''
          : ` Its templates are now expected: ${feedback.expectedTemplates.map((item) => quote(item.template)).join(', ')}.`;
      return `- ${feedback.createdAt} FALSE POSITIVE: for ${run}, ${titles(feedback)} needed no action.${expected}${note}`;
    }
    case 'missed':
      return `- ${feedback.createdAt} MISSED: ${run} did not report something the operator needed to know.${note}`;
  }
}

export function guidanceLines(feedback: readonly Feedback[]): string[] {
  return feedback.map(guidanceLine);
}
