import { useMemo } from 'react';
import { pagePath } from '../../paths.ts';
import type { DecisionRow, ReplayAnswer, ReplayEvent } from '../api.ts';
import { useApi } from '../api.ts';
import { Chart } from '../components/chart.tsx';
import { DataTable } from '../components/data-table.tsx';
import { Pending } from '../components/status.tsx';
import { Title } from '../components/title.tsx';
import { Link } from '../router.tsx';

const DECISION_COLOURS = { deny: '#b42318', review: '#b54708', allow: '#667085' } as const;

function Reasons({ reasons }: { reasons: ReplayEvent['reasons'] }) {
  if (reasons.length === 0) return <span className="muted">none</span>;
  return (
    <>
      {reasons.map((r) => (
        <div key={r.code}>
          <code>{r.code}</code> <span className={`sev-${r.severity}`}>{r.severity}</span>
        </div>
      ))}
    </>
  );
}

function ReplaySection() {
  const { data, error, loading } = useApi<ReplayAnswer>('/api/replay');
  const replay = data?.replay;
  const chart = useMemo(() => {
    if (!replay) return null;
    const { flagged, ordinary } = replay.summary;
    const bar = (name: keyof typeof DECISION_COLOURS, a: number, b: number) => ({
      name,
      type: 'bar',
      stack: 'all',
      itemStyle: { color: DECISION_COLOURS[name] },
      data: [a, b],
    });
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 150, right: 16, top: 32, bottom: 24 },
      yAxis: { type: 'category', data: ['later found', 'ordinary'] },
      xAxis: { type: 'value' },
      series: [
        bar('deny', flagged.deny, 0),
        bar('review', flagged.review, ordinary.held),
        bar('allow', flagged.allow, ordinary.total - ordinary.held),
      ],
    };
  }, [replay]);
  return (
    <section>
      <h2>Replay of the history</h2>
      <Pending loading={loading} error={error} />
      {data && !replay && (
        <p className="muted">
          No replay yet: <code>daylight replay BUNDLE --out DIR</code> asks the gate at every address change,
          transfer and deal of the history.
        </p>
      )}
      {replay && chart && (
        <>
          <p className="muted">
            Snapshot <code>{replay.snapshot_id}</code>, replayed {replay.replayed_at}. Each event judged on
            what was known the day before.
          </p>
          <div className="cards">
            <div className="card">
              <b>
                {replay.summary.flagged.deny + replay.summary.flagged.review} of{' '}
                {replay.summary.flagged.total}
              </b>
              <span>
                events that later became findings stopped ({replay.summary.flagged.deny} denied) or sent to
                review ({replay.summary.flagged.review})
              </span>
            </div>
            <div className="card">
              <b>
                {replay.summary.ordinary.held} of {replay.summary.ordinary.total} (
                {replay.summary.ordinary.heldPct} %)
              </b>
              <span>ordinary events held up: the cost of asking</span>
            </div>
          </div>
          <Chart
            option={chart}
            label="Decisions of the replay: later-found and ordinary events"
            height={160}
          />
          <h3>Events held up or later found</h3>
          <DataTable<ReplayEvent>
            rows={replay.notable}
            columns={[
              { title: 'day', cell: (e) => e.at, nowrap: true },
              { title: 'change', cell: (e) => e.kind },
              {
                title: 'account',
                cell: (e) => <Link href={pagePath('account', { id: e.account_id })}>{e.account_id}</Link>,
              },
              {
                title: 'decision',
                cell: (e) => <strong className={`dec-${e.decision}`}>{e.decision}</strong>,
              },
              { title: 'reasons', cell: (e) => <Reasons reasons={e.reasons} /> },
              {
                title: 'later findings',
                cell: (e) =>
                  e.became.length ? (
                    e.became.map((id) => (
                      <div key={id}>
                        <Link href={pagePath('finding', { id })}>{id}</Link>
                      </div>
                    ))
                  ) : (
                    <span className="muted">none</span>
                  ),
              },
            ]}
          />
        </>
      )}
    </section>
  );
}

function RecentDecisions() {
  const { data, error, loading } = useApi<DecisionRow[]>('/api/decisions?limit=100');
  return (
    <section>
      <h2>Recent decisions</h2>
      <p className="muted">
        Asked through <code>POST /api/decisions</code> or <code>daylight decide</code> before a change takes
        effect.
      </p>
      <Pending loading={loading} error={error} />
      {data && (
        <DataTable<DecisionRow>
          rows={data}
          columns={[
            { title: 'decided', cell: (d) => d.decided_at, nowrap: true },
            { title: 'asked by', cell: (d) => d.actor },
            { title: 'change', cell: (d) => String(d.proposal.kind) },
            { title: 'account', cell: (d) => String(d.proposal.account_id) },
            { title: 'on', cell: (d) => String(d.proposal.at), nowrap: true },
            { title: 'decision', cell: (d) => <strong className={`dec-${d.decision}`}>{d.decision}</strong> },
            { title: 'reasons', cell: (d) => <Reasons reasons={d.reasons} /> },
            { title: 'id', cell: (d) => <code>{d.id}</code>, nowrap: true },
          ]}
        />
      )}
    </section>
  );
}

export function DecisionsPage() {
  return (
    <>
      <Title>Decisions</Title>
      <ReplaySection />
      <RecentDecisions />
    </>
  );
}
