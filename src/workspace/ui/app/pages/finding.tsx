import { type FormEvent, useState } from 'react';
import { groupedMoney } from '../../../../contract/money.ts';
import { CASE_RESOLUTIONS, CASE_STATUSES } from '../../../../contract/names.ts';
import { api, type CaseChange, changeCase, comment, type FindingDetail, useApi } from '../api.ts';
import type { PageProps } from '../app.tsx';
import { RowsTable } from '../components/data-table.tsx';
import { Field } from '../components/field.tsx';
import { Pending } from '../components/status.tsx';
import { Title } from '../components/title.tsx';
import { Link } from '../router.tsx';

type Evidence = FindingDetail['finding']['evidence'][number];

function Triage({ id, detail, reload }: { id: string; detail: FindingDetail; reload: () => void }) {
  const [error, setError] = useState('');
  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const el = e.currentTarget;
    const form = Object.fromEntries([...new FormData(el)].map(([k, v]) => [k, String(v)]));
    const change = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== '')) as CaseChange;
    try {
      await changeCase(id, change);
      setError('');
      el.querySelector<HTMLInputElement>('[name=why]')!.value = '';
      reload();
    } catch (x) {
      setError((x as Error).message);
    }
  };
  const say = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    try {
      await comment(id, String(new FormData(form).get('text')));
      form.reset();
      reload();
    } catch (x) {
      setError((x as Error).message);
    }
  };
  const proposal = detail.case.proposal
    ? (JSON.parse(detail.case.proposal) as { by: string; why: string; at: string })
    : null;
  const decide = (decision: 'approve' | 'reject') => async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    try {
      await api('POST', `/api/findings/${encodeURIComponent(id)}/case/${decision}`, {
        why: String(new FormData(e.currentTarget).get('why')),
      });
      setError('');
      reload();
    } catch (x) {
      setError((x as Error).message);
    }
  };
  return (
    <>
      {proposal && (
        <section aria-label="Dismissal waiting for a second person" className="proposal">
          <p>
            <b>{proposal.by}</b> proposed on {proposal.at.slice(0, 10)} to close this high finding as
            dismissed: “{proposal.why}”. A second person approves or rejects it.
          </p>
          {(['approve', 'reject'] as const).map((d) => (
            <form key={d} className="inline" onSubmit={decide(d)} aria-label={`${d} the dismissal`}>
              <Field label={`Why (${d})`}>
                <input name="why" required minLength={3} />
              </Field>
              <button type="submit">{d === 'approve' ? 'Approve dismissal' : 'Reject dismissal'}</button>
            </form>
          ))}
        </section>
      )}
      <form className="inline" onSubmit={save} aria-label="Change the case">
        <Field label="Status">
          <select name="status" defaultValue={detail.case.status}>
            {CASE_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label="Resolution">
          <select name="resolution" defaultValue="">
            <option value="">—</option>
            {CASE_RESOLUTIONS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </Field>
        <Field label="Snoozed until">
          <input
            name="snoozed_until"
            pattern="\d{4}-\d{2}-\d{2}"
            placeholder="YYYY-MM-DD"
            inputMode="numeric"
          />
        </Field>
        <Field label="Assignee">
          <input name="assignee" defaultValue={detail.case.assignee ?? ''} />
        </Field>
        <Field label="Why">
          <input name="why" required minLength={3} />
        </Field>
        <button type="submit">Save</button>
      </form>
      <p className="error" role="alert">
        {error}
      </p>
      <form className="inline" onSubmit={say} aria-label="Comment">
        <Field label="Comment">
          <textarea name="text" rows={2} cols={50} required />
        </Field>
        <button type="submit">Comment</button>
      </form>
    </>
  );
}

function EvidenceRow({ e }: { e: Evidence }) {
  return (
    <tr>
      <td>{e.table}</td>
      <td>
        <code>{e.key}</code>
      </td>
      <td>
        {e.fact}
        {e.rows.length > 0 && <RowsTable rows={e.rows} />}
      </td>
    </tr>
  );
}

export function FindingPage({ params, principal }: PageProps) {
  const id = params.id!;
  const { data, error, loading, stale, reload } = useApi<FindingDetail>(
    `/api/findings/${encodeURIComponent(id)}`,
  );
  if (!data || stale) return <Pending loading={loading} error={error} />;
  const f = data.finding;
  const c = data.case;
  return (
    <>
      <Title>{`${f.code} · ${f.id}`}</Title>
      <section>
        <h2>{f.summary}</h2>
        <div className="cards">
          <div className="card">
            <b className={`sev-${f.severity}`}>{f.severity}</b>
            <span>severity</span>
          </div>
          <div className="card">
            <b>{groupedMoney(f.revenue_at_stake)}</b>
            <span>revenue at stake</span>
          </div>
          <div className="card">
            <b>
              {f.period_from}…{f.period_to}
            </b>
            <span>periods</span>
          </div>
          <div className="card">
            <b id="status">{c.status}</b>
            <span>
              case{c.resolution ? ` (${c.resolution})` : ''}
              {c.assignee ? `, ${c.assignee}` : ''}
              {c.snoozed_until ? `, until ${c.snoozed_until}` : ''}
            </span>
          </div>
        </div>
        <p>
          {f.account_id && (
            <>
              account <Link href={`/accounts/${f.account_id}`}>{f.account_id}</Link> ·{' '}
            </>
          )}
          {f.staff_id && `staff ${f.staff_id} · `}
          {f.jurisdiction && `jurisdiction ${f.jurisdiction} · `}
          {f.activity ?? ''}
        </p>
        <p className="muted">
          settings <code>{JSON.stringify(f.settings)}</code>
        </p>
      </section>
      <section>
        <h2>Triage</h2>
        {principal.role === 'viewer' ? (
          <p className="muted">Viewers can read; analysts triage.</p>
        ) : (
          <Triage id={id} detail={data} reload={reload} />
        )}
        <h3>Comments</h3>
        <ul>
          {data.comments.length === 0 && <li>none</li>}
          {data.comments.map((m) => (
            <li key={`${m.commented_at}${m.author}${m.text}`}>
              {m.commented_at} {m.author}: {m.text}
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h2>Evidence</h2>
        <div className="table-box">
          <table>
            <thead>
              <tr>
                <th scope="col">table</th>
                <th scope="col">key</th>
                <th scope="col">fact and the rows it cites</th>
              </tr>
            </thead>
            <tbody>
              {f.evidence.map((e) => (
                <EvidenceRow key={`${e.table}${e.key}${e.fact}`} e={e} />
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
