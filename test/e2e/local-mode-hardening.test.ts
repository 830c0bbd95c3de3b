/**
 * Local mode attacked the way issue 10 did it, over real sockets: file sources outside the roots
 * or on special files, a hostile Host or Origin, sloppy integers, a body over the limit written
 * whole before reading, and paths that only normalisation would turn into real routes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp } from '../../local/app.ts';
import { freePort } from '../../local/dynamo-local.ts';
import { loadLocalConfig } from '../../local/local-config.ts';

const base = mkdtempSync(join(tmpdir(), 'vigil-hardening-'));
const dataDir = join(base, 'data');
const root = join(base, 'logs');
const outside = join(base, 'outside');
let app: LocalApp;
let port: number;
let targetId: string;

interface Answer {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

/** One request with exactly these headers (fetch would not let a test set Host). */
function send(method: string, path: string, options: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((done, fail) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { host: `127.0.0.1:${port}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...options.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null, headers: res.headers }));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

/**
 * A client that writes the whole request before it reads anything, over a raw socket: what it
 * receives, and whether the connection ended cleanly (FIN) or was reset.
 */
function writeAllThenRead(head: string, body: Buffer): Promise<{ response: string; reset: boolean }> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let reset = false;
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => (reset = true));
    socket.on('close', () => done({ response: Buffer.concat(received).toString('utf8'), reset }));
    socket.on('connect', () => {
      socket.write(head);
      socket.write(body, () => socket.end());
    });
  });
}

beforeAll(async () => {
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(root, 'app.log'), 'INFO started\nERROR boom\n');
  writeFileSync(join(outside, 'secret.txt'), 'password=hunter2\n');
  symlinkSync(join(outside, 'secret.txt'), join(root, 'innocent.log'));
  execFileSync('mkfifo', [join(root, 'pipe.log')]);
  port = await freePort();
  const config = loadLocalConfig({
    PORT: String(port),
    VIGIL_DATA_DIR: dataDir,
    VIGIL_AWS: 'off',
    VIGIL_TICK_SECONDS: '3600',
    VIGIL_FILE_ROOTS: root,
    VIGIL_ALLOWED_HOSTS: 'vigil.internal, proxy.test:8443',
  });
  app = await startLocalApp(config, { log: () => undefined });
  targetId = (await send('POST', '/targets', { body: { name: 'laptop', type: 'local' } })).body.id;
}, 180_000);

afterAll(async () => {
  await app?.stop();
  rmSync(base, { recursive: true, force: true });
}, 60_000);

const fileSource = (name: string, path: string) => ({ body: { target_id: targetId, name, mode: 'file', config: { path } } });

describe('file sources in local mode', () => {
  it.each([
    ['/etc/shadow', () => '/etc/shadow', '/etc/shadow is outside the directories file sources may read'],
    ['a symlink out of the roots', () => join(root, 'innocent.log'), `${join(root, 'innocent.log')} is outside the directories file sources may read`],
    ['.. out of the roots', () => `${root}/../outside/secret.txt`, 'is outside the directories file sources may read'],
    ['a FIFO', () => join(root, 'pipe.log'), `${join(root, 'pipe.log')} is a FIFO (named pipe); file sources read regular files only`],
    ["DynamoDB Local's database", () => join(dataDir, 'dynamodb', 'shared-local-instance.db'), 'is outside the directories file sources may read'],
  ])('refuses %s with a 400 naming config.path', async (_case, pathOf, message) => {
    const answer = await send('POST', '/log-sources', fileSource('bad', pathOf()));

    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'validation_error', details: [{ path: 'config.path', message: expect.stringContaining(message) }] });
  });

  it('reads a file inside the roots, and refuses it at read time once it became a FIFO, without wedging later reads', async () => {
    const source = (await send('POST', '/log-sources', fileSource('app', join(root, 'app.log')))).body;
    const swapping = (await send('POST', '/log-sources', fileSource('swapped', join(root, 'swap.log')))).body;
    execFileSync('mkfifo', [join(root, 'swap.log')]);

    const onFifo = await Promise.all(Array.from({ length: 6 }, () => send('POST', `/log-sources/${swapping.id}/test`)));
    const ok = await send('POST', `/log-sources/${source.id}/test`);
    unlinkSync(join(root, 'swap.log'));

    for (const answer of onFifo) {
      expect(answer).toMatchObject({ status: 200, body: { ok: false, message: `${join(root, 'swap.log')} is a FIFO (named pipe); file sources read regular files only` } });
    }
    expect(ok.body).toMatchObject({ ok: true, line_count: 2 });
  }, 60_000);
});

describe('who may call the local API', () => {
  it.each([
    ['attacker.example', 421],
    [`attacker.example:${0}`, 421],
    ['127.0.0.1', 421],
    ['vigil.internal.attacker.example', 421],
  ])('refuses Host %s with %i and the error shape', async (host, status) => {
    const answer = await send('GET', '/targets', { headers: { host: host.replace(':0', `:${port}`) } });

    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ code: 'misdirected_request', message: expect.stringContaining('VIGIL_ALLOWED_HOSTS'), details: [] });
  });

  it('refuses a POST from a hostile Host and changes nothing', async () => {
    const before = (await send('GET', '/targets')).body.items.length;

    const answer = await send('POST', '/targets', { headers: { host: 'attacker.example' }, body: { name: 'planted', type: 'local' } });

    expect(answer.status).toBe(421);
    expect((await send('GET', '/targets')).body.items).toHaveLength(before);
  });

  it('answers to localhost, [::1], the listening address and VIGIL_ALLOWED_HOSTS', async () => {
    for (const host of [`localhost:${port}`, `[::1]:${port}`, `127.0.0.1:${port}`, 'vigil.internal', `vigil.internal:${port}`, 'proxy.test:8443']) {
      expect((await send('GET', '/targets', { headers: { host } })).status, host).toBe(200);
    }
  });

  it('refuses cross-origin browser requests with 403, and accepts same-origin ones', async () => {
    const evil = await send('POST', '/targets', { headers: { origin: 'http://attacker.example' }, body: { name: 'planted', type: 'local' } });
    const opaque = await send('GET', '/targets', { headers: { origin: 'null' } });
    const otherPort = await send('GET', '/targets', { headers: { origin: 'http://127.0.0.1:1' } });
    const noCors = await send('GET', '/targets', { headers: { 'sec-fetch-site': 'cross-site' } });
    const same = await send('GET', '/targets', { headers: { origin: `http://localhost:${port}`, 'sec-fetch-site': 'same-origin' } });

    for (const refused of [evil, opaque, otherPort, noCors]) {
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
    }
    expect(same.status).toBe(200);
    expect((await send('GET', '/targets')).body.items.map((t: { name: string }) => t.name)).not.toContain('planted');
  });
});

