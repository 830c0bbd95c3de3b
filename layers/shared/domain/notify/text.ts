/**
 * Text helpers for notifications. Summaries, titles and evidence come from logs and from the
 * model, so they are treated as hostile: control characters, ANSI colours and bidi overrides are
 * stripped before anything is rendered, and HTML is escaped at the last step.
 */

// Log lines often carry terminal colours; an ESC byte in an email or SMS is garbage at best.
// eslint-disable-next-line no-control-regex
const ANSI_SEQUENCE = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g;
// C0/C1 controls except tab and newline, which the plain-text body keeps.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Bidi overrides and zero-width characters let a hostile line display as something it is not.
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Strips terminal escapes, control characters and bidi overrides; keeps newlines and tabs. */
export function sanitizeText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(ANSI_SEQUENCE, '').replace(CONTROL, '').replace(INVISIBLE, '');
}

/** {@link sanitizeText}, then every run of whitespace (newlines included) becomes one space. */
export function oneLine(text: string): string {
  return sanitizeText(text).replace(/\s+/g, ' ').trim();
}

/** Counts what a display limit counts: code points, not UTF-16 units. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

export interface CutOptions {
  /** Appended when the text is cut; its width counts against the limit. */
  ellipsis: string;
  /** The width of a string under the limit's unit. */
  measure: (text: string) => number;
}

/**
 * Cuts `text` to at most `max` units, preferring the last word boundary in the second half of
 * what fits, and appends the ellipsis when anything was cut. Returns '' when not even the
 * ellipsis fits.
 */
export function cutToFit(text: string, max: number, options: CutOptions): string {
  const { ellipsis, measure } = options;
  if (measure(text) <= max) return text;
  const budget = max - measure(ellipsis);
  if (budget <= 0) return '';
  let kept = '';
  let width = 0;
  for (const char of text) {
    const charWidth = measure(char);
    if (width + charWidth > budget) break;
    kept += char;
    width += charWidth;
  }
  const lastSpace = kept.lastIndexOf(' ');
  const atWord = lastSpace >= kept.length / 2 ? kept.slice(0, lastSpace) : kept;
  return `${atWord.trimEnd()}${ellipsis}`;
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] ?? char);
}

/** Typographic punctuation that has a plain equivalent in ASCII and in GSM-7. */
const PLAIN_PUNCTUATION: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u2022': '*',
  '\u00b7': '-',
  '\u2192': '->',
};

/**
 * Replaces each character that `keep` rejects: typographic punctuation by its plain form, letters
 * with accents by their base letter, anything else by `?`.
 */
export function replaceUnsupported(text: string, keep: (char: string) => boolean): string {
  let out = '';
  for (const char of text) {
    if (keep(char)) {
      out += char;
      continue;
    }
    const plain = PLAIN_PUNCTUATION[char];
    if (plain !== undefined) {
      out += plain;
      continue;
    }
    const base = char.normalize('NFKD').replace(/\p{M}/gu, '');
    out += base.length > 0 && [...base].every(keep) ? base : '?';
  }
  return out;
}

/** Printable ASCII only (SNS subjects): accents dropped, the rest replaced. */
export function toAscii(text: string): string {
  return replaceUnsupported(oneLine(text), (char) => char >= ' ' && char <= '~');
}
