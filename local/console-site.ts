/**
 * The web console beside local mode's API: the built bundle (`console/dist`, see
 * console/build.ts) served at `/`. Only GET/HEAD of `/`, `/index.html`, `/config.json` and the
 * bundle's files are answered here, before the API key is checked (a page and its assets hold no
 * data); every API route still needs the key.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * What the browser may load: only this origin. The console talks to the API on the same origin
 * here; in AWS the CloudFront response headers policy names the API's origin instead.
 */
export const LOCAL_CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const SECURITY_HEADERS = {
  'content-security-policy': LOCAL_CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** Serves a built console; `serve` answers true when the request was one of its files. */
export interface ConsoleSite {
  serve(request: IncomingMessage, response: ServerResponse): boolean;
}

/**
 * The files of a built console, read once into memory (a few hundred KB) so that no request path
 * ever reaches the file system: a path is served only when it is one of the files listed here.
 */
export async function loadConsoleSite(dir: string): Promise<ConsoleSite> {
  const files = new Map<string, { body: Buffer; type: string; immutable: boolean }>();
  const add = async (relative: string, immutable: boolean) => {
    files.set(`/${relative}`, {
      body: await readFile(join(dir, relative)),
      type: TYPES[extname(relative)] ?? 'application/octet-stream',
      immutable,
    });
  };
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile()) await add(entry.name, false);
  }
  if (existsSync(join(dir, 'assets'))) {
    for (const entry of await readdir(join(dir, 'assets'), { withFileTypes: true })) {
      // Vite names bundle files by their content hash, so they never change under one name.
      if (entry.isFile()) await add(`assets/${entry.name}`, true);
    }
  }
  const index = files.get('/index.html');
  if (!index) throw new Error(`${dir} has no index.html; build the console first`);
  files.set('/', index);
  // The page and the API share this origin.
  files.set('/config.json', { body: Buffer.from(JSON.stringify({ api_url: './' })), type: TYPES['.json'] as string, immutable: false });

  return {
    serve(request, response) {
      const method = request.method?.toUpperCase();
      if (method !== 'GET' && method !== 'HEAD') return false;
      const url = request.url ?? '/';
      const path = url.split('?')[0] as string;
      const file = files.get(path);
      if (!file) return false;
      response.writeHead(200, {
        'content-type': file.type,
        'content-length': String(file.body.length),
        'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        ...SECURITY_HEADERS,
      });
      response.end(method === 'HEAD' ? undefined : file.body);
      return true;
    },
  };
}
