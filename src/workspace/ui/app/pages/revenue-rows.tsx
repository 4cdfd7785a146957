import { groupedMoney } from '../../../../contract/money.ts';
import { type FigureRows, useApi } from '../api.ts';
import type { PageProps } from '../app.tsx';
import { DataTable } from '../components/data-table.tsx';
import { Pending } from '../components/status.tsx';
import { Title } from '../components/title.tsx';
import { Link, withQuery } from '../router.tsx';

type Row = FigureRows['rows'][number];
const PAGE_SIZE = 100;

/** The invoice rows behind a figure, a page at a time (largest first), each with its lineage. */
export function RevenueRowsPage({ where }: PageProps) {
  const basis = where.query.get('basis') ?? '';
  const period = where.query.get('period') ?? '';
  const region = where.query.get('region') ?? '';
  const page = Math.max(1, Number(where.query.get('page')) || 1);
  const { data, error, loading, stale } = useApi<FigureRows>(
    withQuery('/api/revenue/rows', { basis, period, region, page, page_size: PAGE_SIZE }),
  );
  const pages = data ? Math.max(1, Math.ceil(data.invoice_rows / data.page_size)) : 1;
  const pageLink = (p: number) => withQuery('/revenue/rows', { basis, period, region, page: p });
  return (
    <>
      <Title>{`${basis} · ${region} · ${period}`}</Title>
      <p>
        <Link href={withQuery('/revenue', { period })}>← revenue</Link>
      </p>
      <Pending loading={loading} error={error} />
      {data && !stale && (
        <section>
          <h2>
            {groupedMoney(data.amount)} from {data.invoice_rows.toLocaleString('en')} invoice row(s)
          </h2>
          <DataTable<Row>
            rows={data.rows}
            columns={[
              { title: 'invoice', cell: (r) => r.invoice_id },
              {
                title: 'account',
                cell: (r) => <Link href={`/accounts/${r.account_id}`}>{r.account_id}</Link>,
              },
              { title: 'service', cell: (r) => `${r.service}@${r.usage_region}` },
              { title: 'net', cell: (r) => groupedMoney(r.net_amount), numeric: true },
              {
                title: 'lineage',
                cell: (r) =>
                  r.credits.map((c) => (
                    <div key={c.region}>
                      {c.region}: {c.lineage.map((l) => `${l.table} [${l.key}] ${l.fact}`).join(' → ')}
                    </div>
                  )),
              },
            ]}
          />
          <p>
            {page > 1 && <Link href={pageLink(page - 1)}>← previous</Link>} page {page} of {pages}{' '}
            {page < pages && <Link href={pageLink(page + 1)}>next →</Link>}
          </p>
        </section>
      )}
    </>
  );
}
