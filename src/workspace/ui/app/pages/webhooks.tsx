import type { DeliveryRow, EndpointRow } from '../api.ts';
import { useApi } from '../api.ts';
import { DataTable } from '../components/data-table.tsx';
import { Pending } from '../components/status.tsx';
import { Title } from '../components/title.tsx';

/** Webhook endpoints and the delivery log (admins). */
export function WebhooksPage() {
  const endpoints = useApi<EndpointRow[]>('/api/webhooks');
  const log = useApi<DeliveryRow[]>('/api/webhooks/deliveries?limit=200');
  const urlOf = new Map((endpoints.data ?? []).map((e) => [e.id, e.url]));
  return (
    <>
      <Title>Webhooks</Title>
      <section>
        <h2>Endpoints</h2>
        <p className="muted">
          Each delivery is a signed POST: <code>daylight-signature: t=…,v1=…</code> is an HMAC-SHA256 of{' '}
          <code>t.body</code> under the endpoint's secret. Add one with <code>POST /api/webhooks</code> or{' '}
          <code>daylight webhooks add</code>.
        </p>
        <Pending loading={endpoints.loading} error={endpoints.error} />
        {endpoints.data && (
          <DataTable<EndpointRow>
            rows={endpoints.data}
            columns={[
              { title: 'id', cell: (e) => <code>{e.id}</code>, nowrap: true },
              { title: 'address', cell: (e) => e.url },
              { title: 'events', cell: (e) => e.events.join(', ') },
              { title: 'added', cell: (e) => `${e.created_at} by ${e.created_by}` },
              { title: 'state', cell: (e) => (e.disabled ? 'disabled' : 'delivering') },
            ]}
          />
        )}
      </section>
      <section>
        <h2>Delivery log</h2>
        <Pending loading={log.loading} error={log.error} />
        {log.data && (
          <DataTable<DeliveryRow>
            rows={log.data}
            columns={[
              { title: 'attempted', cell: (a) => a.attempted_at, nowrap: true },
              { title: 'event', cell: (a) => `${a.event} ${a.event_id}` },
              { title: 'endpoint', cell: (a) => urlOf.get(a.endpoint_id) ?? a.endpoint_id },
              { title: 'attempt', cell: (a) => a.attempt, numeric: true },
              {
                title: 'outcome',
                cell: (a) => (
                  <strong className={a.outcome === 'delivered' ? undefined : 'dec-review'}>
                    {a.outcome}
                  </strong>
                ),
              },
              { title: 'answer', cell: (a) => a.error ?? String(a.http_status) },
              { title: 'ms', cell: (a) => a.duration_ms, numeric: true },
              { title: 'next attempt', cell: (a) => a.next_at ?? '—', nowrap: true },
            ]}
          />
        )}
      </section>
    </>
  );
}
