import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, onKeyRefused, storedKey, storeKey } from './api.ts';
import { useLoad } from './hooks.ts';
import { CostsPage } from './pages/costs.tsx';
import { MonitorForm } from './pages/monitor-form.tsx';
import { MonitorPage } from './pages/monitor.tsx';
import { MonitorsPage } from './pages/monitors.tsx';
import { RunPage } from './pages/run.tsx';
import { SourceForm, SourcesPage } from './pages/sources.tsx';
import { TargetForm, TargetsPage } from './pages/targets.tsx';
import { href, useRoute, type Route } from './router.ts';
import type { Health } from './types.ts';
import './styles.css';

/** `/health` every 30 s; a banner when it is degraded or down (a 503 is "down"). */
function HealthBanner() {
  const health = useLoad(async () => {
    try {
      return await api.get<Health>('health');
    } catch (error) {
      if (error instanceof ApiError && error.status === 503) return { status: 'down', checks: {} } as Health;
      throw error;
    }
  }, [], 30_000);
  const status = health.data?.status;
  if (status === undefined || status === 'ok') return null;
  const failing = Object.entries(health.data?.checks ?? {})
    .filter(([, check]) => !check.ok)
    .map(([name]) => name);
  return (
    <div class={`banner banner-${status}`} role="alert">
      Vigil is <strong>{status}</strong>
      {failing.length > 0 ? `: ${failing.join(', ')} failing` : ''}.
    </div>
  );
}

/** Asks for the API key once; it stays in this tab's sessionStorage, never in the bundle. */
function KeyForm({ onSaved, refused }: { onSaved: () => void; refused: boolean }) {
  const [key, setKey] = useState('');
  return (
    <form
      class="key-form"
      onSubmit={(event) => {
        event.preventDefault();
        storeKey(key.trim());
        onSaved();
      }}
    >
      <h1>API key</h1>
      <p>{refused ? 'The API refused the key (403). ' : ''}Enter the API key (x-api-key). It is kept in this browser tab only.</p>
      <div class="field">
        <label for="api-key">API key</label>
        <input id="api-key" type="password" autoComplete="off" value={key} onInput={(e) => setKey(e.currentTarget.value)} required />
      </div>
      <button type="submit">Use this key</button>
    </form>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'monitors':
      return <MonitorsPage />;
    case 'monitor':
      return <MonitorPage id={route.id} />;
    case 'monitor-form':
      return <MonitorForm key={route.id ?? 'new'} id={route.id} />;
    case 'run':
      return <RunPage monitorId={route.monitorId} runId={route.runId} />;
    case 'targets':
      return <TargetsPage />;
    case 'target-form':
      return <TargetForm key={route.id ?? 'new'} id={route.id} />;
    case 'sources':
      return <SourcesPage />;
    case 'source-form':
      return <SourceForm key={route.id ?? 'new'} id={route.id} />;
    case 'costs':
      return <CostsPage />;
    case 'not-found':
      return (
        <section>
          <h1>Not found</h1>
          <p>
            Nothing at <code>{route.path}</code>. <a href={href('monitors')}>Back to the monitors</a>.
          </p>
        </section>
      );
  }
}

const NAV: Array<{ label: string; to: string; pages: Route['page'][] }> = [
  { label: 'Monitors', to: href('monitors'), pages: ['monitors', 'monitor', 'monitor-form', 'run'] },
  { label: 'Targets', to: href('targets'), pages: ['targets', 'target-form'] },
  { label: 'Log sources', to: href('sources'), pages: ['sources', 'source-form'] },
  { label: 'Costs', to: href('costs'), pages: ['costs'] },
];

function App() {
  const route = useRoute();
  const [refused, setRefused] = useState(false);
  const [generation, setGeneration] = useState(0);
  const main = useRef<HTMLElement>(null);
  useEffect(() => onKeyRefused(() => setRefused(true)), []);
  // A new page: focus its heading, so screen readers and the keyboard start there.
  useEffect(() => {
    main.current?.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
  }, [route]);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href('monitors')}>
          Vigil
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.label}>
                <a href={item.to} aria-current={item.pages.includes(route.page) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {storedKey() !== null && (
          <button
            type="button"
            class="link"
            onClick={() => {
              storeKey(null);
              setRefused(false);
              setGeneration((g) => g + 1);
            }}
          >
            Forget key
          </button>
        )}
      </header>
      <HealthBanner key={`health-${generation}`} />
      <main id="main" ref={main} tabIndex={-1}>
        {refused ? (
          <KeyForm
            refused={storedKey() !== null}
            onSaved={() => {
              setRefused(false);
              setGeneration((g) => g + 1);
            }}
          />
        ) : (
          <Page key={generation} route={route} />
        )}
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
