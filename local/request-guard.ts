/**
 * Who may talk to local mode's API. It listens on loopback without a key by default, so a web
 * page the user visits must not reach it: DNS rebinding (a hostile name resolving to 127.0.0.1)
 * is stopped by accepting only `Host` values that name this server, and a cross-origin browser
 * request by its `Origin` / `Sec-Fetch-Site` headers.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** A request local mode refuses before routing; `status` is 421 (wrong Host) or 403 (cross-origin). */
export class RefusedRequest extends Error {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'RefusedRequest';
  constructor(
    readonly status: 421 | 403,
    readonly code: 'misdirected_request' | 'forbidden',
    message: string,
  ) {
    super(message);
    this.name = 'RefusedRequest';
  }
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** `name` or `name:port` (`[v6]:port`): the port, when the entry names one. */
function hasPort(entry: string): boolean {
  return /^(\[[^\]]*\]|[^:[\]]+):[0-9]+$/.test(entry);
}

/**
 * The `Host` header values the API answers to: 127.0.0.1, localhost and [::1] with the port, the
 * listening address (HOST), and each entry of `extra` (VIGIL_ALLOWED_HOSTS,
 * comma separated): `name:port` as written, a bare `name` with or without the listening port.
 */
export function allowedHosts(options: { host: string; port: number; extra?: string | undefined }): Set<string> {
  const { port } = options;
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  // The listening address as written, even 0.0.0.0: an IP literal cannot be rebound, and a page
  // calling it directly is stopped by the Origin check.
  names.push(bracketed(options.host.toLowerCase()));
  const allowed = new Set<string>();
  for (const name of names) {
    allowed.add(`${name}:${port}`);
    if (port === 80) allowed.add(name);
  }
  for (const raw of (options.extra ?? '').split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (hasPort(entry)) {
      allowed.add(entry);
    } else {
      allowed.add(bracketed(entry));
      allowed.add(`${bracketed(entry)}:${port}`);
    }
  }
  return allowed;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Throws {@link RefusedRequest} unless `Host` names this server and the request is not a cross-origin one from a browser. */
export function checkRequestSource(headers: IncomingHttpHeaders, allowed: ReadonlySet<string>): void {
  const host = headers.host?.trim().toLowerCase();
  if (host === undefined || host === '') {
    throw new RefusedRequest(421, 'misdirected_request', 'the Host header is required');
  }
  if (!allowed.has(host)) {
    throw new RefusedRequest(
      421,
      'misdirected_request',
      `Host ${JSON.stringify(host.slice(0, 100))} does not name this server; add it to VIGIL_ALLOWED_HOSTS to allow it`,
    );
  }
  const origin = single(headers.origin)?.trim();
  if (origin !== undefined) {
    let originHost: string | null = null;
    try {
      const url = new URL(origin);
      if (url.protocol === 'http:' || url.protocol === 'https:') originHost = url.host.toLowerCase();
    } catch {
      originHost = null;
    }
    if (originHost === null || !allowed.has(originHost)) {
      throw new RefusedRequest(
        403,
        'forbidden',
        `cross-origin request from ${JSON.stringify(origin.slice(0, 100))} refused; add its host to VIGIL_ALLOWED_HOSTS to allow it`,
      );
    }
    return;
  }
  // Browsers send Sec-Fetch-Site on every request; without Origin (a no-cors GET) it still tells a cross-site one.
  const site = single(headers['sec-fetch-site'])?.trim().toLowerCase();
  if (site === 'cross-site' || site === 'same-site') {
    throw new RefusedRequest(403, 'forbidden', `a ${site} browser request is refused; call the API from its own origin`);
  }
}
