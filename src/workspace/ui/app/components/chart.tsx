import { useEffect, useRef, useState } from 'react';

type ChartOption = Record<string, unknown>;

/** ECharts, loaded the first time a page shows a chart (the inbox and finding pages never need it). */
const loadECharts = async () => (await import('./echarts-setup.ts')).echarts;
let echartsLoading: ReturnType<typeof loadECharts> | null = null;

/** An ECharts chart drawn from an option; `label` says in words what it shows (for screen readers). */
export function Chart({
  option,
  label,
  height = 320,
}: {
  option: ChartOption;
  label: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState('');
  useEffect(() => {
    let dispose = () => {};
    let live = true;
    echartsLoading ??= loadECharts();
    echartsLoading.then(
      (echarts) => {
        if (!live || !box.current) return;
        const chart = echarts.init(box.current);
        chart.setOption({ animation: false, ...option });
        const resize = () => chart.resize();
        window.addEventListener('resize', resize);
        dispose = () => {
          window.removeEventListener('resize', resize);
          chart.dispose();
        };
      },
      (e: Error) => setFailed(e.message),
    );
    return () => {
      live = false;
      dispose();
    };
  }, [option]);
  if (failed) return <p className="error">The chart could not be drawn: {failed}</p>;
  return <div ref={box} className="chart" style={{ height }} role="img" aria-label={label} />;
}
