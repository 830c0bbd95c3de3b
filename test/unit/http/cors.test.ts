import { describe, expect, it } from 'vitest';
import { withCors } from '#http/cors.ts';
import { apiEvent } from '../../support/api.ts';

const CONSOLE = 'https://d111111abcdef8.cloudfront.net';
const answer = async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' });

describe('withCors', () => {
  it('lets the console origin read the answer, and says that it varies by origin', async () => {
    const response = await withCors(answer, CONSOLE)(apiEvent('GET', '/monitors', { headers: { Origin: CONSOLE } }));
    expect(response.headers).toEqual({
      'content-type': 'application/json',
      vary: 'Origin',
      'access-control-allow-origin': CONSOLE,
      'access-control-expose-headers': 'location',
    });
  });

  it('gives any other origin, or none, no CORS header', async () => {
    const other = await withCors(answer, CONSOLE)(apiEvent('GET', '/monitors', { headers: { origin: 'https://evil.example' } }));
    const none = await withCors(answer, CONSOLE)(apiEvent('GET', '/monitors'));
    expect(other.headers).toEqual({ 'content-type': 'application/json', vary: 'Origin' });
    expect(none.headers).toEqual({ 'content-type': 'application/json', vary: 'Origin' });
  });

  it('changes nothing without a console', async () => {
    const response = await withCors(answer, undefined)(apiEvent('GET', '/monitors', { headers: { origin: CONSOLE } }));
    expect(response.headers).toEqual({ 'content-type': 'application/json' });
  });
});
