import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.ts';
import { ErrorNotice, Loading, PageTitle, Time, money } from '../components/common.tsx';
import { CostChart } from '../components/cost-chart.tsx';
import { useLoad } from '../hooks.ts';
import { href } from '../router.ts';
import type { CostSnapshot, LogSource, Monitor } from '../types.ts';
import { listAll } from './monitors.tsx';

/** The monthly budget a monitor on this source sets (`cost_rules` of kind `monthly_budget`), if any. */
export function budgetFor(sourceId: string, monitors: Monitor[]): { amount: number; monitor: Monitor } | null {
  for (const monitor of monitors) {
    const reads = monitor.log_source_id === sourceId || monitor.inputs.some((input) => input.log_source_id === sourceId);
    if (!reads) continue;
    for (const rule of monitor.cost_rules ?? []) {
      if (rule.kind === 'monthly_budget' && typeof rule.amount === 'number') return { amount: rule.amount, monitor };
    }
  }
  return null;
}

function SnapshotView({ snapshot, budget }: { snapshot: CostSnapshot; budget: ReturnType<typeof budgetFor> }) {
  const unit = snapshot.unit;
  const monthToDate = snapshot.month_to_date.reduce((sum, cost) => sum + cost.amount, 0);
  const forecast = snapshot.forecast;
  const monthEnd = forecast ? monthToDate + forecast.amount : null;
  const percent = budget ? (monthToDate / budget.amount) * 100 : null;
  return (
    <>
      <p class="muted">
        {snapshot.metric} by {snapshot.group_by}, collected <Time iso={snapshot.collected_at} />
        {snapshot.estimated_from ? `; amounts from ${snapshot.estimated_from} on are estimates` : ''}
      </p>
      <div class="tiles">
        <div class="tile">
          <h2>Month to date</h2>
          <p class="big">{money(monthToDate, unit)}</p>
          {budget ? (
            <>
              <p>
                of a {money(budget.amount, unit)} budget (<a href={href('monitors', budget.monitor.id)}>{budget.monitor.name}</a>)
              </p>
              <meter min={0} max={budget.amount} low={budget.amount * 0.8} high={budget.amount} optimum={0} value={monthToDate} aria-label="month to date against budget">
                {percent?.toFixed(0)}%
              </meter>
              <p>{percent?.toFixed(1)}% of the budget spent</p>
            </>
          ) : (
            <p class="muted">No monitor sets a monthly budget on this source.</p>
          )}
        </div>
        <div class="tile">
          <h2>Forecast</h2>
          {forecast ? (
            <>
              <p class="big">≈ {money(monthEnd ?? 0, unit)}</p>
              <p>
                month total: {money(monthToDate, unit)} spent + {money(forecast.amount, unit)} forecast for {forecast.start} to {forecast.end} (end exclusive)
              </p>
              {typeof forecast.lower === 'number' && typeof forecast.upper === 'number' ? (
                <p>
                  80% interval for the rest of the month: {money(forecast.lower, unit)} – {money(forecast.upper, unit)} (month total{' '}
                  {money(monthToDate + forecast.lower, unit)} – {money(monthToDate + forecast.upper, unit)})
                </p>
              ) : (
                <p class="muted">This snapshot has no prediction interval.</p>
              )}
              {budget && monthEnd !== null && (
                <p class={monthEnd > budget.amount ? 'over' : ''}>
                  {monthEnd > budget.amount ? 'Heading past' : 'Within'} the budget ({((monthEnd / budget.amount) * 100).toFixed(0)}% forecast)
                </p>
              )}
            </>
          ) : (
            <p class="muted">Cost Explorer gave no forecast.</p>
          )}
        </div>
      </div>
      <h2>Daily cost by {snapshot.group_by.toLowerCase()}</h2>
      <CostChart snapshot={snapshot} />
      <h2>Month to date by {snapshot.group_by.toLowerCase()}</h2>
      <div class="table-scroll" tabIndex={0} role="region" aria-label="Month to date by group table">
        <table>
          <thead>
            <tr>
              <th scope="col">{snapshot.group_by}</th>
              <th scope="col" class="number">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {snapshot.month_to_date.map((cost) => (
              <tr key={cost.group}>
                <td>{cost.group}</td>
                <td class="number">{money(cost.amount, unit)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {snapshot.anomalies.length > 0 && (
        <>
          <h2>Anomalies</h2>
          <ul>
            {snapshot.anomalies.map((anomaly) => (
              <li key={anomaly.id}>
                {anomaly.start}–{anomaly.end ?? 'ongoing'}: impact {money(anomaly.impact, unit)}
                {anomaly.total_impact !== null ? ` (total ${money(anomaly.total_impact, unit)})` : ''}
                {anomaly.root_causes.length > 0 ? `; ${anomaly.root_causes.join('; ')}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      {snapshot.notes.length > 0 && (
        <ul class="muted">
          {snapshot.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </>
  );
}

export function CostsPage() {
  const data = useLoad(async () => {
    const [sources, monitors] = await Promise.all([listAll<LogSource>('log-sources'), listAll<Monitor>('monitors')]);
    return { sources: sources.filter((source) => source.mode === 'cost_explorer'), monitors };
  }, []);
  const [sourceId, setSourceId] = useState('');
  useEffect(() => {
    if (sourceId === '' && data.data?.sources[0]) setSourceId(data.data.sources[0].id);
  }, [data.data, sourceId]);
  const snapshot = useLoad(
    async () => {
      if (sourceId === '') return null;
      try {
        return await api.get<CostSnapshot>(`log-sources/${encodeURIComponent(sourceId)}/cost-snapshot`);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    [sourceId],
  );
  return (
    <section>
      <PageTitle>Costs</PageTitle>
      <ErrorNotice error={data.error} title="Cost sources could not be loaded" />
      {!data.data && !data.error && <Loading what="cost sources" />}
      {data.data && data.data.sources.length === 0 && (
        <p>
          No Cost Explorer source yet: <a href={href('sources', 'new')}>add one</a>. The cost collector takes a snapshot every few hours.
        </p>
      )}
      {data.data && data.data.sources.length > 0 && (
        <>
          <div class="field inline">
            <label for="cost-source">Cost source</label>
            <select id="cost-source" value={sourceId} onChange={(e) => setSourceId(e.currentTarget.value)}>
              {data.data.sources.map((source) => (
                <option key={source.id} value={source.id}>
                  {source.name}
                </option>
              ))}
            </select>
          </div>
          <ErrorNotice error={snapshot.error} title="The snapshot could not be loaded" />
          {snapshot.loading && snapshot.data === undefined && <Loading what="the latest snapshot" />}
          {snapshot.data === null && <p>No snapshot of this source yet; the cost collector takes one at its next pass.</p>}
          {snapshot.data && <SnapshotView snapshot={snapshot.data} budget={budgetFor(sourceId, data.data.monitors)} />}
        </>
      )}
    </section>
  );
}
