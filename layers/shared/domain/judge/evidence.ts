/**
 * What a payload line stands for as evidence. In a templates-mode block (one that opens with
 * its `# N lines, …` summary) the renderer adds notation around real log lines:
 *
 * ```
 * # 2201 lines, 14 templates, most important first
 * 6x ERROR container app task <*> stopped: exit <1–137> @ 2026-11-27T10:01:02Z..10:04:59Z
 *     e.g. container app task 7f3a stopped: exit 137
 *     outlier: request took 9500ms
 * 1x NEW ERROR disk /dev/xvda1 almost full @ 2026-11-27T10:03:00Z
 * MISSING: heartbeat from <*> ok [seen in 19 of the last 20 runs, usual 1–2 a window]
 * ```
 *
 * A finding's evidence is the log line itself: the text after `e.g. ` or `outlier: `, a line
 * shown verbatim without its `Nx NEW LEVEL ` head and ` @ time` / ` [usual …]` tail, and for a
 * template (it has `<*>` or a numeric range such as `<12–9500>`) the first real line shown under
 * it. Summary (`# …`) and footer lines are the renderer's, never evidence. Raw-mode blocks are
 * log lines as they are.
 */
import { WILDCARD } from '../shrink/masking.ts';
import { isCutMarker, parsePayload } from './payload.ts';

/** One payload line a finding may quote. */
export interface EvidenceLine {
  readonly label: string;
  /** The line as the payload shows it, trimmed. */
  readonly shown: string;
  /** What is stored and sent as evidence when the line is quoted. */
  readonly evidence: string;
  /** Other spellings a quote of this line may take (the evidence with its level word, …). */
  readonly aliases: readonly string[];
}

const TEMPLATE_SUMMARY = /^# \d+ lines?\b/;
export const EXAMPLE = /^(?:e\.g\.|outlier:)[ \t]+/;
const HEAD = /^(\d{1,12})x (?:NEW )?(?:(FATAL|ERROR|WARN|INFO|DEBUG|TRACE) )?/;
/** A numeric variable's range in a template: `<12–9500>` (en dash). */
const NUMERIC_RANGE = /<-?\d[\d.,]{0,30}–-?\d[\d.,]{0,30}>/;
/** A numeric variable whose values were all equal: `<137>`; a line shown verbatim (seen at most twice) may hold one too. */
const NUMERIC_VALUE = /<-?\d[\d.,]{0,30}>/;
/** Templates seen at most this often are shown as their real lines (the renderer's RARE_COUNT). */
const RARE_COUNT = 2;
const USUAL_TAIL = / \[usual [^\]]{0,200}\]$/;
const FOOTER = /^… \d+ more templates? not shown$/;
/** Longest ` @ first..last` tail: two timestamps of the longest formats. */
const MAX_TIME_TAIL = 80;

/** Removes a ` @ <time>` tail: the last ` @ ` followed by a time (a digit, no wildcard). */
function withoutTimeTail(text: string): string {
  const at = text.lastIndexOf(' @ ');
  if (at < 0 || text.length - at > MAX_TIME_TAIL) return text;
  const tail = text.slice(at + 3);
  return /\d/.test(tail) && !tail.includes(WILDCARD) ? text.slice(0, at) : text;
}

function withoutTails(text: string): string {
  return withoutTimeTail(text.replace(USUAL_TAIL, '')).replace(USUAL_TAIL, '');
}

/** A rendered head line without its head and tails: `{ level, body }`, or null when it is not one. */
export function decodeHead(line: string): { count: number; level: string | undefined; body: string } | null {
  const head = HEAD.exec(line);
  if (head === null) return null;
  return { count: Number(head[1]), level: head[2], body: withoutTails(line.slice(head[0].length)) };
}

/** A template (variables shown as `<*>` or ranges) rather than a real line shown whole. */
function isTemplate(count: number, body: string): boolean {
  return body.includes(WILDCARD) || NUMERIC_RANGE.test(body) || (count > RARE_COUNT && NUMERIC_VALUE.test(body));
}

/**
 * The spellings a model's quote of a templates-mode line may be reduced to: without an `e.g. `
 * or `outlier: ` prefix, without an `Nx NEW LEVEL ` head, without time and usual-range tails,
 * and without a leading level word.
 */
export function quoteSpellings(quote: string): string[] {
  const spellings = [quote];
  const example = EXAMPLE.exec(quote);
  const inner = example === null ? quote : quote.slice(example[0].length);
  const head = decodeHead(inner);
  const body = head === null ? withoutTails(inner) : head.body;
  for (const spelling of [inner, body, body.replace(/^(?:FATAL|ERROR|WARN|INFO|DEBUG|TRACE) /, '')]) {
    if (!spellings.includes(spelling)) spellings.push(spelling);
  }
  return spellings;
}

/** The lines of one templates-mode block as evidence (see the module comment). */
function templateBlockLines(label: string, lines: readonly string[]): EvidenceLine[] {
  const out: EvidenceLine[] = [];
  // A template head waits for the first example under it to become its evidence.
  let pending: { shown: string; aliases: string[] } | null = null;
  const flush = (evidence: string | null) => {
    if (pending !== null) out.push({ label, shown: pending.shown, evidence: evidence ?? pending.shown, aliases: pending.aliases });
    pending = null;
  };
  for (const raw of lines) {
    const shown = raw.trim();
    // `# …` lines (the summary, a learning note) and the footer are the renderer's own words
    if (shown === '' || shown.startsWith('# ') || FOOTER.test(shown) || isCutMarker(shown)) continue;
    const example = EXAMPLE.exec(shown);
    if (example !== null && /^[ \t]/.test(raw)) {
      const evidence = shown.slice(example[0].length);
      flush(evidence);
      out.push({ label, shown, evidence, aliases: [] });
      continue;
    }
    flush(null);
    const head = decodeHead(shown);
    if (head === null) {
      // MISSING lines and anything else the renderer writes: quoted as shown
      out.push({ label, shown, evidence: shown, aliases: [] });
    } else if (isTemplate(head.count, head.body)) {
      pending = { shown, aliases: [head.body] };
    } else {
      const aliases = head.level === undefined ? [] : [`${head.level} ${head.body}`];
      out.push({ label, shown, evidence: head.body, aliases });
    }
  }
  flush(null);
  return out;
}

/**
 * Every line of a payload a finding may quote, with the evidence it stands for. Blank lines and
 * the budget's cut markers are left out.
 */
export function evidenceLines(payload: string, labels: readonly string[]): EvidenceLine[] {
  return parsePayload(payload, labels).flatMap((block) => {
    const first = block.lines.find((line) => line.trim() !== '')?.trim() ?? '';
    if (TEMPLATE_SUMMARY.test(first)) return templateBlockLines(block.label, block.lines);
    return block.lines
      .map((line) => line.trim())
      .filter((line) => line !== '' && !isCutMarker(line))
      .map((line) => ({ label: block.label, shown: line, evidence: line, aliases: [] }));
  });
}
