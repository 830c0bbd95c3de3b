/**
 * Secret redaction before anything leaves for the model (and before a line can be quoted as
 * evidence in a stored run or an alert). Every detector is anchored on a shape or a context
 * that ordinary log lines do not have, so UUIDs, hashes, request ids and timestamps pass
 * untouched. Secrets are found in free text too: a 40-character AWS secret access key next to
 * an access key id or the words secret/credential (and, without such context, when it has the
 * mixed shape of random base64 and does not decode to text), and a high-entropy value a few
 * words after password/secret/token/api key.
 *
 * Every pattern is linear on adversarial input: each repeat is a single character class or
 * bounded, and the free-text scans read a bounded window (see test/unit/shrink/masking-linear).
 */

export type SecretKind =
  | 'private_key'
  | 'jwt'
  | 'bearer_token'
  | 'basic_auth'
  | 'url_password'
  | 'aws_access_key_id'
  | 'aws_secret_key'
  | 'aws_session_token'
  | 'api_token'
  | 'password'
  | 'secret'
  | 'token'
  | 'api_key';

export interface RedactionResult {
  text: string;
  /** Secrets replaced, all kinds together. */
  count: number;
  byKind: Partial<Record<SecretKind, number>>;
}

/** The text that replaces a secret: `[REDACTED:<kind>]`. */
export function redactionMark(kind: SecretKind): string {
  return `[REDACTED:${kind}]`;
}

interface Detector {
  pattern: RegExp;
  /** Returns the replacement and the kind, or null to leave the match as it is. */
  replace(
    match: string,
    groups: readonly (string | undefined)[],
    offset: number,
    text: string,
  ): { text: string; kind: SecretKind } | null;
}

const whole = (kind: SecretKind): Detector['replace'] => () => ({ text: redactionMark(kind), kind });

// A value that is already redacted, masked or empty-ish is not a secret worth counting.
const NOT_A_SECRET = /^(?:\[REDACTED:[a-z_]+\]|\*+|x{3,}|<[^>]*>|null|none|nil|undefined|true|false|""|'')$/i;

