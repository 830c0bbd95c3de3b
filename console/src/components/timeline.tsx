import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import type { Run } from '../types.ts';
import { UPlotChart } from './uplot-chart.tsx';

const LEVELS = ['ok', 'warn', 'alert', 'error'] as const;
const COLOURS: Record<string, string> = { ok: '#1a7f37', warn: '#9a6700', alert: '#cf222e', error: '#6e40c9' };

const OPTIONS: Omit<uPlot.Options, 'width' | 'height'> = {
  legend: { show: false },
  cursor: { show: false },
  scales: { x: { time: true }, y: { range: [-0.5, 3.5] } },
  axes: [{}, { values: (_u, ticks) => ticks.map((tick) => LEVELS[tick] ?? ''), splits: () => [0, 1, 2, 3], size: 50 }],
  series: [
    {},
    ...LEVELS.map((level) => ({
      label: level,
      stroke: COLOURS[level],
      width: 0,
      points: { show: true, size: 9, fill: COLOURS[level], stroke: COLOURS[level] },
    })),
  ],
};

/**
 * Runs by time: one point per finished run at the height of its status (ok → error), coloured
 * by it. The runs table below the chart carries the same facts as text.
 */
export function RunTimeline({ runs }: { runs: Run[] }) {
  const data = useMemo(() => {
    const finished = runs
      .filter((run) => (LEVELS as readonly string[]).includes(run.status))
      .map((run) => ({ at: Date.parse(run.finished_at ?? run.started_at ?? run.scheduled_for ?? '') / 1000, status: run.status }))
      .filter((point) => Number.isFinite(point.at))
      .sort((a, b) => a.at - b.at);
    return [finished.map((point) => point.at), ...LEVELS.map((level, index) => finished.map((point) => (point.status === level ? index : null)))] as uPlot.AlignedData;
  }, [runs]);
  return <UPlotChart label={`timeline of ${runs.length} runs by status`} height={160} options={OPTIONS} data={data} />;
}
