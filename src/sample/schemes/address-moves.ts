import { addDays, addMonths, periodOf } from '../../contract/dates.ts';
import { PLACES } from '../org.ts';
import { date, FIRST_PERIOD, type Planner, postalIn } from '../planner.ts';

/** Billing addresses moved into the changer's own territory, with and without deals and agents, and moves that must not fire. */
export function addressMoves(p: Planner): void {
  // Overseas customers whose billing address a mainland account manager moved into their own territory.
  const moved = (
    archetype: string,
    by: string,
    toPlace: string,
    changedByStaff = true,
    latest = '2022-08',
  ) => {
    const a = p.account(archetype, {
      hq: 'CN',
      place: p.rng.pick(['singapore', 'hongkong', 'sanfrancisco']),
      created: date(p.rng, FIRST_PERIOD, '2021-06'),
    });
    const at = date(p.rng, addMonths(periodOf(a.created), 3), latest);
    const changer = changedByStaff ? p.rng.pick(p.members(by)).id : null;
    a.addresses.push({
      from: at,
      place: toPlace,
      postal: postalIn(p.rng, toPlace),
      line1: `${p.rng.int(1, 999)} ${PLACES[toPlace]!.city} Avenue`,
      changedBy: changer,
      reason: 'customer request',
    });
    return { a, at };
  };
  const cnTeams = [
    ['T-CD', 'chengdu'],
    ['T-SZ', 'shenzhen'],
    ['T-BJ', 'beijing'],
  ] as const;
  p.times(3, (i) => {
    const [team, place] = cnTeams[i % 3]!;
    const { a, at } = moved('self-credited', team, place);
    a.selfCredited.push({ date: at, high: false });
  });
  p.times(2, (i) => {
    const [team, place] = cnTeams[i % 3]!;
    const { a, at } = moved('self-credited-agent', team, place);
    a.selfCredited.push({ date: at, high: true });
    a.deals.push(
      p.newDeal({
        pct: i % 2 === 0 ? 15 : 25,
        from: addDays(at, p.rng.int(-80, 80)),
        to: null,
        agent: p.rng.pick(['AG-01', 'AG-02']),
        approvedBy: p.owner(a),
      }),
    );
  });
  p.times(1, () => {
    const { a, at } = moved('self-credited-late-deal', 'T-CD', 'chengdu', true, '2022-03');
    a.selfCredited.push({ date: at, high: false });
    a.deals.push(
      p.newDeal({ pct: 40, from: addDays(at, 200), to: null, agent: 'AG-01', approvedBy: p.owner(a) }),
    );
  });
  p.times(1, () => moved('address-customer', 'T-CD', 'chengdu', false));
  p.times(1, () => moved('address-not-own-region', 'T-CD', 'beijing'));
  p.times(1, () => {
    const a = p.account('address-within-region', { hq: 'CN', place: 'chengdu', team: 'T-CD' });
    const at = date(p.rng, addMonths(periodOf(a.created), 2), '2022-10');
    a.addresses.push({
      from: at,
      place: 'chengdu',
      postal: postalIn(p.rng, 'chengdu'),
      line1: '8 Tianfu Avenue',
      changedBy: p.rng.pick(p.members('T-CD')).id,
      reason: 'office move',
    });
  });
}
