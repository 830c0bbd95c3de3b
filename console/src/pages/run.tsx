import { api } from '../api.ts';
import { ErrorNotice, Loading, money, PageTitle, ScrollTable, StatusBadge, Time } from '../components/common.tsx';
import { PayloadView } from '../components/payload.tsx';
import { useLoad } from '../hooks.ts';
import { href } from '../router.ts';
import type { Monitor, Run, RunRule } from '../types.ts';

/** What a rule counted, in words: `12 matching lines (at least 10 breach)`. */
function ruleFigures(rule: RunRule): string {
  if (rule.input_failed) return 'input could not be read; not counted';
  if (rule.min_count !== undefined) return `${rule.count ?? 0} matching lines (breached at ${rule.min_count} or more)`;
  if (rule.expect_at_least !== undefined) return `${rule.count ?? 0} matching lines (breached below ${rule.expect_at_least})`;
  const figures = ['actual', 'threshold', 'percent', 'day', 'group', 'count', 'value']
    .filter((name) => rule[name] !== undefined && rule[name] !== null)
    .map((name) => `${name} ${String(rule[name])}`);
  return figures.join(', ');
}

function ruleName(rule: RunRule): string {
  if (rule.pattern !== undefined) return `[${rule.label}] /${rule.pattern}/`;
  return [rule.kind, rule.label, rule.message].filter(Boolean).join(' · ') || 'rule';
}