/** Keys whose value is a secret, as the last word of a key (`DB_PASSWORD`, `clientSecret`, `x-api-key`). */
const SECRET_KEY = String.raw`[\w.-]{0,64}?(?:password|passwd|secret(?:[_-]?key)?|private[_-]?key|token|api[_-]?key|apikey)`;
// Pagination and continuation "tokens" are opaque cursors, not credentials.
const CURSOR_KEY = /(?:next|page|continuation|sync|cursor|pagination)[_-]?token$/i;
// Status words that follow such keys in prose ("refreshing token: expired"). Machine-made
// tokens and keys are never a short lower-case word, so those values stay for the `token`,
// `secret` and `api_key` kinds; a password can be one, so only the listed words stay for it.
const PROSE_VALUE = /^[A-Za-z][a-z]{0,11}$/;
// How Java prints an object: `Token{df0798e …`, `Session@1b6d3586` (Android's window tokens).
const JAVA_OBJECT = /^[A-Z][A-Za-z]*(?:\{|@[0-9a-f]+$)/;
const PASSWORD_STATUS = /^(?:invalid|incorrect|wrong|expired|missing|required|changed|reset|empty|set|ok|redacted|hidden|masked)$/i;

// Values that are times, addresses, versions or quantities, not secrets: `2026-11-27T10:00Z`,
// `10:02:11.123`, `10.0.0.12:8443`, `v2.1.3`, `12.5ms`, `4KB`.
const ORDINARY_VALUE = /^(?:\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?$|v?\d+(?:\.\d+)+$|-?\d+(?:[.,]\d+)?[a-zA-Z%µ]{1,3}$)/;

/** True when `offset` is inside an ARN (`arn:aws:secretsmanager:…:secret:prod/db`): a name, not a value. */
function insideArn(text: string, offset: number): boolean {
  let start = offset;
  while (start > 0 && start > offset - 256 && !/\s/.test(text.charAt(start - 1))) start -= 1;
  return /^["'(]?arn:aws[a-z-]*:/.test(text.slice(start, offset));
}

function kindOfKey(key: string): SecretKind {
  const lower = key.toLowerCase();
  if (/api[ _-]?key$|apikey$|(?:access|auth)[ _-]?key$/.test(lower)) return 'api_key';
  if (/passw(?:or)?d$|pwd$|passphrase$/.test(lower)) return 'password';
  if (/(?:secret|private)(?:[ _-]?key)?$|credentials?$/.test(lower)) return 'secret';
  return 'token';
}

/** False for values that are not worth redacting: empty, already masked, template values such as <token>, status words. */
function looksLikeSecret(value: string, kind: SecretKind): boolean {
  if (value.trim() === '' || NOT_A_SECRET.test(value) || value.includes('[REDACTED:') || JAVA_OBJECT.test(value)) return false;
  if (ORDINARY_VALUE.test(value)) return false;
  return kind === 'password' ? !PASSWORD_STATUS.test(value) : !PROSE_VALUE.test(value);
}

// Pieces of a PEM block: separators (whitespace or JSON-escaped line breaks), a line break alone,
// a base64 line, an RFC 1421 header line (`Proc-Type: 4,ENCRYPTED`). Each piece starts with a
// character the one before it cannot end with, so a failed match backtracks linearly.
// A rendered payload shows a line break inside one event as `⏎` and cuts a long line with `…`.
const PEM_SEPARATOR = String.raw`(?:\s|\\[rn]|⏎)+`;
const PEM_LINE_BREAK = String.raw`[ \t]*(?:\r?\n|(?:\\r)?\\n|⏎)`;
const PEM_BASE64 = String.raw`[A-Za-z0-9+/=]+(?=[\s\\"'⏎…]|$)`;
// A key flattened onto one line with spaces and cut before its END: chunks of 16+ characters.
const PEM_FLAT_BASE64 = String.raw`[ \t]+[A-Za-z0-9+/=]{16,}(?=[\s\\"'⏎…]|$)`;
const PEM_HEADER = String.raw`[A-Za-z-]+: [A-Za-z0-9,-]+`;
const PEM_BEGIN = String.raw`-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----`;
const PEM_END = String.raw`-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----`;

/** An access key id, or one already redacted: the context that makes a 40-character run a secret key. */
const ACCESS_KEY_CONTEXT = /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b|\[REDACTED:aws_access_key_id\]/;
const SECRET_WORD_CONTEXT = /secret|credential/i;
/** How far before (and after, for an access key id) a 40-character run its context may be. */
const CONTEXT_CHARS = 80;

function isPrintableText(bytes: Uint8Array): boolean {
  let printable = 0;
  for (const byte of bytes) if ((byte >= 32 && byte < 127) || byte === 9 || byte === 10 || byte === 13) printable += 1;
  return printable >= bytes.length * 0.9;
}

/**
 * Whether a standalone run of 40 base64 characters is an AWS secret access key. Near an access
 * key id or the words secret/credential: when it is not hex and mixes upper and lower case.
 * Alone: also a digit, not a path, and it must not decode to text (base64 of a sentence is 40
 * characters too; a key decodes to 30 random bytes).
 */
function isAwsSecretKey(run: string, offset: number, text: string): boolean {
  if (/^[0-9a-f]+$/i.test(run) || !/[a-z]/.test(run) || !/[A-Z]/.test(run)) return false;
  // the context is on the same line: a payload's lines are not one another's context
  const before = text.slice(Math.max(0, offset - CONTEXT_CHARS), offset).split('\n').pop() ?? '';
  const after = text.slice(offset + run.length, offset + run.length + CONTEXT_CHARS).split('\n')[0] ?? '';
  if (SECRET_WORD_CONTEXT.test(before) || ACCESS_KEY_CONTEXT.test(before) || ACCESS_KEY_CONTEXT.test(after)) {
    return /[0-9/+]/.test(run);
  }
  if (!/[0-9]/.test(run) || run.startsWith('/') || run.split('/').length > 3) return false;
  return !isPrintableText(Buffer.from(run, 'base64'));
}

const DETECTORS: readonly Detector[] = [
  {
    // PEM private keys, also JSON-escaped (`\n`) or flattened onto one line, and cut off by the
    // window (no END line): then only the base64 lines that follow go, the log lines after stay.
    pattern: new RegExp(
      `${PEM_BEGIN}(?:${PEM_SEPARATOR}(?:${PEM_BASE64}|${PEM_HEADER}))*?(?:${PEM_SEPARATOR})?${PEM_END}` +
        `|${PEM_BEGIN}(?:${PEM_LINE_BREAK}${PEM_BASE64}|${PEM_FLAT_BASE64})*`,
      'g',
    ),
    replace: whole('private_key'),
  },
  {
    // Header and payload of a JWT are base64url JSON objects, so both start with `eyJ` (`{"`).
    // A token starts where a base64url run starts, and its header is short: both keep a long
    // base64url run from being rescanned at every `eyJ` inside it.
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,1024}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    replace: whole('jwt'),
  },
  {
    // 16+ characters: "bearer token expired" is prose, not a credential.
    pattern: /\b(Bearer)\s+[A-Za-z0-9._~+/-]{16,}=*/gi,
    replace: (_match, [scheme]) => ({ text: `${scheme ?? 'Bearer'} ${redactionMark('bearer_token')}`, kind: 'bearer_token' }),
  },
  {
    pattern: /\b(Authorization["']?\s*[:=]\s*["']?Basic)\s+[A-Za-z0-9+/]{8,}=*/gi,
    replace: (_match, [prefix]) => ({ text: `${prefix ?? 'Authorization: Basic'} ${redactionMark('basic_auth')}`, kind: 'basic_auth' }),
  },
  {
    // scheme://user:password@host: only the password goes; the user may be empty
    // (`redis://:pw@host`) and the password may hold `@` (the authority ends at the last one).
    // Bounded repeats keep a long run of scheme-like characters from backtracking quadratically.
    pattern: /\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/?#@"'<>]{0,256}):([^\s/?#"'<>]{1,256})@(?=[^\s@/?#"'<>]{0,256}(?:[/?#"'<>\s]|$))/gi,
    replace: (_match, [prefix]) => ({ text: `${prefix}:${redactionMark('url_password')}@`, kind: 'url_password' }),
  },
  {
    // Access key ids: AKIA (long-term), ASIA (STS), ABIA (STS bearer), ACCA (context-specific).
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g,
    replace: whole('aws_access_key_id'),
  },
  {
    // aws_secret_access_key = …, "SecretAccessKey": "…", secretAccessKey: '…' (CLI config, STS JSON, SDK code).
    pattern: /((["']?)(?:aws_?)?secret_?access_?key\2\s*[:=]\s*)(["']?)([A-Za-z0-9/+=]{20,})\3/gi,
    replace: (_match, [prefix, , quote]) => ({
      text: `${prefix}${quote}${redactionMark('aws_secret_key')}${quote}`,
      kind: 'aws_secret_key',
    }),
  },
  {
    pattern: /((["']?)(?:aws_?)?session_?token\2\s*[:=]\s*)(["']?)([A-Za-z0-9/+=]{16,})\3/gi,
    replace: (_match, [prefix, , quote]) => ({
      text: `${prefix}${quote}${redactionMark('aws_session_token')}${quote}`,
      kind: 'aws_session_token',
    }),
  },
  {
    // A secret access key in free text (`credentials AKIA… / wJalr…`): exactly 40 characters of
    // its alphabet, judged by its context and shape (see isAwsSecretKey).
    pattern: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    replace: (match, _groups, offset, text) =>
      isAwsSecretKey(match, offset, text) ? { text: redactionMark('aws_secret_key'), kind: 'aws_secret_key' } : null,
  },
  {
    // STS session tokens begin with the same serialized header: `IQoJb3JpZ2lu…`, `FwoGZXIvYXdz…`.
    pattern: /(?<![A-Za-z0-9/+])(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+]{20,}=*/g,
    replace: whole('aws_session_token'),
  },
  {
    // Vendor tokens with a fixed, unambiguous shape: GitHub, GitLab, Slack (tokens and webhook
    // paths), Stripe secret, restricted and webhook keys, Google API keys, npm, PyPI, SendGrid,
    // OpenAI and Anthropic keys.
    pattern: new RegExp(
      [
        String.raw`\bgh[pousr]_[A-Za-z0-9]{36,}`,
        String.raw`\bgithub_pat_[A-Za-z0-9_]{50,}`,
        String.raw`\bgl(?:pat|ptt|dt|rt|soat|ffct|cbt|imt|agent|oas|ft)-[A-Za-z0-9_-]{20,}`,
        String.raw`\bxox[abposre]-[A-Za-z0-9-]{10,}`,
        String.raw`\bxapp-\d-[A-Za-z0-9-]{10,}`,
        String.raw`hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_-]{20,}`,
        String.raw`\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}`,
        String.raw`\bwhsec_[A-Za-z0-9]{24,}`,
        String.raw`\bAIza[0-9A-Za-z_-]{35}`,
        String.raw`\bnpm_[A-Za-z0-9]{36}`,
        String.raw`\bpypi-[A-Za-z0-9_-]{50,}`,
        String.raw`\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}`,
        String.raw`\bsk-(?:proj-|ant-(?:api\d\d-)?)?[A-Za-z0-9_-]{32,}`,
      ]
        .map((shape) => `${shape}(?![A-Za-z0-9_-])`)
        .join('|'),
      'g',
    ),
    replace: whole('api_token'),
  },
  {
    // password=…, "client_secret": "…", X-Api-Key: …, DB_PASSWORD=… : the key stays, the value goes.
    pattern: new RegExp(
      String.raw`(?<![\w.-])((["']?)(${SECRET_KEY})\2\s*[:=]\s*)("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s,;&"'}\])]+)`,
      'gi',
    ),
    replace: (_match, [prefix, , key, value], offset, text) => {
      if (key === undefined || value === undefined || CURSOR_KEY.test(key) || insideArn(text, offset)) return null;
      const quoted = value.length >= 2 && (value.startsWith('"') || value.startsWith("'"));
      const inner = quoted ? value.slice(1, -1) : value;
      const kind = kindOfKey(key);
      if (!looksLikeSecret(inner, kind)) return null;
      const quote = quoted ? value.charAt(0) : '';
      return { text: `${prefix}${quote}${redactionMark(kind)}${quote}`, kind };
    },
  },
];

// Words after which a value may be a secret in free text (`password is Xy7!kq2a`,
// `using api key 3f9a…`, `token: …`). A whole word (not `mytoken`, `tokens`, `token_count`) and
// not the kind named in a redaction mark.
const SECRET_WORD = /(?<![A-Za-z0-9_]|\[REDACTED:[a-z_]{0,24})(pass(?:word|wd|phrase)|pwd|secret|token|api[ _-]?key|apikey|access[ _-]?key|auth[ _-]?key|credentials?|private[ _-]?key)(?![A-Za-z0-9_])/gi;
// Words between the secret word and its value: `password is …`, `token was set to …`, `key: …`.
const FILLERS = new Set(['is', 'was', 'are', 'were', 'be', 'set', 'now', 'to', 'value', 'of', 'changed', 'updated', 'became', ':', '=', '->', '=>', '-']);
const MAX_FILLERS = 3;
/** Longest value looked at; longer tokens are read no further (linear scans). */
const MAX_VALUE_CHARS = 512;
const OPENING = '"\'(<[{`';
const CLOSING = '"\'.,;:)>]}`';

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}


/** Shannon entropy of the characters of `value`, in bits per character. */
function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * A value that looks machine-made or chosen as a password: with a digit and a letter, and either
 * three kinds of characters (lower, upper, digit, symbol) in 6+ characters, or 16+ characters
 * with at least 3 bits of entropy each (hex and base64 keys). Words, numbers, versions such as
 * `v2` and stand-ins (`<*>`, `[REDACTED:…]`) stay.
 */
function isHighEntropy(value: string): boolean {
  if (value.length < 6 || value.includes('[REDACTED:') || value.includes('<*>') || NOT_A_SECRET.test(value) || JAVA_OBJECT.test(value)) {
    return false;
  }
  const lower = /[a-z]/.test(value);
  const upper = /[A-Z]/.test(value);
  const digit = /[0-9]/.test(value);
  const symbol = /[^A-Za-z0-9]/.test(value);
  if (!digit || !(lower || upper) || ORDINARY_VALUE.test(value)) return false;
  const kinds = Number(lower) + Number(upper) + Number(digit) + Number(symbol);
  return kinds >= 3 || (value.length >= 16 && entropy(value) >= 3);
}

/** The next whitespace-separated token at or after `from`, read at most MAX_VALUE_CHARS far. */
function tokenAt(text: string, from: number): { start: number; end: number } | null {
  let start = from;
  // spaces and tabs only: the value is on the keyword's line, not the next log line
  while (start < text.length && start < from + MAX_VALUE_CHARS && isBlank(text.charCodeAt(start))) start += 1;
  if (start >= text.length || isSpace(text.charCodeAt(start))) return null;
  let end = start;
  while (end < text.length && end < start + MAX_VALUE_CHARS && !isSpace(text.charCodeAt(end))) end += 1;
  return { start, end };
}

/**
 * Free text: after a secret word and up to three filler words (`is`, `was set to`, `:`), the
 * next token is the value; it is redacted when {@link isHighEntropy}. The word, quotes and
 * trailing punctuation stay. `password reset for user 42` and `token expired` stay whole.
 */
function redactFreeText(text: string, onRedacted: (kind: SecretKind) => void): string {
  let out = '';
  let copied = 0;
  SECRET_WORD.lastIndex = 0;
  for (let word = SECRET_WORD.exec(text); word !== null; word = SECRET_WORD.exec(text)) {
    const wordEnd = word.index + word[0].length;
    if (word.index < copied) continue;
    let at = wordEnd;
    // `password:` and `token=` glued to the word: the separator is a filler
    if (text.charAt(at) === ':' || text.charAt(at) === '=') at += 1;
    if (at < text.length && !isSpace(text.charCodeAt(at))) continue;
    let token = tokenAt(text, at);
    for (let fillers = 0; token !== null && fillers < MAX_FILLERS; fillers += 1) {
      if (!FILLERS.has(text.slice(token.start, token.end).toLowerCase())) break;
      token = tokenAt(text, token.end);
    }
    if (token === null) continue;
    let { start, end } = token;
    if (text.slice(start, end).includes('[REDACTED:')) continue;
    while (start < end && OPENING.includes(text.charAt(start))) start += 1;
    while (end > start && CLOSING.includes(text.charAt(end - 1))) end -= 1;
    if (!isHighEntropy(text.slice(start, end))) continue;
    const kind = kindOfKey(word[1] ?? '');
    out += text.slice(copied, start) + redactionMark(kind);
    copied = end;
    onRedacted(kind);
    SECRET_WORD.lastIndex = Math.max(SECRET_WORD.lastIndex, end);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Something every detector needs to find (a word, a prefix or a 40-character run): text without
 * any of these holds no secret we can see, and skips the detectors (most log lines do).
 */
const MAY_HOLD_SECRET = new RegExp(
  [
    '-----BEGIN', 'eyJ', 'bearer', 'basic', '://', 'AKIA', 'ASIA', 'ABIA', 'ACCA', 'IQoJ', 'FwoG', 'FQoG',
    'gh[pousr]_', 'github_pat_', 'gl[a-z]{1,6}-', 'xox', 'xapp-', 'hooks\\.slack', '_live_', '_test_', 'whsec_', 'AIza', 'npm_',
    'pypi-', 'SG\\.', 'sk-', 'pass', 'pwd', 'secret', 'token', 'key', 'credential', '[A-Za-z0-9/+]{40}',
  ].join('|'),
  'i',
);

const MARK = /\[REDACTED:[a-z_]+\]/g;

/** How many `[REDACTED:<kind>]` marks `text` holds (secrets redacted before or now). */
export function countRedactionMarks(text: string): number {
  return text.match(MARK)?.length ?? 0;
}

/**
 * Replaces secrets in `text` with `[REDACTED:<kind>]` and counts them: AWS access key ids,
 * AWS secret keys and session tokens in their usual contexts, `key=value` secrets (password,
 * secret, token, api key), bearer tokens, basic auth, JWTs, passwords in URLs, PEM private keys
 * and a few vendor token formats.
 */
export function redactSecrets(text: string): RedactionResult {
  if (!MAY_HOLD_SECRET.test(text)) return { text, count: 0, byKind: {} };
  const byKind: Partial<Record<SecretKind, number>> = {};
  let count = 0;
  let result = text;
  for (const detector of DETECTORS) {
    result = result.replace(detector.pattern, (match: string, ...rest: unknown[]) => {
      // replace() passes the groups, then the offset, the whole string and (with named groups) an object.
      const at = rest.findIndex((value) => typeof value === 'number');
      const groups = rest.slice(0, at) as (string | undefined)[];
      const replacement = detector.replace(match, groups, rest[at] as number, rest[at + 1] as string);
      if (replacement === null) return match;
      count += 1;
      byKind[replacement.kind] = (byKind[replacement.kind] ?? 0) + 1;
      return replacement.text;
    });
  }
  result = redactFreeText(result, (kind) => {
    count += 1;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  });
  return { text: result, count, byKind };
}
