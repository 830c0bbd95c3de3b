import { href } from '../router.ts';
import type { Run } from '../types.ts';
import { formatTime } from './common.tsx';

/** The last runs, oldest left: one square each, a link to the run, its status in the label. */
export function RunStrip({ monitorId, runs }: { monitorId: string; runs: Run[] }) {
  if (runs.length === 0) return <span class="muted">no runs yet</span>;
  const ordered = [...runs].reverse();
  return (
    <ol class="strip" aria-label={`last ${runs.length} runs, oldest first`}>
      {ordered.map((run) => (
        <li key={run.id}>
          <a
            class={`strip-cell badge-${run.status}`}
            href={href('monitors', monitorId, 'runs', run.id)}
            title={`${run.status} · ${formatTime(run.finished_at ?? run.started_at ?? run.scheduled_for)}`}
            aria-label={`${run.status} run at ${formatTime(run.finished_at ?? run.started_at ?? run.scheduled_for)}`}
          />
        </li>
      ))}
    </ol>
  );
}
