/**
 * Generic detection of the header a logging library writes before the message: timestamp, host,
 * pid, level, thread and logger (`2015-10-18 18:01:47,978 INFO [main] o.a.h.MRAppMaster: …`,
 * `Jun 14 15:16:01 combo sshd[19939]: …`, `03-17 16:13:38.811 1702 2395 D WindowManager: …`).
 *
 * The header changes on every line, so mining it would split one message into many templates.
 * We strip it and keep the level (for ordering what the model reads first) and the timestamp
 * (first/last seen). No format is configured: the rules look at the shape of the first tokens
 * only, and when they are unsure they leave the line whole (masking still hides its numbers).
 */

/** Severity of a log line, most severe first when ranked with {@link levelRank}. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Where the message starts and the level the header names. */
export interface HeaderSplit {
  /** Offset of the message in the line; 0 when no header was recognised. */
  readonly bodyStart: number;
  readonly level?: LogLevel;
}

/** A raw line split into its header metadata and the message that is mined. */
export interface ParsedLine {
  /** The message without the header; the whole line when no header was recognised. */
  readonly body: string;
  readonly level?: LogLevel;
  /** The header's date/time as written in the line, e.g. `2015-10-18 18:01:47,978`. */
  readonly timestamp?: string;
}

const LEVEL_WORDS = new Map<string, LogLevel>([
  ['FATAL', 'fatal'],
  ['PANIC', 'fatal'],
  ['EMERG', 'fatal'],
  ['EMERGENCY', 'fatal'],
  ['ALERT', 'fatal'],
  ['CRIT', 'fatal'],
  ['CRITICAL', 'fatal'],
  ['SEVERE', 'error'],
  ['ERROR', 'error'],
  ['ERR', 'error'],
  ['FAILURE', 'error'],
  ['WARN', 'warn'],
  ['WARNING', 'warn'],
  ['NOTICE', 'info'],
  ['INFO', 'info'],
  ['INFORMATION', 'info'],
  ['DEBUG', 'debug'],
  ['FINE', 'debug'],
  ['VERBOSE', 'debug'],
  ['TRACE', 'trace'],
  ['FINER', 'trace'],
  ['FINEST', 'trace'],
]);

/** Android logcat and glog write the level as one letter after the pid/tid. */
const LEVEL_LETTERS = new Map<string, LogLevel>([
  ['F', 'fatal'],
  ['A', 'fatal'],
  ['E', 'error'],
  ['W', 'warn'],
  ['I', 'info'],
  ['D', 'debug'],
  ['V', 'trace'],
]);

const RANKS: Readonly<Record<LogLevel, number>> = { fatal: 5, error: 4, warn: 3, info: 2, debug: 1, trace: 0 };

/** Orders levels: fatal 5 … trace 0; a line without a level ranks with info. */
export function levelRank(level: LogLevel | undefined): number {
  return level === undefined ? RANKS.info : RANKS[level];
}

/** Reads a level from free text such as `ERROR`, `Warning`, `info` or `W`. */
export function normalizeLevel(value: string): LogLevel | undefined {
  const word = value.trim().toUpperCase();
  return LEVEL_WORDS.get(word) ?? (word.length === 1 ? LEVEL_LETTERS.get(word) : undefined);
}

const LOGFMT_LEVEL = /^(?:level|lvl|severity)=["']?(\w+)["']?,?$/i;

/**
 * A level written as a header field: `INFO`, `Info`, `WARN:`, `Info,`, `[info]`, `<ERROR>` or
 * `level=warn`. A lower-case bare word is not one: `error` in a sentence is not a header.
 */
function headerLevel(token: string): LogLevel | undefined {
  if (token.length < 3 || token.length > 16) return undefined;
  const first = token.charCodeAt(0);
  const upperFirst = first >= 65 && first <= 90;
  const bracketed = first === 91 || first === 60 || first === 40; // [ < (
  if (!upperFirst && !bracketed) {
    // lower case: only logfmt (`level=warn`, `severity=error`)
    if (first !== 108 && first !== 115) return undefined;
    const logfmt = LOGFMT_LEVEL.exec(token)?.[1];
    return logfmt === undefined ? undefined : normalizeLevel(logfmt);
  }
  if (upperFirst && (first === 76 || first === 83)) {
    const logfmt = LOGFMT_LEVEL.exec(token)?.[1];
    if (logfmt !== undefined) return normalizeLevel(logfmt);
  }
  let word = bracketed ? token.slice(1) : token;
  while (word.endsWith(':') || word.endsWith(',')) word = word.slice(0, -1);
  if (bracketed) {
    if (!/[\]>)]$/.test(word)) return undefined;
    word = word.slice(0, -1);
  }
  if (word.length < 3 || word.length > 11) return undefined;
  const upper = word.toUpperCase();
  const level = LEVEL_WORDS.get(upper);
  if (level === undefined || bracketed || word === upper) return level;
  return word === upper.charAt(0) + upper.slice(1).toLowerCase() ? level : undefined;
}

