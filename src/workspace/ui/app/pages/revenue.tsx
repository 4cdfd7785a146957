import { useMemo } from 'react';
import { BASES } from '../../../../contract/names.ts';
import { type Flow, type RevenueCell, useApi } from '../api.ts';
import type { PageProps } from '../app.tsx';
import { Chart } from '../components/chart.tsx';
import { DataTable } from '../components/data-table.tsx';
import { Field } from '../components/field.tsx';
import { Pending } from '../components/status.tsx';
import { Title } from '../components/title.tsx';
import { Link, navigate, withQuery } from '../router.tsx';

type Line = { region: string; amounts: Record<string, string> };

export function RevenuePage({ where }: PageProps) {
  const revenue = useApi<RevenueCell[]>('/api/revenue');
  const flows = useApi<Flow[]>('/api/revenue/flows');
  const periods = useMemo(
    () => [...new Set((revenue.data ?? []).map((r) => r.period))].sort(),
    [revenue.data],
  );
  const asked = where.query.get('period') ?? '';
  const period = periods.includes(asked) ? asked : (periods.at(-1) ?? '');
  const lines = useMemo(() => {
    const byRegion = new Map<string, Record<string, string>>();
    for (const r of revenue.data ?? [])
      if (r.period === period)
        byRegion.set(r.region_id, { ...byRegion.get(r.region_id), [r.basis]: r.amount });
    return [...byRegion]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([region, amounts]): Line => ({ region, amounts }));
  }, [revenue.data, period]);
  const sankey = useMemo(() => {
    const links = flows.data ?? [];
    const names = [...new Set(links.flatMap((l) => [l.source, l.target]))];
    return {
      tooltip: {},
      series: [
        {
          type: 'sankey',
          data: names.map((name) => ({ name })),
          links: links.map((l) => ({ source: l.source, target: l.target, value: Number(l.value) })),
        },
      ],
    };
  }, [flows.data]);

  if (!revenue.data) return <Pending loading={revenue.loading} error={revenue.error} />;
  if (periods.length === 0)
    return (
      <>
        <Title>Revenue</Title>
        <p>Nothing audited yet.</p>
      </>
    );
  const drill = (basis: string, region: string) => withQuery('/revenue/rows', { basis, period, region });
  return (
    <>
      <Title>Revenue</Title>
      <section>
        <Field label="Period">
          <select
            value={period}
            onChange={(e) => navigate(withQuery('/revenue', { period: e.target.value }))}
          >
            {periods.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </Field>
        <h2>Bases side by side, {period}</h2>
        <DataTable<Line>
          rows={lines}
          columns={[
            { title: 'region', cell: (l) => l.region },
            ...BASES.map((basis) => ({
              title: basis,
              numeric: true,
              cell: (l: Line) =>
                l.amounts[basis] ? <Link href={drill(basis, l.region)}>{l.amounts[basis]}</Link> : '0.00',
            })),
          ]}
        />
        <p className="muted">
          Each figure opens the invoice rows behind it with the facts that credited them.
        </p>
      </section>
      <section>
        <h2>Booked region → substance (HQ country), all periods</h2>
        <Chart option={sankey} label="Sankey of revenue from booked region to HQ country" height={520} />
      </section>
    </>
  );
}
