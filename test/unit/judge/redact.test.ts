import { describe, expect, it } from 'vitest';
import { redactSecrets } from '#domain/judge/redact.ts';
import { NEAR_MISSES, SECRET_CASES } from './fixtures/secret-corpus.ts';

describe('redactSecrets', () => {
  it.each([
    ['an access key id', 'creds AKIAIOSFODNN7EXAMPLE loaded', 'creds [REDACTED:aws_access_key_id] loaded'],
    ['an STS access key id', 'key=ASIAIOSFODNN7EXAMPLE', 'key=[REDACTED:aws_access_key_id]'],
    [
      'a secret key in a CLI config',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'aws_secret_access_key = [REDACTED:aws_secret_key]',
    ],
    [
      'STS credentials as JSON',
      '{"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","SessionToken":"IQoJb3JpZ2luX2VjEHoaCXVzLWVhc3QtMSJHMEUCIQ"}',
      '{"AccessKeyId":"[REDACTED:aws_access_key_id]","SecretAccessKey":"[REDACTED:aws_secret_key]","SessionToken":"[REDACTED:aws_session_token]"}',
    ],
    [
      'a bearer JWT',
      'GET /orders Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      'GET /orders Authorization: Bearer [REDACTED:jwt]',
    ],
    ['an opaque bearer token', 'authorization: bearer 0123456789abcdefABCDEF==', 'authorization: bearer [REDACTED:bearer_token]'],
    ['basic auth', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic [REDACTED:basic_auth]'],
    [
      'a password in a URL',
      'connecting to postgres://app:s3cr3t!@db.internal:5432/orders',
      'connecting to postgres://app:[REDACTED:url_password]@db.internal:5432/orders',
    ],
    ['password=value', 'login password=hunter2 user=bob', 'login password=[REDACTED:password] user=bob'],
    ['an env-style key', 'DB_PASSWORD=Xy7!kq&next=1', 'DB_PASSWORD=[REDACTED:password]&next=1'],
    ['a JSON secret', '{"client_secret": "abc123XYZ789"}', '{"client_secret": "[REDACTED:secret]"}'],
    ['an api key header', 'x-api-key: 9f8e7d6c5b4a39281706', 'x-api-key: [REDACTED:api_key]'],
    ['a GitHub token', 'using ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789', 'using [REDACTED:api_token]'],
  ])('redacts %s', (_name, line, expected) => {
    // Act
    const result = redactSecrets(line);

    // Assess
    expect(result.text).toBe(expected);
    expect(result.count).toBeGreaterThan(0);
  });

  it('replaces a whole PEM private key block, leaving the following lines', () => {
    const text = [
      '10:00 loading key',
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
      'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK',
      '-----END RSA PRIVATE KEY-----',
      '10:01 key loaded',
    ].join('\n');

    const result = redactSecrets(text);

    expect(result.text).toBe('10:00 loading key\n[REDACTED:private_key]\n10:01 key loaded');
    expect(result.byKind).toEqual({ private_key: 1 });
  });

  it('redacts a JSON-escaped key and a key cut off by the window without eating the next log line', () => {
    const escaped = '{"key":"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0\\nAAAB==\\n-----END PRIVATE KEY-----\\n","n":1}';
    const cut = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5\n2026-11-21T10:02:11Z INFO next: ok';

    expect(redactSecrets(escaped).text).toBe('{"key":"[REDACTED:private_key]\\n","n":1}');
    expect(redactSecrets(cut).text).toBe('[REDACTED:private_key]\n2026-11-21T10:02:11Z INFO next: ok');
  });

  it('counts every secret and each kind', () => {
    const text = 'AKIAIOSFODNN7EXAMPLE password=hunter22 https://u:p4ss@host/ token=abcdef0123456789';

    const result = redactSecrets(text);

    expect(result.count).toBe(4);
    expect(result.byKind).toEqual({ aws_access_key_id: 1, password: 1, url_password: 1, token: 1 });
  });

  it('does not count a secret twice when two detectors see it', () => {
    const result = redactSecrets('token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.sig');

    expect(result).toEqual({ text: 'token=[REDACTED:jwt]', count: 1, byKind: { jwt: 1 } });
  });

  it.each([
    ['UUIDs and ISO timestamps', '2026-11-21T10:02:11.123Z INFO request 550e8400-e29b-41d4-a716-446655440000 done in 10:02'],
    ['hashes in normal text', 'deployed commit 3f2a9c0b1d4e5f60718293a4b5c6d7e8f9a0b1c2 sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
    ['token counts', '{"input_tokens": 2110, "max_tokens": 2000} tokens: 5 token_count=3'],
    ['prose about passwords and tokens', 'password reset requested for bob@example.com; refreshing token: expired; password: invalid'],
    ['the word bearer', 'bearer token expired for user 42'],
    ['pagination cursors', '{"nextToken": "AAABBBCCC1234567", "pageToken": "Zm9vYmFy123"}'],
    ['URLs without credentials', 'GET https://example.com:443/path?q=1 from user:bob@example.com'],
    ['IAM unique ids and ARNs', 'principal AIDAIOSFODNN7EXAMPLE role arn:aws:iam::123456789012:role/VigilRead'],
    ['a 40-character hex string without context', 'etag 0123456789abcdef0123456789abcdef01234567'],
    ['already masked values', 'password=***** secret=<redacted> token=null'],
  ])('leaves %s untouched', (_name, line) => {
    const result = redactSecrets(line);

    expect(result).toEqual({ text: line, count: 0, byKind: {} });
  });

  it('stays fast on adversarial input (no catastrophic backtracking)', () => {
    const inputs = ['x-eyJ', 'a://b:', '-----BEGIN PRIVATE KEY----- ', 'password', 'token="'].map((unit) =>
      unit.repeat(Math.ceil(100_000 / unit.length)),
    );

    const started = performance.now();
    for (const input of inputs) redactSecrets(input);

    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('the redaction corpus', () => {
  it('holds at least 60 secret shapes and 60 near-misses', () => {
    expect(new Set(SECRET_CASES.map((entry) => entry.shape)).size).toBeGreaterThanOrEqual(60);
    expect(new Set(NEAR_MISSES).size).toBeGreaterThanOrEqual(60);
  });

  it.each(SECRET_CASES.map((entry) => [entry.shape, entry] as const))('redacts %s', (_shape, entry) => {
    expect(entry.line).toContain(entry.secret);

    const result = redactSecrets(entry.line);

    expect(result.text).not.toContain(entry.secret);
    expect(result.text).toContain('[REDACTED:');
    expect(result.count).toBeGreaterThan(0);
  });

  it.each(NEAR_MISSES.map((line) => [line]))('leaves %s untouched', (line) => {
    expect(redactSecrets(line)).toEqual({ text: line, count: 0, byKind: {} });
  });
});
