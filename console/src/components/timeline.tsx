import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Run } from '../types.ts';

const LEVELS = ['ok', 'warn', 'alert', 'error'] as const;
const COLOURS: Record<string, string> = { ok: '#1a7f37', warn: '#9a6700', alert: '#cf222e', error: '#6e40c9' };

/**
 * Runs by time: one point per finished run at the height of its status (ok → error), coloured
 * by it. The table below the chart carries the same facts for screen readers.
 */
export function RunTimeline({ runs }: { runs: Run[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const finished = runs
      .filter((run) => (LEVELS as readonly string[]).includes(run.status))
      .map((run) => ({ at: Date.parse(run.finished_at ?? run.started_at ?? run.scheduled_for ?? '') / 1000, status: run.status }))
      .filter((point) => Number.isFinite(point.at))
      .sort((a, b) => a.at - b.at);
    const xs = finished.map((point) => point.at);
    const series = LEVELS.map((level, index) => finished.map((point) => (point.status === level ? index : null)));
    const plot = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: 160,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true }, y: { range: [-0.5, 3.5] } },
        axes: [
          {},
          { values: (_u, ticks) => ticks.map((tick) => LEVELS[tick] ?? ''), splits: () => [0, 1, 2, 3], size: 50 },
        ],
        series: [
          {},
          ...LEVELS.map((level) => ({
            label: level,
            stroke: COLOURS[level],
            width: 0,
            points: { show: true, size: 9, fill: COLOURS[level], stroke: COLOURS[level] },
          })),
        ],
      },
      [xs, ...series] as uPlot.AlignedData,
      element,
    );
    const resize = () => plot.setSize({ width: Math.max(280, element.clientWidth), height: 160 });
    addEventListener('resize', resize);
    return () => {
      removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [runs]);
  return <div ref={box} class="chart" role="img" aria-label={`timeline of ${runs.length} runs by status`} />;
}
