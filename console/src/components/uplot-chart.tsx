import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * A uPlot chart as wide as its box (at least 280 px), redrawn when `data` changes and resized
 * with the window. `role="img"` and `label` describe it; the page gives the figures as text too.
 */
export function UPlotChart(props: { label: string; height: number; options: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const width = () => Math.max(280, element.clientWidth);
    const plot = new uPlot({ ...props.options, width: width(), height: props.height }, props.data, element);
    const resize = () => plot.setSize({ width: width(), height: props.height });
    addEventListener('resize', resize);
    return () => {
      removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [props.data]);
  return <div ref={box} class="chart" role="img" aria-label={props.label} />;
}
