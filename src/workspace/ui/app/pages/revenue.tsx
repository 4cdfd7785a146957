import { useMemo } from 'react';
import { groupedMoney } from '../../../../contract/money.ts';
import { BASES } from '../../../../contract/names.ts';
import { type Flow, type RegionNode, type RevenueCell, useApi } from '../api.ts';
import type { PageProps } from '../app.tsx';
import { Chart } from '../components/chart.tsx';
import { DataTable } from '../components/data-table.tsx';
import { Field } from '../components/field.tsx';
import { Pending } from '../components/status.tsx';
import { Title } from '../components/title.tsx';
import { Link, navigate, withQuery } from '../router.tsx';

type Line = { region: string; depth: number; amounts: Record<string, string> };

export function RevenuePage({ where }: PageProps) {
  const revenue = useApi<RevenueCell[]>('/api/revenue');
  const regions = useApi<RegionNode[]>('/api/regions');
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
    // The region tree (WORLD → GCR → CN → CN-WEST), regions with revenue only.
    return (regions.data ?? [])
      .filter((r) => byRegion.has(r.region_id))
      .map((r): Line => ({ region: r.region_id, depth: r.depth, amounts: byRegion.get(r.region_id)! }));
  }, [revenue.data, regions.data, period]);
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

  if (!revenue.data || !regions.data)
    return <Pending loading={revenue.loading || regions.loading} error={revenue.error ?? regions.error} />;
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
            {
              title: 'region',
              cell: (l) => <span style={{ paddingLeft: `${l.depth * 1.25}em` }}>{l.region}</span>,
            },
            ...BASES.map((basis) => ({
              title: basis,
              numeric: true,
              cell: (l: Line) =>
                l.amounts[basis] ? (
                  <Link href={drill(basis, l.region)}>{groupedMoney(l.amounts[basis])}</Link>
                ) : (
                  '0.00'
                ),
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
