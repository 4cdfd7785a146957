import { useMemo } from 'react';
import { type AccountDetail, useApi } from '../api.ts';
import type { PageProps } from '../app.tsx';
import { Chart } from '../components/chart.tsx';
import { DataTable, RowsTable } from '../components/data-table.tsx';
import { Pending } from '../components/status.tsx';
import { Title } from '../components/title.tsx';
import { Link } from '../router.tsx';
import { accountTimeline, type TimelineEvent } from '../timeline.ts';

export function AccountPage({ params }: PageProps) {
  const id = params.id!;
  const { data, error, loading, stale } = useApi<AccountDetail>(`/api/accounts/${encodeURIComponent(id)}`);
  const timeline = useMemo(() => (data ? accountTimeline(data) : []), [data]);
  const months = data?.revenue_by_month as { period: string; amount: string }[] | undefined;
  const chart = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 70, right: 16, top: 16, bottom: 40 },
      xAxis: { type: 'category', data: (months ?? []).map((m) => m.period) },
      yAxis: { type: 'value' },
      series: [{ type: 'bar', data: (months ?? []).map((m) => Number(m.amount)) }],
    }),
    [months],
  );
  if (!data || stale) return <Pending loading={loading} error={error} />;
  const a = data.account as Record<string, string | null>;
  return (
    <>
      <Title>{`Account ${id}`}</Title>
      <section>
        <h2>{a.name}</h2>
        <p>
          registered {a.registered_country} · HQ {a.hq_country} {a.hq_city ?? ''} · industry “
          {a.declared_industry ?? ''}” · created {a.created_at}
          {a.closed_at ? ` · closed ${a.closed_at}` : ''}
        </p>
      </section>
      <section>
        <h2>Timeline</h2>
        <DataTable<TimelineEvent>
          rows={timeline}
          columns={[
            { title: 'date', cell: (e) => e.date },
            { title: 'what', cell: (e) => <span className={`ev-${e.kind}`}>{e.kind}</span> },
            {
              title: 'detail',
              cell: (e) => (e.finding ? <Link href={`/findings/${e.finding}`}>{e.text}</Link> : e.text),
            },
          ]}
        />
      </section>
      <section>
        <h2>Revenue by month</h2>
        <Chart option={chart} label={`Revenue of account ${id} by month`} height={260} />
        <details>
          <summary>the figures</summary>
          <RowsTable rows={data.revenue_by_month} />
        </details>
      </section>
      <section>
        <h2>Nexus (tests that hold, by jurisdiction and run of periods)</h2>
        <RowsTable rows={data.nexus as unknown as Record<string, unknown>[]} />
      </section>
      <section>
        <h2>Verdicts (prohibited-activity periods, with the nexus tests that held)</h2>
        <RowsTable rows={data.verdicts} />
      </section>
      {(
        [
          ['Billing addresses', data.billing_addresses],
          ['Ownership', data.ownership],
          ['Transfer requests', data.transfer_requests],
          ['Payment methods', data.payment_methods],
          ['CRM activities', data.activities],
          ['Deals', data.deals],
        ] as const
      ).map(([title, rows]) => (
        <section key={title}>
          <h2>{title}</h2>
          <RowsTable rows={rows} />
        </section>
      ))}
    </>
  );
}
