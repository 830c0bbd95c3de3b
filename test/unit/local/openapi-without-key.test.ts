import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../../local/http-server.ts';

let server: Server;
const allowedHosts = new Set<string>();
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createApiServer(
    async (event) => {
      seen.push(`${event.httpMethod} ${event.path}`);
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
    },
    { apiKey: 'secret', allowedHosts },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  allowedHosts.add(`127.0.0.1:${port}`);
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const get = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, init);

describe('local mode with VIGIL_API_KEY set', () => {
  it('serves GET /openapi.json without the key', async () => {
    const response = await get('/openapi.json');

    expect(response.status).toBe(200);
    expect(seen).toContain('GET /openapi.json');
  });

  it('still asks the key everywhere else, including other methods on /openapi.json', async () => {
    seen.length = 0;
    expect((await get('/targets')).status).toBe(403);
    expect((await get('/openapi.json', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(403);
    expect((await get('/openapi.json/x')).status).toBe(403);
    expect(seen).toEqual([]);
    expect((await get('/targets', { headers: { 'x-api-key': 'secret' } })).status).toBe(200);
  });
});
