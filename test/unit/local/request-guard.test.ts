import { describe, expect, it } from 'vitest';
import { allowedHosts, checkRequestSource } from '../../../local/request-guard.ts';

describe('allowedHosts', () => {
  it('names the loopback addresses and the listening address with the port', () => {
    expect([...allowedHosts({ host: '127.0.0.1', port: 3000 })].sort()).toEqual(['127.0.0.1:3000', '[::1]:3000', 'localhost:3000']);
    expect(allowedHosts({ host: '::', port: 3000 }).has('[::]:3000')).toBe(true);
    expect(allowedHosts({ host: 'MyBox.lan', port: 3000 }).has('mybox.lan:3000')).toBe(true);
  });

  it('takes VIGIL_ALLOWED_HOSTS entries as written with a port, or with and without the listening port', () => {
    const allowed = allowedHosts({ host: '127.0.0.1', port: 3000, extra: ' Vigil.Internal , proxy.test:8443,,[fd00::1]' });

    expect(allowed.has('vigil.internal')).toBe(true);
    expect(allowed.has('vigil.internal:3000')).toBe(true);
    expect(allowed.has('vigil.internal:8443')).toBe(false);
    expect(allowed.has('proxy.test:8443')).toBe(true);
    expect(allowed.has('proxy.test')).toBe(false);
    expect(allowed.has('[fd00::1]:3000')).toBe(true);
  });

  it('accepts bare names only on port 80', () => {
    expect(allowedHosts({ host: '127.0.0.1', port: 80 }).has('localhost')).toBe(true);
    expect(allowedHosts({ host: '127.0.0.1', port: 3000 }).has('localhost')).toBe(false);
  });
});

describe('checkRequestSource', () => {
  const allowed = allowedHosts({ host: '127.0.0.1', port: 3000 });

  it.each([
    [{}, 421, 'the Host header is required'],
    [{ host: 'attacker.example:3000' }, 421, 'does not name this server'],
    [{ host: 'localhost:3000', origin: 'http://attacker.example' }, 403, 'cross-origin request'],
    [{ host: 'localhost:3000', origin: 'file://' }, 403, 'cross-origin request'],
    [{ host: 'localhost:3000', origin: 'http://localhost:3001' }, 403, 'cross-origin request'],
    [{ host: 'localhost:3000', 'sec-fetch-site': 'same-site' }, 403, 'same-site browser request'],
  ])('refuses %j with %i', (headers, status, message) => {
    expect(() => checkRequestSource(headers, allowed)).toThrow(expect.objectContaining({ status, message: expect.stringContaining(message) }));
  });

  it.each([
    [{ host: 'LOCALHOST:3000' }],
    [{ host: 'localhost:3000', origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }],
    [{ host: '[::1]:3000', 'sec-fetch-site': 'none' }],
  ])('lets %j through', (headers) => {
    expect(() => checkRequestSource(headers, allowed)).not.toThrow();
  });
});
