/**
 * Generic masking of the variable parts of a log message, applied before template mining.
 *
 * One setting for every log: nothing here knows about a particular system. A token is cut into
 * segments at punctuation that usually separates a key from its value (`=`, `:`, `,`, brackets,
 * quotes), and a segment that holds a digit, a path or a long hex string becomes `<*>`. That covers
 * numbers, hex, IPs, UUIDs, ids such as `blk_-1608` or `dn228`, durations and sizes, while keeping
 * the shape (`rhost=<*>`, `(HWID=<*>)`) that makes a template readable. Timestamps written with
 * spaces (`Fri Jun 17 07:07:00 2005`) and URLs are masked first as one unit, so a variable that
 * spans tokens cannot change the token count.
 */

/** The wildcard that stands for a variable part of a log line. */
export const WILDCARD = '<*>';

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*';
const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*';
const CLOCK = '\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?';

/**
 * Dates and times that contain spaces; masked as a whole before the line is cut into tokens.
 * Each alternative starts with a fixed word or digits and uses bounded or single-class repeats,
 * so a failed attempt costs the length of one run and the scan stays linear.
 */
const DATES = new RegExp(
  [
    // Sat May 8 09:04:50 EDT 2004, Jun 14 15:16:01, Mon, Jan 2 2006 15:04
    `\\b(?:${WEEKDAY},?\\s+)?${MONTH}\\s+\\d{1,2},?\\s+(?:\\d{4}\\s+)?${CLOCK}(?:\\s+[A-Z]{3,4}\\b)?(?:\\s+\\d{4}\\b)?`,
    // 2015-10-18 18:01:47,978 and ISO 8601 with a zone
    `\\b\\d{4}-\\d{2}-\\d{2}[T ]${CLOCK}(?:Z|[+-]\\d{2}:?\\d{2}\\b)?`,
  ].join('|'),
  'g',
);
const BLANKS = /\s+/;
/** Cheap test for lines that may hold a spanning variable: a clock time or a URL. */
const MAY_SPAN = /\d:\d\d|:\/\//;
/** Characters that end a URL: whitespace, quotes, angle brackets and parentheses. */
const URL_END = /[\s"'<>()]/;

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** `[a-zA-Z0-9+.-]`: the characters of a URL scheme. */
function isSchemeChar(code: number): boolean {
  return isLetter(code) || isDigit(code) || code === 43 || code === 46 || code === 45;
}

/** `\w` in a regular expression without the `u` flag. */
function isWordChar(code: number): boolean {
  return isLetter(code) || isDigit(code) || code === 95;
}

interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * The first URL that starts at or after `from`: what `\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s"'<>()]+`
 * finds, scanned by hand. The regular expression retries its scheme at every word start, which is
 * quadratic on a long `a.a.a.…` run; here each `://` is found once and its scheme read backwards.
 */
function nextUrl(text: string, from: number): Span | undefined {
  for (let sep = text.indexOf('://', from); sep >= 0; sep = text.indexOf('://', sep + 1)) {
    const after = sep + 3;
    if (after >= text.length || URL_END.test(text.charAt(after))) continue;
    let start = -1;
    for (let i = sep - 1; i >= from && isSchemeChar(text.charCodeAt(i)); i -= 1) {
      if (isLetter(text.charCodeAt(i)) && (i === 0 || !isWordChar(text.charCodeAt(i - 1)))) start = i;
    }
    if (start < 0) continue;
    let end = after + 1;
    while (end < text.length && !URL_END.test(text.charAt(end))) end += 1;
    return { start, end };
  }
  return undefined;
}

/** The first date match that starts at or after `from`. */
function nextDate(text: string, from: number): Span | undefined {
  DATES.lastIndex = from;
  const match = DATES.exec(text);
  return match === null ? undefined : { start: match.index, end: match.index + match[0].length };
}

/** Characters that separate a key from its value inside one token; they stay in the template. */
const SEPARATOR = new Uint8Array(128);
for (const ch of '=:,;()[]{}"\'<>|') SEPARATOR[ch.charCodeAt(0)] = 1;
const HEX_WORD = /^(?:0x)?[0-9a-fA-F]{8,}$/;

function isPath(segment: string): boolean {
  const first = segment.charAt(0);
  // /var/log/app.log, \Windows\x, ~/x/y, ./run.sh: a leading separator and a second one further on
  if (first !== '/' && first !== '\\' && first !== '~' && first !== '.') return false;
  return segment.indexOf('/', 1) > 0 || segment.indexOf('\\', 1) > 0;
}

/** A segment without digits is a variable when it is a path or a long hex word (`ffffffff`). */
function isVariableWord(token: string, start: number, end: number): boolean {
  const first = token.charCodeAt(start);
  const pathStart = first === 47 || first === 92 || first === 126 || first === 46;
  if (!pathStart && end - start < 8) return false;
  const segment = token.slice(start, end);
  return isPath(segment) || HEX_WORD.test(segment);
}

/**
 * Masks one whitespace-free token: every variable segment becomes `<*>`, separators stay.
 * `rhost=218.188.2.4` → `rhost=<*>`, `R02-M1-N0-C:J12-U11` → `<*>:<*>`, `setLightsOn(true)` unchanged.
 */
export function maskToken(token: string): string {
  let out = '';
  let copied = 0;
  let start = 0;
  let digit = false;
  for (let i = 0; i <= token.length; i += 1) {
    const code = i < token.length ? token.charCodeAt(i) : 0;
    // a run of dots (`instruction......0`, `a..b`) separates like punctuation; a single dot does not
    const dots = code === 46 && (token.charCodeAt(i + 1) === 46 || token.charCodeAt(i - 1) === 46);
    if (i < token.length && (code >= 128 || SEPARATOR[code] !== 1) && !dots) {
      if (code >= 48 && code <= 57) digit = true;
      continue;
    }
    if (i > start && (digit || isVariableWord(token, start, i))) {
      out += token.slice(copied, start) + WILDCARD;
      copied = i;
    }
    start = i + 1;
    digit = false;
  }
  return copied === 0 ? token : out + token.slice(copied);
}

/**
 * Masks the spanning variables (timestamps with spaces, URLs) of a whole message: left to right,
 * the match that starts first wins and a date wins a tie, as one regular expression with the
 * date alternatives before the URL one would choose. Linear in the length of the message.
 */
export function maskSpanning(text: string): string {
  if (!MAY_SPAN.test(text)) return text;
  const NONE: Span = { start: Infinity, end: Infinity };
  let out = '';
  let position = 0;
  // The next match of each kind at or after `position`, kept while it still starts there or later.
  let date: Span | undefined;
  let url: Span | undefined;
  for (;;) {
    if (date === undefined || date.start < position) date = nextDate(text, position) ?? NONE;
    if (url === undefined || url.start < position) url = nextUrl(text, position) ?? NONE;
    const match = date.start <= url.start ? date : url;
    if (match === NONE) break;
    out += text.slice(position, match.start) + WILDCARD;
    position = match.end;
  }
  return position === 0 ? text : out + text.slice(position);
}

/**
 * Cuts a message into masked tokens: spanning variables first, then whitespace, then each token
 * through {@link maskToken}. Runs of whitespace count as one separator.
 */
export function maskedTokens(text: string): string[] {
  const parts = maskSpanning(text).split(BLANKS);
  const tokens: string[] = [];
  for (const part of parts) if (part.length > 0) tokens.push(maskToken(part));
  return tokens;
}

/** The masked form of a message as one string: tokens joined by single spaces. */
export function maskLine(text: string): string {
  return maskedTokens(text).join(' ');
}
