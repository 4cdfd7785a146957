import { addMonths, periodOf } from '../../contract/dates.ts';
import type { PlannedAddress } from '../model.ts';
import { PLACES } from '../org.ts';
import { CN_PLACES, date, FOREIGN_PLACES, type Planner, postalIn } from '../planner.ts';
import { BENIGN_NOTES, FACILITATION_DECOYS } from '../text.ts';

/** Everyone else, up to the sample's size: ordinary domestic, inbound, outbound and foreign customers. */
export function background(p: Planner): void {
  while (p.accounts.length < p.size) {
    const r = p.rng.next();
    const [hq, place] =
      r < 0.45
        ? ['CN', p.rng.pick(CN_PLACES)]
        : r < 0.65
          ? ['CN', p.rng.pick(FOREIGN_PLACES)]
          : r < 0.75
            ? [p.rng.pick(['US', 'JP', 'DE', 'SG']), p.rng.pick(CN_PLACES)]
            : (() => {
                const foreign = p.rng.pick(FOREIGN_PLACES);
                return [PLACES[foreign]!.country, foreign];
              })();
    const a = p.account('background', { hq, place });
    if (p.rng.chance(0.08)) a.closed = date(p.rng, addMonths(periodOf(a.created), 6), '2022-11');
    if (a.closed && a.closed <= a.created) a.closed = null;
    if (p.rng.chance(0.15)) {
      const at = date(p.rng, addMonths(periodOf(a.created), 1), '2022-11');
      const last = a.addresses[0]!;
      const next: PlannedAddress = {
        from: at,
        place: last.place,
        postal: postalIn(p.rng, last.place),
        line1: `${p.rng.int(1, 999)} New Street`,
        changedBy: null,
        reason: 'customer moved office',
      };
      a.addresses.push(next);
    }
    if (p.rng.chance(0.1)) {
      const team = a.owners[0]!.team;
      a.owners.push({
        from: date(p.rng, addMonths(periodOf(a.created), 1), '2022-11'),
        team,
        staff: p.rng.pick(p.members(team)).id,
        changedBy: p.owner(a),
        reason: 'portfolio rebalancing',
      });
    }
    if (p.rng.chance(0.12))
      a.deals.push(
        p.newDeal({
          pct: p.rng.pick([5, 10, 12.5, 15, 20]),
          from: date(p.rng, periodOf(a.created), '2022-10'),
          to: null,
          agent: p.rng.chance(0.3) ? p.rng.pick(['AG-01', 'AG-02', 'AG-03']) : null,
          approvedBy: p.owner(a),
        }),
      );
    if (p.rng.chance(0.3)) {
      const t = p.rng.pick(BENIGN_NOTES);
      p.note(
        a,
        p.owner(a),
        date(p.rng, periodOf(a.created), '2022-11'),
        t[0],
        t[1],
        p.rng.pick(['call', 'meeting', 'email']),
      );
    }
    if (p.rng.chance(0.02)) {
      const t = p.rng.pick(FACILITATION_DECOYS);
      p.note(a, p.owner(a), date(p.rng, periodOf(a.created), '2022-11'), t.subject, t.body);
    }
    if (p.rng.chance(0.6))
      a.payments.push({ from: a.created, kind: p.rng.pick(['card', 'bank', 'invoice']), issuer: a.hq });
    if (p.rng.chance(0.03)) a.loginPattern = [a.hq, a.hq, 'CN'];
  }
}
