import { type FormEvent, useMemo } from 'react';
import { groupedMoney } from '../../../../contract/money.ts';
import { CASE_STATUSES, SEVERITIES } from '../../../../contract/names.ts';
import { type CaseRow, type FindingList, useApi } from '../api.ts';
import type { PageProps } from '../app.tsx';
import { DataTable } from '../components/data-table.tsx';
import { Field } from '../components/field.tsx';
import { Pending, Pills } from '../components/status.tsx';
import { Title } from '../components/title.tsx';
import { Link, navigate, withQuery } from '../router.tsx';

const FILTERS = ['code', 'severity', 'status', 'account', 'staff', 'jurisdiction', 'period', 'text'] as const;
const SORTS = ['severity', 'revenue_at_stake', 'period_from', 'code', 'account_id'] as const;
type Item = FindingList['items'][number];
type Gone = CaseRow;

/** A summary's first sentence, for one line in the list (the finding's page has it all). */
const firstSentence = (s: string) => {
  const end = s.search(/\.\s/);
  return end > 0 ? s.slice(0, end + 1) : s;
};

const title = (name: string) => name[0]!.toUpperCase() + name.slice(1);

function Choice({ name, values, value }: { name: string; values: readonly string[]; value: string }) {
  return (
    <Field label={title(name)}>
      <select name={name} defaultValue={value}>
        <option value="">all</option>
        {values.map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
    </Field>
  );
}

function Text({ name, value, placeholder }: { name: string; value: string; placeholder?: string }) {
  return (
    <Field label={title(name)}>
      <input name={name} defaultValue={value} placeholder={placeholder} />
    </Field>
  );
}

export function InboxPage({ where }: PageProps) {
  const q = Object.fromEntries(
    [...FILTERS, 'sort', 'order', 'page'].map((k) => [k, where.query.get(k) ?? '']),
  ) as Record<string, string>;
  const url = withQuery('/api/findings', { ...q, page_size: 50 });
  const list = useApi<FindingList>(url);
  const cases = useApi<Gone[]>('/api/cases');
  const gone = useMemo(() => (cases.data ?? []).filter((c) => c.disappeared), [cases.data]);

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    navigate(withQuery('/', Object.fromEntries([...form].map(([k, v]) => [k, String(v)]))));
  };
  const pageLink = (page: number) => withQuery('/', { ...q, page });
  const page = list.data?.page ?? 1;

  return (
    <>
      <Title>Findings</Title>
      <section aria-labelledby="filters">
        <h2 id="filters">Filter</h2>
        {/* A new key per URL resets the fields when the URL changes (back button, links). */}
        <form key={where.query.toString()} className="inline" onSubmit={apply}>
          <Choice name="code" values={list.data?.codes ?? (q.code ? [q.code] : [])} value={q.code!} />
          <Choice name="severity" values={SEVERITIES} value={q.severity!} />
          <Choice name="status" values={CASE_STATUSES} value={q.status!} />
          <Text name="account" value={q.account!} />
          <Text name="staff" value={q.staff!} />
          <Text name="jurisdiction" value={q.jurisdiction!} placeholder="CN" />
          <Text name="period" value={q.period!} placeholder="YYYY-MM" />
          <Text name="text" value={q.text!} />
          <Field label="Sort">
            <select name="sort" defaultValue={q.sort || 'severity'}>
              {SORTS.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </Field>
          <Field label="Order">
            <select name="order" defaultValue={q.order || 'desc'}>
              <option>desc</option>
              <option>asc</option>
            </select>
          </Field>
          <button type="submit">Apply</button>
        </form>
        {list.data && (
          <>
            <Pills name="code" counts={list.data.counts.code} />
            <Pills name="severity" counts={list.data.counts.severity} />
            <Pills name="status" counts={list.data.counts.status} />
          </>
        )}
      </section>
      <section aria-labelledby="list" aria-busy={list.loading}>
        <Pending loading={list.loading && !list.data} error={list.error} />
        {list.data && (
          <>
            <h2 id="list">{list.data.total} finding(s)</h2>
            <DataTable<Item>
              rows={list.data.items}
              columns={[
                { title: 'id', cell: (f) => <Link href={`/findings/${f.id}`}>{f.id}</Link>, nowrap: true },
                { title: 'severity', cell: (f) => <span className={`sev-${f.severity}`}>{f.severity}</span> },
                { title: 'code', cell: (f) => <code>{f.code}</code> },
                {
                  title: 'subject',
                  cell: (f) =>
                    f.account_id ? (
                      <Link href={`/accounts/${f.account_id}`}>{f.account_id}</Link>
                    ) : (
                      (f.staff_id ?? f.region_id ?? '')
                    ),
                },
                { title: 'periods', cell: (f) => `${f.period_from}…${f.period_to}`, nowrap: true },
                {
                  title: 'at stake',
                  cell: (f) => groupedMoney(f.revenue_at_stake),
                  numeric: true,
                  nowrap: true,
                },
                {
                  title: 'summary',
                  cell: (f) => <span className="summary">{firstSentence(f.summary)}</span>,
                },
                { title: 'status', cell: (f) => f.case.status },
              ]}
            />
            <p>
              {page > 1 && <Link href={pageLink(page - 1)}>← previous</Link>} page {page} of{' '}
              {Math.max(1, Math.ceil(list.data.total / list.data.page_size))}{' '}
              {page * list.data.page_size < list.data.total && <Link href={pageLink(page + 1)}>next →</Link>}
            </p>
          </>
        )}
      </section>
      {gone.length > 0 && (
        <section>
          <h2>Triaged findings no longer raised ({gone.length})</h2>
          <p className="muted">Their stable ids are not in the newest run; the triage is kept.</p>
          <ul>
            {gone.map((c) => (
              <li key={c.finding_id}>
                <code>{c.finding_id}</code> {c.status}
                {c.resolution ? ` (${c.resolution})` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
