/**
 * The console's only way out: the Vigil management API. The API URL comes from `config.json`
 * beside the page (written at deploy; local mode serves one naming its own origin), the key from
 * what the operator typed, kept in sessionStorage for the tab's life and never in the bundle.
 */

export interface ErrorDetail {
  path: string;
  message: string;
}

/** An API error in the API's shape: `{"error": {"code", "message", "details": [{path, message}]}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The message of the detail at `path`, if the API named that field. */
  at(path: string): string | undefined {
    return this.details.find((detail) => detail.path === path)?.message;
  }
}

const KEY_STORAGE = 'vigil.apiKey';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function storeKey(key: string | null): void {
  if (key === null || key === '') sessionStorage.removeItem(KEY_STORAGE);
  else sessionStorage.setItem(KEY_STORAGE, key);
}

let apiBase: string | null = null;

/**
 * Reads `config.json` once: `{"api_url": "https://…/v1/"}` in AWS; in local mode the page and
 * the API share an origin and `api_url` is `"./"`, resolved against the page.
 */
export async function loadConfig(): Promise<string> {
  if (apiBase !== null) return apiBase;
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json could not be read (${response.status})`);
  const config = (await response.json()) as { api_url?: unknown };
  if (typeof config.api_url !== 'string' || config.api_url === '') throw new Error('config.json has no api_url');
  const absolute = new URL(config.api_url, location.href).href;
  apiBase = absolute.endsWith('/') ? absolute : `${absolute}/`;
  return apiBase;
}

/** Listeners told when the API refuses the key, so the shell can ask for it again. */
const keyRefusedListeners = new Set<() => void>();
export function onKeyRefused(listener: () => void): () => void {
  keyRefusedListeners.add(listener);
  return () => keyRefusedListeners.delete(listener);
}

async function parseError(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: ErrorDetail[] } };
    const error = body.error ?? {};
    return new ApiError(response.status, error.code ?? 'error', error.message ?? response.statusText, error.details ?? []);
  } catch {
    return new ApiError(response.status, 'error', text.slice(0, 200) || response.statusText, []);
  }
}

/** One API call; `path` without a leading slash is relative to the API's base URL. */
export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const base = await loadConfig();
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = storedKey();
  if (key !== null) headers['x-api-key'] = key;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(new URL(path.replace(/^\//, ''), base), {
    method,
    headers,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!response.ok) {
    const error = await parseError(response);
    if (response.status === 403 && error.code === 'forbidden') for (const listener of keyRefusedListeners) listener();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: (path: string) => request<void>('DELETE', path),
};

/** A query string from the defined values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
