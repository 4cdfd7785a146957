import { type LedgerEntry, useApi, type Verification } from '../api.ts';
import { DataTable } from '../components/data-table.tsx';
import { Pending } from '../components/status.tsx';
import { Title } from '../components/title.tsx';
import { describeEntry } from '../ledger-text.ts';

const SHOWN = 200;

export function LedgerPage() {
  const entries = useApi<LedgerEntry[]>('/api/ledger');
  const check = useApi<Verification>('/api/ledger/verify');
  const v = check.data;
  return (
    <>
      <Title>Ledger</Title>
      <section>
        <Pending loading={check.loading} error={check.error} />
        {v && (
          <p id="verify" className={v.ok ? '' : 'error'}>
            {v.ok ? (
              <>
                verified: {v.entries} entries, head <code>{v.head}</code>
              </>
            ) : (
              `broken at entry ${v.broken?.seq}: ${v.broken?.reason}`
            )}
          </p>
        )}
        <Pending loading={entries.loading} error={entries.error} />
        {entries.data && (
          <DataTable<LedgerEntry>
            rows={entries.data.slice(0, SHOWN)}
            columns={[
              { title: 'seq', cell: (e) => e.seq, numeric: true },
              { title: 'at', cell: (e) => e.at, nowrap: true },
              { title: 'kind', cell: (e) => e.kind, nowrap: true },
              { title: 'actor', cell: (e) => e.actor },
              { title: 'what', cell: (e) => describeEntry(e.body, e.kind) },
              { title: 'hash', cell: (e) => <code>{e.hash.slice(0, 16)}</code> },
            ]}
          />
        )}
        {(entries.data?.length ?? 0) > SHOWN && <p className="muted">newest {SHOWN} shown</p>}
      </section>
    </>
  );
}
