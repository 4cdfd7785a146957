import { type Row, useApi } from '../api.ts';
import { RowsTable } from '../components/data-table.tsx';
import { Pending } from '../components/status.tsx';
import { Title } from '../components/title.tsx';

export function ReconciliationPage() {
  const { data, error, loading } = useApi<Row[]>('/api/reconciliation');
  return (
    <>
      <Title>Reconciliation</Title>
      <section>
        <h2>Reported against the books</h2>
        <Pending loading={loading} error={error} />
        {data && <RowsTable rows={data} />}
      </section>
    </>
  );
}
