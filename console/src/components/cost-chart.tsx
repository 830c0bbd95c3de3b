import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import type { CostSnapshot } from '../types.ts';
import { UPlotChart } from './uplot-chart.tsx';

const PALETTE = ['#0969da', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bc4c00', '#57606a'];
/** Groups drawn one by one; the rest are summed as "other". */
const SHOWN_GROUPS = 6;

/** The snapshot's days as aligned series: the largest groups, then the rest summed. */
export function dailySeries(snapshot: CostSnapshot): { days: string[]; groups: string[]; values: number[][] } {
  const totals = new Map<string, number>();
  for (const cost of snapshot.daily) totals.set(cost.group, (totals.get(cost.group) ?? 0) + cost.amount);
  const ranked = [...totals].sort((a, b) => b[1] - a[1]).map(([group]) => group);
  const shown = ranked.slice(0, SHOWN_GROUPS);
  const groups = ranked.length > SHOWN_GROUPS ? [...shown, 'other'] : shown;
  const days = [...new Set(snapshot.daily.map((cost) => cost.day))].sort();
  const values = groups.map(() => days.map(() => 0));
  for (const cost of snapshot.daily) {
    const g = shown.includes(cost.group) ? shown.indexOf(cost.group) : groups.length - 1;
    const d = days.indexOf(cost.day);
    const row = values[g];
    if (row && d >= 0) row[d] = (row[d] ?? 0) + cost.amount;
  }
  return { days, groups, values };
}

/** Daily cost by group over the snapshot's days (35 and today), one line per group. */
export function CostChart({ snapshot }: { snapshot: CostSnapshot }) {
  const { options, data } = useMemo(() => {
    const { days, groups, values } = dailySeries(snapshot);
    const chartOptions: Omit<uPlot.Options, 'width' | 'height'> = {
      scales: { x: { time: true } },
      axes: [{}, { label: snapshot.unit, size: 60 }],
      series: [
        { label: 'day', value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toISOString().slice(0, 10)) },
        ...groups.map((group, index) => ({
          label: group,
          stroke: PALETTE[index % PALETTE.length],
          width: 2,
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : v.toFixed(2)),
        })),
      ],
    };
    return { options: chartOptions, data: [days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000), ...values] as uPlot.AlignedData };
  }, [snapshot]);
  const dayCount = new Set(snapshot.daily.map((c) => c.day)).size;
  return <UPlotChart label={`daily cost by ${snapshot.group_by.toLowerCase()} over ${dayCount} days`} height={260} options={options} data={data} />;
}