describe('protocol', () => {
  it.each(['0x10', '%20%205', '1e1', '+5', '5%20'])('answers 400 naming limit for ?limit=%s', async (limit) => {
    const answer = await send('GET', `/targets?limit=${limit}`);

    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([{ path: 'limit', message: 'must be a whole number written in digits' }]);
  });

  it('sends a 300 KiB body a 413 that a write-everything-then-read client receives, then closes cleanly', async () => {
    const body = Buffer.from(JSON.stringify({ name: 'x'.repeat(300 * 1024), type: 'local' }));
    const head = `POST /targets HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;

    const { response, reset } = await writeAllThenRead(head, body);

    expect(reset).toBe(false);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response.toLowerCase()).toContain('connection: close');
    expect(response).toContain(`{"error":{"code":"payload_too_large","message":"the body is ${body.length} bytes; the limit is 262144","details":[]}}`);
  }, 60_000);

  it('answers 413 at once, reading nothing, to a declared body past the discard bound', async () => {
    const head = `POST /targets HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${5 * 1024 * 1024}\r\n\r\n`;

    const { response } = await writeAllThenRead(head, Buffer.alloc(0));

    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toContain(`the body is at least ${5 * 1024 * 1024} bytes; the limit is 262144`);
  });

  it('answers 413 to Expect: 100-continue with a declared body over the limit, before the body is sent', async () => {
    const answer = await new Promise<number>((done, fail) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/targets',
        headers: { 'content-type': 'application/json', 'content-length': String(300 * 1024), expect: '100-continue' },
      });
      req.on('continue', () => fail(new Error('the server asked for the body')));
      req.on('response', (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
      req.on('error', fail);
    });

    expect(answer).toBe(413);
  });

  it('does not normalise paths: //, .., . and \\ are 404 and reach no real target', async () => {
    const target = (await send('POST', '/targets', { body: { name: 'keep me', type: 'local' } })).body;

    const answers = await Promise.all([
      send('DELETE', `/targets//${target.id}`),
      send('DELETE', `//targets/${target.id}`),
      send('DELETE', `/monitors/../targets/${target.id}`),
      send('DELETE', `/monitors/%2e%2e/targets/${target.id}`),
      send('DELETE', `/targets/./${target.id}`),
      send('DELETE', `/targets\\${target.id}`),
      send('DELETE', `/targets%5C${target.id}`),
      send('GET', '/targets/../monitors'),
      send('GET', '/targets/'),
    ]);

    expect(answers.map((a) => a.status)).toEqual(Array(answers.length).fill(404));
    expect(answers.every((a) => a.body.error.code === 'not_found')).toBe(true);
    expect((await send('GET', `/targets/${target.id}`)).status).toBe(200);
  });
});
