/**
 * Secret redaction before anything leaves for the model (and before a line can be quoted as
 * evidence in a stored run or an alert). Every detector is anchored on a shape or a context
 * that ordinary log lines do not have, so UUIDs, hashes, request ids and timestamps pass
 * untouched; a bare 40-character string is *not* treated as an AWS secret key without its
 * context, because commit hashes and checksums look the same.
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
  replace(match: string, groups: readonly (string | undefined)[]): { text: string; kind: SecretKind } | null;
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
const PASSWORD_STATUS = /^(?:invalid|incorrect|wrong|expired|missing|required|changed|reset|empty|set|ok|redacted|hidden|masked)$/i;

function kindOfKey(key: string): SecretKind {
  const lower = key.toLowerCase();
  if (/api[_-]?key$|apikey$/.test(lower)) return 'api_key';
  if (/passw(?:or)?d$/.test(lower)) return 'password';
  if (/(?:secret|private)(?:[_-]?key)?$/.test(lower)) return 'secret';
  return 'token';
}

/** False for values that are not worth redacting: empty, already masked, template values such as <token>, status words. */
function looksLikeSecret(value: string, kind: SecretKind): boolean {
  if (value.trim() === '' || NOT_A_SECRET.test(value) || value.includes('[REDACTED:')) return false;
  return kind === 'password' ? !PASSWORD_STATUS.test(value) : !PROSE_VALUE.test(value);
}

// Pieces of a PEM block: separators (whitespace or JSON-escaped line breaks), a line break alone,
// a base64 line, an RFC 1421 header line (`Proc-Type: 4,ENCRYPTED`). Each piece starts with a
// character the one before it cannot end with, so a failed match backtracks linearly.
const PEM_SEPARATOR = String.raw`(?:\s|\\[rn])+`;
const PEM_LINE_BREAK = String.raw`[ \t]*(?:\r?\n|(?:\\r)?\\n)`;
const PEM_BASE64 = String.raw`[A-Za-z0-9+/=]+(?=[\s\\"']|$)`;
const PEM_HEADER = String.raw`[A-Za-z-]+: [A-Za-z0-9,-]+`;
const PEM_BEGIN = String.raw`-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----`;
const PEM_END = String.raw`-----END[A-Z0-9 ]*PRIVATE KEY-----`;

const DETECTORS: readonly Detector[] = [
  {
    // PEM private keys, also JSON-escaped (`\n`) or flattened onto one line, and cut off by the
    // window (no END line): then only the base64 lines that follow go, the log lines after stay.
    pattern: new RegExp(
      `${PEM_BEGIN}(?:${PEM_SEPARATOR}(?:${PEM_BASE64}|${PEM_HEADER}))*?(?:${PEM_SEPARATOR})?${PEM_END}` +
        `|${PEM_BEGIN}(?:${PEM_LINE_BREAK}${PEM_BASE64})*`,
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
    // scheme://user:password@host: only the password goes. Bounded repeats keep a long run of
    // scheme-like characters from backtracking quadratically.
    pattern: /\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/?#@"'<>]{1,256}):([^\s@/?#"'<>]{1,256})@/gi,
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
    // Vendor tokens with a fixed, unambiguous shape: GitHub, Slack, Stripe live keys, Google API keys.
    pattern:
      /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,}|xox[abposr]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35})\b/g,
    replace: whole('api_token'),
  },
  {
    // password=…, "client_secret": "…", X-Api-Key: …, DB_PASSWORD=… : the key stays, the value goes.
    pattern: new RegExp(
      String.raw`(?<![\w.-])((["']?)(${SECRET_KEY})\2\s*[:=]\s*)("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s,;&"'}\])]+)`,
      'gi',
    ),
    replace: (_match, [prefix, , key, value]) => {
      if (key === undefined || value === undefined || CURSOR_KEY.test(key)) return null;
      const quoted = value.length >= 2 && (value.startsWith('"') || value.startsWith("'"));
      const inner = quoted ? value.slice(1, -1) : value;
      const kind = kindOfKey(key);
      if (!looksLikeSecret(inner, kind)) return null;
      const quote = quoted ? value.charAt(0) : '';
      return { text: `${prefix}${quote}${redactionMark(kind)}${quote}`, kind };
    },
  },
];

/**
 * Replaces secrets in `text` with `[REDACTED:<kind>]` and counts them: AWS access key ids,
 * AWS secret keys and session tokens in their usual contexts, `key=value` secrets (password,
 * secret, token, api key), bearer tokens, basic auth, JWTs, passwords in URLs, PEM private keys
 * and a few vendor token formats.
 */
export function redactSecrets(text: string): RedactionResult {
  const byKind: Partial<Record<SecretKind, number>> = {};
  let count = 0;
  let result = text;
  for (const detector of DETECTORS) {
    result = result.replace(detector.pattern, (match: string, ...rest: unknown[]) => {
      // replace() passes the groups, then the offset, the whole string and (with named groups) an object.
      const groups = rest.slice(0, rest.findIndex((value) => typeof value === 'number')) as (string | undefined)[];
      const replacement = detector.replace(match, groups);
      if (replacement === null) return match;
      count += 1;
      byKind[replacement.kind] = (byKind[replacement.kind] ?? 0) + 1;
      return replacement.text;
    });
  }
  return { text: result, count, byKind };
}
