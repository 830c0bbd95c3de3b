/**
 * The labeled payload the collectors build and the model reads:
 *
 * ```
 * [FULL_LOGS]
 * ...lines, oldest first...
 *
 * [ERRORS]
 * ...lines...
 * ```
 *
 * Parsing it back into blocks lets the rules count per label, the token budget cut per label and
 * the evidence check find the lines a finding may quote.
 */

/** One `[LABEL]` block; `label` is '' for lines before the first header. */
export interface PayloadBlock {
  label: string;
  lines: string[];
}

const HEADER = /^\[([A-Za-z0-9_-]{1,64})\]$/;

/**
 * Splits a payload into its blocks. With `labels`, only those names (any case) are headers, so a
 * log line such as `[INFO]` stays a line; without, a bracketed word counts as a header only at the
 * start or after a blank line. The blank lines that separate blocks are dropped.
 */
export function parsePayload(payload: string, labels?: readonly string[]): PayloadBlock[] {
  const known = labels === undefined ? null : new Map(labels.map((label) => [label.toLowerCase(), label]));
  const blocks: PayloadBlock[] = [];
  let current: PayloadBlock | null = null;
  let previous = '';
  for (const line of payload.split(/\r?\n/)) {
    const name = HEADER.exec(line.trim())?.[1];
    const label =
      name === undefined ? undefined : known === null ? (previous.trim() === '' ? name : undefined) : known.get(name.toLowerCase());
    if (label !== undefined) {
      current = { label, lines: [] };
      blocks.push(current);
    } else {
      if (current === null) {
        current = { label: '', lines: [] };
        blocks.push(current);
      }
      current.lines.push(line);
    }
    previous = line;
  }
  for (const block of blocks) {
    while (block.lines.length > 0 && block.lines[block.lines.length - 1]?.trim() === '') block.lines.pop();
  }
  return blocks.filter((block) => block.label !== '' || block.lines.length > 0);
}

/** Writes blocks back in the payload format (the inverse of {@link parsePayload}). */
export function formatPayload(blocks: readonly PayloadBlock[]): string {
  return blocks
    .map((block) => (block.label === '' ? block.lines : [`[${block.label}]`, ...block.lines]).join('\n'))
    .join('\n\n');
}

/** The lines of each label (labels absent from the payload get no entry). */
export function linesByLabel(blocks: readonly PayloadBlock[]): Map<string, string[]> {
  const byLabel = new Map<string, string[]>();
  for (const block of blocks) {
    if (block.label === '') continue;
    byLabel.set(block.label, [...(byLabel.get(block.label) ?? []), ...block.lines]);
  }
  return byLabel;
}

/**
 * Characters per token used for estimates. chars/4 is the classic approximation, but it holds for
 * English prose; log lines are dense with timestamps, ids, hex, paths and punctuation, which
 * tokenizers split finely, so we assume 3 to err on the side of more tokens (a cut that is a bit
 * too deep costs a few lines; one too shallow fails the call or the cost estimate).
 */
export const CHARS_PER_TOKEN = 3;

/** A conservative token estimate for `text` (see {@link CHARS_PER_TOKEN}). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

// Any spelling of the fence tags inside the data (`</logs>`, `< /LOGS >`, `<logs attr>`) would let
// a log line close the fence early; escaping the `<` keeps the line readable and inert.
const FENCE_TAG = /<(\s*\/?\s*(?:logs|operator_feedback|previous_run)\b)/gi;

/** Escapes anything in `text` that could open or close a fence of the prompt (`<logs>`, `<operator_feedback>`, `<previous_run>`). */
export function neutraliseFence(text: string): string {
  return text.replace(FENCE_TAG, '&lt;$1');
}