export function RunPage({ monitorId, runId }: { monitorId: string; runId: string }) {
  const monitor = useLoad(() => api.get<Monitor>(`monitors/${encodeURIComponent(monitorId)}`), [monitorId]);
  const run = useLoad(
    () => api.get<Run>(`monitors/${encodeURIComponent(monitorId)}/runs/${encodeURIComponent(runId)}`),
    [monitorId, runId],
    // A run in flight (or still delivering its notifications) is read again until it settles.
    1_500,
    (data) =>
      data === undefined ||
      data.status === 'queued' ||
      data.status === 'running' ||
      data.notifications_pending === true ||
      // An API without notifications_pending: outcomes are added just after the verdict is saved.
      (data.notifications_pending === undefined && data.notifications.length === 0 && Date.now() - Date.parse(data.finished_at ?? '') < 10_000),
  );
  const r = run.data;
  if (run.error && !r) return <ErrorNotice error={run.error} title="This run could not be loaded" />;
  if (!r) return <Loading what="the run" />;
  const inFlight = r.status === 'queued' || r.status === 'running' || r.notifications_pending === true;
  const judge = r.judge;
  return (
    <section>
      <p class="crumbs">
        <a href={href('monitors')}>Monitors</a> / <a href={href('monitors', monitorId)}>{monitor.data?.name ?? monitorId}</a> /
      </p>
      <div class="title-row">
        <PageTitle>Run {r.id}</PageTitle>
        <StatusBadge status={r.status} />
      </div>
      {inFlight && (
        <p class="notice" aria-live="polite">
          {r.status === 'queued' || r.status === 'running' ? `This run is ${r.status}…` : 'Delivering notifications…'}
        </p>
      )}
      <dl class="facts">
        <dt>Trigger</dt>
        <dd>{r.trigger}</dd>
        <dt>Started</dt>
        <dd>
          <Time iso={r.started_at} />
        </dd>
        <dt>Finished</dt>
        <dd>
          <Time iso={r.finished_at} />
        </dd>
      </dl>
      <h2>Summary</h2>
      <p class="summary">{r.summary ?? (inFlight ? '—' : 'No summary.')}</p>
      {r.error && (
        <p class="notice notice-error">
          <strong>Error:</strong> {r.error}
        </p>
      )}

      <h2>Findings</h2>
      {r.findings.length === 0 && <p class="muted">No finding.</p>}
      <ol class="findings">
        {r.findings.map((finding, index) => (
          <li key={index} class={`finding finding-${finding.severity}`}>
            <h3>
              <span class="finding-number">{index + 1}</span> {finding.title} <StatusBadge status={finding.severity as Run['status']} />
            </h3>
            {finding.label && (
              <p>
                Input <code>[{finding.label}]</code>
              </p>
            )}
            {finding.evidence.length > 0 && (
              <ul class="evidence-list" aria-label="evidence">
                {finding.evidence.map((line, i) => (
                  <li key={i}>
                    <code>{line}</code>
                  </li>
                ))}
              </ul>
            )}
            {finding.recommendation && <p>Recommendation: {finding.recommendation}</p>}
          </li>
        ))}
      </ol>

      <h2>Rules</h2>
      {r.rules.length === 0 ? (
        <p class="muted">No rule.</p>
      ) : (
        <ScrollTable label="Rules" headers={['Rule', 'Figures', 'Severity', 'Breached']}>
              {r.rules.map((rule, index) => (
                <tr key={index} class={rule.breached ? 'breached' : ''}>
                  <td>
                    <code>{ruleName(rule)}</code>
                  </td>
                  <td>{ruleFigures(rule)}</td>
                  <td>{rule.severity}</td>
                  <td>{rule.breached ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </ScrollTable>
      )}

      <h2>Judge</h2>
      {judge ? (
        <dl class="facts">
          <dt>Judged by</dt>
          <dd>{judge.kind === 'bedrock' ? `Bedrock, ${judge.model_id ?? 'the default model'}` : 'rules only (no model)'}</dd>
          <dt>Tokens</dt>
          <dd>
            {judge.input_tokens} in, {judge.output_tokens} out
          </dd>
          <dt>Estimated cost</dt>
          <dd>{money(judge.estimated_cost_usd)}</dd>
          <dt>Latency</dt>
          <dd>{judge.latency_ms} ms</dd>
          <dt>Skipped</dt>
          <dd>{judge.skipped ?? 'no: the judge was called'}</dd>
          {judge.fallback && (
            <>
              <dt>Fallback</dt>
              <dd>
                {judge.fallback}
                {judge.fallback_reason ? `: ${judge.fallback_reason}` : ''}
              </dd>
            </>
          )}
        </dl>
      ) : (
        <p class="muted">Not judged yet.</p>
      )}

      <h2>Notifications</h2>
      {r.notifications.length === 0 ? (
        <p class="muted">{r.notifications_pending ? 'Being delivered…' : 'None.'}</p>
      ) : (
        <ScrollTable label="Notifications" headers={['Channel', 'To', 'Outcome', 'Why']}>
              {r.notifications.map((n, index) => (
                <tr key={index}>
                  <td>{n.channel}</td>
                  <td>{n.target}</td>
                  <td class={`outcome-${n.status}`}>{n.status}</td>
                  <td>{n.reason ?? ''}</td>
                </tr>
              ))}
            </ScrollTable>
      )}

      <h2>Inputs</h2>
      <ul>
        {Object.entries(r.inputs).map(([label, stats]) => (
          <li key={label}>
            <code>[{label}]</code> {stats.error ? `failed: ${stats.error}` : `${stats.lines} lines, ${stats.chars} characters${stats.truncated ? ', cut to the window' : ''}`}
            {stats.omitted_templates ? `, ${stats.omitted_templates} patterns left out` : ''}
            {(stats.notes ?? []).map((note) => `; ${note}`).join('')}
          </li>
        ))}
      </ul>

      <h2>Payload the model read</h2>
      {r.payload ? <PayloadView payload={r.payload} findings={r.findings} /> : <p class="muted">{inFlight ? 'Not collected yet.' : 'No payload was kept for this run.'}</p>}

      {r.raw_reply && (
        <>
          <h2>Raw reply (invalid)</h2>
          <pre class="payload" tabIndex={0}>
            {r.raw_reply}
          </pre>
        </>
      )}
    </section>
  );
}
