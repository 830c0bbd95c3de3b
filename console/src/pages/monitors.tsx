import { useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { ErrorNotice, formatTime, ListTitle, Loading, StatusBadge, Time } from '../components/common.tsx';
import { RunStrip } from '../components/run-strip.tsx';
import { useLoad } from '../hooks.ts';
import { href } from '../router.ts';
import type { Monitor, Page, Run } from '../types.ts';

/** Every item of a list, following `next_token` (at most `maxPages` pages of 100). */
export async function listAll<T>(path: string, params: Record<string, string> = {}, maxPages = 10): Promise<T[]> {
  const items: T[] = [];
  let token: string | null = null;
  for (let page = 0; page < maxPages; page += 1) {
    const answer: Page<T> = await api.get<Page<T>>(`${path}${query({ ...params, limit: 100, next_token: token })}`);
    items.push(...answer.items);
    token = answer.next_token;
    if (token === null) break;
  }
  return items;
}

export function isSnoozed(monitor: Monitor, now = Date.now()): boolean {
  return typeof monitor.snoozed_until === 'string' && Date.parse(monitor.snoozed_until) > now;
}

interface Row {
  monitor: Monitor;
  runs: Run[];
}

async function loadRows(): Promise<Row[]> {
  const monitors = await listAll<Monitor>('monitors');
  return Promise.all(
    monitors.map(async (monitor) => ({
      monitor,
      runs: (await api.get<Page<Run>>(`monitors/${encodeURIComponent(monitor.id)}/runs${query({ limit: 30 })}`)).items,
    })),
  );
}

const FILTERS = ['all', 'alert', 'warn', 'error', 'ok', 'none', 'disabled', 'snoozed'] as const;
type Filter = (typeof FILTERS)[number];

function matches(row: Row, filter: Filter, search: string): boolean {
  const { monitor } = row;
  if (search !== '' && !monitor.name.toLowerCase().includes(search.toLowerCase())) return false;
  switch (filter) {
    case 'all':
      return true;
    case 'disabled':
      return !monitor.enabled;
    case 'snoozed':
      return isSnoozed(monitor);
    case 'none':
      return monitor.last_run === null;
    default:
      return monitor.last_run?.status === filter;
  }
}

export function MonitorsPage() {
  const rows = useLoad(loadRows, [], 15_000);
  const [filter, setFilter] = useState<Filter>('all');
  const [search, setSearch] = useState('');
  const shown = rows.data?.filter((row) => matches(row, filter, search)) ?? [];
  return (
    <section>
      <ListTitle title="Monitors" newHref={href('monitors', 'new')} newLabel="New monitor" />
      <div class="toolbar" role="search">
        <div class="field inline">
          <label for="monitor-search">Search by name</label>
          <input id="monitor-search" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </div>
        <div class="field inline">
          <label for="monitor-filter">Status</label>
          <select id="monitor-filter" value={filter} onChange={(e) => setFilter(e.currentTarget.value as Filter)}>
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {f === 'none' ? 'no runs yet' : f}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorNotice error={rows.error} title="Monitors could not be loaded" />
      {rows.data === undefined && !rows.error && <Loading what="monitors" />}
      {rows.data !== undefined && (
        <>
          <p class="muted" aria-live="polite">
            {shown.length} of {rows.data.length} monitors
          </p>
          {rows.data.length === 0 && (
            <p>
              No monitor yet. Start with a <a href={href('targets', 'new')}>target</a>, a <a href={href('sources', 'new')}>log source</a>, then a{' '}
              <a href={href('monitors', 'new')}>monitor</a>.
            </p>
          )}
          <ul class="cards">
            {shown.map(({ monitor, runs }) => (
              <li key={monitor.id} class="card monitor-card">
                <div class="card-head">
                  <StatusBadge status={monitor.last_run?.status ?? 'none'} />
                  <h2>
                    <a href={href('monitors', monitor.id)}>{monitor.name}</a>
                  </h2>
                  {!monitor.enabled && <span class="marker">disabled</span>}
                  {isSnoozed(monitor) && (
                    <span class="marker" title={`snoozed until ${formatTime(monitor.snoozed_until)}`}>
                      snoozed
                    </span>
                  )}
                </div>
                <RunStrip monitorId={monitor.id} runs={runs} />
                <dl class="facts">
                  <dt>Next run</dt>
                  <dd>{monitor.enabled ? <Time iso={monitor.next_run_at} /> : 'disabled'}</dd>
                  <dt>Last run</dt>
                  <dd>
                    {monitor.last_run ? (
                      <a href={href('monitors', monitor.id, 'runs', monitor.last_run.id)}>
                        <Time iso={monitor.last_run.finished_at} />
                      </a>
                    ) : (
                      '—'
                    )}
                  </dd>
                  {isSnoozed(monitor) && (
                    <>
                      <dt>Snoozed until</dt>
                      <dd>
                        <Time iso={monitor.snoozed_until} />
                      </dd>
                    </>
                  )}
                </dl>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
