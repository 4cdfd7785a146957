import { type FigureRows, useApi } from '../api.ts';
import type { PageProps } from '../app.tsx';
import { DataTable } from '../components/data-table.tsx';
import { Pending } from '../components/status.tsx';
import { Title } from '../components/title.tsx';
import { Link, withQuery } from '../router.tsx';

type Row = FigureRows['rows'][number];
const SHOWN = 500;

export function RevenueRowsPage({ where }: PageProps) {
  const basis = where.query.get('basis') ?? '';
  const period = where.query.get('period') ?? '';
  const region = where.query.get('region') ?? '';
  const { data, error, loading, stale } = useApi<FigureRows>(
    withQuery('/api/revenue/rows', { basis, period, region }),
  );
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
            {data.amount} from {data.invoice_rows} invoice row(s)
          </h2>
          <DataTable<Row>
            rows={data.rows.slice(0, SHOWN)}
            columns={[
              { title: 'invoice', cell: (r) => r.invoice_id },
              {
                title: 'account',
                cell: (r) => <Link href={`/accounts/${r.account_id}`}>{r.account_id}</Link>,
              },
              { title: 'service', cell: (r) => `${r.service}@${r.usage_region}` },
              { title: 'net', cell: (r) => r.net_amount, numeric: true },
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
          {data.rows.length > SHOWN && (
            <p className="muted">
              first {SHOWN} of {data.rows.length}
            </p>
          )}
        </section>
      )}
    </>
  );
}
