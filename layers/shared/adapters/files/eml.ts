/**
 * A minimal RFC 5322 / MIME writer for the outbox: one multipart/alternative message with the
 * plain-text and HTML bodies in quoted-printable, so the file opens in any mail client and still
 * reads in a text editor.
 */
import { oneLine } from '#domain/notify/text.ts';

export interface EmlMessage {
  from: string;
  to: string;
  subject: string;
  date: Date;
  /** Without angle brackets: `run-id.email.1@vigil.local`. */
  messageId: string;
  text: string;
  html: string;
  /** Extra `X-` headers (ASCII values). */
  headers?: Record<string, string>;
}

const CRLF = '\r\n';
// RFC 2045: encoded lines are at most 76 characters; one is kept for the soft break's `=`.
const QP_LINE = 75;
// RFC 2047: an encoded word is at most 75 characters; `=?UTF-8?B?` and `?=` take 12, and 45 bytes
// encode to 60 base64 characters.
const ENCODED_WORD_BYTES = 45;

/** The whole .eml file, CRLF line endings. */
export function buildEml(message: EmlMessage): string {
  const boundary = `=_vigil_${message.messageId.replace(/[^A-Za-z0-9]/g, '')}`;
  const extra = Object.entries(message.headers ?? {}).map(([name, value]) => `${name}: ${oneLine(value)}`);
  const part = (type: string, body: string): string[] => [
    `--${boundary}`,
    `Content-Type: ${type}; charset=UTF-8`,
    'Content-Transfer-Encoding: quoted-printable',
    '',
    encodeQuotedPrintable(body),
  ];
  return [
    `From: ${oneLine(message.from)}`,
    `To: ${oneLine(message.to)}`,
    `Subject: ${encodeHeaderValue(oneLine(message.subject))}`,
    `Date: ${rfc5322Date(message.date)}`,
    `Message-ID: <${oneLine(message.messageId)}>`,
    ...extra,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    'This is a multi-part message in MIME format.',
    ...part('text/plain', message.text),
    ...part('text/html', message.html),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}

/** `Sat, 21 Nov 2026 10:02:11 +0000`. */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/**
 * The value as is when it is printable ASCII (folded at spaces), else as RFC 2047 base64 encoded
 * words on folded lines, each cut on a character boundary.
 */
export function encodeHeaderValue(value: string): string {
  if (/^[ -~]*$/.test(value)) return foldAtSpaces(value);
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    if (Buffer.byteLength(chunk + char, 'utf8') > ENCODED_WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk !== '') words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join(`${CRLF} `);
}

function foldAtSpaces(value: string): string {
  // 68 leaves room for `Subject: ` within the 78 characters RFC 5322 recommends.
  const [first = '', ...rest] = value.split(' ');
  const lines: string[] = [];
  let line = first;
  for (const word of rest) {
    if (line.length + 1 + word.length > 68) {
      lines.push(line);
      line = word;
    } else {
      line += ` ${word}`;
    }
  }
  lines.push(line);
  return lines.join(`${CRLF} `);
}

/** Quoted-printable (RFC 2045 §6.7) of the UTF-8 text; `\n` becomes a hard CRLF line break. */
export function encodeQuotedPrintable(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => {
      const bytes = Buffer.from(line, 'utf8');
      let encoded = '';
      let current = '';
      bytes.forEach((byte, index) => {
        const last = index === bytes.length - 1;
        const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
        const token = literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
        if (current.length + token.length > QP_LINE) {
          encoded += `${current}=${CRLF}`;
          current = '';
        }
        current += token;
      });
      return encoded + current;
    })
    .join(CRLF);
}
