import { addDays } from '../../contract/dates.ts';
import { date, FIRST_PERIOD, type Planner } from '../planner.ts';

/** Exchanges incubated by mainland teams and moved offshore; transfers the FSI team declined or left pending. */
export function transfers(p: Planner): void {
  // Exchanges incubated by a mainland team, then moved offshore.
  const incubated = (archetype: string, fromPlace: string, to: () => { team: string; staff: string }) => {
    const a = p.account(archetype, {
      hq: 'CN',
      place: fromPlace,
      declares: 'crypto.exchange',
      created: date(p.rng, FIRST_PERIOD, '2021-06'),
    });
    const at = p.transferDate(a);
    const target = to();
    a.requests.push({
      id: p.nextRequestId(),
      requestedAt: addDays(at, -14),
      from: a.owners[0]!.team,
      to: target.team,
      by: p.owner(a),
      decision: 'accepted',
      decidedAt: addDays(at, -1),
      decidedBy: target.staff,
      reason: 'customer grew',
    });
    p.moveOwner(a, at, target.team, target.staff, 'moved to the team that serves large customers');
    return a;
  };
  p.times(2, () =>
    incubated('transfer-hk', 'shenzhen', () => ({ team: 'T-HK', staff: p.rng.pick(p.members('T-HK')).id })),
  );
  p.times(2, () =>
    incubated('transfer-fsi-onshore', 'beijing', () => ({
      team: 'T-FSI',
      staff: p.rng.pick(p.fsi('CN')).id,
    })),
  );
  p.times(1, () =>
    incubated('transfer-fsi-offshore', 'shanghai', () => ({
      team: 'T-FSI',
      staff: p.rng.pick(p.fsi('SG')).id,
    })),
  );
  p.times(2, () =>
    incubated('transfer-same-country', 'beijing', () => ({
      team: 'T-SH',
      staff: p.rng.pick(p.members('T-SH')).id,
    })),
  );
  p.times(1, () => {
    const a = p.account('transfer-benign', { hq: 'CN', place: 'shenzhen' });
    p.moveOwner(
      a,
      p.transferDate(a),
      'T-HK',
      p.rng.pick(p.members('T-HK')).id,
      'customer expanding to Hong Kong',
    );
  });
  // Deals the FSI team declined stay with the mainland team.
  const requested = (archetype: string, decision: 'rejected' | 'pending', declares?: 'crypto.exchange') => {
    const a = p.account(archetype, {
      hq: 'CN',
      place: 'chengdu',
      declares,
      created: date(p.rng, FIRST_PERIOD, '2021-06'),
    });
    const at = p.transferDate(a);
    a.requests.push({
      id: p.nextRequestId(),
      requestedAt: addDays(at, -20),
      from: 'T-CD',
      to: 'T-FSI',
      by: p.owner(a),
      decision,
      decidedAt: decision === 'pending' ? null : at,
      decidedBy: decision === 'pending' ? null : p.rng.pick(p.fsi('SG')).id,
      reason: decision === 'rejected' ? 'declined: outside FSI appetite' : '',
    });
    return a;
  };
  p.times(3, () => requested('retained', 'rejected', 'crypto.exchange'));
  p.times(1, () => requested('rejected-benign', 'rejected'));
  p.times(1, () => requested('pending-exchange', 'pending', 'crypto.exchange'));
}
