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

/** Variables that contain spaces; masked as a whole before the line is cut into tokens. */
const SPANNING = new RegExp(
  [
    // Sat May 8 09:04:50 EDT 2004, Jun 14 15:16:01, Mon, Jan 2 2006 15:04
    `\\b(?:${WEEKDAY},?\\s+)?${MONTH}\\s+\\d{1,2},?\\s+(?:\\d{4}\\s+)?${CLOCK}(?:\\s+[A-Z]{3,4}\\b)?(?:\\s+\\d{4}\\b)?`,
    // 2015-10-18 18:01:47,978 and ISO 8601 with a zone
    `\\b\\d{4}-\\d{2}-\\d{2}[T ]${CLOCK}(?:Z|[+-]\\d{2}:?\\d{2}\\b)?`,
    // URLs hold digits, slashes and colons in any number
    `\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s"'<>()]+`,
  ].join('|'),
  'g',
);
const BLANKS = /\s+/;
/** Cheap test for lines that may hold a spanning variable: a clock time or a URL. */
const MAY_SPAN = /\d:\d\d|:\/\//;

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

/** Masks the spanning variables (timestamps with spaces, URLs) of a whole message. */
export function maskSpanning(text: string): string {
  return MAY_SPAN.test(text) ? text.replace(SPANNING, WILDCARD) : text;
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
