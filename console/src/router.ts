import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/monitors/ID`): the page is one file at any path, and no console path can
 * collide with an API route when both are served from one origin (local mode).
 */
export type Route =
  | { page: 'monitors' }
  | { page: 'monitor'; id: string }
  | { page: 'monitor-form'; id: string | null }
  | { page: 'run'; monitorId: string; runId: string }
  | { page: 'targets' }
  | { page: 'target-form'; id: string | null }
  | { page: 'sources' }
  | { page: 'source-form'; id: string | null }
  | { page: 'costs' }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter((part) => part !== '').map(decodeURIComponent);
  const [first, second, third, fourth] = parts;
  if (parts.length === 0 || (first === 'monitors' && parts.length === 1)) return { page: 'monitors' };
  if (first === 'monitors') {
    if (second === 'new' && parts.length === 2) return { page: 'monitor-form', id: null };
    if (second !== undefined && parts.length === 2) return { page: 'monitor', id: second };
    if (second !== undefined && third === 'edit' && parts.length === 3) return { page: 'monitor-form', id: second };
    if (second !== undefined && third === 'runs' && fourth !== undefined && parts.length === 4) return { page: 'run', monitorId: second, runId: fourth };
  }
  if (first === 'targets') {
    if (parts.length === 1) return { page: 'targets' };
    if (second === 'new' && parts.length === 2) return { page: 'target-form', id: null };
    if (second !== undefined && third === 'edit' && parts.length === 3) return { page: 'target-form', id: second };
  }
  if (first === 'sources') {
    if (parts.length === 1) return { page: 'sources' };
    if (second === 'new' && parts.length === 2) return { page: 'source-form', id: null };
    if (second !== undefined && third === 'edit' && parts.length === 3) return { page: 'source-form', id: second };
  }
  if (first === 'costs' && parts.length === 1) return { page: 'costs' };
  return { page: 'not-found', path };
}

/** `#/monitors/ID`, each segment encoded. */
export function href(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}

export function navigate(...segments: string[]): void {
  location.hash = href(...segments);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