const MONTH_OR_DAY = /^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?$/;
const HOSTISH = /^[\w.:,\-/+@#]+$|^\[[^\]]*\]$/;
const ALL_CAPS = /^[A-Z][A-Z0-9_]+$/;
const CLOCKISH = /(?:^|[^\d.])\d{1,2}[:.]\d{2}[:.]\d{2}|^\d{1,2}:\d{2}/;
const DATEISH = /^\[?\d{2,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?/;
/** Unix time in seconds or milliseconds between 2001 and 2033, e.g. `1117838570`. */
const EPOCH = /^1\d{9}(?:\d{3})?$/;
const SYSLOG_TAG = /^[\w.\-/()@]+(?:\[\d+\])?:$/;
const LOGGER = /^[\w.$\-/()[\]@#<>]+:$/;
const COLUMN_WORD = /^[a-z][\w.-]*$/;
/** After a month name a day; after a clock a year: `Nov 9 12:01:01 2005`, not a pid. */
const DAY = /^\d{1,2},?$/;
const YEAR = /^(?:19|20)\d{2}$/;

function hasDigit(token: string): boolean {
  for (let i = 0; i < token.length; i += 1) {
    const code = token.charCodeAt(i);
    if (code >= 48 && code <= 57) return true;
  }
  return false;
}

/** A header field that is neither the level nor the message: dates, times, pids, hosts, node ids. */
function isHeaderField(token: string): boolean {
  if (token === '-' || token === '|') return true;
  // `CPU0:` or `EXT3-fs:` name a program or a subject: the message starts there
  if (token.endsWith(':')) return false;
  if (hasDigit(token)) return HOSTISH.test(token);
  return MONTH_OR_DAY.test(token);
}

function isTimeField(token: string): boolean {
  return CLOCKISH.test(token) || DATEISH.test(token) || MONTH_OR_DAY.test(token) || EPOCH.test(token);
}

interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/** Whitespace-separated tokens of a line, cut only as far as they are asked for. */
class Tokens {
  private readonly list: Token[] = [];
  private scanned = 0;

  constructor(private readonly line: string) {}

  at(index: number): Token | undefined {
    const { line, list } = this;
    while (list.length <= index && this.scanned < line.length) {
      let i = this.scanned;
      while (i < line.length && isBlank(line.charCodeAt(i))) i += 1;
      const start = i;
      while (i < line.length && !isBlank(line.charCodeAt(i))) i += 1;
      this.scanned = i;
      if (i > start) list.push({ text: line.slice(start, i), start, end: i });
    }
    return list[index];
  }
}

const HEADER_TOKENS = 12;

/**
 * The first level token preceded only by header fields and all-caps fields such as `RAS KERNEL`;
 * all-caps words alone do not make a header (`HTTP Error 500` opens a message).
 */
function findLevel(tokens: Tokens): { token: Token; level: LogLevel } | undefined {
  let previous: string | undefined;
  let sawField = false;
  for (let index = 0; index < HEADER_TOKENS; index += 1) {
    const token = tokens.at(index);
    if (token === undefined) return undefined;
    const { text } = token;
    const letter = text.length === 1 && previous !== undefined && /^\d+$/.test(previous) ? LEVEL_LETTERS.get(text) : undefined;
    const level = letter ?? headerLevel(text);
    if (level !== undefined) return sawField || index === 0 ? { token, level } : undefined;
    if (isHeaderField(text)) sawField = true;
    else if (!ALL_CAPS.test(text)) return undefined;
    previous = text;
  }
  return undefined;
}

function skipBlanks(line: string, from: number): number {
  let i = from;
  while (i < line.length && isBlank(line.charCodeAt(i))) i += 1;
  return i;
}

/** Index just past a balanced `[...]` group that starts at `from`, or `from` when there is none. */
function skipBracketGroup(line: string, from: number): number {
  if (line.charAt(from) !== '[') return from;
  let depth = 0;
  for (let i = from; i < line.length && i < from + 200; i += 1) {
    const ch = line.charAt(i);
    if (ch === '[') depth += 1;
    else if (ch === ']') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return from;
}

/** After the level: an optional `[thread]`, a `-` or `:` separator and a `logger:` token. */
function skipAfterLevel(line: string, from: number): number {
  let i = skipBlanks(line, skipBracketGroup(line, skipBlanks(line, from)));
  if (line.startsWith('- ', i) || line.startsWith(': ', i)) i = skipBlanks(line, i + 1);
  let end = i;
  while (end < line.length && !isBlank(line.charCodeAt(end))) end += 1;
  return end > i && LOGGER.test(line.slice(i, end)) ? skipBlanks(line, end) : i;
}

/**
 * Columnar headers without a level (`2559971 gige7 gige temperature 1073151998 1 normal`): an
 * epoch among the first eight tokens, after a header field and lower-case column values. A
 * message may well start with a number that looks like an epoch, hence not the first token.
 */
function epochField(tokens: Tokens): Token | undefined {
  for (let index = 0; index < 8; index += 1) {
    const token = tokens.at(index);
    if (token === undefined) return undefined;
    if (index > 0 && EPOCH.test(token.text)) return token;
    if (!isHeaderField(token.text) && !COLUMN_WORD.test(token.text)) return undefined;
  }
  return undefined;
}

/**
 * Finds where the message of a raw log line starts and the level its header names.
 *
 * 1. A level word preceded only by header fields (dates, numbers, hosts, all-caps fields) ends the
 *    header; a `[thread]`, a separator and a `logger:` right after it belong to the header too.
 * 2. Otherwise, when the line opens with header fields that include a date or time, a
 *    syslog-style `program[pid]:` tag within the next two tokens ends the header.
 * 3. Otherwise, when the line opens with a header field, an epoch among the next seven tokens
 *    ends it (columnar formats).
 * 4. Otherwise the whole line is the message.
 */
export function splitHeader(line: string): HeaderSplit {
  const tokens = new Tokens(line);
  const found = findLevel(tokens);
  if (found !== undefined) return { bodyStart: skipAfterLevel(line, found.token.end), level: found.level };
  let fields = 0;
  let timed = false;
  for (let token = tokens.at(0); token !== undefined && fields < HEADER_TOKENS && isHeaderField(token.text); token = tokens.at(fields)) {
    timed ||= isTimeField(token.text);
    fields += 1;
  }
  if (fields === 0) return { bodyStart: 0 };
  for (let index = fields; timed && index < fields + 2; index += 1) {
    const tag = tokens.at(index);
    if (tag !== undefined && SYSLOG_TAG.test(tag.text)) return { bodyStart: skipBlanks(line, tag.end) };
  }
  const epoch = epochField(tokens);
  return { bodyStart: epoch === undefined ? 0 : skipBlanks(line, epoch.end) };
}

/**
 * The date/time written in a line's header (before `bodyStart`): the run of date/time tokens,
 * preferring one that holds a clock time. Undefined when the header has none.
 */
export function headerTimestamp(line: string, bodyStart: number): string | undefined {
  const tokens = new Tokens(line.slice(0, bodyStart));
  let best: { start: number; end: number; clock: boolean } | undefined;
  let run: { start: number; end: number; clock: boolean } | undefined;
  for (let index = 0, token = tokens.at(0); token !== undefined; index += 1, token = tokens.at(index)) {
    const continues = run !== undefined && (run.clock ? YEAR.test(token.text) : DAY.test(token.text));
    if (!continues && !isTimeField(token.text)) {
      run = undefined;
      continue;
    }
    const clock = CLOCKISH.test(token.text);
    run = run === undefined ? { start: token.start, end: token.end, clock } : { start: run.start, end: token.end, clock: run.clock || clock };
    if (best === undefined || (run.clock && !best.clock) || run.start === best.start) best = run;
  }
  return best === undefined ? undefined : line.slice(best.start, best.end).replace(/,$/, '');
}

/** Splits a raw log line into header metadata and message (see {@link splitHeader}). */
export function parseLine(line: string): ParsedLine {
  const { bodyStart, level } = splitHeader(line);
  const timestamp = bodyStart === 0 ? undefined : headerTimestamp(line, bodyStart);
  return {
    body: line.slice(bodyStart),
    ...(level === undefined ? {} : { level }),
    ...(timestamp === undefined ? {} : { timestamp }),
  };
}
