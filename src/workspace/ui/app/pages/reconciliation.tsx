import { useMemo } from 'react';
import { type ReconciliationRow, useApi } from '../api.ts';
import { Chart } from '../components/chart.tsx';
import { DataTable } from '../components/data-table.tsx';
import { Pending } from '../components/status.tsx';
import { Title } from '../components/title.tsx';

type Line = ReconciliationRow;

const within = (l: Line) => l.within_tolerance;

export function ReconciliationPage() {
  const { data, error, loading } = useApi<Line[]>('/api/reconciliation');
  const chart = useMemo(() => {
    const lines = data ?? [];
    const label = (l: Line) => `${l.region_id} ${l.period} (${l.basis})`;
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 90, right: 16, top: 32, bottom: 90 },
      xAxis: { type: 'category', data: lines.map(label), axisLabel: { rotate: 30 } },
      yAxis: { type: 'value' },
      series: [
        { name: 'reported', type: 'bar', data: lines.map((l) => Number(l.reported)) },
        {
          name: 'computed',
          type: 'bar',
          data: lines.map((l) => ({
            value: Number(l.computed),
            itemStyle: within(l) ? undefined : { color: '#b42318' },
          })),
        },
      ],
    };
  }, [data]);
  const gaps = (data ?? []).filter((l) => !within(l)).length;
  return (
    <>
      <Title>Reconciliation</Title>
      <section>
        <h2>Reported against the books</h2>
        <Pending loading={loading} error={error} />
        {data && (
          <>
            <p>
              {data.length} reported figure(s), {gaps} outside the tolerance (computed bar in red).
            </p>
            <Chart option={chart} label="Reported and computed revenue per reported figure" height={360} />
            <DataTable<Line>
              rows={data}
              columns={[
                { title: 'basis', cell: (l) => l.basis },
                { title: 'period', cell: (l) => l.period },
                { title: 'region', cell: (l) => l.region_id },
                { title: 'reported', cell: (l) => l.reported, numeric: true },
                { title: 'computed', cell: (l) => l.computed, numeric: true },
                { title: 'difference', cell: (l) => l.difference, numeric: true },
                {
                  title: 'within tolerance',
                  cell: (l) => (within(l) ? 'yes' : <strong className="sev-high">no</strong>),
                },
              ]}
            />
          </>
        )}
      </section>
    </>
  );
}
