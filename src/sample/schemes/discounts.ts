import { periodOf } from '../../contract/dates.ts';
import { CN_PLACES, date, FOREIGN_PLACES, type Planner } from '../planner.ts';

/** Discounts beyond policy: direct ones, and ones through an agent on exchange accounts. */
export function discounts(p: Planner): void {
  // Discounts beyond policy: direct ones, and ones through an agent on exchange p.accounts.
  p.times(3, () => {
    const a = p.account('deep-discount', {
      hq: p.rng.pick(['CN', 'US', 'JP']),
      place: p.rng.pick([...CN_PLACES, ...FOREIGN_PLACES]),
    });
    a.deals.push(
      p.newDeal({
        pct: p.rng.pick([22.5, 25, 30, 35]),
        from: date(p.rng, periodOf(a.created), '2022-10'),
        to: null,
        agent: null,
        approvedBy: p.owner(a),
      }),
    );
  });
  p.times(2, () => {
    const a = p.account('agent-discount-exchange', {
      hq: 'CN',
      place: p.rng.pick(CN_PLACES),
      declares: 'crypto.exchange',
    });
    a.deals.push(
      p.newDeal({
        pct: 30,
        from: date(p.rng, periodOf(a.created), '2022-10'),
        to: null,
        agent: 'AG-01',
        approvedBy: p.owner(a),
      }),
    );
  });
}