const CUT_MARKER = /^\(vigil: \d+ (?:older|less important|older table) (?:lines?|rows?) cut to fit the model's input budget\)$/;
// Room kept in a cut block for its marker line: the marker is under 70 characters.
const MARKER_RESERVE = 72;

function cutMarker(count: number, what: 'older' | 'less important' | 'older table' = 'older'): string {
  const noun = what === 'older table' ? (count === 1 ? 'row' : 'rows') : count === 1 ? 'line' : 'lines';
  return `(vigil: ${count} ${what} ${noun} cut to fit the model's input budget)`;
}

/** A templates-mode block starts with its summary and lists templates most important first. */
const TEMPLATES_SUMMARY = /^# \d+ lines?\b/;
/** A table starts with its caption and its header row (collect/table.ts). */
const TABLE_CAPTION = /^# (?:table|daily cost)\b/;

/** True for the line {@link fitToTokenBudget} leaves where it cut: it is ours, not a log line. */
export function isCutMarker(line: string): boolean {
  return CUT_MARKER.test(line);
}

export interface FittedPayload {
  payload: string;
  /** Lines removed, over all labels. */
  cutLines: number;
  /** Lines removed per label (only labels that lost lines). */
  cutByLabel: Record<string, number>;
}

function bodySize(lines: readonly string[]): number {
  return lines.reduce((size, line) => size + line.length + 1, 0);
}

/**
 * The largest per-block body size `cap` such that the blocks, each cut to at most `cap`
 * characters, fit in `available` characters (water-filling: small blocks stay whole, the
 * largest ones share what is left evenly).
 */
function waterLevel(sizes: readonly number[], available: number): number {
  const sorted = [...sizes].sort((a, b) => a - b);
  let remaining = Math.max(0, available);
  for (let i = 0; i < sorted.length; i += 1) {
    const size = sorted[i] ?? 0;
    const sharing = sorted.length - i;
    if (size * sharing > remaining) return Math.floor(remaining / sharing);
    remaining -= size;
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * Cuts a block to `cap` characters the way its shape asks: a templates-mode block keeps its
 * summary and its most important templates (the first lines) and drops from the end; a table
 * keeps its caption and header row and then its newest rows and trailer (month to date,
 * forecast); free-text lines keep the newest. Each says with a marker how much went.
 */
function cutBlock(lines: readonly string[], cap: number): { lines: string[]; cut: number } {
  const first = lines[0] ?? '';
  if (TEMPLATES_SUMMARY.test(first)) return keepFirst(lines, cap);
  if (TABLE_CAPTION.test(first) && lines.length > 2) {
    const head = lines.slice(0, 2);
    const rest = keepNewest(lines.slice(2), cap - bodySize(head), 'older table');
    return { lines: [...head, ...rest.lines], cut: rest.cut };
  }
  return keepNewest(lines, cap);
}

/** Keeps the first lines of `lines` within `cap` characters, ending with a marker for the cut. */
function keepFirst(lines: readonly string[], cap: number): { lines: string[]; cut: number } {
  const room = Math.max(0, cap - MARKER_RESERVE);
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + line.length + 1 > room) break;
    kept.push(line);
    size += line.length + 1;
  }
  const cut = lines.length - kept.length;
  return { lines: cut > 0 ? [...kept, cutMarker(cut, 'less important')] : kept, cut };
}

/** Keeps the newest lines of `lines` within `cap` characters, ending with a marker for the cut. */
function keepNewest(lines: readonly string[], cap: number, what: 'older' | 'older table' = 'older'): { lines: string[]; cut: number } {
  const room = Math.max(0, cap - MARKER_RESERVE);
  const kept: string[] = [];
  let size = 0;
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = lines[i] ?? '';
    if (size + line.length + 1 > room) break;
    kept.unshift(line);
    size += line.length + 1;
  }
  const newest = lines[lines.length - 1];
  if (kept.length === 0 && newest !== undefined && room > 1) {
    // One line longer than the whole share (a large JSON document): keep its beginning.
    kept.push(`${newest.slice(0, room - 2)}…`);
  }
  const cut = lines.length - kept.length;
  return { lines: cut > 0 ? [cutMarker(cut, what), ...kept] : kept, cut };
}

/**
 * Cuts `payload` so that {@link estimateTokens} of it stays within `maxInputTokens`. Every block
 * keeps its `[LABEL]` header; the largest blocks are cut first, each as its shape asks (see
 * cutBlock: free text loses its oldest lines, a templates block its least important templates, a
 * table its oldest rows), with a marker line saying how many lines were removed, so the model
 * knows the window is partial. A payload that already fits is returned unchanged.
 */
export function fitToTokenBudget(payload: string, maxInputTokens: number, labels?: readonly string[]): FittedPayload {
  if (estimateTokens(payload) <= maxInputTokens) return { payload, cutLines: 0, cutByLabel: {} };
  const blocks = parsePayload(payload, labels);
  const sizes = blocks.map((block) => bodySize(block.lines));
  const overhead = formatPayload(blocks.map((block) => ({ label: block.label, lines: [] }))).length;
  const cap = waterLevel(sizes, maxInputTokens * CHARS_PER_TOKEN - overhead);
  const cutByLabel: Record<string, number> = {};
  let cutLines = 0;
  const fitted = blocks.map((block, index) => {
    if ((sizes[index] ?? 0) <= cap) return block;
    const { lines, cut } = cutBlock(block.lines, cap);
    cutLines += cut;
    if (cut > 0) cutByLabel[block.label] = (cutByLabel[block.label] ?? 0) + cut;
    return { label: block.label, lines };
  });
  return { payload: formatPayload(fitted), cutLines, cutByLabel };
}
