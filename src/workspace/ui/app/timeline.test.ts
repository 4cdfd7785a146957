import { describe, expect, it } from 'vitest';
import type { AccountDetail } from './api.ts';
import { describeEntry } from './ledger-text.ts';
import { accountTimeline } from './timeline.ts';

const verdict = (period: string, jurisdiction = 'CN') => ({
  period,
  jurisdiction,
  activity: 'crypto.exchange',
  strength: 'confirmed',
});

const detail = {
  account: { account_id: 'A1' },
  billing_addresses: [
    { valid_from: '2021-03-01', country: 'CN', postal_code: '610000', city: 'Chengdu' },
    {
      valid_from: '2021-09-07',
      country: 'SG',
      postal_code: '093461',
      changed_by: 'S-9',
      reason: 'customer asked',
    },
  ],
  ownership: [{ valid_from: '2021-03-01', team_id: 'T-CD', owner_staff_id: 'S-1' }],
  transfer_requests: [
    {
      requested_at: '2021-08-02',
      from_team_id: 'T-CD',
      to_team_id: 'T-FSI',
      requested_by: 'S-1',
      decision: 'rejected',
      decided_by: 'S-7',
      decided_at: '2021-08-05',
      reason: null,
    },
  ],
  payment_methods: [],
  activities: [
    { occurred_at: '2021-05-02T09:00:00Z', type: 'note', staff_id: 'S-1', subject: 'runs a node' },
  ],
  deals: [
    { valid_from: '2021-10-01', deal_id: 'D1', discount_pct: '30', agent_id: 'AG-1', approved_by: 'S-2' },
  ],
  nexus: [],
  findings: [
    { id: 'poa-1', code: 'paper-offshore-account', summary: 'billed in SG', period_from: '2021-09' },
  ],
  verdicts: [
    verdict('2021-12'),
    verdict('2021-10'),
    verdict('2021-11'),
    verdict('2022-02'),
    verdict('2021-11', 'HK'),
  ],
  revenue_by_month: [],
} as unknown as AccountDetail;

describe('the account timeline', () => {
  it('puts every kind of event in date order, with who changed what and why', () => {
    const events = accountTimeline(detail);
    expect(events.map((e) => `${e.date} ${e.kind}`)).toEqual([
      '2021-03-01 address',
      '2021-03-01 owner',
      '2021-05-02 activity',
      '2021-08-02 transfer',
      '2021-09-01 finding',
      '2021-09-07 address',
      '2021-10-01 deal',
      '2021-10-01 verdict',
      '2021-11-01 verdict',
      '2022-02-01 verdict',
    ]);
    expect(events[3]!.text).toBe(
      'transfer from team T-CD to T-FSI asked by S-1: rejected by S-7 on 2021-08-05',
    );
    expect(events[5]!.text).toBe('billing address SG 093461 by S-9 (customer asked)');
    expect(events[6]!.text).toBe('deal D1: 30 % discount through agent AG-1, approved by S-2');
    expect(events[4]!.finding).toBe('poa-1');
  });

  it('joins consecutive months of one verdict and starts again after a gap', () => {
    const verdicts = accountTimeline(detail).filter((e) => e.kind === 'verdict');
    expect(verdicts.map((e) => e.text)).toEqual([
      'crypto.exchange prohibited in CN (confirmed evidence), 2021-10 to 2021-12',
      'crypto.exchange prohibited in HK (confirmed evidence), 2021-11',
      'crypto.exchange prohibited in CN (confirmed evidence), 2022-02',
    ]);
  });

  it('says what each ledger entry records', () => {
    expect(
      describeEntry({
        finding_id: 'pa-1',
        before: { status: 'open' },
        after: { status: 'closed' },
        why: 'checked',
      }),
    ).toBe('pa-1: open → closed (checked)');
    expect(describeEntry({ finding_id: 'pa-1', comment: 'see deal D1' })).toBe(
      'comment on pa-1: see deal D1',
    );
    expect(describeEntry({ user: 'ana', role: 'analyst', change: 'added' })).toBe(
      'user ana: added as analyst',
    );
    expect(
      describeEntry(
        {
          id: 'dec-1',
          decision: 'deny',
          snapshot_id: 's1',
          proposal: { kind: 'transfer', account_id: 'A1', at: '2023-01-05' },
        },
        'decision',
      ),
    ).toBe('decision dec-1: deny for a transfer of account A1 on 2023-01-05 (snapshot s1)');
    expect(
      describeEntry(
        {
          replay_id: 'rep-1',
          snapshot_id: 's1',
          run_id: 'r1',
          summary: { events: 9, flagged: { total: 3, allow: 1 } },
        },
        'replay',
      ),
    ).toBe('replay rep-1 of snapshot s1: 9 events, 2 of 3 later-found events stopped or reviewed');
  });
});
