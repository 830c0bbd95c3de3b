import { useState } from 'preact/hooks';
import { api, query, type ApiError } from '../api.ts';
import { ErrorNotice, Loading, PageTitle, StatusBadge, Time, formatTime, money } from '../components/common.tsx';
import { RunTimeline } from '../components/timeline.tsx';
import { useLoad } from '../hooks.ts';
import { href, navigate } from '../router.ts';
import type { Monitor, Page, Run } from '../types.ts';
import { isSnoozed } from './monitors.tsx';

const SNOOZE_CHOICES = [
  { label: '1 hour', hours: 1 },
  { label: '2 hours', hours: 2 },
  { label: '8 hours', hours: 8 },
  { label: '24 hours', hours: 24 },
  { label: '7 days', hours: 168 },
];

function schedule(monitor: Monitor): string {
  if (monitor.schedule) return monitor.schedule;
  const seconds = monitor.interval_seconds ?? 0;
  if (seconds % 3600 === 0) return `every ${seconds / 3600} h`;
  if (seconds % 60 === 0) return `every ${seconds / 60} min`;
  return `every ${seconds} s`;
}

export function MonitorPage({ id }: { id: string }) {
  const monitor = useLoad(() => api.get<Monitor>(`monitors/${encodeURIComponent(id)}`), [id]);
  const [statusFilter, setStatusFilter] = useState('');
  const runs = useLoad(() => api.get<Page<Run>>(`monitors/${encodeURIComponent(id)}/runs${query({ limit: 100 })}`), [id], 10_000);
  const [actionError, setActionError] = useState<ApiError | Error | undefined>();
  const [busy, setBusy] = useState(false);
  const [snoozeHours, setSnoozeHours] = useState('2');

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(undefined);
    try {
      await action();
      monitor.reload();
      runs.reload();
    } catch (error) {
      setActionError(error as Error);
    } finally {
      setBusy(false);
    }
  };

  if (monitor.error && !monitor.data) return <ErrorNotice error={monitor.error} title="This monitor could not be loaded" />;
  if (!monitor.data) return <Loading what="the monitor" />;
  const m = monitor.data;
  const path = `monitors/${encodeURIComponent(m.id)}`;
  const shownRuns = (runs.data?.items ?? []).filter((run) => statusFilter === '' || run.status === statusFilter);
  return (
    <section>
      <p class="crumbs">
        <a href={href('monitors')}>Monitors</a> /
      </p>
      <div class="title-row">
        <PageTitle>{m.name}</PageTitle>
        <StatusBadge status={m.last_run?.status ?? 'none'} />
        {!m.enabled && <span class="marker">disabled</span>}
        {isSnoozed(m) && <span class="marker">snoozed until {formatTime(m.snoozed_until)}</span>}
      </div>
      <div class="actions" role="group" aria-label="Monitor actions">
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            void act(async () => {
              const run = await api.post<Run>(`${path}/run-once`);
              navigate('monitors', m.id, 'runs', run.id);
            })
          }
        >
          Run now
        </button>
        <button type="button" disabled={busy} onClick={() => void act(() => api.put(path, { enabled: !m.enabled }))}>
          {m.enabled ? 'Disable' : 'Enable'}
        </button>
        <a class="button secondary" href={href('monitors', m.id, 'edit')}>
          Edit
        </a>
        <span class="snooze">
          <label for="snooze-hours">Snooze for</label>
          <select id="snooze-hours" value={snoozeHours} onChange={(e) => setSnoozeHours(e.currentTarget.value)}>
            {SNOOZE_CHOICES.map((choice) => (
              <option key={choice.hours} value={String(choice.hours)}>
                {choice.label}
              </option>
            ))}
          </select>
          <button
            type="button"
            disabled={busy}
            onClick={() => void act(() => api.put(path, { snoozed_until: new Date(Date.now() + Number(snoozeHours) * 3_600_000).toISOString() }))}
          >
            Snooze
          </button>
          {isSnoozed(m) && (
            <button type="button" class="secondary" disabled={busy} onClick={() => void act(() => api.put(path, { snoozed_until: null }))}>
              End snooze
            </button>
          )}
        </span>
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={() => {
            if (confirm(`Delete monitor "${m.name}" and its run history?`)) void act(async () => {
              await api.del(path);
              navigate('monitors');
            });
          }}
        >
          Delete
        </button>
      </div>
      <ErrorNotice error={actionError} title="The action failed" />

      <h2>Runs</h2>
      <ErrorNotice error={runs.error} title="Runs could not be loaded" />
      {runs.data && <RunTimeline runs={runs.data.items} />}
      <div class="field inline">
        <label for="run-status">Show runs</label>
        <select id="run-status" value={statusFilter} onChange={(e) => setStatusFilter(e.currentTarget.value)}>
          <option value="">all</option>
          {['alert', 'warn', 'error', 'ok', 'queued', 'running'].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div class="table-scroll" tabIndex={0} role="region" aria-label="Runs table">
        <table>
          <caption class="visually-hidden">Runs of {m.name}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">When</th>
              <th scope="col">Trigger</th>
              <th scope="col">Summary</th>
            </tr>
          </thead>
          <tbody>
            {shownRuns.map((run) => (
              <tr key={run.id}>
                <td>
                  <StatusBadge status={run.status} />
                </td>
                <td>
                  <a href={href('monitors', m.id, 'runs', run.id)}>
                    <Time iso={run.finished_at ?? run.started_at ?? run.scheduled_for ?? run.created_at} />
                  </a>
                </td>
                <td>{run.trigger}</td>
                <td class="summary-cell">{run.summary ?? run.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {runs.data && shownRuns.length === 0 && <p class="muted">No run to show.</p>}

      <h2>Definition</h2>
      <dl class="facts">
        <dt>Schedule</dt>
        <dd>{schedule(m)}</dd>
        <dt>Next run</dt>
        <dd>{m.enabled ? <Time iso={m.next_run_at} /> : 'disabled'}</dd>
        <dt>Log source</dt>
        <dd>
          <a href={href('sources', m.log_source_id, 'edit')}>{m.log_source_id}</a>
        </dd>
        <dt>Window</dt>
        <dd>
          {m.window_config.max_lines} lines, {m.window_config.max_chars} characters{m.window_config.mode ? `, ${m.window_config.mode}` : ''}
        </dd>
        <dt>Notify</dt>
        <dd>
          {m.notification_config.notify_on.replace(/_/g, ' ')}: {[...m.notification_config.email_recipients, ...m.notification_config.sms_numbers].join(', ') || 'nobody'}
          ; cooldown {m.notification_config.cooldown_minutes} min
        </dd>
        <dt>Model</dt>
        <dd>{m.model.model_id ?? 'the default model'}</dd>
        {m.usage_30d && (
          <>
            <dt>Last 30 days</dt>
            <dd>
              {m.usage_30d.runs} runs, {m.usage_30d.model_calls} model calls, ≈ {money(m.usage_30d.estimated_cost_usd)}
            </dd>
          </>
        )}
      </dl>
      <h3>Prompt</h3>
      <p class="prompt">{m.prompt}</p>
      <h3>Inputs</h3>
      <ul>
        {m.inputs.map((input) => (
          <li key={input.label}>
            <code>[{input.label}]</code> {input.mode}
            {input.filter_pattern ? ` "${input.filter_pattern}"` : ''}
            {input.query ? ` ${input.query}` : ''}
            {input.match ? ` matching /${input.match}/` : ''}
            {input.lookback_minutes ? `, last ${input.lookback_minutes} min` : ''}
          </li>
        ))}
      </ul>
      <h3>Rules</h3>
      {m.rules.length === 0 && (m.cost_rules ?? []).length === 0 && <p class="muted">No rule: the model alone decides.</p>}
      <ul>
        {m.rules.map((rule, index) => (
          <li key={index}>
            <code>[{rule.label}]</code> /{rule.pattern}/{' '}
            {rule.min_count !== undefined ? `at least ${rule.min_count} lines` : `fewer than ${rule.expect_at_least} lines`} → {rule.severity}
          </li>
        ))}
        {(m.cost_rules ?? []).map((rule, index) => (
          <li key={`cost-${index}`}>
            <code>{JSON.stringify(rule)}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
