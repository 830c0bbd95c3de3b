import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEml, encodeHeaderValue, encodeQuotedPrintable, rfc5322Date } from '#adapters/files/eml.ts';
import { anyText } from '../../unit/notify/fixtures.ts';

/** RFC 2045 quoted-printable decoding, the way a mail client reads the outbox. */
function decodeQuotedPrintable(encoded: string): string {
  const joined = encoded.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let index = 0; index < joined.length; index += 1) {
    const char = joined[index]!;
    if (char === '=') {
      bytes.push(Number.parseInt(joined.slice(index + 1, index + 3), 16));
      index += 2;
    } else if (char === '\r' && joined[index + 1] === '\n') {
      bytes.push(10);
      index += 1;
    } else {
      bytes.push(char.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeHeader(value: string): string {
  return value
    .replace(/\r\n /g, ' ')
    .replace(/\?= =\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/g, (_, base64: string) => Buffer.from(base64, 'base64').toString('utf8'));
}

describe('encodeQuotedPrintable', () => {
  it('escapes =, non-ASCII bytes and trailing spaces, and keeps lines within 76 characters', () => {
    const encoded = encodeQuotedPrintable(`a=b café \n${'x'.repeat(100)}\t\nend `);

    expect(encoded).toBe(`a=3Db caf=C3=A9=20\r\n${'x'.repeat(75)}=\r\n${'x'.repeat(25)}=09\r\nend=20`);
  });

  it('round-trips any text in lines of at most 76 characters (property)', () => {
    fc.assert(
      fc.property(anyText({ maxLength: 400 }), (text) => {
        const encoded = encodeQuotedPrintable(text);
        const normalised = text.replace(/\r\n?/g, '\n');
        return decodeQuotedPrintable(encoded) === normalised && encoded.split('\r\n').every((line) => line.length <= 76);
      }),
    );
  });
});

describe('encodeHeaderValue', () => {
  it('leaves ASCII as is and folds long values at spaces', () => {
    const value = `[Vigil] ALERT: ${'word '.repeat(20)}end`;

    const encoded = encodeHeaderValue(value);

    expect(encoded.split('\r\n ').every((line) => line.length <= 68)).toBe(true);
    expect(encoded.replace(/\r\n /g, ' ')).toBe(value);
  });

  it('encodes non-ASCII as UTF-8 encoded words of at most 75 characters, cut between characters', () => {
    const subject = '[Vigil] ALERT: Zürich – 🔥 commandes bloquées depuis 10h02 pour tous les marchés européens';

    const encoded = encodeHeaderValue(subject);

    expect(encoded.split('\r\n ').every((word) => /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/.test(word) && word.length <= 75)).toBe(true);
    expect(decodeHeader(encoded)).toBe(subject);
  });
});

describe('buildEml', () => {
  const eml = buildEml({
    from: 'vigil@localhost',
    to: 'ops@example.com',
    subject: 'Vigil: café <alert>',
    date: new Date('2026-11-21T10:05:00.000Z'),
    messageId: 'run1.email@vigil.local',
    text: 'Plain = text\n',
    html: '<p>Caf\u00e9</p>\n',
    headers: { 'X-Vigil-Run-Id': 'run1' },
  });

  it('writes RFC 5322 headers and a multipart/alternative body with CRLF line ends', () => {
    const [head = '', ...rest] = eml.split('\r\n\r\n');

    expect(head.split('\r\n')).toEqual([
      'From: vigil@localhost',
      'To: ops@example.com',
      `Subject: =?UTF-8?B?${Buffer.from('Vigil: café <alert>').toString('base64')}?=`,
      'Date: Sat, 21 Nov 2026 10:05:00 +0000',
      'Message-ID: <run1.email@vigil.local>',
      'X-Vigil-Run-Id: run1',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="=_vigil_run1emailvigillocal"',
    ]);
    expect(rest.join('\r\n\r\n')).toBe(
      [
        'This is a multi-part message in MIME format.',
        '--=_vigil_run1emailvigillocal',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Plain =3D text',
        '',
        '--=_vigil_run1emailvigillocal',
        'Content-Type: text/html; charset=UTF-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        '<p>Caf=C3=A9</p>',
        '',
        '--=_vigil_run1emailvigillocal--',
        '',
      ].join('\r\n'),
    );
    expect(eml.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('formats dates as RFC 5322 wants', () => {
    expect(rfc5322Date(new Date('2026-01-02T03:04:05.000Z'))).toBe('Fri, 02 Jan 2026 03:04:05 +0000');
  });
});
