import { type RuleRow, useApi } from '../api.ts';
import type { PageProps } from '../app.tsx';
import { DataTable } from '../components/data-table.tsx';
import { Field } from '../components/field.tsx';
import { Pending } from '../components/status.tsx';
import { Title } from '../components/title.tsx';
import { navigate, withQuery } from '../router.tsx';

export function RulesPage({ where }: PageProps) {
  const asked = where.query.get('at') ?? '';
  const at = /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : new Date().toISOString().slice(0, 10);
  const { data, error, loading } = useApi<RuleRow[]>(withQuery('/api/rules', { at }));
  return (
    <>
      <Title>Rulebook</Title>
      <section>
        <Field label="In force on">
          <input
            defaultValue={at}
            pattern="\d{4}-\d{2}-\d{2}"
            placeholder="YYYY-MM-DD"
            onChange={(e) =>
              /^\d{4}-\d{2}-\d{2}$/.test(e.target.value) &&
              navigate(withQuery('/rules', { at: e.target.value }), true)
            }
          />
        </Field>
        <h2>Rules in force on {at}</h2>
        <p className="muted">
          Only prohibited rules raise findings: Hong Kong's and Singapore's are licensing rules, shown but
          never raised (Daylight holds no licence register).
        </p>
        <Pending loading={loading} error={error} />
        {data && (
          <DataTable<RuleRow>
            rows={data}
            columns={[
              { title: 'jurisdiction', cell: (r) => r.jurisdiction },
              { title: 'activity', cell: (r) => r.activity },
              { title: 'status', cell: (r) => r.status },
              { title: 'from', cell: (r) => r.from, nowrap: true },
              { title: 'until (exclusive)', cell: (r) => r.to ?? '', nowrap: true },
              {
                title: 'instrument',
                cell: (r) => (
                  <>
                    <span lang={r.jurisdiction === 'CN' ? 'zh-CN' : 'en'}>
                      {`${r.instrument.number ?? ''} ${r.instrument.title}`.trim()}
                    </span>
                    <br />
                    <span className="muted" lang="en">
                      {r.instrument.title_en}
                    </span>
                  </>
                ),
              },
            ]}
          />
        )}
      </section>
    </>
  );
}
