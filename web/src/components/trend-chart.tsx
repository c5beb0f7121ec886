import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface TrendSeries {
  label: string;
  /** Points [epoch ms, value]; kept in time order by the caller. */
  points: readonly (readonly [number, number])[];
  color: string;
  /** Draw as steps (set points hold until changed). */
  stepped?: boolean;
  dashed?: boolean;
}

/**
 * A live time series chart (uPlot: canvas, built for streams of points). Series share the time axis; the chart is
 * created once and fed new data, resizing with its container.
 */
export function TrendChart(props: { title: string; unit: string; series: TrendSeries[]; height?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const shape = props.series.map((s) => `${s.label}|${s.color}|${s.stepped}|${s.dashed}`).join(',');

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: props.height ?? 180,
      title: props.title,
      scales: { x: { time: true } },
      axes: [
        { stroke: '#c8ccd4', grid: { stroke: '#2c313a' } },
        { stroke: '#c8ccd4', grid: { stroke: '#2c313a' }, label: props.unit, size: 60 },
      ],
      series: [
        {},
        ...props.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          ...(s.dashed ? { dash: [6, 4] } : {}),
          ...(s.stepped ? { paths: uPlot.paths.stepped!({ align: 1 }) } : {}),
          spanGaps: true,
        })),
      ],
    };
    plot.current = new uPlot(opts, toData(props.series), el);
    const ro = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(200, el.clientWidth), height: props.height ?? 180 }),
    );
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = undefined;
    };
    // Rebuilt only when the series themselves change; data changes go through setData below.
  }, [shape, props.title, props.unit, props.height]);

  useEffect(() => {
    plot.current?.setData(toData(props.series));
  }, [props.series]);

  return <div className="trend" ref={host} role="img" aria-label={`${props.title} (${props.unit})`} />;
}

/** uPlot's columnar data: one shared time column (s) and one value column per series (null where it has no point). */
function toData(series: TrendSeries[]): uPlot.AlignedData {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const col: (number | null)[] = new Array<number | null>(times.length).fill(null);
    for (const [t, v] of s.points) col[index.get(t)!] = v;
    return col;
  });
  return [times.map((t) => t / 1000), ...columns] as uPlot.AlignedData;
}
